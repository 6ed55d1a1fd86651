package rdkafka

import (
	"bytes"
	"net/netip"

	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/parsers/internal/text"
)

// brokerRef is a librdkafka broker name split up:
// `[proto://]host:port/nodeid`, nodeid "bootstrap" for bootstrap entries.
type brokerRef struct {
	name []byte // the whole name, the key for node bookkeeping
	host []byte
	port []byte
	id   []byte // "bootstrap", "3", "-1"
}

// message is the text of a line with its thread tag and broker prefix
// taken off.
type message struct {
	thread []byte
	broker brokerRef // name empty when the line named no broker
	body   []byte
}

// splitText takes apart `[thrd:NAME]: broker: body` in its version and
// wrapper variants. client is the instance name, which fluent-bit repeats
// after the thread tag.
func splitText(text, client []byte) message {
	var m message
	if bytes.HasPrefix(text, []byte("[thrd:")) {
		if i := bytes.Index(text, []byte("]: ")); i > 0 {
			m.thread, text = text[len("[thrd:"):i], text[i+3:]
		} else if i := bytes.IndexByte(text, ']'); i > 0 {
			m.thread, text = text[len("[thrd:"):i], bytes.TrimLeft(text[i+1:], " ")
		}
	}
	if len(client) > 0 && len(text) > len(client)+2 && bytes.HasPrefix(text, client) && text[len(client)] == ':' {
		text = text[len(client)+2:]
	}
	// kcat's error callback puts the error string first: "Local: Broker transport failure: ".
	// It is dropped only when a broker name follows.
	if bytes.HasPrefix(text, []byte("Local: ")) || bytes.HasPrefix(text, []byte("Broker: ")) {
		if i := bytes.Index(text[7:], []byte(": ")); i >= 0 {
			if _, ok := parseBroker(firstToken(text[7+i+2:])); ok {
				text = text[7+i+2:]
			}
		}
	}
	if tok := firstToken(text); len(tok) > 0 {
		if b, ok := parseBroker(tok); ok {
			m.broker, text = b, text[len(tok)+2:]
		} else if string(tok) == "GroupCoordinator" {
			text = text[len(tok)+2:]
			if tok2 := firstToken(text); len(tok2) > 0 {
				if c := bytes.LastIndexByte(tok2, ':'); c > 0 {
					m.broker.host = tok2[:c]
				}
				text = text[len(tok2)+2:]
			}
		}
	}
	if len(m.broker.name) == 0 && len(m.thread) > 0 {
		if b, ok := parseBroker(m.thread); ok {
			m.broker = b
		}
	}
	m.body = text
	return m
}

// firstToken is the text before the first ": " when it has no space.
func firstToken(text []byte) []byte {
	i := bytes.Index(text, []byte(": "))
	if i <= 0 || i > 300 || bytes.IndexByte(text[:i], ' ') >= 0 {
		return nil
	}
	return text[:i]
}

// parseBroker reads `[proto://]host:port/nodeid`.
func parseBroker(b []byte) (brokerRef, bool) {
	r := brokerRef{name: b}
	if i := bytes.Index(b, []byte("://")); i >= 0 {
		b = b[i+3:]
	}
	slash := bytes.LastIndexByte(b, '/')
	if slash <= 0 {
		return r, false
	}
	r.id = b[slash+1:]
	hp := b[:slash]
	colon := bytes.LastIndexByte(hp, ':')
	if colon <= 0 {
		return r, false
	}
	r.host, r.port = hp[:colon], hp[colon+1:]
	if len(r.host) > 1 && r.host[0] == '[' && r.host[len(r.host)-1] == ']' {
		r.host = r.host[1 : len(r.host)-1]
	}
	if _, ok := text.Atoi(r.port); !ok {
		return r, false
	}
	id := r.id
	if len(id) > 0 && id[0] == '-' {
		id = id[1:]
	}
	if _, ok := text.Atoi(id); !ok && string(r.id) != "bootstrap" {
		return r, false
	}
	return r, true
}

// classified is what a message body means.
type classified struct {
	kind    analyzer.EventKind
	reason  []byte
	addr    []byte // "ipv4#1.2.3.4:9092" when the body printed one
	state   []byte
	afterMs int64
}

