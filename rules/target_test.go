package rules

import (
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/kafkadiag/kafkadiag/analyzer"
)

// TestFoldUnnamed: a failure retold without its broker (KafkaJS's
// BrokerPool line) joins the one broker the same input's other lines
// name; with two brokers named, or the unnamed line from another input,
// it stays apart.
func TestFoldUnnamed(t *testing.T) {
	unnamed := func(sec float64, line int, path string) analyzer.Event {
		e := kafkajsTimeout(sec, line)
		e.NodeHost, e.Addr, e.Source.Path = "", netip.AddrPort{}, path
		return e
	}
	other := func(sec float64, line int) analyzer.Event {
		e := kafkajsTimeout(sec, line)
		e.NodeHost, e.Addr = "198.18.0.4", ap("198.18.0.4:9092")
		return e
	}
	tests := []struct {
		name   string
		events []analyzer.Event
		want   map[string]int // group key: events
	}{
		{"one broker named", []analyzer.Event{unnamed(9, 1, "app.log"), kafkajsTimeout(10, 2), kafkajsTimeout(12, 3)},
			map[string]int{broker1: 3}},
		{"two brokers named", []analyzer.Event{unnamed(9, 1, "app.log"), kafkajsTimeout(10, 2), other(12, 3)},
			map[string]int{"node ": 1, broker1: 1, "198.18.0.4:9092": 1}},
		{"unnamed from another input", []analyzer.Event{unnamed(9, 1, "other.log"), kafkajsTimeout(10, 2)},
			map[string]int{"node ": 1, broker1: 1}},
		{"nothing named", []analyzer.Event{unnamed(9, 1, "app.log"), unnamed(10, 2, "app.log")},
			map[string]int{"node ": 2}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			inc := incident(tc.events, nil)
			tg := newTargets(inc)
			for i := range inc.Events {
				tg.addEvent(&inc.Events[i])
			}
			tg.foldUnnamed()
			got := map[string]int{}
			for k, g := range tg.groups {
				got[k] = len(g.Events)
				for i := 1; i < len(g.Events); i++ {
					if g.Events[i].Time.Before(g.Events[i-1].Time) {
						t.Errorf("group %s out of time order", k)
					}
				}
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("groups (-want +got):\n%s", diff)
			}
		})
	}
}
