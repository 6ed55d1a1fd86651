package pyclient

import (
	"bytes"
	"net/netip"

	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/parsers/internal/text"
)

// brokerConn is kafka-python's "<BrokerConnection node_id=1
// host=kafka-1:9092 <connected> [IPv4 ('10.0.0.5', 9092)]>". Slices alias
// the line.
type brokerConn struct {
	node []byte // "1", "bootstrap-0"
	// client is the client_id when the connection prints one (later
	// kafka-python lines put it first: "<BrokerConnection client_id=x,
	// node_id=1 …>"); 2.0.2 does not.
	client []byte
	host   []byte // without the port
	port   []byte
	// addr is the socket address tuple's IP, empty before the lookup
	// ("[unspecified None]"); addrPort its port.
	addr, addrPort []byte
	// handshake is set for the state "<handshake>": TLS is being set up.
	handshake bool
}

// action says what a recognised message asks of the decoder beyond its
// event.
type action uint8

const (
	actEvent action = iota // emit the event (held one line for its echo)
	// actClosing is "<conn>: Closing connection. <error>": the echo of the
	// failure logged just before it, an event of its own only without one.
	actClosing
	// actTrace is a failure whose cause is the traceback that follows
	// ("Error sending request data to <conn>").
	actTrace
	// actNode only teaches the node's address ("<conn>: connecting to …").
	actNode
)

// classified is what one message means.
type classified struct {
	kind   analyzer.EventKind
	reason []byte
	act    action
	conn   brokerConn
	// nodeID and nodeHost are set for messages naming a node without a
	// connection ("Closing idle connection 2", "DNS lookup failed for h:p").
	nodeID, nodeHost []byte
	// addr is an address printed outside a connection ("Connect call
	// failed ('127.0.0.1', 9092)").
	addr netip.AddrPort
}

// classify maps one client message to an event kind; kind "" with act
// actEvent means the message is not one the analyzer reads.
func classify(level string, msg []byte) classified {
	var c classified
	switch {
	case hasPrefix(msg, "Connect attempt to <BrokerConnection "):
		c.conn = parseConn(msg[len("Connect attempt to "):])
		c.kind, c.reason = errnoKind(numberAfter(msg, " returned error "))
	case hasPrefix(msg, "Connection attempt to <BrokerConnection ") && text.Has(msg, "> timed out"):
		c.conn = parseConn(msg[len("Connection attempt to "):])
		c.kind, c.reason = analyzer.ConnectTimeout, []byte("timed out")
	case hasPrefix(msg, "DNS lookup failed for "):
		c.kind, c.nodeHost = analyzer.ResolveFailed, hostOf(msg[len("DNS lookup failed for "):])
		c.reason = dnsReason(msg)
		if c.reason == nil {
			c.act = actClosing // "… (0)": the warning before it said why
		}
	case hasPrefix(msg, "Error sending request data to <BrokerConnection "):
		c.conn = parseConn(msg[len("Error sending request data to "):])
		c.kind, c.reason, c.act = analyzer.Disconnected, []byte("error sending request"), actTrace
	case hasPrefix(msg, "<BrokerConnection "):
		c = classifyConnLine(msg)
	case hasPrefix(msg, "SSL connection closed by server during handshake"):
		c.kind, c.reason = analyzer.SSLHandshakeFailed, []byte("SSL connection closed by server during handshake")
	case hasPrefix(msg, "Closing idle connection "):
		c.nodeID = bytes.TrimSuffix(fieldAt(msg[len("Closing idle connection "):]), []byte{','})
		c.kind, c.reason = analyzer.Disconnected, []byte("idle connection closed by client")
	case hasPrefix(msg, aiokafkaNodeConnect), hasPrefix(msg, aiokafkaBootstrapConnect):
		c = classifyAiokafkaConnect(msg)
	case level == "WARN" || level == "ERROR":
		c = classifyErrno(msg)
	}
	return c
}

// aiokafka's failed connects (client.py), logged at ERROR: to a broker
// by the node id metadata gave it, and to a bootstrap server.
const (
	aiokafkaNodeConnect      = "Unable connect to node with id "
	aiokafkaBootstrapConnect = `Unable connect to "`
)

