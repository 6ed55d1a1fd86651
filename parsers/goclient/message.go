package goclient

import (
	"bytes"

	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/parsers/internal/text"
)

// role says how a recognised message counts.
type role uint8

const (
	roleNone role = iota
	// rolePrimary is the client's own report of one failed attempt
	// (sarama "Failed to connect to broker", kafka-go "failed to open
	// connection to", franz-go "unable to open connection to broker"):
	// always an event.
	rolePrimary
	// roleEcho is a line that passes on an error already reported
	// (sarama "client/metadata got error from broker -1 …", franz-go's
	// debug "connection initialization failed"): an event only when the
	// primary line was not logged just before it.
	roleEcho
	// roleGeneric is a Go network error inside an application's own
	// message ("failed to write messages: dial tcp …"): read like an echo,
	// and only in inputs already known to come from a Kafka client.
	roleGeneric
	// roleGiveUp is sarama's "kafka: client has run out of available
	// brokers to talk to": the client gave up on every broker.
	roleGiveUp
	// roleChatter is a client's line that says nothing about a failure
	// (kafka-go "initializing kafka reader for partition …"): it names
	// the client, no event.
	roleChatter
	// roleNode is sarama's "Connected to broker at h:p (registered as
	// #N)": it teaches a node, it is no event.
	roleNode
)

// Program names set in Event.Program.
const (
	progSarama  = "sarama"
	progKafkaGo = "kafka-go"
	progFranz   = "franz-go"
	// progGo names a Go client not told by the line; the decoder replaces
	// it with the client its input was recognised as.
	progGo = "go-kafka-client"
)

// match is a message recognised as a client's. Byte fields are sub-slices
// of the line.
type match struct {
	role    role
	program string
	// sasl is set by templates that say the SASL step failed, whatever
	// error they carry; plainListener by franz-go's "immediate EOF, which
	// often means the client is using TLS when the broker is not
	// expecting it".
	sasl, plainListener bool
	// target is the broker "host:port" the template named; err the error
	// text it carried; node a broker id ("-1" for seeds).
	target, err, node []byte
}

// matchMessage recognises a client's message. It allocates nothing.
func matchMessage(h *header) match {
	if m, ok := matchFranz(h); ok {
		return m
	}
	if m := matchText(h.msg); m.role != roleNone || len(h.err) == 0 {
		return m
	}
	// A key=value logger's error field: logrus' error="kafka: …".
	return matchText(h.err)
}

// matchText recognises a sarama or kafka-go message, or a bare Go error.
func matchText(msg []byte) match {
	if m, ok := matchSarama(msg); ok {
		return m
	}
	if m, ok := matchKafkaGo(msg); ok {
		return m
	}
	if core := errCore(msg); core != nil {
		return match{role: roleGeneric, program: progGo, err: core}
	}
	return match{}
}

// kafkaGoReader are the kafka-go Reader and Writer messages that carry a
// failed attempt's error after their first ": " (reader.go, writer.go).
var kafkaGoReader = [...]string{
	"error initializing the kafka reader for partition ",
	"kafka reader failed to read lag of partition ",
	"failed to read from current broker ",
	"the kafka reader got an unknown error reading partition ",
	"error writing messages to ",
	"Unable to establish connection to consumer group coordinator for group ",
}

// matchKafkaGo reads kafka-go's Reader/Writer log lines and its dial
// errors wherever an application prints them.
func matchKafkaGo(msg []byte) (match, bool) {
	m := match{program: progKafkaGo}
	if hasPrefix(msg, "initializing kafka reader for partition ") {
		m.role = roleChatter
		return m, true
	}
	for _, p := range kafkaGoReader {
		if hasPrefix(msg, p) {
			m.role = rolePrimary
			_, m.err, _ = bytes.Cut(msg[len(p):], []byte(": "))
			break
		}
	}
	if i := bytes.Index(msg, []byte("failed to open connection to ")); i >= 0 {
		if m.role == roleNone {
			// The Dialer's error as an application printed it: one
			// attempt, or the echo of one the Reader just logged.
			m.role = roleEcho
		}
		m.target, m.err = targetAndErr(msg[i+len("failed to open connection to "):])
		return m, true
	}
	if m.role != roleNone {
		return m, true
	}
	// kafka-go's Dialer wraps what fails before the TCP connection is
	// named (the TLS handshake) as "failed to dial: %w".
	if i := bytes.Index(msg, []byte("failed to dial: ")); i >= 0 {
		if rest := msg[i+len("failed to dial: "):]; len(errCore(rest)) == len(rest) {
			m.role, m.err = roleEcho, rest
			return m, true
		}
	}
	return m, false
}

