package rules

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/analyzer/flow"
)

func TestAllCoversEveryCauseOnce(t *testing.T) {
	ids := map[string]bool{}
	causes := map[analyzer.Cause]int{}
	for _, r := range All() {
		m := r.Meta()
		if ids[m.ID] {
			t.Errorf("duplicate rule ID %q", m.ID)
		}
		ids[m.ID] = true
		causes[m.Cause]++
	}
	var missing, extra []analyzer.Cause
	known := map[analyzer.Cause]bool{}
	for _, c := range analyzer.Causes {
		known[c] = true
		if causes[c] != 1 {
			missing = append(missing, c)
		}
	}
	for c := range causes {
		if !known[c] {
			extra = append(extra, c)
		}
	}
	if diff := cmp.Diff([]analyzer.Cause(nil), missing); diff != "" {
		t.Errorf("causes not covered exactly once (-want +got):\n%s", diff)
	}
	if len(extra) > 0 {
		t.Errorf("rules for unknown causes: %v", extra)
	}
}

func TestMetaComplete(t *testing.T) {
	for _, r := range All() {
		m := r.Meta()
		t.Run(m.ID, func(t *testing.T) {
			empty := map[string]bool{
				"ID": m.ID == "", "Title": m.Title == "", "LooksFor": m.LooksFor == "",
				"Needs": m.Needs == "", "Avoids": m.Avoids == "", "Fix": len(m.Fix) == 0,
				"Severity": m.Severity < analyzer.Info || m.Severity > analyzer.Critical,
			}
			for _, field := range sortedKeys(empty) {
				if empty[field] {
					t.Errorf("%s is empty or invalid", field)
				}
			}
			for _, fix := range m.Fix {
				if fix == "" {
					t.Error("empty Fix line")
				}
			}
		})
	}
}

// A healthy capture and log yield nothing from any rule.
func TestHealthyIncidentIsQuiet(t *testing.T) {
	inc := incident([]analyzer.Event{
		javaClient(analyzer.Connected, 1, 30, "[Producer clientId=producer-1] Completed connection to node 1. Fetching API versions."),
	}, []*flow.Flow{
		sfFlow(clientPcap, client1+":40112", broker1, 1, 1),
		sfFlow(clientPcap, client1+":40114", broker1, 40, 60),
		sfFlow(clientPcap, client1+":40116", broker1, 90, 120),
	}, node1)
	for _, f := range analyzer.Evaluate(inc, All()) {
		t.Errorf("healthy incident produced %s (%.2f): %s", f.Cause, f.Confidence, f.Summary)
	}
}
