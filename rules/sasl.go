package rules

import (
	"fmt"

	"github.com/kafkadiag/kafkadiag/analyzer"
)

// SASLAuth diagnoses SASL authentication failures: wrong credentials, a
// mechanism the broker does not enable, or a non-SASL client on a SASL
// listener.
type SASLAuth struct{}

var saslAuthMeta = analyzer.RuleMeta{
	ID:       "sasl-auth-failure",
	Cause:    analyzer.SASLAuthFailure,
	Title:    "SASL authentication fails",
	Severity: analyzer.Critical,
	LooksFor: "SaslAuthenticationException / \"Authentication failed …\" on the client, broker \"Failed authentication with /ip (Authentication failed …)\", " +
		"\"Unexpected Kafka request of type … during SASL handshake\", librdkafka \"SASL authentication error\".",
	Needs:  "Client or broker log lines; both sides agreeing raise confidence.",
	Avoids: "TLS handshake failures reported through the same \"failed authentication\" line.",
	Fix: []string{
		"Check the client's sasl.mechanism and credentials (sasl.jaas.config / sasl.username) against the broker's enabled mechanisms and users.",
	},
}

func (SASLAuth) Meta() analyzer.RuleMeta { return saslAuthMeta }

func (SASLAuth) Evaluate(inc *analyzer.Incident) []analyzer.Finding {
	events := inc.EventsOf(analyzer.SASLAuthFailed)
	if len(events) == 0 {
		return nil
	}
	kinds := kindSet{}
	for _, e := range events {
		kinds.addEvent(e)
	}
	f := analyzer.NewFinding(saslAuthMeta, agreeing(0.65, len(kinds)))
	f.Kinds = kinds.list()
	t := newTargets(inc)
	for _, e := range events {
		f.AddEvidence(analyzer.EventEvidence(e))
		if e.Program != "java-broker" {
			t.addEvent(e)
		}
	}
	for _, g := range t.list() {
		f.Subjects = append(f.Subjects, g.subject())
	}
	peers := map[string]bool{}
	for _, e := range events {
		if e.Peer.IsValid() {
			peers[e.Peer.String()] = true
		}
	}
	for _, p := range sortedKeys(peers) {
		f.Subjects = append(f.Subjects, analyzer.Subject{Client: p})
	}
	f.Summary = fmt.Sprintf("SASL authentication failed %d time(s): %q.", len(events), lineGist(events[0]))
	if len(kinds) == 1 {
		if kinds[kindBrokerLog] {
			f.Missing = "the client's log would show which client and mechanism were rejected"
		} else {
			f.Missing = "the broker's server.log would say why it rejected the client (user, mechanism)"
		}
	}
	f.Remediation = append(saslRemedy(inc, events), f.Remediation...)
	f.Explains = explain(inc, symptomScope{Kinds: []analyzer.EventKind{analyzer.NodeDisconnected, analyzer.Disconnected,
		analyzer.AuthTerminated, analyzer.BatchExpired}})
	return []analyzer.Finding{f}
}

// saslRemedy picks the fix the failure text points to.
func saslRemedy(inc *analyzer.Incident, events []*analyzer.Event) []string {
	text := ""
	for _, e := range events {
		text += eventText(e) + " "
	}
	switch {
	case containsAny(text, "during sasl handshake"):
		return []string{"The client is not doing SASL: set security.protocol=SASL_PLAINTEXT or SASL_SSL on it" + nowSetting(inc, "security.protocol") + "."}
	case containsAny(text, "enabled mechanisms", "unsupported sasl mechanism", "mechanism"):
		return []string{"Set sasl.mechanism on the client to one the broker enables (sasl.enabled.mechanisms)" + nowSetting(inc, "sasl.mechanism") + "."}
	case containsAny(text, "invalid username or password", "invalid credentials"):
		return []string{"Fix the client's username/password (sasl.jaas.config or sasl.username/sasl.password); for SCRAM check the user exists " +
			"(`kafka-configs --describe --entity-type users`)" + nowSetting(inc, "sasl.mechanism") + "."}
	}
	return nil
}