// matchFranz reads franz-go's logger messages; their parts come as
// key/value fields (BasicLogger "; addr: …", kslog addr=…). An adapter
// may put its logger's name before the message ("kafka-client: unable to
// open connection to broker …"): franz-go's messages are its own words,
// so one after a name is read as well.
func matchFranz(h *header) (match, bool) {
	if m, ok := matchFranzMsg(h, h.msg); ok {
		return m, true
	}
	if rest, ok := cutLoggerName(h.msg); ok {
		return matchFranzMsg(h, rest)
	}
	return match{}, false
}

// cutLoggerName takes a "name: " off msg: a word of letters, digits and
// "-_." of at most maxLoggerName bytes.
func cutLoggerName(msg []byte) ([]byte, bool) {
	i := bytes.Index(msg[:min(len(msg), maxLoggerName+2)], []byte(": "))
	if i <= 0 {
		return msg, false
	}
	for _, c := range msg[:i] {
		if !isNameByte(c) {
			return msg, false
		}
	}
	return msg[i+2:], true
}

// maxLoggerName bounds a logger's name: a word, not a sentence.
const maxLoggerName = 32

// matchFranzMsg reads msg as one of franz-go's messages.
func matchFranzMsg(h *header, msg []byte) (match, bool) {
	m := match{program: progFranz, target: h.addr, err: h.err, node: franzNode(h.broker)}
	switch {
	case bytes.HasPrefix(msg, []byte("unable to open connection to broker due to an immediate EOF")):
		m.role, m.plainListener = rolePrimary, true
	case bytes.HasPrefix(msg, []byte("unable to open connection to broker")),
		bytes.HasPrefix(msg, []byte("read from broker errored, killing connection")):
		m.role = rolePrimary
	case bytes.HasPrefix(msg, []byte("unable to initialize sasl")):
		m.role, m.sasl = rolePrimary, true
	case bytes.HasPrefix(msg, []byte("connection initialization failed")):
		m.role = roleEcho
	default:
		return m, false
	}
	if len(m.err) == 0 {
		// A JSON record (slog's JSONHandler) keeps the reason in its "err"
		// field, which the envelope parser appends: "<message>: <err>".
		if i := bytes.Index(msg, []byte(": ")); i >= 0 {
			m.err = msg[i+2:]
		}
	}
	return m, true
}

// franzNode is the node id of franz-go's broker field: "seed_0" is a
// bootstrap entry ("-1", as the other parsers say), digits a broker id.
func franzNode(b []byte) []byte {
	if bytes.HasPrefix(b, []byte("seed_")) {
		return []byte("-1")
	}
	for _, c := range b {
		if !isDigit(c) {
			return nil
		}
	}
	return b
}

// matchSarama reads sarama's Logger messages (broker.go, client.go).
func matchSarama(msg []byte) (match, bool) {
	m := match{program: progSarama}
	switch {
	case text.Has(msg, "kafka: client has run out of available brokers"):
		m.role = roleGiveUp
		if i := bytes.Index(msg, []byte("to talk to: ")); i >= 0 {
			m.err = msg[i+len("to talk to: "):]
			// An application quoting the error (telegraf: error was
			// "kafka: client has run out …: dial tcp …") ends it with the
			// closing quote.
			if j := bytes.Index(msg, []byte("kafka: client has run out")); j > 0 && msg[j-1] == '"' {
				m.err = bytes.TrimSuffix(m.err, []byte{'"'})
			}
		}
	case hasPrefix(msg, "Failed to connect to broker "):
		m.role = rolePrimary
		m.target, m.err = targetAndErr(msg[len("Failed to connect to broker "):])
	case hasPrefix(msg, "Failed to send ApiVersionsRequest V0 "):
		// sarama retries a failed ApiVersions at V0 on the same
		// connection and logs the stored error again.
		m.role = roleEcho
		m.target, m.err = saramaTarget(msg)
	case hasPrefix(msg, "Failed to send ") || hasPrefix(msg, "Failed to read ") || hasPrefix(msg, "Failed to write "):
		m.role, m.sasl = rolePrimary, text.Has(msg, "SASL")
		m.target, m.err = saramaTarget(msg)
	case hasPrefix(msg, "Closed connection to broker ") && text.Has(msg, "SASL"),
		hasPrefix(msg, "Error while performing SASL"):
		m.role, m.sasl = rolePrimary, true
		m.target, m.err = saramaTarget(msg)
	case hasPrefix(msg, "client/metadata got error from broker "):
		m.role = roleEcho
		rest := msg[len("client/metadata got error from broker "):]
		if i := bytes.IndexByte(rest, ' '); i > 0 && isNodeID(rest[:i]) {
			m.node = rest[:i] // sarama before 1.12 printed no id: "… from broker while fetching metadata: …"
		}
		if _, v, ok := bytes.Cut(rest, []byte(":%!(EXTRA ")); ok {
			// libbeat formats sarama's Println("…metadata:", err) as
			// "kafka message: %v": the error comes out as
			// "%!(EXTRA *net.OpError=read tcp …)".
			_, v, _ = bytes.Cut(v, []byte{'='})
			m.err = bytes.TrimSuffix(v, []byte{')'})
			break
		}
		_, m.err, _ = bytes.Cut(rest, []byte(": "))
	case hasPrefix(msg, "Error while sending "), hasPrefix(msg, "client/brokers close broker "),
		hasPrefix(msg, "client/seedbrokers close seed broker "), hasPrefix(msg, "client/coordinator request to broker "):
		m.role = roleEcho
		m.target, m.err = saramaTarget(msg)
	case hasPrefix(msg, "Connected to broker at "):
		m.role = roleNode
		rest := msg[len("Connected to broker at "):]
		m.target, rest, _ = bytes.Cut(rest, []byte(" "))
		if v, ok := cutPrefix(rest, "(registered as #"); ok {
			m.node, _, _ = bytes.Cut(v, []byte(")"))
		}
	default:
		return m, false
	}
	return m, true
}