// classifyAiokafkaConnect reads "Unable connect to node with id 1: <err>"
// and `Unable connect to "kafka:9092": <err>`, whatever level they were
// printed at (or none). err is what the connect raised: an OSError
// ("[Errno 111] Connect call failed ('127.0.0.1', 9092)", "Multiple
// exceptions: [Errno 111] …, [Errno 99] …" when the name had an IPv4 and an
// IPv6 address), an SSL error, a KafkaError, or a timeout printed as
// nothing. A bootstrap server is node -1, as the other parsers number a
// seed broker.
func classifyAiokafkaConnect(msg []byte) classified {
	var c classified
	var err []byte
	if rest, ok := bytes.CutPrefix(msg, []byte(aiokafkaNodeConnect)); ok {
		var id []byte
		id, err, _ = bytes.Cut(rest, []byte(": "))
		if _, digits := text.Digits(id); digits && len(id) < 10 {
			c.conn.node = id
		}
	} else {
		var hp []byte
		hp, err, _ = bytes.Cut(msg[len(aiokafkaBootstrapConnect):], []byte(`": `))
		c.nodeID, c.nodeHost = []byte("-1"), hostOf(hp)
	}
	switch e := classifyErrno(err); {
	case text.Has(err, "[SSL"):
		c.kind, c.reason = analyzer.SSLHandshakeFailed, sslReason(err, []byte("SSL error"))
	case text.Has(err, "Authentication"):
		c.kind, c.reason = analyzer.SASLAuthFailed, err
	case e.kind != "":
		c.kind, c.reason, c.addr = e.kind, e.reason, e.addr
	default:
		c.kind, c.reason = analyzer.ConnectFailed, err
	}
	if len(c.conn.node) > 0 && c.addr.IsValid() {
		i := bytes.Index(err, []byte("('"))
		c.conn.addr, c.conn.addrPort = addrTuple(err[i:])
	}
	return c
}

// classifyConnLine reads the messages that start with the connection.
func classifyConnLine(msg []byte) classified {
	c := classified{conn: parseConn(msg)}
	end := bytes.Index(msg, []byte("]>"))
	if end < 0 {
		return classified{}
	}
	rest := bytes.TrimPrefix(msg[end+2:], []byte{':'})
	rest = bytes.TrimPrefix(rest, []byte{' '})
	switch {
	case hasPrefix(rest, "connecting to "):
		c.act = actNode
	case hasPrefix(rest, "Connection complete."):
		c.kind = analyzer.Connected
	case hasPrefix(rest, "socket disconnected"):
		c.kind, c.reason = analyzer.Disconnected, []byte("socket disconnected")
	case hasPrefix(rest, "timed out after "):
		c.kind, c.reason = analyzer.RequestTimeout, bytes.TrimSuffix(rest, []byte(". Closing connection."))
	case hasPrefix(rest, "Error receiving network data"):
		c.kind, c.reason, c.act = analyzer.Disconnected, []byte("error receiving"), actTrace
	case hasPrefix(rest, "Error receiving reply from server"),
		hasPrefix(rest, "Error receiving sasl auth bytes from server"),
		hasPrefix(rest, "Error sending sasl auth bytes to server"):
		// Logged only inside a SASL exchange the broker had accepted
		// (SaslHandshake answered): it closed on the credentials. The
		// second and third are 2.1's and later's words for the first.
		c.kind, c.reason, c.act = analyzer.SASLAuthFailed, []byte("broker closed the connection during SASL authentication"), actTrace
	case hasPrefix(rest, "SaslAuthenticate error: "):
		// 2.1 and later, a broker answering SaslAuthenticate (KIP-152):
		// "SaslAuthenticate error: SaslAuthenticationFailedError
		// (Authentication failed … with SASL mechanism SCRAM-SHA-512)".
		c.kind, c.reason = analyzer.SASLAuthFailed, rest[len("SaslAuthenticate error: "):]
	case hasPrefix(rest, "Connection attempt timed out"):
		c.kind, c.reason = analyzer.ConnectTimeout, []byte("timed out")
	case hasPrefix(rest, "SSL connection closed by server during handshake"):
		c.kind, c.reason = analyzer.SSLHandshakeFailed, []byte("SSL connection closed by server during handshake")
	case hasPrefix(rest, "DNS lookup failed for "):
		// "(afi)" after the warning with the resolver's text: its echo.
		c.kind, c.nodeHost, c.act = analyzer.ResolveFailed, hostOf(rest[len("DNS lookup failed for "):]), actClosing
	case hasPrefix(rest, "Error sending request data"):
		c.kind, c.reason, c.act = analyzer.Disconnected, []byte("error sending request"), actTrace
	case text.Has(rest, "returned error "):
		// "<conn>: Connect attempt returned error 111. Disconnecting.": the
		// same failure with the connection first, should a release
		// reorder it.
		c.kind, c.reason = errnoKind(numberAfter(rest, "returned error "))
	case hasPrefix(rest, "Closing connection."):
		errText := bytes.TrimSpace(rest[len("Closing connection."):])
		if len(errText) == 0 {
			return classified{} // a close the client chose
		}
		c.kind, c.reason = closingKind(errText)
		c.act = actClosing
	}
	return c
}

