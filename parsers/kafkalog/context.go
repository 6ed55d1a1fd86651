package kafkalog

import (
	"bytes"
	"net/netip"
	"strconv"
	"strings"
)

// logContext is the "[Producer clientId=x, transactionalId=y] " prefix
// Kafka's LogContext puts in front of a message.
type logContext struct {
	// Component is the word before the first key ("Producer",
	// "SocketServer"); empty when the message has no prefix.
	Component string
	Client    string // clientId
	Group     string // groupId, "" when printed as null
	// ID is the broker/node id of a server-side prefix (id=, nodeId=,
	// brokerId=), "" for clients.
	ID string
}

// clientComponents and brokerComponents tell which side printed a line.
var (
	clientComponents = map[string]bool{
		"Producer": true, "Consumer": true, "AdminClient": true, "ShareConsumer": true,
		"Worker": true, "StreamThread": true,
	}
	brokerComponents = map[string]bool{
		"KafkaServer": true, "BrokerServer": true, "KafkaRaftServer": true, "ControllerServer": true,
		"SocketServer": true, "RaftManager": true, "TransactionCoordinator": true,
		"GroupCoordinator": true, "ReplicaFetcher": true, "ReplicaAlterLogDirsThread": true,
		"AddPartitionsToTxnManager": true, "BrokerLifecycleManager": true, "QuorumController": true,
		"Controller": true, "KafkaApi": true, "ReplicaManager": true, "Log": true, "UnifiedLog": true,
		"Partition": true, "BrokerToControllerChannelManager": true, "NodeToControllerChannelManager": true,
		"SharedServer": true, "LogLoader": true, "LocalLog": true, "ProducerStateManager": true,
		"GroupMetadataManager": true, "TransactionStateManager": true, "LogCleaner": true,
	}
)

// parseContext splits msg into its log-context prefix and the rest.
func parseContext(msg string) (logContext, string) {
	var c logContext
	if len(msg) < 4 || msg[0] != '[' {
		return c, msg
	}
	end := strings.Index(msg, "] ")
	if end < 0 {
		if !strings.HasSuffix(msg, "]") {
			return c, msg
		}
		end = len(msg) - 1
	}
	inner := msg[1:end]
	sp := strings.IndexByte(inner, ' ')
	if sp <= 0 || !strings.Contains(inner, "=") {
		return c, msg
	}
	c.Component = inner[:sp]
	// Pairs are ", "-separated ("clientId=a, groupId=b") or, in some
	// broker components, space-separated ("id=1 name=forwarding").
	for _, kv := range strings.FieldsFunc(inner[sp+1:], func(r rune) bool { return r == ' ' || r == ',' }) {
		k, v, ok := strings.Cut(kv, "=")
		if !ok {
			return logContext{}, msg
		}
		switch k {
		case "clientId":
			c.Client = v
		case "groupId":
			if v != "null" {
				c.Group = v
			}
		case "id", "nodeId", "brokerId", "replicaId":
			if c.ID == "" {
				c.ID = v
			}
		}
	}
	rest := ""
	if end+2 <= len(msg) {
		rest = msg[end+2:]
	}
	return c, rest
}

// hasKafkaContext reports whether msg starts with a Kafka log-context
// prefix, for Sniff.
func hasKafkaContext(msg []byte) bool {
	c, _ := parseContext(string(msg))
	return clientComponents[c.Component] || brokerComponents[c.Component]
}

// isKafkaLogger accepts Kafka's loggers, full or abbreviated as logback
// ("o.a.k.c.NetworkClient", "o.a.kafka.common...") or Quarkus
// ("org.apa.kaf.cli.NetworkClient") print them: the first three segments
// are prefixes of org, apache and kafka. It runs on every header line, so
// it works on bytes and allocates nothing.
func isKafkaLogger(l []byte) bool {
	if bytes.HasPrefix(l, []byte("org.apache.kafka.")) || bytes.HasPrefix(l, []byte("kafka.")) {
		return true
	}
	for _, full := range [...]string{"org", "apache", "kafka"} {
		seg, rest, ok := bytes.Cut(l, []byte("."))
		if !ok || len(seg) == 0 || len(seg) > len(full) || string(seg) != full[:len(seg)] {
			return false
		}
		l = rest
	}
	return true
}

