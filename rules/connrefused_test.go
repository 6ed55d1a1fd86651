package rules

import (
	"fmt"
	"testing"
	"time"

	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/analyzer/flow"
)

// javaCouldNot is the Java client's vague connect failure to node 1.
func javaCouldNot(sec float64, line int) analyzer.Event {
	e := javaClient(analyzer.ConnectFailed, sec, line,
		"[Producer clientId=producer-1] Connection to node 1 (kafka-1/198.18.0.3:9092) could not be established. Node may not be available.")
	e.Node, e.NodeHost, e.Addr = "1", "kafka-1", ap(broker1)
	return e
}

// connectedRd is librdkafka's debug line for a connect to node 1 that got through.
func connectedRd(sec float64, line int) analyzer.Event {
	e := rdkafka(analyzer.Connected, sec, line, fmt.Sprintf(
		"%%7|%d.%03d|CONNECT|rdkafka#producer-1| [thrd:198.18.0.3:9092/1]: 198.18.0.3:9092/1: Connected to ipv4#198.18.0.3:9092",
		at(sec).Unix(), at(sec).Nanosecond()/1e6))
	e.Node, e.Addr = "1", ap(broker1)
	return e
}

// javaCouldNotLocal is the Java client's vague connect failure to a broker
// on the client's own host (bootstrap localhost:9092).
func javaCouldNotLocal(sec float64, line int) analyzer.Event {
	e := javaClient(analyzer.ConnectFailed, sec, line,
		"[Producer clientId=producer-1] Connection to node -1 (localhost/127.0.0.1:9092) could not be established. Node may not be available.")
	e.Node, e.NodeHost, e.Addr = "-1", "localhost", ap("127.0.0.1:9092")
	return e
}

// undated is e as a pattern that prints no time (slf4j-simple) logs it.
func undated(e analyzer.Event) analyzer.Event {
	e.Time = time.Time{}
	return e
}

