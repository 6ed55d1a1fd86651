package rules

import (
	"fmt"
	"strings"
	"time"

	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/analyzer/flow"
)

// What the first bytes and the TLS layer's log lines say, shared by the
// three TLS rules so that each line lands in exactly one of them.

// tlsRecord returns the responder's or originator's first TLS record, nil
// when that side's first payload was not TLS.
func firstTLS(f *flow.Flow, side int) *flow.TLSRecord {
	return f.FirstPayload[side].TLS
}

// closedBy reports whether the flow ended with a FIN or RST from the side.
func closedBy(f *flow.Flow, side string) bool {
	return f.FINBy == side || f.RSTBy == side
}

// tlsToPlainFlow: a ClientHello answered by no TLS at all, then a close.
func tlsToPlainFlow(f *flow.Flow) bool {
	if f.FirstPayload[0].Class != flow.PayloadTLSClientHello {
		return false
	}
	if r := firstTLS(f, 1); r != nil {
		return false
	}
	return closedBy(f, "resp") || closedBy(f, "orig")
}

// plainToTLSFlow: a Kafka request answered by a TLS alert, or by a close
// with nothing sent back.
func plainToTLSFlow(f *flow.Flow) (alert bool, ok bool) {
	if f.FirstPayload[0].Class != flow.PayloadKafkaRequest {
		return false, false
	}
	if r := firstTLS(f, 1); r != nil {
		return r.ContentType == 21, r.ContentType == 21 || r.ContentType == 22
	}
	return false, f.RespBytes == 0 && closedBy(f, "resp")
}

// Bounds of a failed TLS handshake on the wire: the connection closes soon
// after the ServerHello, having carried little more than the handshake.
const (
	failedHandshakeSpan  = 5 * time.Second
	failedHandshakeBytes = 16 << 10
)

// tlsFailedFlow: ClientHello, the server answers in TLS, and the connection
// closes at once, either with an alert as the server's first record or short
// and small after a ServerHello.
func tlsFailedFlow(f *flow.Flow) (alert *flow.TLSRecord, ok bool) {
	if f.FirstPayload[0].Class != flow.PayloadTLSClientHello {
		return nil, false
	}
	r := firstTLS(f, 1)
	switch {
	case r == nil:
		return nil, false
	case r.ContentType == 21:
		return r, true
	case r.ContentType != 22:
		return nil, false
	}
	closed := f.FINBy != "" || f.RSTBy != ""
	short := f.End.Sub(f.Start) <= failedHandshakeSpan && f.OrigBytes+f.RespBytes <= failedHandshakeBytes
	return nil, closed && short
}

// alertName names a TLS alert description (RFC 8446 §6).
func alertName(d uint8) string {
	names := map[uint8]string{
		0: "close_notify", 10: "unexpected_message", 20: "bad_record_mac", 22: "record_overflow",
		40: "handshake_failure", 42: "bad_certificate", 43: "unsupported_certificate",
		44: "certificate_revoked", 45: "certificate_expired", 46: "certificate_unknown",
		47: "illegal_parameter", 48: "unknown_ca", 49: "access_denied", 50: "decode_error",
		51: "decrypt_error", 70: "protocol_version", 71: "insufficient_security",
		80: "internal_error", 86: "inappropriate_fallback", 109: "missing_extension",
		112: "unrecognized_name", 116: "certificate_required", 120: "no_application_protocol",
	}
	if n, ok := names[d]; ok {
		return fmt.Sprintf("%s (%d)", n, d)
	}
	return fmt.Sprintf("alert %d", d)
}

// tlsVerdict is what a TLS-layer log line points to.
type tlsVerdict int

const (
	tlsUnclear       tlsVerdict = iota // "SSL handshake failed" alone
	tlsClientOnPlain                   // a TLS client met a plaintext listener
	tlsPlainOnTLS                      // a plaintext client met a TLS listener
	tlsNoAgreement                     // both spoke TLS and failed: trust, name, protocol
)

// eventText is everything a line says about its cause, lower-cased.
func eventText(e *analyzer.Event) string {
	return strings.ToLower(e.Reason + " | " + e.ExceptionMsg + " | " + e.Text)
}

