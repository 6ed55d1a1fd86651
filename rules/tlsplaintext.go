package rules

import (
	"fmt"

	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/analyzer/flow"
)

// TLSToPlaintext diagnoses an SSL client on a plaintext listener: the
// broker reads the ClientHello's record header as a request size and closes.
type TLSToPlaintext struct{}

var tlsToPlaintextMeta = analyzer.RuleMeta{
	ID:       "tls-to-plaintext-listener",
	Cause:    analyzer.TLSToPlaintextListener,
	Title:    "A TLS client connects to a plaintext listener",
	Severity: analyzer.Critical,
	LooksFor: "Broker \"InvalidReceiveException: Invalid receive (size = 3692956xx larger than …)\" whose size decodes to a TLS record header " +
		"(0x16 0x03 0x0X); a ClientHello answered by no ServerHello and a close; client \"wrong version number\" / \"connecting to a PLAINTEXT broker listener?\".",
	Needs:  "The broker log, a capture, or a client SSL error naming the mismatch; more than one agreeing raises confidence.",
	Avoids: "InvalidReceive sizes that are not TLS (HTTP probes, oversized requests) and TLS handshakes the server answered.",
	Fix: []string{
		"Set the client's security.protocol to PLAINTEXT (or SASL_PLAINTEXT), or point it at the broker's SSL listener.",
	},
}

func (TLSToPlaintext) Meta() analyzer.RuleMeta { return tlsToPlaintextMeta }

func (TLSToPlaintext) Evaluate(inc *analyzer.Incident) []analyzer.Finding {
	var flows []*flow.Flow
	for _, f := range inc.Flows {
		if tlsToPlainFlow(f) {
			flows = append(flows, f)
		}
	}
	strong := tlsEvents(inc, tlsClientOnPlain)
	// Counts are of connections: one seen by two captures counts once.
	conns := len(oneCapture(inc, flows))
	if conns < 2 && len(strong) == 0 {
		return nil
	}
	events := strong
	if len(flows) > 0 || len(strong) > 0 {
		events = append(events, unclearTLSEvents(inc)...)
	}
	var sized *analyzer.Event
	for _, e := range events {
		if e.Kind == analyzer.InvalidReceive {
			sized = e
			break
		}
	}
	base := 0.6
	if sized != nil {
		base = 0.8
	}
	f, filters := tlsEvidence(inc, tlsToPlaintextMeta, base, flows, events, 0, helloText, func(e *analyzer.Event) string {
		if e.Kind == analyzer.InvalidReceive {
			return e.Text + " — " + decodeSize(e.Size)
		}
		return e.Text
	})
	if len(filters) > 0 {
		f.DisplayFilter = filterOr(filters)
	}
	var parts []string
	if sized != nil {
		parts = append(parts, fmt.Sprintf("the broker read the client's first bytes as a request %s", decodeSize(sized.Size)))
	}
	if len(flows) > 0 {
		parts = append(parts, fmt.Sprintf("%s opened with a TLS ClientHello%s and got no ServerHello before the close", plural(conns, "connection"), sniOf(flows)))
	}
	if len(strong) > 0 && sized == nil {
		parts = append(parts, fmt.Sprintf("the client logged %q", tlsGist(strong[0])))
	}
	f.Summary = fmt.Sprintf("%s to a plaintext listener%s: %s.", tlsClientsOf(events), listenerAt(f.Subjects, events), joinAnd(parts))
	if sized != nil && containsAny(eventText(sized), "larger than 524288") {
		f.Summary += " The limit 524288 means the listener is SASL_PLAINTEXT."
	}
	switch {
	case len(flows) == 0:
		f.Missing = "a capture would show the ClientHello going out and the listener closing without a ServerHello"
	case len(f.Kinds) == 1:
		f.Missing = "the broker's server.log would show InvalidReceiveException with the TLS header read as a size"
	}
	f.Remediation = []string{fmt.Sprintf("Set security.protocol=PLAINTEXT (or SASL_PLAINTEXT) on the client%s, or point bootstrap.servers at the broker's SSL listener.",
		nowSetting(inc, "security.protocol"))}
	clockOffsetOf(inc).note(&f)
	f.Explains = explain(inc, symptomScope{Kinds: []analyzer.EventKind{analyzer.NodeDisconnected, analyzer.Disconnected,
		analyzer.AuthTerminated, analyzer.BatchExpired}})
	return []analyzer.Finding{f}
}

// helloText describes a ClientHello that met a plaintext listener.
func helloText(f *flow.Flow) string {
	sni := ""
	if r := f.FirstPayload[0].TLS; r != nil && r.SNI != "" {
		sni = fmt.Sprintf(" (SNI %s)", r.SNI)
	}
	return fmt.Sprintf("%s TLS ClientHello%s, no ServerHello, connection closed", flowText(f), sni)
}

// sniOf names the first SNI among the flows.
func sniOf(flows []*flow.Flow) string {
	for _, f := range flows {
		if r := f.FirstPayload[0].TLS; r != nil && r.SNI != "" {
			return " (SNI " + r.SNI + ")"
		}
	}
	return ""
}
