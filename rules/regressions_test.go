// Regression tests for behaviour the end-to-end cases (e2e/, testdata/incidents/) showed wrong.

package rules

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/analyzer/flow"
)

// javaLost is a Java producer's in-flight request cancelled because its
// established connection to node 1 dropped.
func javaLost(sec float64, line int) analyzer.Event {
	e := javaClient(analyzer.Disconnected, sec, line, "[Producer clientId=producer-1] Cancelled in-flight PRODUCE request with correlation id 88 due to node 1 being disconnected (elapsed time since creation: 4ms, elapsed time since send: 4ms, throttle time: 0ms, request timeout: 30000ms)")
	e.Node, e.Level = "1", "INFO"
	return e
}

// javaNodeCouldNot is "Connection to node 1 (…) could not be established".
func javaNodeCouldNot(sec float64, line int) analyzer.Event {
	e := javaClient(analyzer.ConnectFailed, sec, line, "[Producer clientId=producer-1] Connection to node 1 (broker-1/198.18.0.3:9092) could not be established. Node may not be available.")
	e.Node, e.NodeHost, e.Addr = "1", "broker-1", ap(broker1)
	return e
}

func TestBrokerRestartFromClientLog(t *testing.T) {
	run := func(lost bool, first, spacing float64, n int, tail bool) *analyzer.Incident {
		var events []analyzer.Event
		if lost {
			events = append(events, javaLost(first-0.05, 1))
		}
		for i := range n {
			events = append(events, javaNodeCouldNot(first+spacing*float64(i), 2+i))
		}
		if tail {
			e := javaClient(analyzer.NodeDisconnected, first+spacing*float64(n)+300, 100, "[Producer clientId=producer-1] Node -1 disconnected.")
			e.Node = "-1"
			events = append(events, e)
		}
		return incident(events, nil, node1)
	}
	tests := []struct {
		name string
		inc  *analyzer.Incident
		want want
	}{
		{"lost, refused fast for 30 s, then quiet", run(true, 10, 1, 30, true), want{N: 1, Kinds: []string{"client-log"}, ConfMin: 0.4, ConfMax: 0.5, Missing: true,
			Contains: []string{"broker-1 was down from", "(29 s)", "the next 30 reconnects failed at once", "journalctl -u kafka"}}},
		{"lost, failing to the end of the log", run(true, 10, 1, 30, false), want{N: 1, Kinds: []string{"client-log"}, ConfMin: 0.4, ConfMax: 0.5, Missing: true, Contains: []string{"had not come back"}}},
		{"refused without a lost connection (never listened)", run(false, 10, 1, 30, true), want{N: 0}},
		{"failures spaced like connect timeouts", run(true, 10, 12, 6, true), want{N: 0}},
		{"two quick failures during a reconnect", run(true, 10, 1, 2, true), want{N: 0}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { checkRule(t, BrokerRestart{}, tc.inc, tc.want) })
	}
	// Inside the client-seen outage the refusals are its symptoms, not a
	// connection-refused of their own.
	checkRule(t, ConnectionRefused{}, run(true, 10, 1, 30, true), want{N: 0})
}

func TestIdleResetMassDisconnect(t *testing.T) {
	// Five consumers lose their connections within one second at ages
	// between 46 and 48 minutes: one server-side close, not a timer.
	var events []analyzer.Event
	for i, age := range []int64{2761000, 2790500, 2777200, 2820900, 2800100} {
		e := disconnectedUp(3000+0.15*float64(i), 10+i, age)
		e.Client = fmt.Sprintf("rdkafka#consumer-%d", 8+i)
		events = append(events, e)
	}
	checkRule(t, IdleReset{}, incident(events, nil, node1), want{N: 0})
}

func TestBrokerRestartAfterHeapOOM(t *testing.T) {
	oom := brokerLine(analyzer.JVMOutOfMemory, 50, 20, "[2026-03-14 10:00:50,000] ERROR Processor got uncaught exception. (kafka.network.Processor)")
	oom.Reason, oom.Level = "Java heap space", "ERROR"
	inc := incident([]analyzer.Event{
		brokerLine(analyzer.BrokerStarted, 2, 10, "[2026-03-14 10:00:02,001] INFO [KafkaServer id=1] started (kafka.server.KafkaServer)"),
		oom,
		brokerLine(analyzer.BrokerStarting, 90, 30, "[2026-03-14 10:01:30,000] INFO [KafkaServer id=1] starting (kafka.server.KafkaServer)"),
		brokerLine(analyzer.BrokerStarted, 96, 31, "[2026-03-14 10:01:36,000] INFO [KafkaServer id=1] started (kafka.server.KafkaServer)"),
	}, nil, node1)
	checkRule(t, BrokerRestart{}, inc, want{N: 1, Kinds: []string{"broker-log"}, ConfMin: 0.65, ConfMax: 0.75, Missing: true,
		Contains: []string{"(46 s)", "java.lang.OutOfMemoryError: Java heap space at broker-1/server.log:20", "not the kernel's OOM killer", "-XX:+ExitOnOutOfMemoryError"}})
	checkRule(t, BrokerOOMKill{}, inc, want{N: 0})
}

