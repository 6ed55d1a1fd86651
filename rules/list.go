// Package rules holds kafkadiag's diagnoses, one rule per file, each a pure
// function of the incident. Shared machinery lives in small files beside
// them: join.go (logs ↔ flows ↔ captures), clock.go (log/capture clock
// offset), window.go (broker outages), cluster.go (idle-period clusters),
// tls.go (first-bytes and SSL-line classification), symptoms.go (what a
// cause explains).
package rules

import "github.com/kafkadiag/kafkadiag/analyzer"

// All returns every rule. The order does not matter for the result:
// analyzer.Evaluate sorts the findings.
func All() []analyzer.Rule {
	return []analyzer.Rule{
		ConnectionRefused{},
		SynUnanswered{},
		SynAckLost{},
		StaleARP{},
		IdleReset{},
		PlaintextToTLS{},
		TLSToPlaintext{},
		TLSHandshake{},
		BrokerRestart{},
		BrokerOOMKill{},
		AdvertisedListener{},
		SASLAuth{},
		BrokerOverload{},
	}
}
