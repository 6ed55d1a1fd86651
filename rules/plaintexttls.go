package rules

import (
	"fmt"
	"strings"

	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/analyzer/flow"
)

// PlaintextToTLS diagnoses a plaintext client on an SSL listener: its first
// bytes are a Kafka request, the broker answers with a TLS alert or closes.
type PlaintextToTLS struct{}

var plaintextToTLSMeta = analyzer.RuleMeta{
	ID:       "plaintext-to-tls-listener",
	Cause:    analyzer.PlaintextToTLSListener,
	Title:    "A plaintext client connects to a TLS listener",
	Severity: analyzer.Critical,
	LooksFor: "A first client payload that is a Kafka request answered by a TLS alert or an immediate close; broker " +
		"\"Unrecognized SSL message, plaintext connection?\"; librdkafka \"… (connecting to a SSL listener?)\". " +
		"A Java client shows it as java.lang.OutOfMemoryError thrown while allocating a receive buffer in NetworkReceive " +
		"(or its MemoryPool): it read the first bytes of the broker's TLS reply as a Kafka response size of hundreds of " +
		"megabytes and tried to allocate that (KAFKA-4493).",
	Needs: "A capture of the connection, or a broker or librdkafka line that names plaintext; Java's \"terminated during authentication\" only agrees. " +
		"The Java OutOfMemoryError alone counts only with a NetworkReceive or MemoryPool frame in its stack, at modest confidence.",
	Avoids: "TLS clients whose handshake fails (tls-handshake-failure), healthy plaintext listeners that answer the request, " +
		"and OutOfMemoryErrors no stack frame places in Kafka's receive path (the application's own heap may be full).",
	Fix: []string{
		"Set the client's security.protocol to SSL (or SASL_SSL) with a truststore/CA, or point it at the broker's PLAINTEXT listener.",
	},
}

func (PlaintextToTLS) Meta() analyzer.RuleMeta { return plaintextToTLSMeta }

func (PlaintextToTLS) Evaluate(inc *analyzer.Incident) []analyzer.Finding {
	var flows []*flow.Flow
	alerts := 0
	for _, f := range inc.Flows {
		if alert, ok := plainToTLSFlow(f); ok {
			flows = append(flows, f)
			if alert {
				alerts++
			}
		}
	}
	strong := tlsEvents(inc, tlsPlainOnTLS)
	// Counts are of connections: one seen by two captures counts once.
	conns := oneCapture(inc, flows)
	alerts = 0
	for _, f := range conns {
		if alert, _ := plainToTLSFlow(f); alert {
			alerts++
		}
	}
	if alerts == 0 && len(conns) < 2 && len(strong) == 0 {
		return terminatedOnly(inc)
	}
	base := 0.55
	switch {
	case alerts > 0:
		base = 0.75
	case len(conns) == 0 && oomOnly(strong):
		// The Java client's out-of-memory signature alone: a plaintext
		// client is its usual cause, but a large enough bogus receive
		// from any peer reads the same. The client's config settles it.
		proto, known := clientSetting(inc, "security.protocol")
		switch {
		case known && strings.Contains(strings.ToUpper(proto.Value), "SSL"):
			return terminatedOnly(inc)
		case known:
			base = 0.65
		default:
			base = 0.5
		}
	case len(strong) > 0:
		base = 0.7
	}
	events := append(strong, unclearTLSEvents(inc)...)
	f, filters := tlsEvidence(inc, plaintextToTLSMeta, base, flows, events, 0, plainText, nil)
	if len(filters) > 0 {
		f.DisplayFilter = filterOr(filters)
	}
	f.Summary = fmt.Sprintf("The client speaks plaintext Kafka to a TLS listener%s: %s.", listenerAt(f.Subjects, events), plainHow(conns, alerts, strong))
	switch {
	case len(flows) == 0 && oomOnly(strong) && nowSetting(inc, "security.protocol") == "":
		f.Missing = "the client's config dump (security.protocol) would confirm it; a capture would show the client's first bytes " +
			"(a Kafka request instead of a TLS ClientHello) and the broker's TLS alert"
	case len(flows) == 0:
		f.Missing = "a capture would show the client's first bytes (a Kafka request instead of a TLS ClientHello) and the broker's TLS alert"
	case len(f.Kinds) == 1:
		f.Missing = "the client's config dump (security.protocol) and the broker's \"Failed authentication … (SSL handshake failed)\" lines would confirm it"
	}
	f.Remediation = []string{fmt.Sprintf("Set security.protocol=SSL (or SASL_SSL) on the client%s with ssl.truststore.location / ssl.ca.location, "+
		"or point bootstrap.servers at the broker's PLAINTEXT listener.", nowSetting(inc, "security.protocol"))}
	clockOffsetOf(inc).note(&f)
	f.Explains = explain(inc, symptomScope{Kinds: []analyzer.EventKind{analyzer.NodeDisconnected, analyzer.Disconnected,
		analyzer.AuthTerminated, analyzer.BatchExpired, analyzer.ConnectFailed}})
	return []analyzer.Finding{f}
}

// oomOnly reports whether the only log lines naming plaintext are the Java
// client's OutOfMemoryError signature (javaReceiveOOM).
func oomOnly(strong []*analyzer.Event) bool {
	for _, e := range strong {
		if !javaReceiveOOM(e) {
			return false
		}
	}
	return len(strong) > 0
}

// minTerminations is how many "terminated during authentication" lines,
// with nothing else to go on, make a guess worth reporting.
const minTerminations = 2