func TestBrokerRestartSIGKILLFromTwoJournalCopies(t *testing.T) {
	killed := journalLine(analyzer.ProcessKilled, "systemd", 100, 301, "kafka.service: Main process exited, code=killed, status=9/KILL")
	killed.Signal = "KILL"
	copyOf := killed
	copyOf.Source.Path = "broker-1/journal.json"
	started := journalLine(analyzer.ServiceStarted, "systemd", 106, 307, "Started kafka.service - Apache Kafka.")
	inc := incident([]analyzer.Event{killed, copyOf, started, refusedRd(103, 40), refusedRd(104, 41)}, nil, node1)
	got := BrokerRestart{}.Evaluate(inc)
	if len(got) != 1 {
		t.Fatalf("got %d findings, want 1", len(got))
	}
	if !strings.Contains(got[0].Summary, "killed with SIGKILL") {
		t.Errorf("summary does not name SIGKILL: %s", got[0].Summary)
	}
	if want := "`journalctl --since '2026-03-14 09:59:40 UTC' --until '2026-03-14 10:02:40 UTC'`"; !strings.Contains(got[0].Remediation[0], want) {
		t.Errorf("first fix does not say where to look for the killer (%s): %s", want, got[0].Remediation[0])
	}
	journal := 0
	for _, e := range got[0].Evidence {
		if strings.Contains(e.Path, "journal") {
			journal++
		}
	}
	if journal != 2 {
		t.Errorf("evidence has %d journal lines, want the killed and started lines once each", journal)
	}
}

