package kafkajs

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/parsers/envelope"
	"github.com/kafkadiag/kafkadiag/parsers/internal/sinktest"
)

// recorder keeps what the parser reports.
type recorder = sinktest.Recorder

// brief is what a test checks of an event.
type brief struct {
	Kind                   analyzer.EventKind
	Time, Node             string
	Level, NodeHost, Addr  string
	Client, Reason, Source string
}

func briefOf(e analyzer.Event) brief {
	b := brief{Kind: e.Kind, Node: e.Node, Level: e.Level, NodeHost: e.NodeHost, Client: e.Client, Reason: e.Reason}
	if !e.Time.IsZero() {
		b.Time = e.Time.UTC().Format("2006-01-02T15:04:05.000Z")
	}
	if e.Addr.IsValid() {
		b.Addr = e.Addr.String()
	}
	if e.Program != "kafkajs" {
		b.Source = "program " + e.Program
	}
	return b
}

func decodeLines(t *testing.T, lines ...string) ([]brief, int) {
	t.Helper()
	rec := &recorder{}
	d := NewLineDecoder(&analyzer.Source{Path: "t.log", Zone: time.FixedZone("CET", 3600)}, rec)
	taken := 0
	for i, l := range lines {
		if d.Line(analyzer.Location{Path: "t.log", Line: i + 1}, time.Time{}, "", []byte(l)) {
			taken++
		}
	}
	d.Flush()
	var out []brief
	for _, e := range rec.Events {
		out = append(out, briefOf(e))
	}
	return out, taken
}