// closingKind maps the error a connection was closed with.
func closingKind(err []byte) (analyzer.EventKind, []byte) {
	switch {
	case text.Has(err, "RequestTimedOutError"):
		return analyzer.RequestTimeout, err
	case text.Has(err, "Authentication"):
		return analyzer.SASLAuthFailed, err
	case text.Has(err, "SSL"):
		return analyzer.SSLHandshakeFailed, err
	case text.Has(err, "socket disconnected"):
		return analyzer.Disconnected, []byte("socket disconnected")
	case text.Has(err, "KafkaConnectionError: timeout"):
		return analyzer.ConnectTimeout, []byte("timed out")
	}
	if k, r := errnoKind(numberAfter(err, "[Errno ")); k != analyzer.ConnectFailed {
		return k, r
	}
	if k, r := errnoKind(numberAfter(err, "KafkaConnectionError: ")); k != analyzer.ConnectFailed {
		return k, r
	}
	return analyzer.Disconnected, err
}

// classifyErrno reads any other warning or error of a client logger that
// carries a Python OSError ("[Errno 111] Connect call failed ('127.0.0.1',
// 9092)", aiokafka's wording) or a resolver error.
func classifyErrno(msg []byte) classified {
	var c classified
	n := numberAfter(msg, "[Errno ")
	if n == nil {
		return c
	}
	c.kind, c.reason = errnoKind(n)
	// macOS says "[Errno 8] nodename nor servname provided, or not known".
	if c.kind == analyzer.ConnectFailed && (text.Has(msg, "Name or service not known") || text.Has(msg, "name resolution") ||
		text.Has(msg, "nodename nor servname")) {
		c.kind, c.reason = analyzer.ResolveFailed, nil
	}
	if c.kind == analyzer.ConnectFailed {
		return classified{} // an errno the analyzer has no kind for
	}
	if i := bytes.Index(msg, []byte("('")); i >= 0 {
		ip, port := addrTuple(msg[i:])
		c.addr = addrPort(ip, port)
	}
	return c
}

// errnoKind maps an errno (as kafka-python and Python's OSError print it)
// to an event kind and the strerror text: Linux's, macOS's and the BSDs'
// (61 is ECONNREFUSED there; on Linux none of 51, 54, 60, 61, 65 is a
// socket error), and Windows' WSA codes. Unknown numbers, and none, give
// ConnectFailed with the number.
func errnoKind(n []byte) (analyzer.EventKind, []byte) {
	switch string(n) {
	case "111", "61", "10061":
		return analyzer.ConnectRefused, []byte("Connection refused")
	case "110", "60", "10060":
		return analyzer.ConnectTimeout, []byte("Connection timed out")
	case "113", "65", "10065":
		return analyzer.ConnectNoRoute, []byte("No route to host")
	case "101", "51", "10051":
		return analyzer.ConnectNoRoute, []byte("Network is unreachable")
	case "104", "54", "10054":
		return analyzer.ConnectionReset, []byte("Connection reset by peer")
	case "32":
		return analyzer.BrokenPipe, []byte("Broken pipe")
	case "-2", "-3", "-5":
		return analyzer.ResolveFailed, nil
	}
	return analyzer.ConnectFailed, n
}

// dnsReason is the resolver's text: "Name or service not known" from
// "…, exception was [Errno -2] Name or service not known. Is your …"; nil
// for the short "(afi)" form.
func dnsReason(msg []byte) []byte {
	i := bytes.Index(msg, []byte("exception was "))
	if i < 0 {
		return nil
	}
	r := msg[i+len("exception was "):]
	if j := bytes.Index(r, []byte(". Is your")); j >= 0 {
		r = r[:j]
	}
	if r2, ok := bytes.CutPrefix(r, []byte("[Errno ")); ok {
		if j := bytes.Index(r2, []byte("] ")); j >= 0 {
			r = r2[j+2:]
		}
	}
	return r
}

