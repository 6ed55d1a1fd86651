package kafkalog

import (
	"fmt"
	"net/netip"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kafkadiag/kafkadiag/internal/golden"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/kafkadiag/kafkadiag/analyzer"
)

// TestGolden parses every fixture and compares all it emitted with
// testdata/golden/<fixture>.golden.
func TestGolden(t *testing.T) {
	logs, err := filepath.Glob("testdata/*.log")
	if err != nil || len(logs) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, path := range logs {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			rec, st := parseFile(t, name)
			var b strings.Builder
			fmt.Fprintf(&b, "layout=%s lines=%d events=%d unparsed=%d problems=%q\n", st.Layout, st.Lines, st.Events, st.Unparsed, st.Problems)
			for _, e := range rec.events {
				fmt.Fprintf(&b, "event %s\n", describe(e))
			}
			for _, n := range rec.nodes {
				fmt.Fprintf(&b, "node id=%s host=%s addr=%v bootstrap=%v at=%d\n", n.ID, n.Host, n.Addr, n.Bootstrap, n.Source.Line)
			}
			for _, c := range rec.configs {
				fmt.Fprintf(&b, "config %s client=%s %s=%s at=%d\n", c.Scope, c.Client, c.Key, c.Value, c.Source.Line)
			}
			goldenPath := filepath.Join("testdata", "golden", name+".golden")
			golden.Check(t, goldenPath, []byte(b.String()))
		})
	}
}

func TestEventFields(t *testing.T) {
	rec, _ := parseString(t, "[2024-03-05 10:15:47,901] WARN [Producer clientId=p] Connection to node 3 (k3/10.0.0.3:9092) could not be established. Broker may not be available. (org.apache.kafka.clients.NetworkClient)\r\n")
	want := []analyzer.Event{{
		Kind: analyzer.ConnectFailed, Time: time.Date(2024, 3, 5, 10, 15, 47, 901e6, time.UTC),
		Source: analyzer.Location{Path: "test.log", Line: 1}, Level: "WARN", Program: "java-client", Host: "h1",
		Node: "3", NodeHost: "k3", Addr: netip.MustParseAddrPort("10.0.0.3:9092"), Client: "p",
		Text: "[2024-03-05 10:15:47,901] WARN [Producer clientId=p] Connection to node 3 (k3/10.0.0.3:9092) could not be established. Broker may not be available. (org.apache.kafka.clients.NetworkClient)",
	}}
	if diff := cmp.Diff(want, rec.events, cmpopts.EquateComparable(netip.AddrPort{}, netip.Addr{})); diff != "" {
		t.Errorf("events mismatch (-want +got):\n%s", diff)
	}
}

