package rules

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/analyzer/flow"
)

// Parsers fill what their input had; rules must not assume more. Every rule
// runs over sparse and contradictory records without panicking.
func TestRulesTolerateSparseModel(t *testing.T) {
	kinds := []analyzer.EventKind{
		analyzer.ConnectRefused, analyzer.ConnectTimeout, analyzer.ConnectFailed, analyzer.ConnectNoRoute,
		analyzer.ResolveFailed, analyzer.Connected, analyzer.Disconnected, analyzer.ConnectionReset,
		analyzer.NodeDisconnected, analyzer.AuthTerminated, analyzer.SSLHandshakeFailed, analyzer.SASLAuthFailed,
		analyzer.SecurityProtocolHint, analyzer.InvalidReceive, analyzer.RequestTimeout, analyzer.BatchExpired,
		analyzer.ConnectionQuota, analyzer.BrokerStarting, analyzer.BrokerStarted, analyzer.BrokerShuttingDown,
		analyzer.BrokerShutDown, analyzer.SignalReceived, analyzer.ServiceStopping, analyzer.ServiceStopped,
		analyzer.ServiceStarted, analyzer.ServiceFailed, analyzer.ProcessKilled, analyzer.OOMKill,
	}
	var events []analyzer.Event
	for i, k := range kinds {
		events = append(events,
			analyzer.Event{Kind: k},
			analyzer.Event{Kind: k, Time: at(float64(i)), Node: "x", State: "UP", AfterMs: 1 << 40, Size: -1, Program: "java-broker", Unit: "kafka.service"},
			analyzer.Event{Kind: k, Time: at(float64(i)), Node: "2", Addr: ap("127.0.0.1:9092"), Program: "librdkafka", AfterMs: 350000, State: "UP"},
		)
	}
	odd := []*flow.Flow{
		{},
		{RSTBy: "resp", HandshakeDone: true, OrigBytes: 1, IdleBeforeEnd: time.Hour},
		{RSTBy: "resp", HandshakeDone: true, OrigBytes: 1, IdleBeforeEnd: time.Hour, End: at(5000)},
		{ReplyMACMismatch: true, SynAcks: 3, SYNs: 0},
		{ReplyMACMismatch: true, SynAcks: 3, SYNs: 2, RespDstMAC: mac(oldClientMAC)},
		{FirstPayload: [2]flow.Payload{{Class: flow.PayloadTLSClientHello}, {Class: flow.PayloadTLSOther}}, FINBy: "resp"},
		{FirstPayload: [2]flow.Payload{{Class: flow.PayloadKafkaRequest}, {Class: flow.PayloadTLSOther}}, FINBy: "resp"},
		{State: "REJ"}, {State: "S0", SYNs: 9}, {HandshakeDone: true, FINBy: "resp"}, {HandshakeDone: true, RSTBy: "resp"},
		{ZeroWindows: [2]int{0, 5}}, {ZeroWindows: [2]int{0, 5}},
	}
	incs := []*analyzer.Incident{
		{},
		{Events: events},
		{Flows: odd},
		{Events: events, Flows: odd, Nodes: []analyzer.Node{{}, {ID: "-1", Bootstrap: true}, {ID: "2"}},
			Configs: []analyzer.Config{{Key: "connections.max.idle.ms", Value: "junk"}, {Key: "connections.max.idle.ms", Value: "-5"}},
			ARP:     []analyzer.CapturedARP{{}}},
	}
	for _, inc := range incs {
		for _, r := range All() {
			for _, f := range r.Evaluate(inc) {
				if f.Confidence < 0 || f.Confidence > 1 || f.Summary == "" {
					t.Errorf("%s: confidence %.2f, summary %q", r.Meta().ID, f.Confidence, f.Summary)
				}
			}
		}
	}
}

// Near-misses, run through every rule: only the expected causes appear.
func TestNearMissesAcrossRules(t *testing.T) {
	graceful := sfFlow(clientPcap, client1+":40112", broker1, 0, 1)
	graceful.IdleBeforeEnd, graceful.MaxIdle = 400*time.Second, 400*time.Second
	tests := []struct {
		name string
		inc  *analyzer.Incident
		want []analyzer.Cause
	}{
		{"healthy", incident(nil, []*flow.Flow{sfFlow(clientPcap, client1+":40112", broker1, 0, 1), sfFlow(brokerPcap, client1+":40112", broker1, 0.0004, 1)}, node1), nil},
		{"one reset after idle", incident(nil, []*flow.Flow{idleResetFlow(clientPcap, client1+":40112", broker1, 0, 351*time.Second, true, 1)}, node1), nil},
		{"graceful FIN after idle", incident(nil, []*flow.Flow{graceful}, node1), nil},
		{"refused during a restart", restartIncident(true, true, true), []analyzer.Cause{analyzer.BrokerRestart}},
		{"one SYN retransmission then success", incident(nil, []*flow.Flow{retryThenOKFlow()}, node1), nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []analyzer.Cause
			for _, f := range analyzer.Evaluate(tc.inc, All()) {
				got = append(got, f.Cause)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("causes (-want +got):\n%s", diff)
			}
		})
	}
}
