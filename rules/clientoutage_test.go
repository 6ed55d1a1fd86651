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

// TestBrokerRestartTwoRefusals: a broker back within ~2 s (the lab's
// broker_*_restart at LAB_DOWN=2) leaves librdkafka time for two refused
// reconnects between the lost connection and the next good one.
// Regression: minClientOutageFailures was 3, so the client log alone named
// connection-refused ("nothing listens") for a broker that restarted.
func TestBrokerRestartTwoRefusals(t *testing.T) {
	lost := disconnectedUp(10, 1, 4982)
	tests := []struct {
		name             string
		events           []analyzer.Event
		restart, refused want
	}{
		{"lost, two refusals, back", []analyzer.Event{lost, refusedRd(10.5, 2), refusedRd(11.1, 3), connectedRd(12.1, 4)},
			want{N: 1, Kinds: []string{"client-log"}, ConfMin: 0.4, ConfMax: 0.5, Missing: true,
				Contains: []string{"2 reconnects failed at once with nothing listening, until the client connected again"}},
			want{N: 0}},
		{"lost, one refusal, back: a quick reconnect, no outage", []analyzer.Event{lost, refusedRd(10.5, 2), connectedRd(12.1, 3)},
			want{N: 0}, want{N: 0}},
		{"two refusals within a second of the loss: a blip", []analyzer.Event{lost, refusedRd(10.2, 2), refusedRd(10.4, 3), connectedRd(10.9, 4)},
			want{N: 0}, want{N: 1, Kinds: []string{"client-log"}, ConfMin: 0.3, ConfMax: 0.7, Missing: true}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			inc := incident(tc.events, nil, node1)
			checkRule(t, BrokerRestart{}, inc, tc.restart)
			checkRule(t, ConnectionRefused{}, inc, tc.refused)
		})
	}
}