// parseConn reads a "<BrokerConnection …>" at the start of b; fields not
// found stay empty.
func parseConn(b []byte) brokerConn {
	var c brokerConn
	if !hasPrefix(b, "<BrokerConnection ") {
		return c
	}
	if end := bytes.Index(b, []byte("]>")); end >= 0 {
		b = b[:end+1]
	}
	c.handshake = bytes.Contains(b, []byte(" <handshake> "))
	if _, v, ok := bytes.Cut(b, []byte("node_id=")); ok {
		c.node = bytes.TrimSuffix(fieldAt(v), []byte{','})
	}
	if _, v, ok := bytes.Cut(b, []byte("client_id=")); ok {
		c.client = bytes.TrimSuffix(fieldAt(v), []byte{','})
	}
	if _, v, ok := bytes.Cut(b, []byte(" host=")); ok {
		hp := fieldAt(v)
		if i := bytes.LastIndexByte(hp, ':'); i > 0 {
			c.host, c.port = hp[:i], hp[i+1:]
		} else {
			c.host = hp
		}
	}
	if i := bytes.LastIndex(b, []byte("('")); i >= 0 {
		c.addr, c.addrPort = addrTuple(b[i:])
	}
	return c
}

// addrTuple reads "('10.0.0.5', 9092" or "('::1', 9092, 0, 0)".
func addrTuple(b []byte) (ip, port []byte) {
	b = b[2:]
	i := bytes.IndexByte(b, '\'')
	if i < 0 {
		return nil, nil
	}
	ip, b = b[:i], b[i+1:]
	b = bytes.TrimPrefix(b, []byte(", "))
	j := 0
	for j < len(b) && b[j] >= '0' && b[j] <= '9' {
		j++
	}
	return ip, b[:j]
}

// hostOf is "kafka" of "kafka:9092, exception …" or "kafka:9092 (0)".
func hostOf(b []byte) []byte {
	hp := fieldAt(b)
	hp = bytes.TrimSuffix(hp, []byte{','})
	if i := bytes.LastIndexByte(hp, ':'); i > 0 {
		return hp[:i]
	}
	return hp
}

// fieldAt is b up to the first space.
func fieldAt(b []byte) []byte {
	if i := bytes.IndexByte(b, ' '); i >= 0 {
		return b[:i]
	}
	return b
}

// numberAfter is the (possibly negative) integer right after the first
// occurrence of key, nil if none.
func numberAfter(b []byte, key string) []byte {
	i := bytes.Index(b, []byte(key))
	if i < 0 {
		return nil
	}
	b = b[i+len(key):]
	j := 0
	if j < len(b) && b[j] == '-' {
		j++
	}
	for j < len(b) && b[j] >= '0' && b[j] <= '9' {
		j++
	}
	if j == 0 || (j == 1 && b[0] == '-') {
		return nil
	}
	return b[:j]
}

func hasPrefix(b []byte, s string) bool {
	return len(b) >= len(s) && string(b[:len(s)]) == s
}

// addrPort parses an IP and port, invalid when either is missing.
func addrPort(ip, port []byte) netip.AddrPort {
	// A host name is the common miss: ParseAddr's error would allocate.
	if len(ip) == 0 || !(ip[0] >= '0' && ip[0] <= '9' || bytes.IndexByte(ip, ':') >= 0) {
		return netip.AddrPort{}
	}
	a, err := netip.ParseAddr(string(ip))
	if err != nil {
		return netip.AddrPort{}
	}
	p, ok := text.Digits(port)
	if !ok || len(port) == 0 || len(port) > 5 || p > 65535 {
		return netip.AddrPort{}
	}
	return netip.AddrPortFrom(a, uint16(p))
}

// nodeID is the analyzer's node id: kafka-python's bootstrap entries
// "bootstrap-K" are -(K+1), as the Java client numbers them.
func nodeID(b []byte) string {
	if k, ok := bytes.CutPrefix(b, []byte("bootstrap-")); ok {
		if n, good := text.Digits(k); good && len(k) > 0 && len(k) < 6 {
			return "-" + itoa(n+1)
		}
	}
	return string(b)
}

func itoa(n int) string {
	var b [12]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			return string(b[i:])
		}
	}
}