func TestConfigDumps(t *testing.T) {
	in := `[2024-03-05 10:15:02,114] INFO ConsumerConfig values: 
	auto.offset.reset = latest
	bootstrap.servers = [kafka-1:9092]
	client.id = consumer-orders-1
	connections.max.idle.ms = 540000
	group.id = orders
	reconnect.backoff.max.ms = 1000
	sasl.jaas.config = [hidden]
	security.protocol = SASL_SSL
 (org.apache.kafka.clients.consumer.ConsumerConfig)
2024-03-05 10:15:03,000 INFO KafkaConfig values: 
	advertised.listeners = PLAINTEXT://kafka-1:9092
	broker.id = -1
	node.id = 7
	socket.request.max.bytes = 104857600
 (kafka.server.KafkaConfig) [main]
[2024-03-05 10:15:04,000] INFO Kafka version: 3.7.0 (org.apache.kafka.common.utils.AppInfoParser)
`
	rec, _ := parseString(t, in)
	loc := func(n int) analyzer.Location { return analyzer.Location{Path: "test.log", Line: n} }
	want := []analyzer.Config{
		{Scope: "consumer", Client: "consumer-orders-1", Key: "bootstrap.servers", Value: "[kafka-1:9092]", Source: loc(1)},
		{Scope: "consumer", Client: "consumer-orders-1", Key: "client.id", Value: "consumer-orders-1", Source: loc(1)},
		{Scope: "consumer", Client: "consumer-orders-1", Key: "connections.max.idle.ms", Value: "540000", Source: loc(1)},
		{Scope: "consumer", Client: "consumer-orders-1", Key: "group.id", Value: "orders", Source: loc(1)},
		{Scope: "consumer", Client: "consumer-orders-1", Key: "reconnect.backoff.max.ms", Value: "1000", Source: loc(1)},
		{Scope: "consumer", Client: "consumer-orders-1", Key: "security.protocol", Value: "SASL_SSL", Source: loc(1)},
		{Scope: "broker", Client: "7", Key: "advertised.listeners", Value: "PLAINTEXT://kafka-1:9092", Source: loc(11)},
		{Scope: "broker", Client: "7", Key: "broker.id", Value: "-1", Source: loc(11)},
		{Scope: "broker", Client: "7", Key: "node.id", Value: "7", Source: loc(11)},
		{Scope: "broker", Client: "7", Key: "socket.request.max.bytes", Value: "104857600", Source: loc(11)},
	}
	if diff := cmp.Diff(want, rec.configs); diff != "" {
		t.Errorf("configs mismatch (-want +got):\n%s", diff)
	}
}

func TestNodeMapping(t *testing.T) {
	in := ts + `DEBUG [Producer clientId=p] Initiating connection to node kafka-2.example:9092 (id: 2 rack: eu-1b) using address kafka-2.example/10.20.0.12:9092 (org.apache.kafka.clients.NetworkClient)
` + ts + `WARN [Producer clientId=p] Connection to node -1 (bootstrap.kafka.svc/10.96.0.10:9092) could not be established. Broker may not be available. (org.apache.kafka.clients.NetworkClient)
` + ts + `WARN [Producer clientId=p] Connection to node -1 (bootstrap.kafka.svc/10.96.0.10:9092) could not be established. Broker may not be available. (org.apache.kafka.clients.NetworkClient)
` + ts + `WARN [Consumer clientId=c, groupId=g] Bootstrap broker localhost:9092 (id: -2 rack: null) disconnected (org.apache.kafka.clients.NetworkClient)
` + ts + `WARN [Consumer clientId=c, groupId=g] Connection to node 1 (/[fd00::1]:9093) could not be established. Node may not be available. (org.apache.kafka.clients.NetworkClient)
` + ts + `INFO [Consumer clientId=c, groupId=g] Discovered group coordinator kafka-2.example:9092 (id: 2147483645 rack: null) (org.apache.kafka.clients.consumer.internals.ConsumerCoordinator)
`
	rec, _ := parseString(t, in)
	var got []string
	for _, n := range rec.nodes {
		got = append(got, fmt.Sprintf("%s %s %v %v @%d", n.ID, n.Host, n.Addr, n.Bootstrap, n.Source.Line))
	}
	want := []string{
		"2 kafka-2.example invalid AddrPort false @1",
		"2 kafka-2.example 10.20.0.12:9092 false @1",
		"-1 bootstrap.kafka.svc 10.96.0.10:9092 true @2",
		"-2 localhost invalid AddrPort true @4",
		"1  [fd00::1]:9093 false @5",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("nodes mismatch (-want +got):\n%s", diff)
	}
}