func TestLogStream(t *testing.T) {
	for in, want := range map[string]string{
		"b.tgz!kafka-1/server.log.1.gz":        "b.tgz!kafka-1/server.log",
		"kafka-1/server.log.2":                 "kafka-1/server.log",
		"kafka-1/server.log.2024-01-25-13":     "kafka-1/server.log",
		"kafka-1/server.log":                   "kafka-1/server.log",
		"logs.2024/server.log":                 "logs.2024/server.log",
		"kafka-1/controller.log.2024-01-25.gz": "kafka-1/controller.log",
		"server":                               "server",
	} {
		if got := logStream(in); got != want {
			t.Errorf("logStream(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestBrokerKilledAcrossRotation(t *testing.T) {
	first := brokerLine(analyzer.BrokerStarted, 2, 4, "[2026-03-14 10:00:02,001] INFO [KafkaServer id=1] started (kafka.server.KafkaServer)")
	first.Source.Path = "broker-1/server.log.1.gz"
	inc := incident([]analyzer.Event{first,
		brokerLine(analyzer.BrokerStarting, 90, 2, "[2026-03-14 10:01:30,000] INFO [KafkaServer id=1] starting (kafka.server.KafkaServer)"),
		brokerLine(analyzer.BrokerStarted, 96, 4, "[2026-03-14 10:01:36,000] INFO [KafkaServer id=1] started (kafka.server.KafkaServer)"),
	}, nil, node1)
	checkRule(t, BrokerRestart{}, inc, want{N: 1, Kinds: []string{"broker-log"}, ConfMin: 0.65, ConfMax: 0.75, Missing: true,
		Contains: []string{"no shutdown sequence was logged before the next start"}})
}

func TestIdleResetLogOnlySubjects(t *testing.T) {
	logs := []analyzer.Event{disconnectedUp(371, 10, 350120), disconnectedUp(771, 11, 350090), disconnectedUp(1171, 12, 350300)}
	got := IdleReset{}.Evaluate(incident(logs, nil, node1))
	if len(got) != 1 {
		t.Fatalf("got %d findings, want 1", len(got))
	}
	want := []analyzer.Subject{{Node: "1", Addr: broker1}}
	if diff := cmp.Diff(want, got[0].Subjects[:1]); diff != "" {
		t.Errorf("subjects (-want +got):\n%s", diff)
	}
}

// TestIdleReaperNoteIsInfo: disconnects after the broker's own
// connections.max.idle.ms get an info note, however few, since one pasted
// line is what a user asks about; other ages, even one near it, get none.
func TestIdleReaperNoteIsInfo(t *testing.T) {
	tests := []struct {
		name    string
		logs    []analyzer.Event
		want    bool
		summary string
	}{
		{"three", []analyzer.Event{disconnectedUp(700, 10, 600120), disconnectedUp(1400, 11, 600090), disconnectedUp(2100, 12, 600300)}, true, "ages 3 × 600 s"},
		{"one", []analyzer.Event{disconnectedUp(700, 10, 600012)}, true, "The connection librdkafka saw dropped was idle for the broker's own connections.max.idle.ms (600 s; after 600 s)"},
		{"two", []analyzer.Event{disconnectedUp(700, 10, 600012), disconnectedUp(1400, 11, 600040)}, true, "ages 2 × 600 s"},
		{"one at 300 s", []analyzer.Event{disconnectedUp(700, 10, 300012)}, false, ""},
		{"one at 540 s", []analyzer.Event{disconnectedUp(700, 10, 540002)}, false, ""},
		{"one young", []analyzer.Event{disconnectedUp(700, 10, 5012)}, false, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := IdleReset{}.Evaluate(incident(tc.logs, nil, node1))
			if !tc.want {
				if len(got) != 0 {
					t.Fatalf("want no finding, got %+v", got)
				}
				return
			}
			if len(got) != 1 || got[0].Severity != analyzer.Info {
				t.Fatalf("want one info note, got %+v", got)
			}
			if !strings.Contains(got[0].Summary, tc.summary) {
				t.Errorf("summary lacks %q: %s", tc.summary, got[0].Summary)
			}
		})
	}
}

func TestOOMVictimUnitName(t *testing.T) {
	for _, tc := range []struct {
		units []string
		want  string
	}{
		{[]string{"Apache Kafka", "kafka.service"}, "kafka.service"},
		{[]string{"kafka.service", "Apache Kafka"}, "kafka.service"},
		{[]string{"Apache Kafka"}, "<kafka unit>"},
	} {
		o := &outage{}
		for i, u := range tc.units {
			o.Signs = append(o.Signs, &analyzer.Event{Kind: analyzer.ServiceStopped, Unit: u, PID: i})
		}
		if _, got := oomVictim(o); got != tc.want {
			t.Errorf("units %q: unit %q, want %q", tc.units, got, tc.want)
		}
	}
}

// TestTLSCountsConnectionsOnce: the same two ClientHellos captured at the
// client and at the broker are two connections, not four, and the display
// filter names each once.
func TestTLSCountsConnectionsOnce(t *testing.T) {
	var flows []*flow.Flow
	for i, port := range []string{":40112", ":40114"} {
		c := helloFlow(broker1, port, 10+float64(i), 5+20*i, noReply, 3*time.Millisecond, 517)
		b := helloFlow(broker1, port, 10.0004+float64(i), 5+20*i, noReply, 3*time.Millisecond, 517)
		b.Capture = brokerPcap
		c.OrigISN, b.OrigISN = uint32(1000+i), uint32(1000+i)
		flows = append(flows, c, b)
	}
	got := TLSToPlaintext{}.Evaluate(incident(nil, flows, node1))
	if len(got) != 1 {
		t.Fatalf("got %d findings, want 1", len(got))
	}
	if !strings.Contains(got[0].Summary, "2 connections opened with a TLS ClientHello") {
		t.Errorf("summary counts captures, not connections: %s", got[0].Summary)
	}
	if strings.Count(got[0].DisplayFilter, "tcp.port==40112") != 1 {
		t.Errorf("filter repeats a connection: %s", got[0].DisplayFilter)
	}
}

// requestTimeoutDisconnect is librdkafka closing a connection of the given
// age because n requests on it timed out.
func requestTimeoutDisconnect(sec float64, line, n int, ageMs int64) analyzer.Event {
	e := rdkafka(analyzer.RequestTimeout, sec, line, fmt.Sprintf(
		"%%3|1773482750.120|FAIL|rdkafka#producer-1| [thrd:198.18.0.3:9092/1]: 198.18.0.3:9092/1: %d request(s) timed out: disconnect (after %dms in state UP)", n, ageMs))
	e.Node, e.Addr, e.State, e.AfterMs, e.Reason = "1", ap(broker1), "UP", ageMs, "request(s) timed out: disconnect"
	return e
}

func TestSilentIdleDrop(t *testing.T) {
	spaced := []analyzer.Event{requestTimeoutDisconnect(900, 10, 1, 903000), requestTimeoutDisconnect(2100, 11, 1, 1200000), requestTimeoutDisconnect(3000, 12, 1, 900000)}
	burst := []analyzer.Event{}
	for i := range 6 {
		burst = append(burst, requestTimeoutDisconnect(900+0.2*float64(i), 10+i, 40, 903000))
	}
	tests := []struct {
		name string
		inc  *analyzer.Incident
		want want
	}{
		{"one request each, minutes apart, on old connections", incident(spaced, nil, node1), want{N: 1, Kinds: []string{"client-log"}, ConfMin: 0.4, ConfMax: 0.5, Missing: true,
			Contains: []string{"3 times a request sent on a connection that had been open for minutes", "spread over 35 min", "without a reset", "connections.max.idle.ms below"}}},
		{"two are not a pattern", incident(spaced[:2], nil, node1), want{N: 0}},
		{"a burst of many timed-out requests is not an idle drop", incident(burst, nil, node1), want{N: 0}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { checkRule(t, IdleReset{}, tc.inc, tc.want) })
	}
	if got := (BrokerOverload{}).Evaluate(incident(spaced, nil, node1)); len(got) != 0 {
		t.Errorf("overload claimed the idle drops: %s", got[0].Summary)
	}
	if got := (BrokerOverload{}).Evaluate(incident(burst, nil, node1)); len(got) != 1 {
		t.Errorf("overload missed a burst of timeouts: %d findings", len(got))
	}
}

// agelessDisconnect is old librdkafka's "Receive failed: Disconnected"
// without "(after N ms in state UP)".
func agelessDisconnect(sec float64, line int) analyzer.Event {
	e := rdkafka(analyzer.Disconnected, sec, line, "%3|1458444064.863|FAIL|rdkafka#producer-1| 198.18.0.3:9092/bootstrap: Receive failed: Disconnected")
	e.Node, e.Addr, e.Reason = "-1", ap(broker1), "Disconnected"
	return e
}

func TestIdleResetFromDisconnectIntervals(t *testing.T) {
	every := func(period float64, n int) []analyzer.Event {
		var out []analyzer.Event
		for i := range n {
			out = append(out, agelessDisconnect(100+period*float64(i)+0.3*float64(i%2), 10+i))
		}
		return out
	}
	tests := []struct {
		name string
		inc  *analyzer.Incident
		want want
	}{
		{"every ~300 s", incident(every(300, 5), nil, node1), want{N: 1, Kinds: []string{"client-log"}, ConfMin: 0.35, ConfMax: 0.4, Missing: true,
			Contains: []string{"intervals between the disconnects", "≈300 s"}}},
		{"every ~600 s: the broker's own idle close", incident(every(600, 5), nil, node1), want{N: 1, Kinds: []string{"client-log"}, ConfMin: 0.3, ConfMax: 0.3,
			Contains: []string{"not a device in the path"}}},
		{"three disconnects are two intervals", incident(every(300, 3), nil, node1), want{N: 0}},
		{"irregular", incident([]analyzer.Event{agelessDisconnect(100, 1), agelessDisconnect(190, 2), agelessDisconnect(600, 3), agelessDisconnect(650, 4), agelessDisconnect(1900, 5)}, nil, node1), want{N: 0}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { checkRule(t, IdleReset{}, tc.inc, tc.want) })
	}
}

func TestBrokerRestartFromClientLogWithReconnect(t *testing.T) {
	lost := disconnectedUp(10, 1, 4917)
	back := rdkafka(analyzer.Connected, 14.6, 9, "%7|1773482754.600|STATE|rdkafka#producer-1| [thrd:198.18.0.3:9092/1]: 198.18.0.3:9092/1: Broker changed state APIVERSION_QUERY -> UP")
	back.Node, back.Addr, back.State = "1", ap(broker1), "UP"
	// Three refusals within 1.5 s: short, but the logged reconnect bounds it.
	inc := incident([]analyzer.Event{lost, refusedRd(10.1, 2), refusedRd(10.6, 3), refusedRd(11.5, 4), back}, nil, node1)
	checkRule(t, BrokerRestart{}, inc, want{N: 1, Kinds: []string{"client-log"}, ConfMin: 0.4, ConfMax: 0.5, Missing: true,
		Contains: []string{"(4.6 s)", "3 reconnects failed at once with nothing listening, until the client connected again"}})
	checkRule(t, ConnectionRefused{}, inc, want{N: 0})
}
