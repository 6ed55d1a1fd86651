package rules

import (
	"fmt"
	"strings"

	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/analyzer/flow"
)

// TLSHandshake diagnoses both sides speaking TLS but failing to agree:
// untrusted CA, a certificate without the right SAN, protocol or cipher
// mismatch, a missing client certificate.
type TLSHandshake struct{}

var tlsHandshakeMeta = analyzer.RuleMeta{
	ID:       "tls-handshake-failure",
	Cause:    analyzer.TLSHandshakeFailure,
	Title:    "TLS handshake fails between client and broker",
	Severity: analyzer.Critical,
	LooksFor: "ClientHello answered in TLS (ServerHello or an alert) then a close within seconds; Java SSLHandshakeException " +
		"(PKIX path building failed, No subject alternative names), librdkafka \"SSL handshake failed: … certificate verify failed\".",
	Needs:  "Client or broker SSL errors that name the reason, or captures of short TLS connections that end in an alert.",
	Avoids: "Plaintext on either side (the two listener-mismatch causes) and long-lived healthy TLS connections.",
	Fix: []string{
		"Make the client trust the broker's CA (ssl.truststore.location / ssl.ca.location) and issue broker certificates whose SAN matches the names clients use.",
	},
}

func (TLSHandshake) Meta() analyzer.RuleMeta { return tlsHandshakeMeta }

func (TLSHandshake) Evaluate(inc *analyzer.Incident) []analyzer.Finding {
	var flows []*flow.Flow
	var alert *flow.TLSRecord
	for _, f := range inc.Flows {
		if a, ok := tlsFailedFlow(f); ok {
			flows = append(flows, f)
			if alert == nil {
				alert = a
			}
		}
	}
	strong := tlsEvents(inc, tlsNoAgreement)
	// Counts are of connections: one seen by two captures counts once.
	conns := len(oneCapture(inc, flows))
	if len(strong) == 0 && alert == nil && conns < 2 {
		return unclearOnly(inc)
	}
	events := append(strong, unclearTLSEvents(inc)...)
	base := 0.5
	if len(strong) > 0 || alert != nil {
		base = 0.65
	}
	f, filters := tlsEvidence(inc, tlsHandshakeMeta, base, flows, events, 1, handshakeText, nil)
	if len(filters) > 0 {
		f.DisplayFilter = "(" + filterOr(filters) + ") && (tls.handshake || tls.alert_message)"
	}
	reason := "the handshake"
	switch {
	case len(strong) > 0:
		reason = fmt.Sprintf("%q", tlsGist(strong[0]))
	case alert != nil:
		reason = "TLS alert " + alertName(alert.AlertDescription)
	}
	var seen []string
	if conns > 0 {
		seen = append(seen, plural(conns, "failed TLS connection")+" in the captures")
	}
	if len(events) > 0 {
		seen = append(seen, plural(len(events), "log line"))
	}
	f.Summary = fmt.Sprintf("Client and broker at %s both speak TLS but the handshake fails: %s (%s).",
		firstServer(f.Subjects, events), reason, strings.Join(seen, ", "))
	switch {
	case len(flows) == 0:
		f.Missing = "a capture would show which side sent the alert and the certificate the broker presented"
	case len(strong) == 0:
		f.Missing = "the client's log (PKIX / certificate verify errors) would name why the handshake failed"
	}
	f.Remediation = append(handshakeRemedy(inc, strong, alert), f.Remediation...)
	clockOffsetOf(inc).note(&f)
	f.Explains = explain(inc, symptomScope{Kinds: []analyzer.EventKind{analyzer.NodeDisconnected, analyzer.Disconnected,
		analyzer.AuthTerminated, analyzer.BatchExpired}})
	return []analyzer.Finding{f}
}

// handshakeRemedy picks the fix the reason points to.
func handshakeRemedy(inc *analyzer.Incident, strong []*analyzer.Event, alert *flow.TLSRecord) []string {
	text := ""
	for _, e := range strong {
		text += eventText(e) + " "
	}
	if alert != nil {
		text += alertName(alert.AlertDescription)
	}
	switch {
	case containsAny(text, "subject alternative", "hostname", "no name matching"):
		return []string{"Reissue the broker certificate with a SAN for the exact name or IP clients dial (see the node addresses above); " +
			"disabling ssl.endpoint.identification.algorithm only hides the problem" + nowSetting(inc, "ssl.endpoint.identification.algorithm") + "."}
	case containsAny(text, "pkix", "certificate verify failed", "unknown_ca", "unable to find valid", "self signed", "self-signed"):
		return []string{"Add the CA that signed the broker certificate to the client's truststore (ssl.truststore.location, or ssl.ca.location for librdkafka)" +
			nowSetting(inc, "ssl.truststore.location") + "."}
	case containsAny(text, "protocol_version", "no protocols available", "no appropriate protocol", "no cipher", "dh key too small", "handshake_failure", "insufficient_security"):
		return []string{"Align ssl.enabled.protocols and cipher suites between client and broker (TLSv1.2/TLSv1.3)" + nowSetting(inc, "ssl.enabled.protocols") + "."}
	case containsAny(text, "bad_certificate", "certificate_required", "certificate_unknown"):
		return []string{"The broker requires a client certificate it trusts (ssl.client.auth=required): configure ssl.keystore.location " +
			"(librdkafka: ssl.certificate.location / ssl.key.location) with a certificate signed by a CA the broker trusts."}
	}
	return nil
}