// classify maps a message body to an event kind; kind is empty for the
// bodies that mean nothing to the analyzer. It does not allocate.
func classify(fac, body []byte) classified {
	var c classified
	c.state, c.afterMs = afterSuffix(body)
	switch {
	case text.Has(body, "Connect to ") && text.Has(body, " failed: "):
		c.addr = addrToken(body)
		c.reason = reasonAfter(body, " failed: ")
		c.kind = connectKind(c.reason)
	case bytes.HasPrefix(body, []byte("Failed to connect to broker at ")):
		c.reason = reasonAfter(body[len("Failed to connect to broker at "):], ": ")
		c.kind = connectKind(c.reason)
	case text.Has(body, "Connection setup timed out"):
		c.kind, c.reason = analyzer.ConnectTimeout, []byte("Connection setup timed out")
	case bytes.HasPrefix(body, []byte("Failed to resolve '")):
		c.kind, c.reason = analyzer.ResolveFailed, reasonAfter(body, "': ")
	case text.Has(body, "connecting to a SSL listener?"):
		c.kind, c.reason = analyzer.SecurityProtocolHint, []byte("SSL listener?")
	case text.Has(body, "connecting to a PLAINTEXT broker listener?"):
		c.kind, c.reason = analyzer.SecurityProtocolHint, []byte("PLAINTEXT listener?")
	case text.Has(body, "SSL handshake failed") || text.Has(body, "SSL routines") || string(c.state) == "SSL_HANDSHAKE":
		c.kind, c.reason = analyzer.SSLHandshakeFailed, sslReason(body)
	case text.Has(body, "SASL authentication error") || text.Has(body, "SASL authentication failure") ||
		text.Has(body, "Failed to initialize SASL") || text.Has(body, "SASL handshake failed"):
		c.kind, c.reason = analyzer.SASLAuthFailed, reasonAfter(body, ": ")
	case bytes.HasPrefix(body, []byte("Receive failed: ")) || bytes.HasPrefix(body, []byte("Send failed: ")):
		c.reason = reasonAfter(body, "failed: ")
		c.kind = closeKind(c.reason)
	case bytes.HasPrefix(body, []byte("Disconnected")):
		c.reason = reasonAfter(body, "Disconnected: ")
		if !text.Has(body, "Disconnected: ") {
			c.reason = nil
		}
		c.kind = closeKind(body)
	case text.Has(body, "request(s) timed out: disconnect"):
		c.kind, c.reason = analyzer.RequestTimeout, []byte("request(s) timed out: disconnect")
	case bytes.HasPrefix(body, []byte("Timed out ")) && text.Has(body, "Request") && text.Has(body, ", timeout #"):
		c.kind, c.reason = analyzer.RequestTimeout, requestName(body)
		c.afterMs = timeoutAfter(body)
	case bytes.HasPrefix(body, []byte("ApiVersionRequest failed: ")) && text.Has(body, "Timed out"):
		c.kind, c.reason = analyzer.RequestTimeout, []byte("ApiVersionRequest")
	case text.Has(body, "Message timed out"):
		c.kind, c.reason = analyzer.BatchExpired, []byte("Local: Message timed out")
	case text.Has(body, " brokers are down"):
		c.kind, c.reason = analyzer.NodeDisconnected, brokersDown(body)
	case string(fac) == "STATE" && bytes.HasSuffix(body, []byte("-> UP")):
		c.kind, c.state = analyzer.Connected, []byte("UP")
	}
	return c
}

// connectKind maps the strerror of a failed connect.
func connectKind(reason []byte) analyzer.EventKind {
	switch {
	case text.Has(reason, "refused"):
		return analyzer.ConnectRefused
	case text.Has(reason, "timed out") || text.Has(reason, "Timed out"):
		return analyzer.ConnectTimeout
	case text.Has(reason, "No route to host") || text.Has(reason, "unreachable"):
		return analyzer.ConnectNoRoute
	}
	return analyzer.ConnectFailed
}

// closeKind maps a receive/send failure or close text.
func closeKind(msg []byte) analyzer.EventKind {
	switch {
	case text.Has(msg, "reset by peer") || text.Has(msg, "Connection reset"):
		return analyzer.ConnectionReset
	case text.Has(msg, "Broken pipe"):
		return analyzer.BrokenPipe
	}
	return analyzer.Disconnected
}