// isNodeID accepts a broker id as sarama prints it: digits, "-1" for a
// seed broker.
func isNodeID(b []byte) bool {
	b = bytes.TrimPrefix(b, []byte{'-'})
	if len(b) == 0 || len(b) > 10 {
		return false
	}
	for _, c := range b {
		if !isDigit(c) {
			return false
		}
	}
	return true
}

// saramaTarget finds the broker "host:port" and the error in sarama's
// "… to h:p: err", "… from h:p: err", "… broker h:p failed: err"
// messages: the error starts at the first ": ", the broker is the last
// word before it holding a port.
func saramaTarget(msg []byte) (target, err []byte) {
	i := bytes.Index(msg, []byte(": "))
	if i < 0 {
		return nil, nil
	}
	for words := msg[:i]; len(words) > 0; {
		word := words
		if j := bytes.LastIndexByte(words, ' '); j >= 0 {
			word, words = words[j+1:], words[:j]
		} else {
			words = nil
		}
		if k := bytes.LastIndexByte(word, ':'); k > 0 && k < len(word)-1 && isDigit(word[k+1]) {
			return word, msg[i+2:]
		}
	}
	return nil, msg[i+2:]
}

// targetAndErr splits "h:p: err".
func targetAndErr(b []byte) (target, err []byte) {
	target, err, _ = bytes.Cut(b, []byte(": "))
	return target, err
}

// errCore is where a Go network or TLS error starts in b ("dial tcp …",
// "read tcp …", "tls: …"), nil when b holds none.
func errCore(b []byte) []byte {
	best := -1
	for _, p := range [...]string{"dial tcp", "read tcp", "write tcp", "tls: ", "x509: "} {
		if i := index(b, p); i >= 0 && (best < 0 || i < best) {
			best = i
		}
	}
	if best < 0 {
		return nil
	}
	return b[best:]
}

// kafkaDial reports whether a bare Go error in a docker compose service's
// line is a dial to one of Kafka's conventional client ports: enough to
// read it as a Kafka client's without a line naming the client. Compose
// services reach each other on the ports their images listen on, and
// 9092, 19092 and 29092 are the client listeners of Kafka's own and the
// common images' examples (Apache, Confluent, Bitnami); no common Go
// service listens there. 9093 and 9094 are not taken: Prometheus
// Alertmanager, a Go program, listens on them, and a Prometheus stack logs
// "dial tcp …:9093: …" whenever Alertmanager is down or not up yet.
func (h *header) kafkaDial(m *match) bool {
	if len(h.service) == 0 || m.role != roleGeneric {
		return false
	}
	addr := dialAddr(m.err)
	i := bytes.LastIndexByte(addr, ':')
	if i < 0 {
		return false
	}
	switch string(addr[i+1:]) {
	case "9092", "19092", "29092":
		return true
	}
	return false
}

// failure is what an error text says happened.
type failure struct {
	kind   analyzer.EventKind
	reason []byte
	// addr is the IP:port of "dial tcp IP:port: …"; host the name of
	// "lookup host on …".
	addr, host []byte
}