// classifyTLSLine sorts an SSL/auth line into a verdict by the words real
// Java, JSSE, OpenSSL and librdkafka print (see the log catalog).
func classifyTLSLine(e *analyzer.Event) tlsVerdict {
	t := eventText(e)
	switch {
	case e.Kind == analyzer.InvalidReceive:
		if tlsRecordSize(e.Size) {
			return tlsClientOnPlain
		}
		return tlsUnclear
	case e.Kind == analyzer.SecurityProtocolHint:
		switch {
		case javaReceiveOOM(e), strings.Contains(t, "ssl listener"):
			return tlsPlainOnTLS
		case strings.Contains(t, "plaintext broker listener"), strings.Contains(t, "plaintext listener"):
			// librdkafka: "SSL handshake failed: Disconnected: connecting to
			// a PLAINTEXT broker listener?"
			return tlsClientOnPlain
		}
		return tlsUnclear
	case containsAny(t, "unrecognized ssl message", "plaintext connection?"):
		return tlsPlainOnTLS
	case containsAny(t, "wrong version number", "plaintext broker listener", "packet length too long",
		"unexpected eof", "unknown protocol", "http request"):
		return tlsClientOnPlain
	case containsAny(t, "pkix", "certificate verify failed", "subject alternative", "unable to find valid certification",
		"unknown_ca", "unknown ca", "bad_certificate", "bad certificate", "certificate_expired", "certificate expired",
		"certificate_unknown", "handshake_failure", "handshake failure", "no protocols available", "protocol_version",
		"no appropriate protocol", "dh key too small", "no cipher", "hostname", "self signed", "self-signed",
		"certificate_required", "received fatal alert",
		// Go's crypto/tls and crypto/x509 (sarama, kafka-go, franz-go).
		"x509: ", "failed to verify certificate", "remote error: tls: bad certificate", "remote error: tls: handshake failure",
		"remote error: tls: protocol version", "remote error: tls: unknown certificate authority"):
		return tlsNoAgreement
	}
	return tlsUnclear
}

// javaReceiveOOM reports the Java client's KAFKA-4493 signature: an
// OutOfMemoryError allocating a receive whose "size" was the first bytes
// of a TLS alert, as the parser tags it when a stack frame shows
// NetworkReceive or its MemoryPool. An OutOfMemoryError no frame places
// there may be the application's own heap: it stays unclear.
func javaReceiveOOM(e *analyzer.Event) bool {
	return e.Kind == analyzer.SecurityProtocolHint && e.Exception == "java.lang.OutOfMemoryError" &&
		strings.Contains(e.Reason, "NetworkReceive")
}

func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// tlsRecordSize reports whether a size read from the first four bytes is a
// TLS record header: content type 0x16 (handshake), major version 3.
func tlsRecordSize(size int64) bool {
	return size >= 0 && size <= 0xffffffff && size>>24 == 0x16 && (size>>16)&0xff == 0x03
}

// decodeSize explains a bogus receive size as the bytes the peer sent:
// "size 369296129 = 0x16030101: a TLS handshake record header (TLS 1.0 record version)".
func decodeSize(size int64) string {
	b := [4]byte{byte(size >> 24), byte(size >> 16), byte(size >> 8), byte(size)}
	s := fmt.Sprintf("size %d = 0x%02x%02x%02x%02x", size, b[0], b[1], b[2], b[3])
	switch {
	case tlsRecordSize(size):
		return s + fmt.Sprintf(": a TLS handshake record header (record version 3.%d), i.e. a ClientHello", b[2])
	case string(b[:]) == "GET " || string(b[:]) == "POST" || string(b[:]) == "HTTP":
		return s + fmt.Sprintf(": the ASCII text %q, an HTTP request", string(b[:]))
	}
	return s
}

