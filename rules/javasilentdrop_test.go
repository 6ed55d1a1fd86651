package rules

import (
	"testing"

	"github.com/kafkadiag/kafkadiag/analyzer"
)

// javaReqTimeout is a Java client's "Disconnecting from node 1 due to
// request timeout." (INFO since 3.1).
func javaReqTimeout(sec float64, line int) analyzer.Event {
	e := javaClient(analyzer.RequestTimeout, sec, line, "[Producer clientId=producer-1] Disconnecting from node 1 due to request timeout.")
	e.Node, e.Level, e.Reason = "1", "INFO", "request timeout"
	return e
}

func TestJavaSilentDrop(t *testing.T) {
	at := func(secs ...float64) []analyzer.Event {
		var out []analyzer.Event
		for i, s := range secs {
			out = append(out, javaReqTimeout(s, 10+i))
		}
		return out
	}
	spaced := at(100, 520, 1000, 1390)
	brokerSlow := javaClient(analyzer.RequestTimeout, 700, 90, "[Producer clientId=producer-1] Got error produce response with correlation id 812 on topic-partition orders-3, retrying (2147483646 attempts left). Error: REQUEST_TIMED_OUT")
	brokerSlow.Reason = "REQUEST_TIMED_OUT"
	short := incident(spaced, nil, node1)
	short.Configs = []analyzer.Config{{Scope: "producer", Client: "producer-1", Key: "request.timeout.ms", Value: "200000", Source: analyzer.Location{Path: "client.log", Line: 5}}}
	tests := []struct {
		name     string
		inc      *analyzer.Incident
		idle     want
		overload want
	}{
		{"four lone timeouts minutes apart", incident(spaced, nil, node1),
			want{N: 1, Kinds: []string{"client-log"}, ConfMin: 0.3, ConfMax: 0.4, Missing: true,
				Contains: []string{"4 times the Java client closed a connection", "request.timeout.ms (30 s)", "at least 7 min after the one before",
					"not a proof", "a capture at the client would show the idle gap", "connections.max.idle.ms on client producer-1 (now 540000, the default)"}},
			want{N: 0}},
		{"many timeouts close together (overload)", incident(at(100, 101, 103, 104, 106, 130, 131), nil, node1),
			want{N: 0},
			want{N: 1, Kinds: []string{"client-log"}, ConfMin: 0.4, ConfMax: 0.5, Missing: true}},
		{"the broker answered REQUEST_TIMED_OUT too", incident(append(spaced, brokerSlow), nil, node1),
			want{N: 0},
			want{N: 1, Kinds: []string{"client-log"}, ConfMin: 0.4, ConfMax: 0.5, Missing: true}},
		{"two are not a pattern", incident(spaced[:2], nil, node1), want{N: 0}, want{N: 0}},
		{"spacing not far beyond a 200 s request.timeout.ms", short, want{N: 0}, want{N: 0}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			checkRule(t, IdleReset{}, tc.inc, tc.idle)
			checkRule(t, BrokerOverload{}, tc.inc, tc.overload)
		})
	}
}
