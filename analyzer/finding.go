package analyzer

import (
	"fmt"
	"time"
)

// Cause is a root-cause ID from DOMAIN.md; the JSON report carries it as is.
type Cause string

// The cause IDs of the JSON contract.
const (
	ConnectionRefusedCause        Cause = "connection-refused"
	SynUnanswered                 Cause = "syn-unanswered"
	SynAckLost                    Cause = "syn-ack-lost"
	StaleARPEntry                 Cause = "stale-arp-entry"
	IdleTimeoutReset              Cause = "idle-timeout-reset"
	PlaintextToTLSListener        Cause = "plaintext-to-tls-listener"
	TLSToPlaintextListener        Cause = "tls-to-plaintext-listener"
	TLSHandshakeFailure           Cause = "tls-handshake-failure"
	BrokerRestart                 Cause = "broker-restart"
	BrokerOOMKill                 Cause = "broker-oom-kill"
	AdvertisedListenerUnreachable Cause = "advertised-listener-unreachable"
	SASLAuthFailure               Cause = "sasl-auth-failure"
	BrokerOverload                Cause = "broker-overload"
)

// Causes lists every cause ID in the contract's order.
var Causes = []Cause{
	ConnectionRefusedCause, SynUnanswered, SynAckLost, StaleARPEntry,
	IdleTimeoutReset, PlaintextToTLSListener, TLSToPlaintextListener,
	TLSHandshakeFailure, BrokerRestart, BrokerOOMKill,
	AdvertisedListenerUnreachable, SASLAuthFailure, BrokerOverload,
}

// Severity orders findings; the CLI's --fail-on compares against it.
type Severity int

// Severities, lowest first.
const (
	Info Severity = iota + 1
	Warning
	Critical
)

func (s Severity) String() string {
	switch s {
	case Info:
		return "info"
	case Warning:
		return "warning"
	case Critical:
		return "critical"
	}
	return fmt.Sprintf("severity(%d)", int(s))
}

// ParseSeverity reads "info", "warning" or "critical".
func ParseSeverity(s string) (Severity, error) {
	switch s {
	case "info":
		return Info, nil
	case "warning":
		return Warning, nil
	case "critical":
		return Critical, nil
	}
	return 0, fmt.Errorf("unknown severity %q (want info, warning or critical)", s)
}

// Finding is one diagnosed cause with the evidence that shows it.
type Finding struct {
	Cause      Cause
	Rule       string
	Severity   Severity
	Confidence float64 // 0..1
	Title      string
	// Summary reads symptom → cause, in plain words, for this incident.
	Summary  string
	Subjects []Subject
	// FirstSeen, LastSeen and Count span the evidence of the cause itself.
	FirstSeen, LastSeen time.Time
	Count               int
	Evidence            []Evidence
	// Remediation is written for this incident: actual hosts and values.
	Remediation []string
	// Kinds names the independent kinds of evidence that agreed
	// ("packets", "client-log", "broker-log", "journal").
	Kinds []string
	// Missing says which artifact would settle the question when only one
	// kind of evidence was present.
	Missing string
	// Explains lists symptoms this cause accounts for ("12 expired
	// batches", "Node 3 disconnected ×4").
	Explains []string
	// DisplayFilter is a Wireshark display filter for the flows involved.
	DisplayFilter string
	// IdleTimeout is the idle timeout a device in the path was inferred to
	// enforce; set only by idle-timeout-reset findings (the HTML report
	// marks it on the idle-gap histogram), zero otherwise.
	IdleTimeout time.Duration
}

// Subject is who a finding is about.
type Subject struct {
	Node   string `json:"node,omitempty"`
	Addr   string `json:"addr,omitempty"`
	Client string `json:"client,omitempty"`
}

// Evidence is one line or packet a person can open.
type Evidence struct {
	Location
	Time time.Time
	Text string
}

// RuleMeta is a rule's static description: what `kafkadiag rules explain`
// prints and what every finding of the rule starts from.
type RuleMeta struct {
	ID       string
	Cause    Cause
	Title    string
	Severity Severity
	// LooksFor, Needs and Avoids document the rule for `rules explain`:
	// the signature, the evidence it needs, the false positives it avoids.
	LooksFor string
	Needs    string
	Avoids   string
	// Fix is the generic remediation; findings add incident specifics.
	Fix []string
}

// MaxEvidence bounds the evidence a finding carries: the first ones, in time
// order, and the count says how many there were.
const MaxEvidence = 20

// NewFinding starts a finding from a rule's static metadata. Rules fill in the
// incident's specifics (summary, subjects, evidence) and call Finish.
func NewFinding(m RuleMeta, confidence float64) Finding {
	return Finding{
		Cause:       m.Cause,
		Rule:        m.ID,
		Severity:    m.Severity,
		Confidence:  clamp01(confidence),
		Title:       m.Title,
		Remediation: append([]string(nil), m.Fix...),
	}
}

// AddEvidence appends evidence, keeping at most MaxEvidence items but
// counting all of them, and widens FirstSeen/LastSeen.
func (f *Finding) AddEvidence(e Evidence) {
	f.Count++
	if !e.Time.IsZero() {
		if f.FirstSeen.IsZero() || e.Time.Before(f.FirstSeen) {
			f.FirstSeen = e.Time
		}
		if e.Time.After(f.LastSeen) {
			f.LastSeen = e.Time
		}
	}
	if len(f.Evidence) < MaxEvidence {
		if len(e.Text) > MaxTextLen {
			e.Text = e.Text[:MaxTextLen]
		}
		f.Evidence = append(f.Evidence, e)
	}
}

// EventEvidence turns a log event into evidence.
func EventEvidence(e *Event) Evidence {
	return Evidence{Location: e.Source, Time: e.Time, Text: e.Text}
}

func clamp01(x float64) float64 {
	if x < 0 {
		return 0
	}
	if x > 1 {
		return 1
	}
	return x
}