// tlsEvents returns the TLS-layer lines with the given verdict.
func tlsEvents(inc *analyzer.Incident, v tlsVerdict) []*analyzer.Event {
	var out []*analyzer.Event
	for _, e := range inc.EventsOf(analyzer.SSLHandshakeFailed, analyzer.InvalidReceive, analyzer.SecurityProtocolHint,
		analyzer.AuthTerminated, analyzer.ConnectFailed) {
		if classifyTLSLine(e) == v {
			out = append(out, e)
		}
	}
	return out
}

// unclearTLSEvents are SSL lines that name no cause ("SSL handshake
// failed", "terminated during authentication"): they agree with whichever
// TLS cause other evidence shows for the same address or peer.
func unclearTLSEvents(inc *analyzer.Incident) []*analyzer.Event {
	var out []*analyzer.Event
	for _, e := range inc.EventsOf(analyzer.SSLHandshakeFailed, analyzer.AuthTerminated) {
		if classifyTLSLine(e) == tlsUnclear {
			out = append(out, e)
		}
	}
	return out
}

// clientSetting is one client config value with where it was printed, for
// remediation lines: "now PLAINTEXT, from the producer config at client.log:12".
func clientSetting(inc *analyzer.Incident, key string) (analyzer.Config, bool) {
	for _, c := range inc.Configs {
		if c.Key == key && c.Scope != "broker" {
			return c, true
		}
	}
	return analyzer.Config{}, false
}

// nowSetting renders the current value of a client setting, or "".
func nowSetting(inc *analyzer.Incident, key string) string {
	c, ok := clientSetting(inc, key)
	if !ok {
		return ""
	}
	who := ""
	if c.Client != "" {
		who = " of " + c.Client
	}
	return fmt.Sprintf(" (now %s=%s%s, from the %s config at %s)", key, c.Value, who, c.Scope, loc(c.Source))
}

// tlsSubjects lists the servers of flows and the targets of events.
func tlsSubjects(inc *analyzer.Incident, flows []*flow.Flow, events []*analyzer.Event) ([]analyzer.Subject, []string) {
	seen := map[string]analyzer.Subject{}
	for _, f := range flows {
		seen[f.Resp.String()] = analyzer.Subject{Node: nodeOfAddr(inc, f.Resp), Addr: f.Resp.String()}
	}
	for _, e := range events {
		if e.Program == "java-broker" && e.Peer.IsValid() {
			k := "peer " + e.Peer.String()
			seen[k] = analyzer.Subject{Node: e.Node, Client: e.Peer.String()}
			continue
		}
		if a := eventTarget(inc, e); a.IsValid() {
			if _, ok := seen[a.String()]; !ok {
				seen[a.String()] = analyzer.Subject{Node: e.Node, Addr: a.String(), Client: e.Client}
			}
		}
	}
	if len(seen) == 0 {
		// Lines that name no server (the Java client's OutOfMemoryError
		// signature) can still name the client.
		for _, e := range events {
			if e.Client != "" {
				seen["client "+e.Client] = analyzer.Subject{Node: e.Node, Client: e.Client}
			}
		}
	}
	var subs []analyzer.Subject
	var filters []string
	for _, k := range sortedKeys(seen) {
		subs = append(subs, seen[k])
	}
	for _, f := range flows {
		if len(filters) < 5 {
			filters = append(filters, connFilter(f))
		}
	}
	return subs, filters
}

// firstServer names the first server address in the subjects, else the
// host of a broker line, else a generic phrase.
func firstServer(subs []analyzer.Subject, events []*analyzer.Event) string {
	for _, s := range subs {
		if s.Addr != "" {
			if s.Node != "" {
				return "node " + s.Node + " (" + s.Addr + ")"
			}
			return s.Addr
		}
	}
	for _, e := range events {
		if e.Program == "java-broker" && e.Host != "" {
			if e.Node != "" && e.Node != e.Host {
				return "broker " + e.Node + " (" + e.Host + ")"
			}
			return e.Host
		}
	}
	return unknownServer
}

// unknownServer is firstServer's name for a server no line or flow names.
const unknownServer = "the broker listener"

