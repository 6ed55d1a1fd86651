package rules

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/analyzer/flow"
)

// restartIncident is a clean restart of broker 1 at t0+100 s, back at
// +112 s, seen by the journal, the broker log and/or a client capture, with
// the client's refusals and disconnects during the gap.
func restartIncident(journal, brokerLog, packets bool) *analyzer.Incident {
	events := []analyzer.Event{
		refusedRd(105, 40), refusedRd(107, 41),
		func() analyzer.Event {
			e := javaClient(analyzer.NodeDisconnected, 100.3, 88, "[Producer clientId=producer-1] Node 1 disconnected.")
			e.Node, e.Level = "1", "INFO"
			return e
		}(),
	}
	if journal {
		events = append(events,
			journalLine(analyzer.ServiceStopping, "systemd", 100, 301, "Mar 14 10:01:40 broker-1 systemd[1]: Stopping Apache Kafka Server..."),
			journalLine(analyzer.ServiceStopped, "systemd", 104.5, 305, "Mar 14 10:01:44 broker-1 systemd[1]: Stopped Apache Kafka Server."),
			journalLine(analyzer.ServiceStarted, "systemd", 106, 307, "Mar 14 10:01:46 broker-1 systemd[1]: Started Apache Kafka Server."),
		)
	}
	if brokerLog {
		events = append(events,
			brokerLine(analyzer.BrokerStarted, 2, 10, "[2026-03-14 10:00:02,001] INFO [KafkaServer id=1] started (kafka.server.KafkaServer)"),
			brokerLine(analyzer.SignalReceived, 100.1, 500, "[2026-03-14 10:01:40,100] INFO Terminating process due to signal SIGTERM (org.apache.kafka.common.utils.LoggingSignalHandler)"),
			brokerLine(analyzer.BrokerShuttingDown, 100.2, 501, "[2026-03-14 10:01:40,200] INFO [KafkaServer id=1] shutting down (kafka.server.KafkaServer)"),
			brokerLine(analyzer.BrokerShutDown, 104, 560, "[2026-03-14 10:01:44,000] INFO [KafkaServer id=1] shut down completed (kafka.server.KafkaServer)"),
			brokerLine(analyzer.BrokerStarting, 106.5, 561, "[2026-03-14 10:01:46,500] INFO [KafkaServer id=1] starting (kafka.server.KafkaServer)"),
			brokerLine(analyzer.BrokerStarted, 112, 700, "[2026-03-14 10:01:52,000] INFO [KafkaServer id=1] started (kafka.server.KafkaServer)"),
		)
	}
	var flows []*flow.Flow
	if packets {
		for i, port := range []string{":40112", ":40114", ":40116"} {
			f := sfFlow(clientPcap, client1+port, broker1, 1+float64(i), 1+100*i)
			f.End, f.FINBy, f.State = at(100.25+0.05*float64(i)), "resp", "SF"
			flows = append(flows, f)
		}
		flows = append(flows,
			rejFlow(clientPcap, client1+":40120", broker1, 105, 400),
			rejFlow(clientPcap, client1+":40122", broker1, 107, 404),
			sfFlow(clientPcap, client1+":40124", broker1, 113, 410))
	}
	return incident(events, flows, node1)
}

