package kafkalog

import (
	"bytes"
	"strings"
	"unicode/utf8"

	"github.com/kafkadiag/kafkadiag/analyzer"
)

// dumpScopes maps AbstractConfig.logAll's first line ("ProducerConfig
// values:") to the Config scope. The logger is not used: it changed to
// AbstractConfig on the 4.0 line.
var dumpScopes = [...]struct{ class, scope string }{
	{"ProducerConfig", "producer"},
	{"ConsumerConfig", "consumer"},
	{"ShareConsumerConfig", "consumer"},
	{"AdminClientConfig", "admin"},
	{"KafkaConfig", "broker"},
}

// configDumpScope reports whether msg opens a config dump, and its scope.
func configDumpScope(msg []byte) (string, bool) {
	// Nearly every message ends in an ASCII byte other than ':' (after
	// ASCII spaces): say no before trimming and comparing. Non-ASCII may be
	// a Unicode space TrimSpace removes.
	end := len(msg)
	for end > 0 && asciiSpace(msg[end-1]) {
		end--
	}
	if end == 0 || (msg[end-1] != ':' && msg[end-1] < utf8.RuneSelf) {
		return "", false
	}
	m := bytes.TrimSpace(msg)
	cls, ok := bytes.CutSuffix(m, []byte(" values:"))
	if !ok {
		return "", false
	}
	for _, s := range dumpScopes {
		if string(cls) == s.class {
			return s.scope, true
		}
	}
	return "", false
}

func asciiSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

// keptSettings are the keys that explain connection behaviour; the rest of
// a dump (hundreds of keys) is dropped.
var keptSettings = map[string]bool{
	"bootstrap.servers": true, "client.id": true, "group.id": true, "group.instance.id": true,
	"transactional.id": true, "broker.id": true, "node.id": true, "process.roles": true,
	"security.protocol": true, "sasl.mechanism": true, "ssl.endpoint.identification.algorithm": true,
	"ssl.protocol": true, "ssl.enabled.protocols": true, "client.dns.lookup": true,
	"connections.max.idle.ms": true, "reconnect.backoff.ms": true, "reconnect.backoff.max.ms": true,
	"retries": true, "retry.backoff.ms": true, "retry.backoff.max.ms": true,
	"request.timeout.ms": true, "delivery.timeout.ms": true, "max.block.ms": true, "linger.ms": true,
	"metadata.max.age.ms": true, "session.timeout.ms": true, "heartbeat.interval.ms": true,
	"max.poll.interval.ms": true, "default.api.timeout.ms": true,
	"socket.connection.setup.timeout.ms": true, "socket.connection.setup.timeout.max.ms": true,
	"listeners": true, "advertised.listeners": true, "listener.security.protocol.map": true,
	"inter.broker.listener.name": true, "security.inter.broker.protocol": true,
	"controller.listener.names": true, "socket.request.max.bytes": true, "max.connections.per.ip": true,
	"max.connections": true, "sasl.enabled.mechanisms": true, "sasl.mechanism.inter.broker.protocol": true,
	"ssl.client.auth": true, "zookeeper.connect": true, "controller.quorum.voters": true,
}

// setting is one kept "key = value" line of a dump.
type setting struct{ key, value string }

// configLine keeps one "\tkey = value" line of a config dump.
func (e *entry) configLine(t []byte) {
	k, v, ok := bytes.Cut(t, []byte(" = "))
	if !ok || !keptSettings[string(k)] {
		return
	}
	e.settings = append(e.settings, setting{key: string(k), value: string(bytes.TrimSpace(v))})
}

// emitConfig sends a finished dump's settings, naming the client (or the
// broker) the dump belongs to.
func (d *LineDecoder) emitConfig(e *entry) {
	owner := ""
	for _, s := range e.settings {
		switch s.key {
		case "client.id":
			if e.dump != "broker" && s.value != "" {
				owner = s.value
			}
		case "broker.id", "node.id":
			if e.dump == "broker" && owner == "" && s.value != "" && !strings.HasPrefix(s.value, "-") {
				owner = s.value
			}
		}
	}
	if e.dump == "broker" {
		d.sawBroker = true
		if owner != "" {
			d.brokerID = owner
		}
	}
	for _, s := range e.settings {
		d.sink.Config(analyzer.Config{Scope: e.dump, Client: owner, Key: s.key, Value: s.value, Source: e.loc})
	}
}