// brokerLoggerPrefixes are the packages only a broker (or controller) has.
var brokerLoggerPrefixes = [...]string{
	"kafka.", "org.apache.kafka.server.", "org.apache.kafka.raft.", "org.apache.kafka.controller.",
	"org.apache.kafka.storage.", "org.apache.kafka.metadata.", "org.apache.kafka.image.",
}

// isBrokerLogger reports loggers only a broker (or controller) has.
func isBrokerLogger(l []byte) bool {
	for _, p := range brokerLoggerPrefixes {
		if len(l) >= len(p) && string(l[:len(p)]) == p {
			return true
		}
	}
	return false
}

// isClientLogger reports loggers of the client library and apps built on it.
func isClientLogger(l string) bool {
	return strings.HasPrefix(l, "org.apache.kafka.clients.") || strings.HasPrefix(l, "o.a.k.c.") ||
		strings.HasPrefix(l, "org.apache.kafka.connect.") || strings.HasPrefix(l, "org.apache.kafka.streams.")
}

// endpoint is a remote address as Kafka prints it.
type endpoint struct {
	Host string // host name, "" when only an IP was printed
	Addr netip.AddrPort
	// Port is set even when the host did not resolve (no Addr).
	Port uint16
}

// parseEndpoint reads InetSocketAddress.toString() and Node host:port forms:
// "host/1.2.3.4:9092", "/1.2.3.4:9092", "host:9092", "host/<unresolved>:9092",
// "localhost/0:0:0:0:0:0:0:1:9092", "[::1]:9092".
func parseEndpoint(s string) (endpoint, bool) {
	var e endpoint
	colon := strings.LastIndexByte(s, ':')
	if colon <= 0 || colon == len(s)-1 {
		return e, false
	}
	port, err := strconv.ParseUint(s[colon+1:], 10, 16)
	if err != nil {
		return e, false
	}
	e.Port = uint16(port)
	hostPart := s[:colon]
	name, ip := hostPart, ""
	if slash := strings.IndexByte(hostPart, '/'); slash >= 0 {
		name, ip = hostPart[:slash], hostPart[slash+1:]
	}
	ip = strings.TrimSuffix(strings.TrimPrefix(ip, "["), "]")
	name = strings.TrimSuffix(strings.TrimPrefix(name, "["), "]")
	if ip == "" || ip == "<unresolved>" {
		if a, err := netip.ParseAddr(name); err == nil {
			e.Addr = netip.AddrPortFrom(a.Unmap(), e.Port)
			return e, true
		}
		if !validHostName(name) {
			return e, false
		}
		e.Host = name
		return e, true
	}
	a, err := netip.ParseAddr(ip)
	if err != nil {
		return e, false
	}
	e.Addr = netip.AddrPortFrom(a.Unmap(), e.Port)
	if name != "" && validHostName(name) {
		e.Host = name
	}
	return e, true
}

// parsePeer reads a broker-side socket description: "/1.2.3.4",
// "host/1.2.3.4", "1.2.3.4", optionally with ":port".
func parsePeer(s string) (netip.Addr, bool) {
	if slash := strings.LastIndexByte(s, '/'); slash >= 0 {
		s = s[slash+1:]
	}
	if a, err := netip.ParseAddr(s); err == nil {
		return a.Unmap(), true
	}
	if ap, err := netip.ParseAddrPort(s); err == nil {
		return ap.Addr().Unmap(), true
	}
	if colon := strings.LastIndexByte(s, ':'); colon > 0 {
		if a, err := netip.ParseAddr(s[:colon]); err == nil {
			return a.Unmap(), true
		}
	}
	return netip.Addr{}, false
}

func validHostName(s string) bool {
	if s == "" || len(s) > 253 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '-' || c == '.' || c == '_' || isDigit(c) || (c|0x20 >= 'a' && c|0x20 <= 'z')) {
			return false
		}
	}
	return true
}