// terminatedOnly is the Java client's "Connection to node N (…) terminated
// during authentication", repeated, and no other TLS or SASL evidence.
// Java logs it when the connection closes while the client is still
// authenticating, so the client speaks SASL or TLS; a SASL_PLAINTEXT
// client on an SSL listener is the common case, which DOMAIN lists under
// this cause. A client configured for SSL or SASL_SSL is not plaintext,
// and a SASL or TLS failure that names itself has its own rule: then
// this stays quiet. Confidence stays low without the client's config: a
// firewall that lets only HTTPS through gives the same lines.
func terminatedOnly(inc *analyzer.Incident) []analyzer.Finding {
	if len(inc.EventsOf(analyzer.SASLAuthFailed)) > 0 {
		return nil
	}
	for _, e := range inc.EventsOf(analyzer.SSLHandshakeFailed) {
		if classifyTLSLine(e) != tlsUnclear {
			return nil
		}
	}
	// The broker's "Failed authentication … (SSL handshake failed)", which
	// names no reason, agrees: its TLS listener got no ClientHello.
	unclear := unclearOutsideOutages(inc)
	terms := 0
	for _, e := range unclear {
		if e.Kind == analyzer.AuthTerminated {
			terms++
		}
	}
	if terms < minTerminations {
		return nil
	}
	base := 0.35
	proto, known := clientSetting(inc, "security.protocol")
	switch {
	case known && strings.Contains(strings.ToUpper(proto.Value), "SSL"):
		return nil
	case known:
		base = 0.55
	}
	f, filters := tlsEvidence(inc, plaintextToTLSMeta, base, nil, unclear, 0, plainText, nil)
	if len(filters) > 0 {
		f.DisplayFilter = filterOr(filters)
	}
	how := "nothing else says why; the usual cause is a client without TLS (security.protocol PLAINTEXT or SASL_PLAINTEXT) on a TLS listener, " +
		"though a firewall or proxy that passes only HTTPS ends connections the same way"
	if known {
		how = fmt.Sprintf("the client's security.protocol is %s, so it speaks no TLS to a listener that expects it", proto.Value)
	}
	f.Summary = fmt.Sprintf("Connections to %s end while the client is still authenticating (%s): %s.",
		firstServer(f.Subjects, unclear), plural(terms, "time"), how)
	f.Missing = "a capture of one connect would show the client's first bytes (a Kafka request instead of a TLS ClientHello); " +
		"the client's config dump (security.protocol) and the broker's \"Failed authentication … (SSL handshake failed)\" lines would confirm it"
	if known {
		f.Missing = "a capture of one connect would show the client's first bytes and the broker closing; the broker's \"Failed authentication … (SSL handshake failed)\" lines would confirm it"
	}
	if len(f.Kinds) > 1 {
		// Two vague signs agree that TLS failed, not on why: no floor of
		// independent agreement here.
		f.Confidence = min(base+0.15*float64(len(f.Kinds)-1), 0.6)
		f.Summary += " The broker's log agrees: its TLS listener failed handshakes with no reason named, as when the first bytes are no ClientHello."
		f.Missing = "a capture of one connect would show the client's first bytes (a Kafka request instead of a TLS ClientHello)"
	}
	f.Remediation = []string{fmt.Sprintf("Set security.protocol=SSL (or SASL_SSL) on the client%s with ssl.truststore.location / ssl.ca.location, "+
		"or point bootstrap.servers at the broker's PLAINTEXT listener.", nowSetting(inc, "security.protocol"))}
	f.Explains = explain(inc, symptomScope{Kinds: []analyzer.EventKind{analyzer.NodeDisconnected, analyzer.Disconnected, analyzer.BatchExpired}})
	return []analyzer.Finding{f}
}

// plainText describes one plaintext-to-TLS flow for evidence.
func plainText(f *flow.Flow) string {
	req := "a Kafka request"
	if k := f.FirstPayload[0].Kafka; k != nil && k.SizeOnly {
		req = fmt.Sprintf("a Kafka-framed message (size %d, the whole segment; the snaplen cut the header)", k.Size)
	} else if k != nil {
		req = fmt.Sprintf("a Kafka request (api key %d v%d, client id %q)", k.APIKey, k.APIVersion, k.ClientID)
	}
	answer := "closed without a byte back"
	if r := f.FirstPayload[1].TLS; r != nil && r.ContentType == 21 {
		answer = "answered with TLS alert " + alertName(r.AlertDescription)
	} else if r != nil {
		answer = "answered in TLS"
	}
	return fmt.Sprintf("%s first bytes %s, server %s", flowText(f), req, answer)
}

// plainHow summarises what showed the mismatch.
func plainHow(flows []*flow.Flow, alerts int, strong []*analyzer.Event) string {
	var parts []string
	switch {
	case len(flows) > 0 && alerts == 0:
		parts = append(parts, fmt.Sprintf("%s opened with a Kafka request instead of a TLS ClientHello and the server closed each without a byte back",
			plural(len(flows), "connection")))
	case len(flows) > 0:
		parts = append(parts, fmt.Sprintf("%s opened with a Kafka request instead of a TLS ClientHello (%d answered by a TLS alert, the rest closed)",
			plural(len(flows), "connection"), alerts))
	}
	if len(strong) > 0 {
		gist := tlsGist(strong[0])
		switch {
		case javaReceiveOOM(strong[0]):
			gist = "the Java client ran out of memory allocating a response whose size it read from what was a TLS alert (KAFKA-4493)"
		case strong[0].Kind == analyzer.SecurityProtocolHint:
			gist = "librdkafka: might be caused by incorrect security.protocol configuration (connecting to a SSL listener?)"
		}
		verb := "say"
		if len(strong) == 1 {
			verb = "says"
		}
		parts = append(parts, fmt.Sprintf("%s %s so (%s)", plural(len(strong), "log line"), verb, gist))
	}
	return joinAnd(parts)
}