func TestBrokerRestart(t *testing.T) {
	tests := []struct {
		name string
		inc  *analyzer.Incident
		want want
	}{
		{"journal and agreeing client lines", restartIncident(true, false, false), want{N: 1, Kinds: []string{"client-log", "journal"}, ConfMin: 0.8, ConfMax: 0.9, Missing: true,
			Contains: []string{"broker-1 was down", "refused connects (node 1, state CONNECT) ×2", "not separate causes"}}},
		{"broker log and agreeing client lines", restartIncident(false, true, false), want{N: 1, Kinds: []string{"client-log", "broker-log"}, ConfMin: 0.8, ConfMax: 0.9, Missing: true,
			Contains: []string{"clean, logged shutdown", "Node 1 disconnected ×1"}}},
		{"packets and agreeing client lines", restartIncident(false, false, true), want{N: 1, Kinds: []string{"packets", "client-log"}, ConfMin: 0.75, ConfMax: 0.85, Missing: true,
			Contains: []string{"3 connections closed together, 2 connects refused, 1 reconnect) show", "198.18.0.3:9092"}}},
		// The capture began after the connections were up: their closes
		// still make the burst.
		{"packets begun mid-connection", func() *analyzer.Incident {
			inc := restartIncident(false, false, true)
			for _, f := range inc.Flows[:3] {
				f.HandshakeDone, f.SYNs, f.SynAcks, f.SynTimes, f.SynFrame, f.SynAckFrame, f.History = false, 0, 0, nil, 0, 0, "DadFf"
			}
			return inc
		}(), want{N: 1, Kinds: []string{"packets", "client-log"}, ConfMin: 0.75, ConfMax: 0.85, Missing: true,
			Contains: []string{"3 connections closed together, 2 connects refused, 1 reconnect) show"}}},
		{"all three and client lines", restartIncident(true, true, true), want{N: 1, Kinds: []string{"packets", "client-log", "broker-log", "journal"}, ConfMin: 0.9, ConfMax: 0.95,
			Contains: []string{"as the system log, the broker log and packets"}}},
		{"an orderly stop as the inputs end, no client affected", incident([]analyzer.Event{
			brokerLine(analyzer.SignalReceived, 100.1, 500, "[2026-03-14 10:01:40,100] INFO Terminating process due to signal SIGTERM (org.apache.kafka.common.utils.LoggingSignalHandler)"),
			brokerLine(analyzer.BrokerShutDown, 104, 560, "[2026-03-14 10:01:44,000] INFO [KafkaServer id=1] shut down completed (kafka.server.KafkaServer)"),
			expiredBatch(20, 5), // before the stop: not its symptom
		}, nil, node1), want{N: 0}},
		{"the broker log alone ends with an orderly stop", incident([]analyzer.Event{
			func() analyzer.Event {
				e := brokerLine(analyzer.SignalReceived, 100.1, 500, "[2026-03-14 10:01:40,100] INFO Terminating process due to signal SIGTERM (org.apache.kafka.common.utils.LoggingSignalHandler)")
				e.Signal = "TERM"
				return e
			}(),
			brokerLine(analyzer.BrokerShutDown, 104, 560, "[2026-03-14 10:01:44,000] INFO [KafkaServer id=1] shut down completed (kafka.server.KafkaServer)"),
		}, nil, node1), want{N: 1, Kinds: []string{"broker-log"}, ConfMin: 0.3, ConfMax: 0.4, Missing: true,
			Contains: []string{"had not come back when the inputs end", "a clean, logged shutdown after SIGTERM from outside the JVM", "no client in them was affected"}}},
		{"a lone refusal with no lifecycle is not a restart", incident([]analyzer.Event{refusedRd(10, 1), refusedRd(11, 2)}, nil, node1), want{N: 0}},
		{"one reset during a deploy is no outage", incident(nil, []*flow.Flow{idleResetFlow(clientPcap, client1+":40112", broker1, 1, 30e9, false, 1)}, node1), want{N: 0}},
		{"killed: started with no shutdown before it", incident([]analyzer.Event{
			brokerLine(analyzer.BrokerStarted, 2, 10, "[2026-03-14 10:00:02,001] INFO [KafkaServer id=1] started (kafka.server.KafkaServer)"),
			brokerLine(analyzer.ConfigValue, 90, 400, "[2026-03-14 10:01:30,000] INFO [Log partition=orders-0] Rolled new log segment (kafka.log.LocalLog)"),
			brokerLine(analyzer.BrokerStarting, 120, 401, "[2026-03-14 10:02:00,000] INFO [KafkaServer id=1] starting (kafka.server.KafkaServer)"),
			brokerLine(analyzer.BrokerStarted, 126, 600, "[2026-03-14 10:02:06,000] INFO [KafkaServer id=1] started (kafka.server.KafkaServer)"),
		}, nil, node1), want{N: 1, Kinds: []string{"broker-log"}, ConfMin: 0.65, ConfMax: 0.75, Missing: true,
			Contains: []string{"killed (SIGKILL or a crash)", "from 2026-03-14 10:01:30.000 to 2026-03-14 10:02:06.000"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { checkRule(t, BrokerRestart{}, tc.inc, tc.want) })
	}
}

// appOOM is the kernel killing a JVM whose cgroup the oom-kill line named.
func appOOM(unit string) analyzer.Event {
	k := journalLine(analyzer.OOMKill, "kernel", 200, 410,
		"Mar 14 10:03:20 app-3 kernel: Memory cgroup out of memory: Killed process 1873 (java) total-vm:8234560kB, anon-rss:3912340kB, file-rss:0kB, shmem-rss:0kB, UID:998 pgtables:8420kB oom_score_adj:0")
	k.PID, k.Reason, k.Unit = 1873, "java", unit
	return k
}

func TestBrokerOOMKill(t *testing.T) {
	oom := func() []analyzer.Event {
		k := journalLine(analyzer.OOMKill, "kernel", 200, 410,
			"Mar 14 10:03:20 broker-1 kernel: Out of memory: Killed process 4242 (java) total-vm:9437184kB, anon-rss:6291456kB, file-rss:0kB, shmem-rss:0kB, UID:1000 pgtables:14000kB oom_score_adj:0")
		k.PID, k.Reason, k.Unit = 4242, "java", ""
		p := journalLine(analyzer.ProcessKilled, "systemd", 200.1, 412, "Mar 14 10:03:20 broker-1 systemd[1]: kafka.service: Main process exited, code=killed, status=9/KILL")
		p.Signal = "KILL"
		fr := journalLine(analyzer.ServiceFailed, "systemd", 200.1, 413, "Mar 14 10:03:20 broker-1 systemd[1]: kafka.service: Failed with result 'oom-kill'.")
		fr.Reason = "oom-kill"
		st := journalLine(analyzer.ServiceStarted, "systemd", 210, 420, "Mar 14 10:03:30 broker-1 systemd[1]: Started Apache Kafka Server.")
		return []analyzer.Event{k, p, fr, st}
	}
	tests := []struct {
		name string
		inc  *analyzer.Incident
		want want
	}{
		{"journal only", incident(oom(), nil, node1), want{N: 1, Kinds: []string{"journal"}, ConfMin: 0.7, ConfMax: 0.8,
			Contains: []string{"OOM killer", "PID 4242", "systemctl show kafka.service -p MemoryMax"}}},
		{"a clean restart is not an OOM kill", restartIncident(true, true, false), want{N: 0}},
		{"the JVM of another service", incident([]analyzer.Event{appOOM("orders-api.service")}, nil, node1), want{N: 0}},
		{"a JVM in a container's scope", incident([]analyzer.Event{appOOM("docker-1f2e3d4c5b6a.scope")}, nil, node1), want{N: 1, Kinds: []string{"journal"}, ConfMin: 0.7, ConfMax: 0.8}},
		{"a JVM in Kafka's service", incident([]analyzer.Event{appOOM("confluent-server.service")}, nil, node1), want{N: 1, Kinds: []string{"journal"}, ConfMin: 0.7, ConfMax: 0.8}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { checkRule(t, BrokerOOMKill{}, tc.inc, tc.want) })
	}
	// The restart rule leaves OOM outages to this one.
	if got := (BrokerRestart{}).Evaluate(incident(oom(), nil, node1)); len(got) != 0 {
		t.Errorf("broker-restart fired on an OOM kill: %s", got[0].Summary)
	}
}

// With the logs' clock 30 s ahead of the capture's, the restart seen in the
// logs and the one seen on the wire are still one outage, and the refusals
// inside it stay the restart's.
func TestBrokerRestartAcrossClocks(t *testing.T) {
	inc := restartIncident(true, true, true)
	for i := range inc.Events {
		inc.Events[i].Time = inc.Events[i].Time.Add(30e9)
	}
	got := (BrokerRestart{}).Evaluate(inc)
	if len(got) != 1 {
		t.Fatalf("%d restart findings, want 1", len(got))
	}
	if diff := cmp.Diff([]string{"packets", "client-log", "broker-log", "journal"}, got[0].Kinds); diff != "" {
		t.Errorf("kinds (-want +got):\n%s", diff)
	}
	if !strings.Contains(got[0].Summary, "log clocks run 30 s ahead of the capture clock") {
		t.Errorf("summary does not note the clock offset: %s", got[0].Summary)
	}
	if refused := (ConnectionRefused{}).Evaluate(inc); len(refused) != 0 {
		t.Errorf("connection-refused fired inside the restart: %s", refused[0].Summary)
	}
}

// TestOutageClientAgreement: client lines count as a second kind only
// inside the outage window and only about the broker that went down.
func TestOutageClientAgreement(t *testing.T) {
	journal := []analyzer.Event{
		journalLine(analyzer.ServiceStopping, "systemd", 100, 301, "Mar 14 10:01:40 broker-1 systemd[1]: Stopping Apache Kafka Server..."),
		journalLine(analyzer.ServiceStopped, "systemd", 104.5, 305, "Mar 14 10:01:44 broker-1 systemd[1]: Stopped Apache Kafka Server."),
		journalLine(analyzer.ServiceStarted, "systemd", 106, 307, "Mar 14 10:01:46 broker-1 systemd[1]: Started Apache Kafka Server."),
	}
	otherBroker := refusedRd(105, 40)
	otherBroker.Node, otherBroker.Addr = "2", ap("198.18.0.4:9092")
	with := func(extra ...analyzer.Event) *analyzer.Incident {
		// The journal's host is known as node 1 (the clients' metadata).
		n := node1
		n.Host = "broker-1"
		return incident(append(append([]analyzer.Event(nil), journal...), extra...), nil, n)
	}
	tests := []struct {
		name string
		inc  *analyzer.Incident
		want want
	}{
		{"refusals inside the window", with(refusedRd(105, 40), refusedRd(107, 41)),
			want{N: 1, Kinds: []string{"client-log", "journal"}, ConfMin: 0.8, ConfMax: 0.9, Missing: true,
				Contains: []string{"Connect to ipv4#198.18.0.3:9092 failed: Connection refused"}}},
		{"refusals long after the window (grace included): no client was hit", with(refusedRd(300, 40), refusedRd(301, 41)),
			want{N: 1, Kinds: []string{"journal"}, ConfMin: 0.35, ConfMax: 0.45, Missing: true}},
		{"refusals from another broker too: only broker 1's count", with(refusedRd(105, 40), otherBroker),
			want{N: 1, Kinds: []string{"client-log", "journal"}, ConfMin: 0.8, ConfMax: 0.9, Missing: true}},
		{"refusals from another broker only", with(otherBroker),
			want{N: 1, Kinds: []string{"journal"}, ConfMin: 0.65, ConfMax: 0.75, Missing: true}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { checkRule(t, BrokerRestart{}, tc.inc, tc.want) })
	}
}

// killedBrokerLog is a broker log in which the process died without a
// shutdown sequence once per restart second given.
func killedBrokerLog(restarts ...float64) []analyzer.Event {
	events := []analyzer.Event{brokerLine(analyzer.BrokerStarted, 2, 10, "[2026-03-14 10:00:02,001] INFO [KafkaServer id=1] started (kafka.server.KafkaServer)")}
	for i, sec := range restarts {
		line := 100 * (i + 1)
		events = append(events,
			brokerLine(analyzer.BrokerStarting, sec, line, "[2026-03-14 10:01:46,500] INFO [KafkaServer id=1] starting (kafka.server.KafkaServer)"),
			brokerLine(analyzer.BrokerStarted, sec+5, line+50, "[2026-03-14 10:01:51,500] INFO [KafkaServer id=1] started (kafka.server.KafkaServer)"))
	}
	return events
}

// dmesgOOM is plain dmesg's undated OOM kill of a JVM on host.
func dmesgOOM(host, unit string) analyzer.Event {
	return analyzer.Event{Kind: analyzer.OOMKill, Source: analyzer.Location{Path: host + "/dmesg.txt", Line: 3}, Program: "kernel",
		Host: host, Unit: unit, PID: 1873, Reason: "java",
		Text: "Out of memory: Killed process 1873 (java) total-vm:8234560kB, anon-rss:3912340kB, file-rss:0kB, shmem-rss:0kB, UID:998 pgtables:8420kB oom_score_adj:0"}
}

// TestUndatedOOMKill: plain dmesg's OOM kill of the broker's JVM names the
// cause of the one killed outage on its host, at lower confidence; it
// blames none when two outages could be it, another host's or another
// service's kill, or a restart that logged its shutdown.
func TestUndatedOOMKill(t *testing.T) {
	tests := []struct {
		name   string
		events []analyzer.Event
		oom    want
	}{
		{"one killed outage", append(killedBrokerLog(106), dmesgOOM("broker-1", "")), want{N: 1, Kinds: []string{"broker-log", "journal"}, ConfMin: 0.6, ConfMax: 0.6,
			Contains: []string{"plain dmesg", "cannot be checked", "PID 1873"}}},
		{"in Kafka's cgroup, host unknown", append(killedBrokerLog(106), dmesgOOM("", "kafka.service")), want{N: 1, Kinds: []string{"broker-log", "journal"}, ConfMin: 0.6, ConfMax: 0.6}},
		{"two killed outages", append(killedBrokerLog(106, 300), dmesgOOM("broker-1", "")), want{N: 0}},
		{"another host", append(killedBrokerLog(106), dmesgOOM("app-3", "")), want{N: 0}},
		{"another service", append(killedBrokerLog(106), dmesgOOM("broker-1", "orders-api.service")), want{N: 0}},
		{"a logged shutdown", append(restartIncident(false, true, false).Events, dmesgOOM("broker-1", "")), want{N: 0}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			inc := incident(tc.events, nil, node1)
			checkRule(t, BrokerOOMKill{}, inc, tc.oom)
			if got := (BrokerRestart{}).Evaluate(inc); (len(got) == 0) != (tc.oom.N == 1) {
				t.Errorf("broker-restart gave %d findings beside %d OOM findings", len(got), tc.oom.N)
			}
		})
	}
}

// TestLastHeard: a killed broker was last heard from at the log's last
// record before the new start, when the parser knew it and it lies
// between the last event and the start.
func TestLastHeard(t *testing.T) {
	prev := brokerLine(analyzer.BrokerStarted, 2, 10, "started")
	tests := []struct {
		name   string
		before float64 // 0: unknown
		want   float64
	}{
		{"known", 90, 90},
		{"unknown", 0, 2},
		{"older than the last event", 1, 2},
		{"after the start", 120, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			start := brokerLine(analyzer.BrokerStarting, 106, 100, "starting")
			if tc.before != 0 {
				start.Before = at(tc.before)
			}
			if got := lastHeard(&prev, &start); !got.Equal(at(tc.want)) {
				t.Errorf("lastHeard = %v, want %v", got, at(tc.want))
			}
		})
	}
}