func TestConnectionRefused(t *testing.T) {
	rej := func() []*flow.Flow {
		return []*flow.Flow{
			rejFlow(clientPcap, client1+":40112", broker1, 10, 5),
			rejFlow(clientPcap, client1+":40114", broker1, 11, 9),
			rejFlow(clientPcap, client1+":40116", broker1, 13, 13),
		}
	}
	logs := func(offset float64) []analyzer.Event {
		return []analyzer.Event{refusedRd(10+offset, 21), refusedRd(11+offset, 22), refusedRd(13+offset, 25),
			expiredBatch(130, 90)}
	}
	tests := []struct {
		name string
		inc  *analyzer.Incident
		want want
	}{
		{"packets only", incident(nil, rej(), node1), want{N: 1, Kinds: []string{"packets"}, ConfMin: 0.6, ConfMax: 0.7, Missing: true,
			Contains: []string{"198.18.0.3:9092", "REJ", "ss -ltnp 'sport = :9092'", "tcp.flags.reset==1"}}},
		{"logs only", incident(logs(0), nil, node1), want{N: 1, Kinds: []string{"client-log"}, ConfMin: 0.55, ConfMax: 0.65, Missing: true,
			Contains: []string{"node 1 (198.18.0.3:9092)", "Connection refused", "expired batches ×1 (12 records)"}}},
		{"both agree", incident(logs(0), rej(), node1), want{N: 1, Kinds: []string{"packets", "client-log"}, ConfMin: 0.75, ConfMax: 0.85,
			Contains: []string{"3 SYNs answered by RST", "3 \"Connection refused\" log lines"}}},
		{"both, log clock 5 s ahead", incident(logs(5), rej(), node1), want{N: 1, Kinds: []string{"packets", "client-log"}, ConfMin: 0.75, ConfMax: 0.85,
			Contains: []string{"log clocks run 5 s ahead of the capture clock"}}},
		{"the same refusals in two captures count once", incident(logs(0), append(rej(), func() []*flow.Flow {
			var b []*flow.Flow
			for _, f := range rej() {
				c := *f
				c.Capture, c.UID = brokerPcap, "B"+f.UID
				b = append(b, &c)
			}
			return b
		}()...), node1), want{N: 1, Kinds: []string{"packets", "client-log"}, ConfMin: 0.8, ConfMax: 0.85,
			Contains: []string{"3 SYNs answered by RST in the capture"}}},
		{"java vague lines join REJ flows", incident([]analyzer.Event{javaCouldNot(10, 50), javaCouldNot(11, 52)}, rej(), node1),
			want{N: 1, Kinds: []string{"packets", "client-log"}, ConfMin: 0.75, ConfMax: 0.85}},
		{"two java vague lines a second apart", incident([]analyzer.Event{javaCouldNot(10, 50), javaCouldNot(11, 52)}, nil, node1),
			want{N: 1, Kinds: []string{"client-log"}, ConfMin: 0.4, ConfMax: 0.5, Missing: true, Contains: []string{"retried at once"}}},
		{"two java vague lines at timeout pace do not fire", incident([]analyzer.Event{javaCouldNot(10, 50), javaCouldNot(21, 52)}, nil, node1), want{N: 0}},
		{"two undated java vague lines do not fire", incident([]analyzer.Event{undated(javaCouldNot(10, 50)), undated(javaCouldNot(11, 52))}, nil, node1), want{N: 0}},
		{"java vague lines retried fast", incident([]analyzer.Event{javaCouldNot(10, 50), javaCouldNot(10.05, 52), javaCouldNot(10.3, 54), javaCouldNot(11.2, 56)}, nil, node1),
			want{N: 1, Kinds: []string{"client-log"}, ConfMin: 0.4, ConfMax: 0.5, Missing: true, Contains: []string{"retried at once"}}},
		{"java vague lines at timeout pace", incident([]analyzer.Event{javaCouldNot(10, 50), javaCouldNot(40, 52), javaCouldNot(70, 54)}, nil, node1), want{N: 0}},
		// Lines with no time show no pace: they must not pass for fast
		// retries.
		{"undated java vague lines", incident([]analyzer.Event{undated(javaCouldNot(10, 50)), undated(javaCouldNot(11, 52)), undated(javaCouldNot(12, 54))}, nil, node1), want{N: 0}},
		// On loopback nothing can drop the SYN: the failure was a refusal,
		// timed or not.
		{"java vague lines to a loopback address", incident([]analyzer.Event{javaCouldNotLocal(10, 50), javaCouldNotLocal(40, 52)}, nil),
			want{N: 1, Kinds: []string{"client-log"}, ConfMin: 0.4, ConfMax: 0.5, Missing: true, Contains: []string{"for a loopback address", "127.0.0.1:9092"}}},
		{"undated java vague lines to a loopback address", incident([]analyzer.Event{undated(javaCouldNotLocal(10, 50)), undated(javaCouldNotLocal(11, 52))}, nil),
			want{N: 1, Kinds: []string{"client-log"}, ConfMin: 0.4, ConfMax: 0.5, Missing: true, Contains: []string{"for a loopback address"}}},
		{"one java vague line to a loopback address does not fire", incident([]analyzer.Event{javaCouldNotLocal(10, 50)}, nil), want{N: 0}},
		// A capture begun while the broker was down: refusals, then the
		// same address answers. The listener came back; say so and ask
		// for the broker's side.
		{"refused, then a later connect got through", incident(nil, append(rej(), sfFlow(clientPcap, client1+":40130", broker1, 40, 30)), node1),
			want{N: 1, Kinds: []string{"packets"}, ConfMin: 0.6, ConfMax: 0.7, Missing: true,
				Contains: []string{"then a later connect got through: nothing listened there for a while", "journalctl -u kafka"}}},
		{"one refusal then a connect is a blip", incident([]analyzer.Event{refusedRd(10, 21), connectedRd(11, 22)}, nil, node1), want{N: 0}},
		{"one refusal then a handshake is a blip", incident([]analyzer.Event{refusedRd(10, 21)},
			[]*flow.Flow{sfFlow(clientPcap, client1+":40112", broker1, 11, 1)}, node1), want{N: 0}},
		{"one refusal the inputs never see recover", incident([]analyzer.Event{refusedRd(10, 21)}, nil, node1),
			want{N: 1, Kinds: []string{"client-log"}, ConfMin: 0.4, ConfMax: 0.5, Missing: true, Contains: []string{"Connection refused"}}},
		{"a connect before the lone refusal does not excuse it", incident([]analyzer.Event{connectedRd(5, 20), refusedRd(10, 21)}, nil, node1),
			want{N: 1, Kinds: []string{"client-log"}, ConfMin: 0.4, ConfMax: 0.5, Missing: true}},
		{"one refusal with a long log after it: a blip the INFO log never saw end", func() *analyzer.Incident {
			inc := incident([]analyzer.Event{refusedRd(10, 21)}, nil, node1)
			inc.Inputs = []analyzer.InputStat{{Path: "rdkafka.log", Lines: 500}}
			return inc
		}(), want{N: 0}},
		{"one refusal among the last lines of its log", func() *analyzer.Incident {
			inc := incident([]analyzer.Event{refusedRd(10, 21)}, nil, node1)
			inc.Inputs = []analyzer.InputStat{{Path: "rdkafka.log", Lines: 25}}
			return inc
		}(), want{N: 1, Kinds: []string{"client-log"}, ConfMin: 0.4, ConfMax: 0.5, Missing: true}},
		{"one REJ flow alone is a probe, not a cause", incident(nil, []*flow.Flow{rejFlow(clientPcap, client1+":40112", broker1, 10, 5)}, node1), want{N: 0}},
		{"one java vague line alone does not fire", incident([]analyzer.Event{javaCouldNot(10, 50)}, nil, node1), want{N: 0}},
		{"healthy SF flows", incident(nil, []*flow.Flow{sfFlow(clientPcap, client1+":40112", broker1, 1, 1)}, node1), want{N: 0}},
		{"refused inside a restart window", restartIncident(true, true, true), want{N: 0}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { checkRule(t, ConnectionRefused{}, tc.inc, tc.want) })
	}
}
