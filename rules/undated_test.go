package rules

import (
	"testing"
	"time"

	"github.com/kafkadiag/kafkadiag/analyzer"
)

// TestUndatedStop: a stop a status dump printed without a time opens no
// outage at the zero time; the dated start of the same unit in the same
// input that follows it ends an outage whose beginning is unknown.
func TestUndatedStop(t *testing.T) {
	dump := func(kind analyzer.EventKind, sec float64, line int, text string) analyzer.Event {
		e := journalLine(kind, "systemd", sec, line, text)
		e.Source.Path = "status.txt"
		return e
	}
	stop := dump(analyzer.ServiceStopped, 0, 6, "Process: 32416 ExecStop=/opt/kafka/bin/kafka-server-stop.sh (code=exited, status=0/SUCCESS)")
	stop.Time = time.Time{}
	start := dump(analyzer.ServiceStarted, 100, 4, "Active: active (running) since Sat 2026-03-14 10:01:40 UTC; 5min ago")
	otherUnit := start
	otherUnit.Unit = "confluent-kafka.service"
	otherFile := start
	otherFile.Source.Path = "other-status.txt"

	t.Run("paired", func(t *testing.T) {
		checkRule(t, BrokerRestart{}, incident([]analyzer.Event{stop, start}, nil, node1), want{N: 1, Kinds: []string{"journal"}, ConfMin: 0.35, ConfMax: 0.45, Missing: true,
			Contains: []string{"was down until 2026-03-14 10:01:40.000 (since when, the inputs do not say", "ExecStop"}})
		f := (BrokerRestart{}).Evaluate(incident([]analyzer.Event{stop, start}, nil, node1))[0]
		if !f.FirstSeen.Equal(at(100)) {
			t.Errorf("first seen %v, want the start", f.FirstSeen)
		}
	})
	for name, events := range map[string][]analyzer.Event{
		"alone":             {stop},
		"another unit":      {stop, otherUnit},
		"another input":     {stop, otherFile},
		"a start, no stop":  {start},
		"an undated oom":    {func() analyzer.Event { e := stop; e.Kind = analyzer.OOMKill; return e }()},
		"undated oom, none": {func() analyzer.Event { e := stop; e.Kind = analyzer.OOMKill; return e }(), otherUnit},
	} {
		t.Run(name, func(t *testing.T) {
			inc := incident(events, nil, node1)
			for _, r := range []analyzer.Rule{BrokerRestart{}, BrokerOOMKill{}} {
				for _, f := range r.Evaluate(inc) {
					t.Errorf("%s: %s", f.Cause, f.Summary)
				}
			}
		})
	}
}