// classifyErr reads a Go error text the way the Java and librdkafka
// parsers read theirs. sasl forces SASLAuthFailed for a template that
// named the SASL step, plainListener the PLAINTEXT-listener hint.
func classifyErr(err []byte, sasl, plainListener bool) failure {
	var f failure
	f.addr = dialAddr(err)
	switch {
	case plainListener || text.Has(err, "tls: first record does not look like a TLS handshake"):
		// Go's TLS client read a first record that is no TLS record: the
		// listener speaks plaintext. librdkafka says "connecting to a
		// PLAINTEXT broker listener?" for it, read as this hint.
		f.kind, f.reason = analyzer.SecurityProtocolHint, []byte("PLAINTEXT listener?")
	case sasl || text.Has(err, "SASL Authentication failed") || text.Has(err, "SASL_AUTHENTICATION_FAILED"):
		f.kind, f.reason = analyzer.SASLAuthFailed, err
	case text.Has(err, "tls: ") || text.Has(err, "x509: "):
		f.kind, f.reason = analyzer.SSLHandshakeFailed, tlsReason(err)
	case text.Has(err, "lookup "):
		f.kind, f.host = analyzer.ResolveFailed, lookupHost(err)
		f.reason = lastPart(err)
	case text.Has(err, "connection refused"):
		f.kind, f.reason = analyzer.ConnectRefused, []byte("connection refused")
	case text.Has(err, "no route to host"):
		f.kind, f.reason = analyzer.ConnectNoRoute, []byte("no route to host")
	case text.Has(err, "network is unreachable"):
		f.kind, f.reason = analyzer.ConnectNoRoute, []byte("network is unreachable")
	case text.Has(err, "connection reset by peer"):
		f.kind, f.reason = analyzer.ConnectionReset, []byte("connection reset by peer")
	case text.Has(err, "broken pipe"):
		f.kind, f.reason = analyzer.BrokenPipe, []byte("broken pipe")
	case text.Has(err, "dial tcp: i/o timeout"):
		// No address: the dial's deadline passed while the name was being
		// looked up (Go before 1.20 said no more; later ones say "dial
		// tcp: lookup h: i/o timeout").
		f.kind, f.reason = analyzer.ResolveFailed, []byte("name lookup timed out")
	case text.Has(err, "dial tcp") && (text.Has(err, "i/o timeout") || text.Has(err, "deadline exceeded")):
		f.kind, f.reason = analyzer.ConnectTimeout, []byte("i/o timeout")
	case text.Has(err, "i/o timeout"), text.Has(err, "REQUEST_TIMED_OUT"), text.Has(err, "Request exceeded the user-specified time limit"):
		f.kind, f.reason = analyzer.RequestTimeout, lastPart(err)
	case bytes.HasSuffix(err, []byte("EOF")):
		f.kind, f.reason = analyzer.Disconnected, lastPart(err)
	}
	return f
}

// tlsReason is the TLS error from "tls: " or "x509: " on.
func tlsReason(err []byte) []byte {
	i, j := index(err, "tls: "), index(err, "x509: ")
	if i < 0 || (j >= 0 && j < i) {
		i = j
	}
	return err[i:]
}

// dialAddr is "1.2.3.4:9092" in "dial tcp 1.2.3.4:9092: …".
func dialAddr(err []byte) []byte {
	i := index(err, "dial tcp")
	if i < 0 {
		return nil
	}
	rest := err[i+len("dial tcp"):]
	if len(rest) > 0 && (rest[0] == '4' || rest[0] == '6') {
		rest = rest[1:]
	}
	rest, ok := cutPrefix(rest, " ")
	if !ok {
		return nil
	}
	a, _, _ := bytes.Cut(rest, []byte(": "))
	return a
}

// lookupHost is "kafka-0" in "lookup kafka-0 on 10.96.0.10:53: …" or
// "lookup kafka-0: …".
func lookupHost(err []byte) []byte {
	i := index(err, "lookup ")
	if i < 0 {
		return nil
	}
	rest := err[i+len("lookup "):]
	end := bytes.IndexAny(rest, " :")
	if end < 0 {
		return rest
	}
	return rest[:end]
}

// lastPart is the text after the last ": ", Go's wrapping separator: the
// innermost cause ("no such host").
func lastPart(err []byte) []byte {
	if i := bytes.LastIndex(err, []byte(": ")); i >= 0 {
		return err[i+2:]
	}
	return err
}

func hasPrefix(b []byte, p string) bool { return len(b) >= len(p) && string(b[:len(p)]) == p }

// index is bytes.Index for a string needle without converting it.
func index(b []byte, s string) int {
	for off := 0; len(b)-off >= len(s); {
		i := bytes.IndexByte(b[off:len(b)-len(s)+1], s[0])
		if i < 0 {
			return -1
		}
		if string(b[off+i:off+i+len(s)]) == s {
			return off + i
		}
		off += i + 1
	}
	return -1
}
