package rules

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kafkadiag/kafkadiag/analyzer"
)

// noListener is the Java consumer's LISTENER_NOT_FOUND warning for n
// partitions of orders.
func noListener(sec float64, line, n int) analyzer.Event {
	e := javaClient(analyzer.ListenerNotFound, sec, line,
		"[Consumer clientId=consumer-orders-1, groupId=orders] 3 partitions have leader brokers without a matching listener, including [orders-0, orders-3, orders-6]")
	e.Client, e.Group = "consumer-orders-1", "orders"
	e.Count, e.TopicPartition, e.Reason = n, "orders-0", "LISTENER_NOT_FOUND for [orders-0, orders-3, orders-6]"
	return e
}

// noListenerEvery is n warnings every step seconds from start, at lines
// from line on.
func noListenerEvery(start, step float64, n, line int) []analyzer.Event {
	var out []analyzer.Event
	for i := range n {
		out = append(out, noListener(start+float64(i)*step, line+i, 3))
	}
	return out
}

// brokerListenersDump is one line of broker id's KafkaConfig dump.
func brokerListenersDump(id, key, value string, line int) analyzer.Config {
	return analyzer.Config{Scope: "broker", Client: id, Key: key, Value: value,
		Source: analyzer.Location{Path: "broker-" + id + "/server.log", Line: line}}
}

// undatedAll is events as a pattern without a time logs them.
func undatedAll(events []analyzer.Event) []analyzer.Event {
	for i := range events {
		events[i] = undated(events[i])
	}
	return events
}

func TestAdvertisedListenerNotFound(t *testing.T) {
	withInput := func(inc *analyzer.Incident, lines int) *analyzer.Incident {
		inc.Inputs = []analyzer.InputStat{{Path: "client.log", Lines: lines}}
		return inc
	}
	withConfigs := func(inc *analyzer.Incident, cs ...analyzer.Config) *analyzer.Incident {
		inc.Configs = cs
		return inc
	}
	tests := []struct {
		name string
		inc  *analyzer.Incident
		want want
	}{
		{"warnings over three minutes, client log only", withInput(incident(noListenerEvery(10, 20, 10, 100), nil), 500),
			want{N: 1, Kinds: []string{"client-log"}, ConfMin: 0.55, ConfMax: 0.65, Missing: true,
				Contains: []string{"client consumer-orders-1 warned 10 times", "orders-0", "LISTENER_NOT_FOUND", "over 180 s",
					"grep -E '^(advertised\\.)?listeners' server.properties", "same listener names"}}},
		{"undated, repeating to the end of the log", withInput(incident(undatedAll(noListenerEvery(10, 1, 12, 489)), nil), 500),
			want{N: 1, Kinds: []string{"client-log"}, ConfMin: 0.55, ConfMax: 0.65, Missing: true}},
		{"broker dumps name the broker without the listener", withConfigs(withInput(incident(noListenerEvery(10, 20, 10, 100), nil), 500),
			brokerListenersDump("1", "listeners", "INTERNAL://:9092,EXTERNAL://:9094", 12),
			brokerListenersDump("1", "advertised.listeners", "INTERNAL://kafka-1:9092,EXTERNAL://k1.example.com:9094", 13),
			brokerListenersDump("2", "listeners", "INTERNAL://:9092", 12),
			brokerListenersDump("2", "advertised.listeners", "INTERNAL://kafka-2:9092", 13),
			brokerListenersDump("3", "process.roles", "controller", 10),
			brokerListenersDump("3", "listeners", "CONTROLLER://:9093", 11)),
			want{N: 1, Kinds: []string{"client-log", "broker-log"}, ConfMin: 0.85, ConfMax: 0.95,
				Contains: []string{"broker 2 lacks EXTERNAL (broker 1 has it)", "broker 1 config: advertised.listeners = INTERNAL://kafka-1:9092"}}},
		{"broker dumps agree: the warning stays, with less confidence", withConfigs(withInput(incident(noListenerEvery(10, 20, 10, 100), nil), 500),
			brokerListenersDump("1", "listeners", "PLAINTEXT://:9092", 12),
			brokerListenersDump("2", "listeners", "PLAINTEXT://:9092", 12)),
			want{N: 1, Kinds: []string{"client-log"}, ConfMin: 0.4, ConfMax: 0.5,
				Contains: []string{"same listener names on every broker"}}},
		{"still warning long after a rolling restart", withInput(incident(append(noListenerEvery(30, 20, 12, 100),
			brokerLine(analyzer.BrokerShuttingDown, 0, 40, "[KafkaServer id=1] shutting down"),
			brokerLine(analyzer.BrokerStarted, 20, 90, "[KafkaServer id=1] started")), nil), 500),
			want{N: 1, Kinds: []string{"client-log"}, ConfMin: 0.55, ConfMax: 0.65, Missing: true,
				Contains: []string{"earlier warnings fell within 60 s of a broker"}}},

		// Near misses: none of these is a listener mismatch.
		{"two warnings are too few", withInput(incident(noListenerEvery(10, 60, 2, 100), nil), 101), want{N: 0}},
		{"seconds of warnings where the log ends (one broker down, kafka-lag-exporter#194)",
			withInput(incident(noListenerEvery(10, 1.1, 3, 1), nil), 3), want{N: 0}},
		{"a few undated warnings", withInput(incident(undatedAll(noListenerEvery(10, 1, 4, 1)), nil), 4), want{N: 0}},
		{"a burst mid-log that stops", withInput(incident(noListenerEvery(10, 1, 5, 100), nil), 500), want{N: 0}},
		{"warnings while a broker restarts (fenced KRaft leader)", withInput(incident(append(noListenerEvery(5, 5, 8, 100),
			brokerLine(analyzer.BrokerShuttingDown, 0, 40, "[BrokerServer id=1] Transition from STARTED to SHUTTING_DOWN"),
			brokerLine(analyzer.BrokerStarted, 30, 90, "[BrokerServer id=1] Transition from STARTING to STARTED")), nil), 108),
			want{N: 0}},
		{"warnings while the client cannot reach a broker", withInput(incident(append(noListenerEvery(10, 10, 10, 100),
			javaCouldNot(95, 190), javaCouldNot(96, 191)), nil), 200), want{N: 0}},
		{"no warning at all", incident([]analyzer.Event{javaCouldNot(10, 5)}, nil, node1), want{N: 0}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { checkRule(t, AdvertisedListener{}, tc.inc, tc.want) })
	}
}

func TestListenerNames(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"INTERNAL://:9092,EXTERNAL://0.0.0.0:9094", []string{"EXTERNAL", "INTERNAL"}},
		{"[PLAINTEXT://kafka-1:9092, CONTROLLER://kafka-1:9093]", []string{"PLAINTEXT"}},
		{"null", nil},
		{"", nil},
		{"plaintext://:9092,PLAINTEXT://:9093", []string{"PLAINTEXT"}},
	}
	for _, tc := range tests {
		got := listenerNames(tc.in, map[string]bool{"CONTROLLER": true})
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("listenerNames(%q) (-want +got):\n%s", tc.in, diff)
		}
	}
}