// TestBrokerFatalStartup: a broker that failed to start says why, from the
// exception under its "Fatal error during KafkaServer startup" line.
func TestBrokerFatalStartup(t *testing.T) {
	fatal := func(exc, msg string) analyzer.Event {
		e := brokerLine(analyzer.BrokerShuttingDown, 10, 1,
			"[2022-04-07 18:19:33,005] ERROR [KafkaServer id=1] Fatal error during KafkaServer startup. Prepare to shutdown (kafka.server.KafkaServer)")
		e.Level, e.Reason, e.Exception, e.ExceptionMsg = "ERROR", "fatal error during startup", exc, msg
		return e
	}
	shutDown := brokerLine(analyzer.BrokerShutDown, 10.3, 12, "[2022-04-07 18:19:33,227] INFO [KafkaServer id=1] shut down completed (kafka.server.KafkaServer)")
	tests := []struct {
		name string
		inc  *analyzer.Incident
		want want
	}{
		{"disk full", incident([]analyzer.Event{fatal("java.io.IOException", "No space left on device"), shutDown}, nil),
			want{N: 1, Kinds: []string{"broker-log"}, ConfMin: 0.3, ConfMax: 0.4, Missing: true,
				Contains: []string{"failed during startup (java.io.IOException: No space left on device at broker-1/server.log:1)",
					"Fix what stopped broker-1 from starting"}}},
		{"heap", incident([]analyzer.Event{fatal("java.lang.OutOfMemoryError", "Java heap space")}, nil),
			want{N: 1, Kinds: []string{"broker-log"}, ConfMin: 0.3, ConfMax: 0.4, Missing: true,
				Contains: []string{"java.lang.OutOfMemoryError: Java heap space", "not the kernel's OOM killer", "-XX:+ExitOnOutOfMemoryError"}}},
		{"stack cut off", incident([]analyzer.Event{fatal("", ""), shutDown}, nil),
			want{N: 1, Kinds: []string{"broker-log"}, ConfMin: 0.3, ConfMax: 0.4, Missing: true,
				Contains: []string{"the excerpt shows no exception"}}},
		// A plain clean shutdown is not a failed start.
		{"clean shutdown is no fatal start", incident([]analyzer.Event{
			brokerLine(analyzer.BrokerShuttingDown, 10, 1, "[2022-04-07 18:19:33,007] INFO [KafkaServer id=1] shutting down (kafka.server.KafkaServer)"),
			shutDown}, nil),
			want{N: 1, Kinds: []string{"broker-log"}, ConfMin: 0.3, ConfMax: 0.4, Missing: true,
				Contains: []string{"a clean, logged shutdown"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { checkRule(t, BrokerRestart{}, tc.inc, tc.want) })
	}
}
