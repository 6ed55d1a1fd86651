package rules

import (
	"testing"

	"github.com/kafkadiag/kafkadiag/analyzer"
)

// javaNodeDown is a Java client's "Node 1 disconnected.".
func javaNodeDown(sec float64, line int) analyzer.Event {
	e := javaClient(analyzer.NodeDisconnected, sec, line, "[Producer clientId=producer-1] Node 1 disconnected.")
	e.Node, e.Level = "1", "INFO"
	return e
}

// TestBrokerRestartIdleLoss: an idle connection to node 1 closes (a bare
// "Node 1 disconnected.", nothing in flight), then every reconnect fails at
// once; each failed connect logs its own "Node 1 disconnected." a
// millisecond before "could not be established". Only the lone first one
// is the lost connection.
func TestBrokerRestartIdleLoss(t *testing.T) {
	run := func(lone bool) *analyzer.Incident {
		var events []analyzer.Event
		if lone {
			events = append(events, javaNodeDown(9.9, 1))
		}
		for i := range 25 {
			sec := 10 + float64(i)
			events = append(events, javaNodeDown(sec, 2+2*i), javaNodeCouldNot(sec+0.001, 3+2*i))
		}
		return incident(events, nil, node1)
	}
	tests := []struct {
		name    string
		inc     *analyzer.Incident
		restart want
		refused want
	}{
		{"idle connection lost, then refused fast", run(true),
			want{N: 1, Kinds: []string{"client-log"}, ConfMin: 0.35, ConfMax: 0.45, Missing: true,
				Contains: []string{"nothing in flight", "the next 25 reconnects failed at once", "journalctl -u kafka"}},
			want{N: 0}},
		{"every disconnect belongs to a failed connect (never listened)", run(false),
			want{N: 0},
			want{N: 1, Kinds: []string{"client-log"}, ConfMin: 0.4, ConfMax: 0.5, Missing: true}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			checkRule(t, BrokerRestart{}, tc.inc, tc.restart)
			checkRule(t, ConnectionRefused{}, tc.inc, tc.refused)
		})
	}
}