// handshakeText describes one failed TLS connection.
func handshakeText(f *flow.Flow) string {
	r := f.FirstPayload[1].TLS
	if r != nil && r.ContentType == 21 {
		return fmt.Sprintf("%s ClientHello answered by TLS alert %s", flowText(f), alertName(r.AlertDescription))
	}
	return fmt.Sprintf("%s ClientHello, ServerHello, then closed after %s with %d bytes exchanged",
		flowText(f), seconds(f.End.Sub(f.Start)), f.OrigBytes+f.RespBytes)
}

// peerClosed reports a handshake the peer ended by closing, with no TLS
// alert ("SSL connection closed by server during handshake", "Remote host
// terminated the handshake", an EOF): a TLS listener that rejects a
// certificate says so with an alert, so a bare close points as much at a
// listener that speaks no TLS, and the line is no guess for this rule.
func peerClosed(e *analyzer.Event) bool {
	return containsAny(eventText(e), "closed by server", "closed by peer", "closed by remote", "terminated the handshake", "eof")
}

// minUnclearHandshakes is how many "SSL handshake failed" lines that name
// no reason, with nothing else to go on, make a guess worth reporting.
const minUnclearHandshakes = 2

// unclearOnly reads repeated "SSL handshake failed" lines that name no
// reason (the broker's INFO "Failed authentication with /ip (SSL
// handshake failed)", a client's line whose stack trace was not kept)
// and no other TLS or SASL evidence. Both sides reached the TLS layer, so
// the likeliest cause is trust or a name mismatch; a plaintext client on
// the TLS listener (broker side) or a TLS client at a plaintext one
// (client side) print the same words, so confidence stays low. A client
// configured without TLS, or the plaintext rule's "terminated during
// authentication" guess, leave it to that rule; lines cut by a broker
// stop are the stop's symptoms.
func unclearOnly(inc *analyzer.Incident) []analyzer.Finding {
	if len(inc.EventsOf(analyzer.SASLAuthFailed)) > 0 || len(inc.EventsOf(analyzer.AuthTerminated)) >= minTerminations {
		return nil
	}
	if len(tlsEvents(inc, tlsClientOnPlain)) > 0 || len(tlsEvents(inc, tlsPlainOnTLS)) > 0 {
		return nil
	}
	for _, f := range inc.Flows {
		if _, ok := plainToTLSFlow(f); ok || tlsToPlainFlow(f) {
			return nil
		}
	}
	if proto, known := clientSetting(inc, "security.protocol"); known && !strings.Contains(strings.ToUpper(proto.Value), "SSL") {
		return nil
	}
	var unclear []*analyzer.Event
	for _, e := range unclearOutsideOutages(inc) {
		if e.Kind == analyzer.SSLHandshakeFailed && !peerClosed(e) {
			unclear = append(unclear, e)
		}
	}
	if len(unclear) < minUnclearHandshakes {
		return nil
	}
	f, filters := tlsEvidence(inc, tlsHandshakeMeta, 0.4, nil, unclear, 1, handshakeText, nil)
	if len(filters) > 0 {
		f.DisplayFilter = "(" + filterOr(filters) + ") && (tls.handshake || tls.alert_message)"
	}
	f.Summary = fmt.Sprintf("TLS handshakes with %s failed %s and no line says why. The usual cause is a certificate the client does not trust "+
		"or one whose name does not match; a plaintext client on a TLS listener, or a TLS client at a plaintext one, fails with the same words.",
		firstServer(f.Subjects, unclear), plural(len(unclear), "time"))
	f.Missing = "the exception's Caused by lines (PKIX path building failed, no subject alternative names), the broker's DEBUG SslTransportLayer lines, " +
		"or a capture of one connect (the TLS alert, or no ClientHello) would name the reason"
	f.Remediation = append(f.Remediation, "Check that the client's security.protocol is SSL or SASL_SSL for this listener"+
		nowSetting(inc, "security.protocol")+".")
	clockOffsetOf(inc).note(&f)
	f.Explains = explain(inc, symptomScope{Kinds: []analyzer.EventKind{analyzer.NodeDisconnected, analyzer.Disconnected, analyzer.BatchExpired}})
	return []analyzer.Finding{f}
}