func TestSniff(t *testing.T) {
	tests := []struct {
		name string
		head string
		want bool
	}{
		{"broker log4j", "[2024-03-05 10:10:00,001] INFO Registered kafka:type=kafka.Log4jController MBean (kafka.utils.Log4jControllerRegistration$)\n", true},
		{"client config dump first", "[2024-03-05 10:15:02,114] INFO ProducerConfig values: \n\tacks = -1\n", true},
		{"spring boot after banner", "2021-01-21 21:56:40.112  INFO 18 --- [main] com.acme.App : Starting\n2021-01-21 21:56:53.890  WARN 18 --- [C-1] org.apache.kafka.clients.NetworkClient   : x\n", true},
		{"strimzi", "2020-08-05 15:32:44,650 WARN [SocketServer brokerId=1] x (org.apache.kafka.common.network.Selector) [t]\n", true},
		{"logback with context only", "2025-02-04 15:10:12,140 WARN  [t] com.acme.KafkaWrapper: [Producer clientId=p] Node 1 disconnected.\n", true},
		{"compose", "kafka0  | [2025-02-03 21:07:42,915] WARN x (org.apache.kafka.clients.NetworkClient)\n", true},
		{"crlf", "[2024-03-05 10:10:00,001] INFO x (kafka.server.KafkaServer)\r\n", true},
		{"librdkafka", "%7|1623456789.123|FAIL|rdkafka#producer-1| [thrd:k:9092/1]: k:9092/1: Connect to ipv4#10.0.0.1:9092 failed: Connection refused (after 0ms in state CONNECT)\n", false},
		{"journal short", "Apr 28 16:50:56 mithrandir kafka-server-start.sh[523358]: [2024-04-28 16:50:56,001] INFO x (kafka.server.KafkaServer)\n", false},
		{"journal export", "__CURSOR=s=abc;i=1\n__REALTIME_TIMESTAMP=1\nMESSAGE=[2024-04-28 16:50:56,001] INFO x (kafka.server.KafkaServer)\n", false},
		{"other java app", "[2024-03-05 10:10:00,001] INFO Started (com.acme.App)\n", false},
		{"binary", "\x00\x01\x02\xff\xfe", false},
		{"empty", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := (Parser{}).Sniff([]byte(tt.head)); got != tt.want {
				t.Errorf("Sniff = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestUnparsedAndDamage(t *testing.T) {
	long := ts + "INFO " + strings.Repeat("x", MaxLineLen+100) + " (kafka.server.KafkaServer)\n"
	in := "some banner line before any record\n" +
		"2020-01-01 00:00:00,000 [myid:1] - INFO  [main:QuorumPeerConfig@173] - Reading configuration\n" +
		ts + "INFO ordinary (org.apache.kafka.clients.Metadata)\n" +
		"\xff\xfe\x00 garbage\n" +
		long +
		ts + "WARN [Producer clientId=p] Node 1 disconnected. (org.apache.kafka.clients.NetworkClient)\r\n"
	rec, st := parseString(t, in)
	if st.Unparsed != 1 {
		t.Errorf("Unparsed = %d, want 1", st.Unparsed)
	}
	want := []string{
		"test.log: line 2: not a Kafka log record in any known layout",
		fmt.Sprintf("test.log: line 5: line longer than %d bytes, cut", MaxLineLen),
	}
	if diff := cmp.Diff(want, st.Problems); diff != "" {
		t.Errorf("problems mismatch (-want +got):\n%s", diff)
	}
	if st.Lines != 6 || len(rec.events) != 1 || rec.events[0].Source.Line != 6 {
		t.Errorf("lines=%d events=%v, want 6 lines and one event at line 6", st.Lines, rec.events)
	}
}

// TestLineDecoder feeds lines the way the journal parser does: one call
// per journal entry, stack frames as separate entries, dates missing.
func TestLineDecoder(t *testing.T) {
	rec := &recorder{}
	d := NewLineDecoder(&analyzer.Source{Path: "journal", Zone: time.UTC}, rec)
	jts := time.Date(2024, 4, 28, 16, 50, 56, 0, time.UTC)
	loc := func(n int) analyzer.Location { return analyzer.Location{Path: "journal", Line: n} }
	steps := []struct {
		msg  string
		want bool
	}{
		{"[2024-04-28 16:50:55,100] WARN [Consumer clientId=c, groupId=g] Connection with kafka-1/10.0.0.1 disconnected (org.apache.kafka.common.network.Selector)", true},
		{"java.io.IOException: Connection reset by peer", true},
		{"\tat org.apache.kafka.common.network.Selector.poll(Selector.java:481)", true},
		{"WARN  [kafka-producer-network-thread | p] [o.a.k.c.NetworkClient.:] [Producer clientId=p] Node 4 disconnected.", true},
		{"Started Apache Kafka.", false},
		{"[2024-04-28 16:50:57,000] ERROR send failed (com.acme.App)\norg.apache.kafka.common.errors.TimeoutException: Expiring 2 record(s) for t-1:120000 ms has passed since batch creation\n\tat x.y(Z.java:1)", true},
	}
	for i, s := range steps {
		if got := d.Line(loc(i+1), jts, "node-a", []byte(s.msg)); got != s.want {
			t.Errorf("step %d: Line = %v, want %v", i+1, got, s.want)
		}
	}
	d.Flush()
	var got []string
	for _, e := range rec.events {
		got = append(got, describe(e))
	}
	want := []string{
		`journal:1 2024-04-28T16:50:55.1Z WARN connection-reset java-client host="node-a" nodehost="kafka-1" peer="10.0.0.1" client="c" group="g" reason="Connection reset by peer" exception="java.io.IOException" exmsg="Connection reset by peer"`,
		`journal:4 2024-04-28T16:50:56Z WARN node-disconnected java-client host="node-a" node="4" client="p"`,
		`journal:6 2024-04-28T16:50:57Z ERROR batch-expired java-client host="node-a" reason="since batch creation" exception="org.apache.kafka.common.errors.TimeoutException" exmsg="Expiring 2 record(s) for t-1:120000 ms has passed since batch creation" count=2 tp="t-1" age=120000`,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("events mismatch (-want +got):\n%s", diff)
	}
}

// TestLayoutChange: a file that switches layout half-way keeps parsing.
func TestLayoutChange(t *testing.T) {
	in := ts + "INFO [Producer clientId=p] Node 1 disconnected. (org.apache.kafka.clients.NetworkClient)\n" +
		"2024-03-05 11:00:00,000 INFO [Producer clientId=p] Node 2 disconnected. (org.apache.kafka.clients.NetworkClient) [kafka-producer-network-thread | p]\n" +
		"2024-03-05 11:00:01.000  INFO 9 --- [ad | p] org.apache.kafka.clients.NetworkClient   : [Producer clientId=p] Node 3 disconnected.\n"
	rec, st := parseString(t, in)
	if st.Layout != "log4j" || len(rec.events) != 3 {
		t.Errorf("layout=%q events=%d, want log4j and 3", st.Layout, len(rec.events))
	}
}

func TestANSIColours(t *testing.T) {
	in := "\x1b[36mkafka-ui  |\x1b[0m \x1b[2m2021-01-21 21:56:53.890\x1b[0;39m \x1b[33m WARN\x1b[0;39m \x1b[35m18\x1b[0;39m \x1b[2m---\x1b[0;39m \x1b[2m[ntainer#0-0-C-1]\x1b[0;39m \x1b[36morg.apache.kafka.clients.NetworkClient  \x1b[0;39m \x1b[2m:\x1b[0;39m [Consumer clientId=c, groupId=g] Node 1 disconnected.\n"
	got := eventsOf(t, in)
	want := []string{`WARN node-disconnected java-client host="h1" node="1" client="c" group="g"`}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("events mismatch (-want +got):\n%s", diff)
	}
}

// TestZoneAssumed: the report names the assumed zone only for inputs whose
// times carried none; Spring Boot 3's ISO times with an offset do not.
func TestZoneAssumed(t *testing.T) {
	tests := []struct {
		name, line string
		want       bool
	}{
		{"log4j", "[2024-06-29 09:41:22,517] WARN [Producer clientId=p-1] Connection to node 3 (kafka-3/10.0.4.33:9092) could not be established. Broker may not be available. (org.apache.kafka.clients.NetworkClient)\n", true},
		{"spring boot 3 with Z", "2025-03-11T23:13:55.125Z  WARN 1 --- [kafka-t] [kafka-t-admin-0] org.apache.kafka.clients.NetworkClient   : [AdminClient clientId=a-1] Node 1 disconnected.\n", false},
		{"iso with offset", "2025-03-11T23:13:55.125+01:00  WARN 1 --- [kafka-t] [kafka-t-admin-0] org.apache.kafka.clients.NetworkClient   : [AdminClient clientId=a-1] Node 1 disconnected.\n", false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, st := parseString(t, tc.line); st.ZoneAssumed != tc.want {
				t.Errorf("ZoneAssumed = %v, want %v (stats %+v)", st.ZoneAssumed, tc.want, st)
			}
		})
	}
}

// TestStartingBefore: a "starting" record carries the time of the last
// record before it that was not the new JVM's preamble, whatever that
// record said (routine lines make no events); the first start of a log
// and a compose log's carry none.
func TestStartingBefore(t *testing.T) {
	const routine = "[2026-10-14 02:24:52,671] INFO [GroupCoordinator 2]: Preparing to rebalance group orders in state PreparingRebalance with old generation 41 (__consumer_offsets-17) (reason: Adding new member) (kafka.coordinator.group.GroupCoordinator)\n"
	const preamble = "[2026-10-14 02:26:19,004] INFO Registered kafka:type=kafka.Log4jController MBean (kafka.utils.Log4jControllerRegistration$)\n" +
		"[2026-10-14 02:26:19,552] INFO Setting -D jdk.tls.rejectClientInitiatedRenegotiation=true to disable client-initiated TLS renegotiation (org.apache.zookeeper.common.X509Util)\n" +
		"[2026-10-14 02:26:19,560] INFO Registered signal handlers for TERM, INT, HUP (org.apache.kafka.common.utils.LoggingSignalHandler)\n"
	const starting = "[2026-10-14 02:26:19,671] INFO starting (kafka.server.KafkaServer)\n"
	const trace = "[2026-10-14 02:25:03,100] ERROR [ReplicaFetcher replicaId=2, leaderId=1, fetcherId=0] Error in response for fetch request (kafka.server.ReplicaFetcherThread)\n" +
		"java.io.IOException: Connection to 1 was disconnected before the response was read\n" +
		"\tat org.apache.kafka.clients.NetworkClientUtils.sendAndReceive(NetworkClientUtils.java:100)\n"
	tests := []struct {
		name, log string
		want      string // "" for zero
	}{
		{"after a routine line", routine + preamble + starting, "2026-10-14T02:24:52.671Z"},
		{"after a stack trace", routine + trace + preamble + starting, "2026-10-14T02:25:03.1Z"},
		{"no preamble", routine + starting, "2026-10-14T02:24:52.671Z"},
		{"first start of the log", preamble + starting, ""},
		{"compose", "kafka-1  | " + strings.ReplaceAll(strings.TrimSuffix(routine+preamble+starting, "\n"), "\n", "\nkafka-1  | ") + "\napp-1    | hello\napp-1    | world\n", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec, _ := parseString(t, tc.log)
			var got *analyzer.Event
			for i := range rec.events {
				if rec.events[i].Kind == analyzer.BrokerStarting {
					got = &rec.events[i]
				}
			}
			if got == nil {
				t.Fatalf("no starting event in %d events", len(rec.events))
			}
			if s := got.Before.UTC().Format(time.RFC3339Nano); tc.want == "" && !got.Before.IsZero() || tc.want != "" && s != tc.want {
				t.Errorf("Before = %v, want %q", got.Before, tc.want)
			}
		})
	}
}
