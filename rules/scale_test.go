package rules

import (
	"fmt"
	"testing"
	"time"

	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/analyzer/flow"
)

// bigIncident is a busy day: n healthy flows to three brokers, a refused
// connect every 50 flows, and as many client log lines.
func bigIncident(n int) *analyzer.Incident {
	var flows []*flow.Flow
	var events []analyzer.Event
	brokers := []string{"198.18.0.3:9092", "198.18.0.4:9092", "198.18.0.5:9092"}
	for i := 0; i < n; i++ {
		sec := float64(i) * 0.5
		orig := fmt.Sprintf("198.18.%d.%d:%d", 1+i%200/100, 2+i%100, 30000+i%30000)
		resp := brokers[i%3]
		if i%50 == 0 {
			flows = append(flows, rejFlow(clientPcap, orig, resp, sec, 10*i+1))
			e := refusedRd(sec, i+1)
			e.Addr, e.Node = ap(resp), ""
			events = append(events, e)
			continue
		}
		f := sfFlow(clientPcap, orig, resp, sec, 10*i+1)
		if i%7 == 0 {
			f.FINBy = "resp"
		}
		flows = append(flows, f)
		e := javaClient(analyzer.NodeDisconnected, sec, i+1, "[Producer clientId=producer-1] Node 1 disconnected.")
		e.Node = "1"
		events = append(events, e)
	}
	return incident(events, flows, node1)
}

// The rules must stay near-linear: a 20k-flow incident evaluates in well
// under the time a person would wait.
func TestAllRulesScale(t *testing.T) {
	if testing.Short() {
		t.Skip("scale test")
	}
	inc := bigIncident(20000)
	start := time.Now()
	analyzer.Evaluate(inc, All())
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("20k flows took %v", d)
	}
}

func BenchmarkAllRules(b *testing.B) {
	inc := bigIncident(20000)
	b.ReportAllocs()
	for b.Loop() {
		analyzer.Evaluate(inc, All())
	}
}