// TestLine: one line per message kind, as KafkaJS 2.2.4 and its logCreator
// wrappers print them (the JSON lines are from testdata/*.log; the SASL,
// crash and no-route texts are the library's templates with invented
// values).
func TestLine(t *testing.T) {
	const pre = `{"level":"ERROR","timestamp":"2026-11-23T17:11:59.924Z","logger":"kafkajs","message":"`
	tests := []struct {
		name string
		line string
		want []brief
	}{
		{"refused", pre + `[Connection] Connection error: connect ECONNREFUSED 127.0.0.1:9092","broker":"localhost:9092","clientId":"orders-svc","stack":"Error: connect ECONNREFUSED 127.0.0.1:9092\n    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1611:16)"}`,
			[]brief{{Kind: analyzer.ConnectRefused, Time: "2026-11-23T17:11:59.924Z", Level: "ERROR", NodeHost: "localhost", Addr: "127.0.0.1:9092", Client: "orders-svc", Reason: "connect ECONNREFUSED 127.0.0.1:9092"}}},
		{"refused, IPv6 as Node prints it", pre + `[Connection] Connection error: connect ECONNREFUSED ::1:9092","broker":"localhost:9092","clientId":"a"}`,
			[]brief{{Kind: analyzer.ConnectRefused, Time: "2026-11-23T17:11:59.924Z", Level: "ERROR", NodeHost: "localhost", Addr: "[::1]:9092", Client: "a", Reason: "connect ECONNREFUSED ::1:9092"}}},
		{"refused, no port (broker string KafkaJS could not split)", pre + `[Connection] Connection error: connect ECONNREFUSED 127.0.0.1","broker":":0","clientId":"a"}`,
			[]brief{{Kind: analyzer.ConnectRefused, Time: "2026-11-23T17:11:59.924Z", Level: "ERROR", Client: "a", Reason: "connect ECONNREFUSED 127.0.0.1"}}},
		{"dns", pre + `[Connection] Connection error: getaddrinfo ENOTFOUND kafka.invalid","broker":"kafka.invalid:9092","clientId":"capture-app"}`,
			[]brief{{Kind: analyzer.ResolveFailed, Time: "2026-11-23T17:11:59.924Z", Level: "ERROR", NodeHost: "kafka.invalid", Client: "capture-app", Reason: "getaddrinfo ENOTFOUND kafka.invalid"}}},
		{"dns again", pre + `[Connection] Connection error: getaddrinfo EAI_AGAIN kafka-0.kafka","broker":"kafka-0.kafka:9092","clientId":"a"}`,
			[]brief{{Kind: analyzer.ResolveFailed, Time: "2026-11-23T17:11:59.924Z", Level: "ERROR", NodeHost: "kafka-0.kafka", Client: "a", Reason: "getaddrinfo EAI_AGAIN kafka-0.kafka"}}},
		{"connect timeout", pre + `[Connection] Connection timeout","broker":"198.18.0.7:9092","clientId":"a"}`,
			[]brief{{Kind: analyzer.ConnectTimeout, Time: "2026-11-23T17:11:59.924Z", Level: "ERROR", NodeHost: "198.18.0.7", Addr: "198.18.0.7:9092", Client: "a", Reason: "Connection timeout"}}},
		{"syscall timeout", pre + `[Connection] Connection error: connect ETIMEDOUT 198.18.0.7:9092","broker":"b-1.example:9092","clientId":"a"}`,
			[]brief{{Kind: analyzer.ConnectTimeout, Time: "2026-11-23T17:11:59.924Z", Level: "ERROR", NodeHost: "b-1.example", Addr: "198.18.0.7:9092", Client: "a", Reason: "connect ETIMEDOUT 198.18.0.7:9092"}}},
		{"no route", pre + `[Connection] Connection error: connect EHOSTUNREACH 198.18.0.9:9093","broker":"198.18.0.9:9093","clientId":"a"}`,
			[]brief{{Kind: analyzer.ConnectNoRoute, Time: "2026-11-23T17:11:59.924Z", Level: "ERROR", NodeHost: "198.18.0.9", Addr: "198.18.0.9:9093", Client: "a", Reason: "connect EHOSTUNREACH 198.18.0.9:9093"}}},
		{"reset", pre + `[Connection] Connection error: read ECONNRESET","broker":"127.0.0.1:19093","clientId":"a"}`,
			[]brief{{Kind: analyzer.ConnectionReset, Time: "2026-11-23T17:11:59.924Z", Level: "ERROR", NodeHost: "127.0.0.1", Addr: "127.0.0.1:19093", Client: "a", Reason: "read ECONNRESET"}}},
		{"broken pipe", pre + `[Connection] Connection error: write EPIPE","broker":"k:9092","clientId":"a"}`,
			[]brief{{Kind: analyzer.BrokenPipe, Time: "2026-11-23T17:11:59.924Z", Level: "ERROR", NodeHost: "k", Client: "a", Reason: "write EPIPE"}}},
		{"tls wrong version", pre + `[Connection] Connection error: 80BC4C27587F0000:error:0A00010B:SSL routines:ssl3_get_record:wrong version number:../deps/openssl/openssl/ssl/record/ssl3_record.c:350:\n","broker":"127.0.0.1:19443","clientId":"a"}`,
			[]brief{{Kind: analyzer.SSLHandshakeFailed, Time: "2026-11-23T17:11:59.924Z", Level: "ERROR", NodeHost: "127.0.0.1", Addr: "127.0.0.1:19443", Client: "a", Reason: "wrong version number"}}},
		{"tls self-signed", pre + `[Connection] Connection error: self-signed certificate","broker":"k:9093","clientId":"a"}`,
			[]brief{{Kind: analyzer.SSLHandshakeFailed, Time: "2026-11-23T17:11:59.924Z", Level: "ERROR", NodeHost: "k", Client: "a", Reason: "self-signed certificate"}}},
		{"closed (debug)", `{"level":"DEBUG","timestamp":"2026-11-23T17:13:11.300Z","logger":"kafkajs","message":"[Connection] Kafka server has closed connection","broker":"127.0.0.1:19092","clientId":"a"}`,
			[]brief{{Kind: analyzer.Disconnected, Time: "2026-11-23T17:13:11.300Z", Level: "DEBUG", NodeHost: "127.0.0.1", Addr: "127.0.0.1:19092", Client: "a", Reason: "Kafka server has closed connection"}}},
		{"closed, pool alone", pre + `[BrokerPool] Closed connection","retryCount":0,"retryTime":90}`,
			[]brief{{Kind: analyzer.Disconnected, Time: "2026-11-23T17:11:59.924Z", Level: "ERROR", Reason: "Closed connection"}}},
		{"seed broker alone", pre + `[BrokerPool] Failed to connect to seed broker, trying another broker from the list: Connection error: connect ECONNREFUSED 127.0.0.1:9092","retryCount":0,"retryTime":103}`,
			[]brief{{Kind: analyzer.ConnectRefused, Time: "2026-11-23T17:11:59.924Z", Level: "ERROR", Addr: "127.0.0.1:9092", Reason: "connect ECONNREFUSED 127.0.0.1:9092"}}},
		{"request timeout", pre + `[BrokerPool] Request ApiVersions(key: 18, version: 2) timed out","retryCount":0,"retryTime":117}`,
			[]brief{{Kind: analyzer.RequestTimeout, Time: "2026-11-23T17:11:59.924Z", Level: "ERROR", Reason: "ApiVersions"}}},
		{"sasl", pre + `[SaslAuthenticator-PLAIN] SASL PLAIN authentication failed: Authentication failed during authentication due to invalid credentials with SASL mechanism PLAIN","broker":"k:9094"}`,
			[]brief{{Kind: analyzer.SASLAuthFailed, Time: "2026-11-23T17:11:59.924Z", Level: "ERROR", NodeHost: "k", Reason: "SASL PLAIN authentication failed: Authentication failed during authentication due to invalid credentials with SASL mechanism PLAIN"}}},
		{"crash, retries exceeded", pre + `[Consumer] Crash: KafkaJSNumberOfRetriesExceeded: Connection error: connect ECONNREFUSED 127.0.0.1:9092","groupId":"g","retryCount":5}`,
			[]brief{{Kind: analyzer.NodeDisconnected, Time: "2026-11-23T17:11:59.924Z", Level: "ERROR", Reason: "KafkaJSNumberOfRetriesExceeded: Connection error: connect ECONNREFUSED 127.0.0.1:9092"}}},
		{"no broker available", pre + `[Cluster] No broker available"}`,
			[]brief{{Kind: analyzer.NodeDisconnected, Time: "2026-11-23T17:11:59.924Z", Level: "ERROR", Reason: "No broker available"}}},
		{"pino", `{"level":50,"time":1795453921052,"pid":7774,"hostname":"vm","namespace":"Connection","timestamp":"2026-11-23T17:12:01.052Z","logger":"kafkajs","broker":"127.0.0.1:9092","clientId":"capture-app","msg":"Connection error: connect ECONNREFUSED 127.0.0.1:9092"}`,
			[]brief{{Kind: analyzer.ConnectRefused, Time: "2026-11-23T17:12:01.052Z", Level: "ERROR", NodeHost: "127.0.0.1", Addr: "127.0.0.1:9092", Client: "capture-app", Reason: "connect ECONNREFUSED 127.0.0.1:9092"}}},
		{"pino epoch only", `{"level":50,"time":1795453921052,"logger":"kafkajs","namespace":"Connection","msg":"Connection timeout","broker":"k:9092"}`,
			[]brief{{Kind: analyzer.ConnectTimeout, Time: "2026-11-23T17:12:01.052Z", Level: "ERROR", NodeHost: "k", Reason: "Connection timeout"}}},
		{"winston extra", `{"extra":{"broker":"127.0.0.1:9092","clientId":"capture-app","logger":"kafkajs","timestamp":"2026-11-23T17:12:00.575Z"},"level":"error","message":"Connection error: connect ECONNREFUSED 127.0.0.1:9092"}`,
			[]brief{{Kind: analyzer.ConnectRefused, Time: "2026-11-23T17:12:00.575Z", Level: "ERROR", NodeHost: "127.0.0.1", Addr: "127.0.0.1:9092", Client: "capture-app", Reason: "connect ECONNREFUSED 127.0.0.1:9092"}}},
		{"text logCreator", `2026-11-23T17:17:38.576Z ERROR [Connection] Connection error: connect ECONNREFUSED 127.0.0.1:9092 {"broker":"127.0.0.1:9092","clientId":"capture-app","stack":"Error: x"}`,
			[]brief{{Kind: analyzer.ConnectRefused, Time: "2026-11-23T17:17:38.576Z", Level: "ERROR", NodeHost: "127.0.0.1", Addr: "127.0.0.1:9092", Client: "capture-app", Reason: "connect ECONNREFUSED 127.0.0.1:9092"}}},
		{"text, zoneless time read in CET", `[2026-11-23 18:17:38,576] error: [Connection] Connection timeout`,
			[]brief{{Kind: analyzer.ConnectTimeout, Time: "2026-11-23T17:17:38.576Z", Level: "ERROR", Reason: "Connection timeout"}}},
		{"pino-pretty: namespace on its own line, time of day only", `[17:12:01.053] ERROR (7774): Failed to connect to seed broker, trying another broker from the list: Connection error: connect ECONNREFUSED 127.0.0.1:9092`,
			[]brief{{Kind: analyzer.ConnectRefused, Level: "ERROR", Addr: "127.0.0.1:9092", Reason: "connect ECONNREFUSED 127.0.0.1:9092"}}},
		{"text without time stays undated", `app | [BrokerPool] Failed to connect to broker, reconnecting`,
			[]brief{{Kind: analyzer.NodeDisconnected, Reason: "Failed to connect to broker, reconnecting"}}},
		{"info line: recognised, no event", `{"level":"INFO","timestamp":"2026-11-23T17:11:59.924Z","logger":"kafkajs","message":"[Consumer] Starting","groupId":"g"}`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, taken := decodeLines(t, tt.line)
			if taken != 1 {
				t.Errorf("line not taken")
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("events (-want +got):\n%s", diff)
			}
		})
	}
}