// sslReasons are the OpenSSL details worth naming, most specific first.
var sslReasons = [...]string{
	"certificate verify failed", "wrong version number", "unexpected eof",
	"sslv3 alert handshake failure", "unknown protocol", "dh key too small",
	"no protocols available", "unexpected message", "packet length too long",
	"tlsv1 alert unknown ca", "sslv3 alert bad certificate", "certificate required",
	"Connection reset by peer", "Disconnected",
}

// sslReason names the handshake failure's detail.
func sslReason(body []byte) []byte {
	for _, r := range sslReasons {
		if i := bytes.Index(body, []byte(r)); i >= 0 {
			return body[i : i+len(r)]
		}
	}
	return reasonAfter(body, ": ")
}

// reasonAfter is the text after sep up to the "(after …" suffix or a hint.
func reasonAfter(body []byte, sep string) []byte {
	i := bytes.Index(body, []byte(sep))
	if i < 0 {
		return nil
	}
	r := body[i+len(sep):]
	if j := bytes.Index(r, []byte(" (after ")); j >= 0 {
		r = r[:j]
	}
	if j := bytes.Index(r, []byte(" (_")); j >= 0 {
		r = r[:j]
	}
	return bytes.TrimSpace(r)
}

// afterSuffix reads "(after Nms in state S[, …])".
func afterSuffix(body []byte) (state []byte, ms int64) {
	i := bytes.LastIndex(body, []byte("(after "))
	if i < 0 {
		return nil, 0
	}
	rest := body[i+len("(after "):]
	j := bytes.Index(rest, []byte("ms in state "))
	if j <= 0 {
		return nil, 0
	}
	n, ok := text.Atoi(rest[:j])
	if !ok {
		return nil, 0
	}
	st := rest[j+len("ms in state "):]
	k := 0
	for k < len(st) && (st[k] >= 'A' && st[k] <= 'Z' || st[k] == '_') {
		k++
	}
	return st[:k], n
}

// timeoutAfter reads REQTMOUT's "(after Nms, timeout #k)".
func timeoutAfter(body []byte) int64 {
	i := bytes.LastIndex(body, []byte("(after "))
	if i < 0 {
		return 0
	}
	rest := body[i+len("(after "):]
	j := bytes.Index(rest, []byte("ms, timeout #"))
	if j <= 0 {
		return 0
	}
	n, _ := text.Atoi(rest[:j])
	return n
}

// requestName is "MetadataRequest" in "Timed out MetadataRequest in flight …".
func requestName(body []byte) []byte {
	rest := body[len("Timed out "):]
	rest = bytes.TrimPrefix(rest, []byte("blocking "))
	if i := bytes.IndexByte(rest, ' '); i > 0 {
		return rest[:i]
	}
	return rest
}

// brokersDown is "1/3 brokers are down".
func brokersDown(body []byte) []byte {
	i := bytes.Index(body, []byte(" brokers are down"))
	j := i
	for j > 0 && (isDigit(body[j-1]) || body[j-1] == '/') {
		j--
	}
	return body[j : i+len(" brokers are down")]
}

// addrToken finds "ipv4#1.2.3.4:9092" / "ipv6#[::1]:9092" in body.
func addrToken(body []byte) []byte {
	i := bytes.Index(body, []byte("ipv4#"))
	if i < 0 {
		i = bytes.Index(body, []byte("ipv6#"))
	}
	if i < 0 {
		return nil
	}
	t := body[i+5:]
	end := 0
	for end < len(t) && t[end] != ' ' && t[end] != ',' && t[end] != ')' && !(t[end] == ':' && end+1 < len(t) && t[end+1] == ' ') {
		end++
	}
	return t[:end]
}

// parseAddr reads what addrToken found; invalid on any damage.
func parseAddr(tok []byte) netip.AddrPort {
	if len(tok) == 0 {
		return netip.AddrPort{}
	}
	ap, err := netip.ParseAddrPort(string(tok))
	if err != nil {
		return netip.AddrPort{}
	}
	return ap
}