// listenerAt is " at <server>" for a sentence about a listener, "" when
// firstServer knows no server ("a TLS listener at the broker listener"
// says nothing twice).
func listenerAt(subs []analyzer.Subject, events []*analyzer.Event) string {
	if s := firstServer(subs, events); s != unknownServer {
		return " at " + s
	}
	return ""
}

// tlsClientsOf says who spoke TLS, from the client addresses broker lines
// gave: "A TLS client from 10.44.9.17 connects", "TLS clients from a and b
// connect"; without any, "A TLS client connects".
func tlsClientsOf(events []*analyzer.Event) string {
	from := peersOf(events)
	if strings.Contains(from, " and ") {
		return "TLS clients" + from + " connect"
	}
	return "A TLS client" + from + " connects"
}

// peersOf names the distinct client addresses broker lines gave ("from
// 10.44.9.17"), up to three, for a summary; "" when none did.
func peersOf(events []*analyzer.Event) string {
	var peers []string
	seen := map[string]bool{}
	for _, e := range events {
		if e.Program != "java-broker" || !e.Peer.IsValid() || seen[e.Peer.String()] {
			continue
		}
		seen[e.Peer.String()] = true
		peers = append(peers, e.Peer.String())
	}
	switch {
	case len(peers) == 0:
		return ""
	case len(peers) > 3:
		return fmt.Sprintf(" from %s and %d more", joinList(peers[:3]), len(peers)-3)
	}
	return " from " + joinList(peers)
}

// tlsGist is what an SSL line says about its cause: the exception message
// carries the detail ("PKIX path building failed …") where the message
// itself only says "SSL handshake failed".
func tlsGist(e *analyzer.Event) string {
	if e.ExceptionMsg != "" {
		return e.ExceptionMsg
	}
	if e.Kind == analyzer.SecurityProtocolHint && e.Program == "librdkafka" {
		// The parser's Reason is a short tag; librdkafka's own sentence
		// ("SSL handshake failed: Disconnected: connecting to a PLAINTEXT
		// broker listener?") is what a reader can search for.
		bare := *e
		bare.Reason = ""
		msg := lineGist(&bare)
		if i := strings.Index(msg, " (after "); i > 0 {
			msg = msg[:i]
		}
		return msg
	}
	return lineGist(e)
}

// tlsEvidence is what the three TLS rules' findings share: which kinds of
// evidence agreed, the flows (each cited at the frame of its first payload
// from side dir, 0 client, 1 broker) and the log lines, the subjects, and
// the display-filter terms for the flows involved. base is the rule's
// confidence for one kind of evidence; agreeing kinds raise it.
func tlsEvidence(inc *analyzer.Incident, meta analyzer.RuleMeta, base float64, flows []*flow.Flow, events []*analyzer.Event,
	dir int, flowText func(*flow.Flow) string, eventText func(*analyzer.Event) string) (analyzer.Finding, []string) {
	kinds := kindSet{}
	if len(flows) > 0 {
		kinds[kindPackets] = true
	}
	for _, e := range events {
		kinds.addEvent(e)
	}
	f := analyzer.NewFinding(meta, agreeing(base, len(kinds)))
	f.Kinds = kinds.list()
	for _, fl := range flows {
		f.AddEvidence(FlowEvidence(fl, fl.FirstPayload[dir].Frame, fl.Start, flowText(fl)))
	}
	for _, e := range events {
		ev := analyzer.EventEvidence(e)
		if eventText != nil {
			ev.Text = eventText(e)
		}
		f.AddEvidence(ev)
	}
	var filters []string
	f.Subjects, filters = tlsSubjects(inc, flows, events)
	return f, filters
}

// unclearOutsideOutages is unclearTLSEvents less the lines of connections
// cut while a broker stopped (a rolling restart of a TLS cluster ends
// handshakes midway): those are the restart's symptoms, no TLS guess.
func unclearOutsideOutages(inc *analyzer.Incident) []*analyzer.Event {
	outs := brokerOutages(inc, clockOffsetOf(inc))
	var out []*analyzer.Event
	for _, e := range unclearTLSEvents(inc) {
		if !inOutage(outs, e.Time, eventTarget(inc, e)) {
			out = append(out, e)
		}
	}
	return out
}