// TestNotKafkaJS: lines of other programs, and JSON of other loggers
// mentioning kafkajs, are left to the other decoders.
func TestNotKafkaJS(t *testing.T) {
	lines := []string{
		`[2026-11-23 17:11:59,924] WARN [Producer clientId=p-1] Connection to node -1 (localhost/127.0.0.1:9092) could not be established. Broker may not be available. (org.apache.kafka.clients.NetworkClient)`,
		`%3|1795453919.924|FAIL|rdkafka#producer-1| [thrd:localhost:9092/bootstrap]: localhost:9092/bootstrap: Connect to ipv4#127.0.0.1:9092 failed: Connection refused (after 0ms in state CONNECT)`,
		`{"level":"error","time":"2026-11-23T17:11:59.924Z","logger":"app","message":"[Connection] Connection error: connect ECONNREFUSED 127.0.0.1:5432","note":"not kafkajs"}`,
		`{"level":"info","msg":"upgraded kafkajs to 2.2.4"}`,
		`127.0.0.1 - - [23/Nov/2026:17:11:59 +0000] "GET /kafkajs HTTP/1.1" 502 157 "-" "curl/8.5.0"`,
		`Error: connect ECONNREFUSED 127.0.0.1:5432`,
		`    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1611:16)`,
		`[Connection] Connected to db`, // a namespace, but no KafkaJS failure
		``, `{`, `{"logger":"kafkajs"`, `{"logger":"kafkajs","message":"\u12"}`,
	}
	for _, l := range lines {
		if got, taken := decodeLines(t, l); taken != 0 || len(got) != 0 {
			t.Errorf("%q: taken=%d events=%v", l, taken, got)
		}
	}
}

