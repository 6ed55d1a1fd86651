package kafkajs

import (
	"bytes"
	"net/netip"

	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/parsers/internal/text"
)

// classified is what one KafkaJS message means; kind is empty for the
// messages that mean nothing to the analyzer.
type classified struct {
	kind   analyzer.EventKind
	reason []byte
	// addr is the address Node printed in a socket error
	// ("connect ECONNREFUSED 127.0.0.1:9092"), host the name in a
	// resolver error ("getaddrinfo ENOTFOUND kafka.invalid").
	addr []byte
	host []byte
	// echo is set for a BrokerPool line repeating the cause a Connection
	// line just logged; cause is that cause.
	echo  bool
	cause []byte
}

// Prefixes of the messages KafkaJS logs (src/network/connection.js,
// src/cluster/brokerPool.js, src/consumer/index.js of kafkajs 2.2.4).
const (
	connError   = "Connection error: "
	seedFailed  = "Failed to connect to seed broker, trying another broker from the list: "
	crashPrefix = "Crash: "
)

// classify maps a message (its "[Namespace] " taken off) to an event. It
// does not allocate.
func classify(body []byte) classified {
	var c classified
	switch {
	case bytes.HasPrefix(body, []byte(connError)):
		c = socketError(body[len(connError):])
	case bytes.HasPrefix(body, []byte("Failed to connect: ")):
		c = socketError(body[len("Failed to connect: "):])
	case bytes.Equal(body, []byte("Connection timeout")):
		c.kind, c.reason = analyzer.ConnectTimeout, body
	case bytes.HasPrefix(body, []byte(seedFailed)):
		c = classify(body[len(seedFailed):])
		c.echo, c.cause = true, body[len(seedFailed):]
	case bytes.Equal(body, []byte("Kafka server has closed connection")):
		c.kind, c.reason = analyzer.Disconnected, body
	case bytes.Equal(body, []byte("Closed connection")) || bytes.Equal(body, []byte("Connection closed by the server")):
		c.kind, c.reason, c.echo, c.cause = analyzer.Disconnected, body, true, body
	case bytes.HasPrefix(body, []byte("Request ")) && bytes.HasSuffix(body, []byte(" timed out")):
		c.kind, c.reason = analyzer.RequestTimeout, requestName(body)
	case bytes.HasPrefix(body, []byte("SASL ")) && text.Has(body, "authentication failed") ||
		text.Has(body, "KafkaJSSASLAuthenticationError"):
		c.kind, c.reason = analyzer.SASLAuthFailed, body
	case bytes.HasPrefix(body, []byte(crashPrefix)) && giveUp(body):
		c.kind, c.reason = analyzer.NodeDisconnected, body[len(crashPrefix):]
	case bytes.Equal(body, []byte("Failed to connect to broker, reconnecting")) ||
		bytes.Equal(body, []byte("No broker available")) || bytes.Equal(body, []byte("No brokers in the broker pool")):
		c.kind, c.reason = analyzer.NodeDisconnected, body
	}
	return c
}

// giveUp accepts a consumer crash caused by the connection: the retrier
// gave up (KafkaJSNumberOfRetriesExceeded) or a connection error ended it.
func giveUp(body []byte) bool {
	return text.Has(body, "KafkaJSNumberOfRetriesExceeded") || text.Has(body, "KafkaJSConnectionError") ||
		text.Has(body, "KafkaJSConnectionClosedError") || text.Has(body, "KafkaJSNoBrokerAvailableError")
}

// socketError maps the Node.js error KafkaJS wraps in "Connection error:
// …": "connect ECONNREFUSED 127.0.0.1:9092", "getaddrinfo ENOTFOUND
// kafka.invalid", "read ECONNRESET", an OpenSSL or Node TLS message.
func socketError(msg []byte) classified {
	msg = bytes.TrimRight(msg, "\n ")
	c := classified{reason: msg}
	syscall, rest, _ := bytes.Cut(msg, []byte{' '})
	code, arg, _ := bytes.Cut(rest, []byte{' '})
	switch string(syscall) {
	case "getaddrinfo":
		c.kind, c.host = analyzer.ResolveFailed, arg
		return c
	case "connect", "read", "write":
		c.addr = arg
	}
	switch string(code) {
	case "ECONNREFUSED":
		c.kind = analyzer.ConnectRefused
	case "ETIMEDOUT":
		c.kind = analyzer.ConnectTimeout
	case "EHOSTUNREACH", "ENETUNREACH":
		c.kind = analyzer.ConnectNoRoute
	case "ECONNRESET":
		c.kind = analyzer.ConnectionReset
	case "EPIPE":
		c.kind = analyzer.BrokenPipe
	case "ENOTFOUND", "EAI_AGAIN":
		c.kind = analyzer.ResolveFailed
	}
	if c.kind != "" {
		return c
	}
	if r := tlsReason(msg); r != nil {
		c.kind, c.reason = analyzer.SSLHandshakeFailed, r
		return c
	}
	c.kind = analyzer.ConnectFailed
	return c
}

// tlsReasons are the OpenSSL and Node.js TLS details worth naming, most
// specific first.
var tlsReasons = [...]string{
	"certificate verify failed", "wrong version number", "unexpected eof",
	"sslv3 alert handshake failure", "unknown protocol", "packet length too long",
	"tlsv1 alert unknown ca", "sslv3 alert bad certificate", "certificate required",
	"self-signed certificate", "self signed certificate", "unable to verify the first certificate",
	"unable to get local issuer certificate", "certificate has expired",
	"does not match certificate's altnames",
	"Client network socket disconnected before secure TLS connection was established",
}

// tlsReason names a TLS failure's detail, nil when msg is no TLS failure.
func tlsReason(msg []byte) []byte {
	for _, r := range tlsReasons {
		if i := bytes.Index(msg, []byte(r)); i >= 0 {
			return msg[i : i+len(r)]
		}
	}
	if text.Has(msg, "SSL routines") || text.Has(msg, "ERR_TLS_") || text.Has(msg, "ERR_SSL_") {
		return msg
	}
	return nil
}

// requestName is "ApiVersions" in "Request ApiVersions(key: 18, version: 2) timed out".
func requestName(body []byte) []byte {
	r := body[len("Request "):]
	if i := bytes.IndexAny(r, "( "); i > 0 {
		return r[:i]
	}
	return r
}

// parseAddr reads "127.0.0.1:9092", "[::1]:9092" or Node.js's unbracketed
// IPv6 form "::1:9092" (its socket errors print address:port as is);
// invalid on any damage or a host name.
func parseAddr(b []byte) netip.AddrPort {
	if len(b) == 0 || len(b) > 64 {
		return netip.AddrPort{}
	}
	if ap, err := netip.ParseAddrPort(string(b)); err == nil {
		return ap
	}
	i := bytes.LastIndexByte(b, ':')
	if i <= 0 || bytes.IndexByte(b[:i], ':') < 0 {
		return netip.AddrPort{}
	}
	port, ok := text.Atoi(b[i+1:])
	a, err := netip.ParseAddr(string(b[:i]))
	if !ok || port > 65535 || err != nil || !a.Is6() {
		return netip.AddrPort{}
	}
	return netip.AddrPortFrom(a, uint16(port))
}

// splitBroker splits KafkaJS's "host:port" broker field.
func splitBroker(b []byte) (host, port []byte) {
	i := bytes.LastIndexByte(b, ':')
	if i < 0 {
		return b, nil
	}
	host, port = b[:i], b[i+1:]
	if len(host) > 1 && host[0] == '[' && host[len(host)-1] == ']' {
		host = host[1 : len(host)-1]
	}
	return host, port
}