// TestEcho: BrokerPool retells the Connection failure logged just before;
// the pair is one event, and a cause that differs is an event of its own.
func TestEcho(t *testing.T) {
	conn := `{"level":"ERROR","timestamp":"2026-11-23T17:11:59.924Z","logger":"kafkajs","message":"[Connection] Connection error: connect ECONNREFUSED 127.0.0.1:9092","broker":"127.0.0.1:9092","clientId":"a"}`
	pool := `{"level":"ERROR","timestamp":"2026-11-23T17:11:59.925Z","logger":"kafkajs","message":"[BrokerPool] Failed to connect to seed broker, trying another broker from the list: Connection error: connect ECONNREFUSED 127.0.0.1:9092","retryCount":0}`
	other := `{"level":"ERROR","timestamp":"2026-11-23T17:11:59.926Z","logger":"kafkajs","message":"[BrokerPool] Failed to connect to seed broker, trying another broker from the list: Connection timeout","retryCount":1}`
	got, taken := decodeLines(t, conn, pool, other)
	want := []brief{
		{Kind: analyzer.ConnectRefused, Time: "2026-11-23T17:11:59.924Z", Node: "-1", Level: "ERROR", NodeHost: "127.0.0.1", Addr: "127.0.0.1:9092", Client: "a", Reason: "connect ECONNREFUSED 127.0.0.1:9092"},
		{Kind: analyzer.ConnectTimeout, Time: "2026-11-23T17:11:59.926Z", Level: "ERROR", Reason: "Connection timeout"},
	}
	if taken != 3 {
		t.Errorf("taken %d lines, want 3", taken)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
}

// TestPrettyBlock: pino-pretty's block is one entry once its fields name
// logger "kafkajs"; a block of another logger with the same wording is
// dropped. Lines from testdata/refused-pino-pretty.log.
func TestPrettyBlock(t *testing.T) {
	got, taken := decodeLines(t,
		`[17:25:19.693] ERROR (2487): Connection error: connect ECONNREFUSED 127.0.0.1:9092`,
		`    namespace: "Connection"`,
		`    logger: "kafkajs"`,
		`    broker: "127.0.0.1:9092"`,
		`    clientId: "capture-app"`,
		`    stack: "Error: connect ECONNREFUSED 127.0.0.1:9092\n    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1611:16)"`,
		`[17:25:19.695] ERROR (2487): Failed to connect to seed broker, trying another broker from the list: Connection error: connect ECONNREFUSED 127.0.0.1:9092`,
		`    namespace: "BrokerPool"`,
		`    logger: "kafkajs"`,
		`[17:25:20.001] ERROR (2487): Connection timeout`,
		`    logger: "pg-pool"`,
		`[17:25:20.002] INFO (2487): listening on :3000`,
	)
	want := []brief{{Kind: analyzer.ConnectRefused, Node: "-1", Level: "ERROR", NodeHost: "127.0.0.1", Addr: "127.0.0.1:9092", Client: "capture-app", Reason: "connect ECONNREFUSED 127.0.0.1:9092"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
	if taken != 11 {
		t.Errorf("taken %d lines, want 11 (all but the INFO line)", taken)
	}
}

// TestSeedNodes: a Connection failure the BrokerPool retells as a seed
// broker's is about node -1, reported once as a bootstrap node; one
// followed by anything else keeps no node id.
func TestSeedNodes(t *testing.T) {
	const pre = `{"level":"ERROR","timestamp":"2026-11-23T17:11:59.924Z","logger":"kafkajs","message":"`
	conn := pre + `[Connection] Connection error: connect ECONNREFUSED 127.0.0.1:9092","broker":"localhost:9092","clientId":"a"}`
	seed := pre + `[BrokerPool] Failed to connect to seed broker, trying another broker from the list: Connection error: connect ECONNREFUSED 127.0.0.1:9092"}`
	send := pre + `[Producer] Failed to send messages: Connection error: connect ECONNREFUSED 127.0.0.1:9092"}`
	rec := &recorder{}
	d := NewLineDecoder(&analyzer.Source{Path: "t"}, rec)
	for i, l := range []string{conn, seed, conn, seed, conn, send} {
		d.Line(analyzer.Location{Path: "t", Line: i + 1}, time.Time{}, "", []byte(l))
	}
	d.Flush()
	var nodes []string
	for _, e := range rec.Events {
		nodes = append(nodes, e.Node)
	}
	if diff := cmp.Diff([]string{"-1", "-1", ""}, nodes); diff != "" {
		t.Errorf("event nodes (-want +got):\n%s", diff)
	}
	var got []string
	for _, n := range rec.Nodes {
		got = append(got, fmt.Sprintf("%s %s %s bootstrap=%v line %d", n.ID, n.Host, n.Addr, n.Bootstrap, n.Source.Line))
	}
	if diff := cmp.Diff([]string{"-1 localhost 127.0.0.1:9092 bootstrap=true line 1"}, got); diff != "" {
		t.Errorf("nodes (-want +got):\n%s", diff)
	}
}

// TestClientRecord: a record the envelope took apart reaches the decoder
// with its broker and clientId; records of other loggers are refused.
func TestClientRecord(t *testing.T) {
	rec := &recorder{}
	d := NewLineDecoder(&analyzer.Source{Path: "a.json"}, rec)
	ts := time.Date(2026, 11, 23, 17, 12, 2, 122e6, time.UTC)
	loc := analyzer.Location{Path: "a.json", Line: 2}
	if !d.ClientRecord(loc, ts, "pod-1", &envelope.ClientRecord{Level: "ERROR", Logger: []byte("kafkajs"),
		Msg: []byte("[Connection] Connection timeout"), Broker: []byte("b-2.kafka:9092"), ClientID: []byte("web")}) {
		t.Fatal("kafkajs record refused")
	}
	d.Flush()
	if d.ClientRecord(loc, ts, "", &envelope.ClientRecord{Logger: []byte("org.apache.kafka.clients.NetworkClient"), Msg: []byte("Connection timeout")}) {
		t.Error("a Java record was taken")
	}
	if d.ClientRecord(loc, ts, "", &envelope.ClientRecord{Msg: []byte("Connection timeout")}) {
		t.Error("a bare generic message was taken")
	}
	if d.ClientRecord(loc, ts, "", &envelope.ClientRecord{Msg: []byte("[Consumer] Starting")}) {
		t.Error("a bare message of no failure was taken")
	}
	want := []brief{{Kind: analyzer.ConnectTimeout, Time: "2026-11-23T17:12:02.122Z", Level: "ERROR", NodeHost: "b-2.kafka", Client: "web", Reason: "Connection timeout"}}
	var got []brief
	for _, e := range rec.Events {
		got = append(got, briefOf(e))
		if e.Host != "pod-1" || e.Source != loc {
			t.Errorf("host %q source %v", e.Host, e.Source)
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
}

// TestSniff: KafkaJS's own layouts are sniffed; other programs' logs,
// near misses included, are not.
func TestSniff(t *testing.T) {
	tests := []struct {
		name, head string
		want       bool
	}{
		{"default JSON", `{"level":"WARN","timestamp":"2026-11-23T17:11:59.915Z","logger":"kafkajs","message":"KafkaJS v2.0.0 switched default partitioner."}` + "\n", true},
		{"text logCreator", "server listening on :3000\n2026-11-23T17:17:38.576Z ERROR [Connection] Connection error: connect ECONNREFUSED 127.0.0.1:9092 {}\n", true},
		{"java client", "[2026-11-23 17:11:59,924] WARN [Producer clientId=p-1] Connection to node -1 (localhost/127.0.0.1:9092) could not be established. Broker may not be available. (org.apache.kafka.clients.NetworkClient)\n", false},
		{"librdkafka", "%3|1795453919.924|FAIL|rdkafka#producer-1| [thrd:localhost:9092/bootstrap]: localhost:9092/bootstrap: Connect to ipv4#127.0.0.1:9092 failed: Connection refused (after 0ms in state CONNECT)\n", false},
		{"journal", "Nov 23 17:11:59 app-1 systemd[1]: Started orders.service - Orders API.\nNov 23 17:12:00 app-1 node[812]: listening\n", false},
		{"nginx", `198.18.0.1 - - [23/Nov/2026:17:11:59 +0000] "GET /api/orders HTTP/1.1" 502 157 "-" "curl/8.5.0"` + "\n", false},
		{"python traceback", "Traceback (most recent call last):\n  File \"app.py\", line 3, in <module>\n    sock.connect((\"kafka\", 9092))\nConnectionRefusedError: [Errno 111] Connection refused\n", false},
		{"other JSON logger", `{"level":"error","time":"2026-11-23T17:11:59Z","msg":"[Connection] Connection error: connect ECONNREFUSED 127.0.0.1:5432","logger":"pg"}` + "\n", false},
	}
	for _, tt := range tests {
		if got := New().Sniff([]byte(tt.head)); got != tt.want {
			t.Errorf("%s: Sniff = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestNoAllocsPerLine: lines of other programs and KafkaJS lines that
// mean nothing (INFO, DEBUG request chatter) cost no allocation.
func TestNoAllocsPerLine(t *testing.T) {
	lines := [][]byte{
		[]byte(`{"level":"info","time":"2026-11-23T17:11:59.924Z","msg":"GET /api/orders 200 3ms","reqId":"r-1"}`),
		[]byte(`2026-11-23T17:11:59.924Z INFO [http] GET /api/orders 200`),
		[]byte(`{"level":"DEBUG","timestamp":"2026-11-23T17:12:04.860Z","logger":"kafkajs","message":"[Connection] Request ApiVersions(key: 18, version: 2)","broker":"127.0.0.1:19092","clientId":"capture-app","correlationId":0,"expectResponse":true,"size":25}`),
		[]byte(`2026-11-23T17:17:38.564Z INFO [Consumer] Starting {"groupId":"g"}`),
		[]byte(`[17:25:20.002] INFO (2487): listening on :3000`),
		[]byte(`    reqId: "r-1"`),
	}
	d := NewLineDecoder(&analyzer.Source{Path: "a"}, &recorder{})
	loc := analyzer.Location{Path: "a", Line: 1}
	foreign := &envelope.ClientRecord{Level: "WARN", Logger: []byte("org.apache.kafka.clients.NetworkClient"), Msg: []byte("[Producer clientId=p] Connection to node -1 could not be established.")}
	bare := &envelope.ClientRecord{Level: "INFO", Msg: []byte("GET /api/orders 200")}
	for _, r := range []*envelope.ClientRecord{foreign, bare} {
		if n := testing.AllocsPerRun(200, func() { d.ClientRecord(loc, time.Time{}, "", r) }); n != 0 {
			t.Errorf("record %q: %v allocations", r.Msg, n)
		}
	}
	for _, l := range lines {
		d.Line(loc, time.Time{}, "", l) // grow the buffers once
		if n := testing.AllocsPerRun(200, func() { d.Line(loc, time.Time{}, "", l) }); n != 0 {
			t.Errorf("%.60q: %v allocations per line", l, n)
		}
	}
}

// TestParseDamage: over-long lines are skipped with a Problem naming the
// file and line; reading goes on.
func TestParseDamage(t *testing.T) {
	in := strings.Repeat("x", MaxLineLen+10) + "\n" +
		`2026-11-23T17:17:38.576Z ERROR [Connection] Connection timeout {"broker":"k:9092"}` + "\n"
	src := &analyzer.Source{Path: "big.log", R: bufio.NewReader(strings.NewReader(in))}
	rec := &recorder{}
	st, err := New().Parse(context.Background(), src, rec)
	if err != nil {
		t.Fatal(err)
	}
	want := analyzer.Stats{Layout: "kafkajs", Lines: 2, Events: 1, Unparsed: 1,
		Problems: []string{"big.log: line 1: longer than 65536 bytes, skipped"}}
	if diff := cmp.Diff(want, st); diff != "" {
		t.Errorf("stats (-want +got):\n%s", diff)
	}
	if len(rec.Events) != 1 || rec.Events[0].Source.Line != 2 {
		t.Errorf("events %+v", rec.Events)
	}
}

func FuzzLine(f *testing.F) {
	for _, s := range []string{
		`{"level":"ERROR","timestamp":"2026-11-23T17:11:59.924Z","logger":"kafkajs","message":"[Connection] Connection error: connect ECONNREFUSED 127.0.0.1:9092","broker":"127.0.0.1:9092","clientId":"a"}`,
		`{"extra":{"broker":"k:1","logger":"kafkajs"},"level":"error","message":"Connection timeout"}`,
		`2026-11-23T17:17:38.576Z ERROR [Connection] Connection error: getaddrinfo ENOTFOUND x {"broker":"x:1"}`,
		`[2026-11-23 18:17:38,576] error: [BrokerPool] Failed to connect to seed broker, trying another broker from the list: Connection timeout`,
		"[17:25:19.693] ERROR (2487): Connection error: connect ECONNREFUSED 127.0.0.1:9092\n    logger: \"kafkajs\"\n    broker: \"k:1\"",
		"error: ┏ [Connection] Connection timeout\nerror: ┃ [0] {\nerror: ┃ [1]   \"timestamp\": \"2020-10-14T13:47:05.956Z\",\nerror: ┃ [2]   \"broker\": \"k:1\"\nerror: ┗ [3] }",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		rec := &recorder{}
		d := NewLineDecoder(&analyzer.Source{Path: "f"}, rec)
		taken := 0
		for i, l := range bytes.Split(line, []byte{'\n'}) {
			if d.Line(analyzer.Location{Path: "f", Line: i + 1}, time.Time{}, "", l) {
				taken++
			}
		}
		d.Flush()
		if len(rec.Events) > taken {
			t.Errorf("%d events from %d lines taken", len(rec.Events), taken)
		}
		for _, e := range rec.Events {
			if len(e.Text) > analyzer.MaxTextLen || e.Program != "kafkajs" {
				t.Errorf("event %+v", e)
			}
		}
		New().Sniff(line)
	})
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("2026-11-23T17:17:38.576Z ERROR [Connection] Connection timeout {\"broker\":\"k:9092\"}\n\n{\"logger\":\"kafkajs\",\"message\":\"[Cluster] No broker available\"}\r\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		src := &analyzer.Source{Path: "f", R: bufio.NewReaderSize(bytes.NewReader(in), 16)}
		st, err := New().Parse(context.Background(), src, &recorder{})
		if err != nil {
			t.Fatal(err)
		}
		if st.Lines < st.Unparsed || st.Events > st.Lines {
			t.Errorf("stats %+v", st)
		}
	})
}
