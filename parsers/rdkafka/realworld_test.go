package rdkafka

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/google/go-cmp/cmp"
	"github.com/kafkadiag/kafkadiag/analyzer"
)

// TestRealWorld reads the lines under testdata/realworld, laid out as users
// posted them, in a CET source zone: each file must be sniffed, and give the
// events (kind, broker, client, time) the librdkafka text in it means.
func TestRealWorld(t *testing.T) {
	const kc3 = "kc-kafka-3.kc-kafka-brokers.strimzi.svc.cluster.local"
	tests := []struct {
		file        string
		layout      string
		unparsed    int
		zoneAssumed bool
		noSniff     bool
		want        []brief
	}{{
		file: "01-dotnet-json-message.log", layout: LayoutWrapped,
		want: []brief{
			{Kind: analyzer.Disconnected, Level: "DEBUG", Node: "0", NodeHost: "ns-evt-test.servicebus.windows.net",
				Client: "rdkafka#consumer-1", State: "UP", AfterMs: 3659257},
			{Kind: analyzer.Disconnected, Level: "DEBUG", Node: "2", NodeHost: "ns-evt-test.servicebus.windows.net",
				Client: "rdkafka#consumer-1", State: "UP", AfterMs: 3654088},
		},
	}, {
		file: "02-c-app-logger.log", layout: LayoutWrapped, zoneAssumed: true,
		want: []brief{
			{Kind: analyzer.Disconnected, Time: "2019-05-14T09:01:02.123Z", Level: "ERROR", Node: "-1", NodeHost: "127.0.0.1",
				Client: "rdkafka#consumer-1", Reason: "Disconnected"},
			{Kind: analyzer.Disconnected, Level: "ERROR", Node: "-1", NodeHost: "127.0.0.1",
				Client: "rdkafka#consumer-1", Reason: "Disconnected"},
		},
	}, {
		// Read here as the rdkafka parser would; in a bundle the journal
		// parser claims it and hands each message to the LineDecoder.
		file: "03-rsyslog-omkafka.log", layout: LayoutWrapped, zoneAssumed: true, noSniff: true,
		want: []brief{
			{Kind: analyzer.Disconnected, Time: "2000-03-17T22:26:50.000Z", NoYear: true, Node: "-1", NodeHost: "kafka.logging.example.net",
				Reason: "Disconnected"},
			{Kind: analyzer.NodeDisconnected, Time: "2000-03-17T22:26:50.000Z", NoYear: true, Reason: "1/1 brokers are down"},
			{Kind: analyzer.Disconnected, Time: "2000-03-17T22:36:51.000Z", NoYear: true, Node: "-1", NodeHost: "kafka.logging.example.net",
				Reason: "Disconnected"},
		},
	}, {
		file: "04-prefixed-native.log", layout: LayoutWrapped,
		want: []brief{{Kind: analyzer.Disconnected, Time: "2022-10-18T07:17:07.328Z", Level: "INFO", Node: "6", NodeHost: "kafka.example.com",
			Client: "rdkafka#consumer-1", State: "UP", AfterMs: 2282706}},
	}, {
		file: "05-old-dotnet.log", layout: LayoutDotnet, zoneAssumed: true,
		want: []brief{{Kind: analyzer.Disconnected, Time: "2017-03-05T08:14:50.237Z", Level: "ERROR", Node: "-1", NodeHost: "10.1.2.3",
			Client: "rdkafka#consumer-2", Reason: "Disconnected"}},
	}, {
		// Line 2 is the error callback's echo of line 1: one event.
		file: "06-vector-rust.log", layout: LayoutWrapped, zoneAssumed: true,
		want: []brief{
			{Kind: analyzer.Disconnected, Time: "2024-09-04T11:20:10.964Z", Level: "INFO", NodeHost: kc3, State: "UP", AfterMs: 4396411},
			{Kind: analyzer.ConnectRefused, Time: "2000-02-25T12:28:28.119Z", NoYear: true, Level: "ERROR", Addr: "127.0.0.1:9092",
				Reason: "Connection refused", State: "CONNECT"},
		},
	}, {
		file: "07-node-rdkafka.log", layout: LayoutWrapped,
		want: []brief{{Kind: analyzer.ConnectRefused, Level: "ERROR", Node: "2", NodeHost: "kafka5", Addr: "10.0.0.5:9092",
			Reason: "Connection refused", State: "CONNECT", AfterMs: 1}},
	}, {
		// The cut line is read as far as it goes (a CONNECTED line means
		// nothing); its tail matches no layout and is not glued back.
		file: "09-dotnet-wrapped-lines.log", layout: LayoutDotnet, zoneAssumed: true, unparsed: 1,
	}, {
		file: "10-ruby-logger.log", layout: LayoutWrapped, zoneAssumed: true,
		want: []brief{{Kind: analyzer.NodeDisconnected, Time: "2019-11-03T17:23:32.298Z", Level: "ERROR", Reason: "1/1 brokers are down"}},
	}}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			in, err := os.ReadFile(filepath.Join("testdata", "realworld", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if got := New().Sniff(in); got == tt.noSniff {
				t.Errorf("Sniff = %v, want %v", got, !tt.noSniff)
			}
			rec, st := parseBytes(t, tt.file, in, time.FixedZone("CET", 3600))
			if diff := cmp.Diff(tt.want, briefs(rec.Events)); diff != "" {
				t.Errorf("events (-want +got):\n%s", diff)
			}
			if st.Layout != tt.layout || st.Unparsed != tt.unparsed || st.ZoneAssumed != tt.zoneAssumed {
				t.Errorf("layout %q unparsed %d zoneAssumed %v, want %q %d %v", st.Layout, st.Unparsed, st.ZoneAssumed,
					tt.layout, tt.unparsed, tt.zoneAssumed)
			}
		})
	}
}

// TestWrapperShapes reads one failure in each wrapper shape of the catalog
// (§1.3) and the loggers' own defaults, in a CET source zone.
func TestWrapperShapes(t *testing.T) {
	const body = "[thrd:b1:9092/1]: b1:9092/1: Connect to ipv4#198.18.0.3:9092 failed: Connection refused (after 0ms in state CONNECT)"
	refused := func(at, level, client string) brief {
		return brief{Kind: analyzer.ConnectRefused, Time: at, Level: level, Node: "1", NodeHost: "b1", Addr: "198.18.0.3:9092",
			Client: client, Reason: "Connection refused", State: "CONNECT"}
	}
	tests := []struct {
		name, line string
		want       brief
	}{
		{"serilog console: time of day only, no date", "[12:24:27 ERR] rdkafka#producer-1: FAIL - " + body,
			refused("", "ERROR", "rdkafka#producer-1")},
		{"serilog file template with offset", "2024-01-25 12:24:27.123 +01:00 [ERR] rdkafka#producer-1: FAIL - " + body,
			refused("2024-01-25T11:24:27.123Z", "ERROR", "rdkafka#producer-1")},
		{"python logging asctime, comma fraction, local", "2024-01-25 12:24:27,123 ERROR confluent_kafka FAIL [rdkafka#producer-1] " + body,
			refused("2024-01-25T11:24:27.123Z", "ERROR", "rdkafka#producer-1")},
		{"python logging with the logger name first", "2024-01-25 12:24:27,123 - kafka.producer - WARNING - FAIL [orders#producer-3] " + body,
			refused("2024-01-25T11:24:27.123Z", "WARN", "orders#producer-3")},
		{"ISO time with zone, rust tracing", "2024-01-25T11:24:27.123456Z ERROR librdkafka: librdkafka: FAIL " + body,
			refused("2024-01-25T11:24:27.123Z", "ERROR", "")},
		{"ISO time with numeric offset", "2024-01-25T12:24:27.123+0100 ERROR librdkafka: librdkafka: FAIL " + body,
			refused("2024-01-25T11:24:27.123Z", "ERROR", "")},
		{"bracketed slashed date", "[2024/01/25 12:24:27.123] [error] cb: RDKAFKA-3-FAIL: rdkafka#producer-1: " + body,
			refused("2024-01-25T11:24:27.123Z", "ERROR", "rdkafka#producer-1")},
		{"ruby Logger (rdkafka-ruby, Karafka): severity letter, time, pid", "E, [2024-01-25T12:24:27.123456 #53262] ERROR -- : rdkafka: " + body,
			refused("2024-01-25T11:24:27.123Z", "ERROR", "")},
		{"epoch prefix, level word", "1706181867.123 ERROR kafka: FAIL " + body,
			refused("2024-01-25T11:24:27.123Z", "ERROR", "")},
		{"python isoformat with a space and an attached offset", "2024-01-25 12:24:27.123456+01:00 ERROR FAIL [rdkafka#producer-1] " + body,
			refused("2024-01-25T11:24:27.123Z", "ERROR", "rdkafka#producer-1")},
		{"zone name after the time", "2024-01-25 12:24:27.123 UTC ERROR FAIL [rdkafka#producer-1] " + body,
			refused("2024-01-25T12:24:27.123Z", "ERROR", "rdkafka#producer-1")},
		{"pipes handler with a time", "2024-01-25 12:24:27.123 +01:00 Log from Kafka: Error || FAIL || rdkafka#producer-1 || " + body,
			refused("2024-01-25T11:24:27.123Z", "ERROR", "rdkafka#producer-1")},
		{"pod name in front of a native line", "[orders-7f9c] %3|1706181867.123|FAIL|rdkafka#producer-1| " + body,
			refused("2024-01-25T11:24:27.123Z", "ERROR", "rdkafka#producer-1")},
		{"confluent-kafka-go LogEvent.String()", "[2024-01-25T12:24:27+01:00][rdkafka#producer-1][FAIL][3]" + body,
			refused("2024-01-25T11:24:27.000Z", "ERROR", "rdkafka#producer-1")},
		{"confluent-kafka-go LogEvent behind a logger prefix", "2024/01/25 12:24:27 kafka: [2024-01-25T11:24:27Z][rdkafka#producer-1][FAIL][3]" + body,
			refused("2024-01-25T11:24:27.000Z", "ERROR", "rdkafka#producer-1")},
		{"dotnet error handler printing Error.Reason", "fail: Orders.Worker[0] 2024-01-25 12:24:27.123 Kafka error: b1:9092/1: Connect to ipv4#198.18.0.3:9092 failed: Connection refused (after 0ms in state CONNECT)",
			refused("", "ERROR", "")},
		{"go kafka.Error after log's date", "2024/01/25 12:24:27 Consumer error: b1:9092/1: Connect to ipv4#198.18.0.3:9092 failed: Connection refused (after 0ms in state CONNECT) (<nil>)",
			refused("2024-01-25T11:24:27.000Z", "ERROR", "")},
		{"JSON logger field", `{"time":"2024-01-25T11:24:27.123Z","level":"error","msg":"kafka","error":"b1:9092/1: Connect to ipv4#198.18.0.3:9092 failed: Connection refused (after 0ms in state CONNECT)"}`,
			refused("", "ERROR", "")},
		{"dotnet log handler printing {Facility}: {Message}", "2024-01-25 12:24:27.123 +01:00 [WRN] Kafka log: FAIL: " + body,
			refused("2024-01-25T11:24:27.123Z", "WARN", "")},
		{"error callback after an app time", "2024-01-25 12:24:27.123 WARN kafka error: (Local: Broker transport failure): b1:9092/1: Connect to ipv4#198.18.0.3:9092 failed: Connection refused (after 0ms in state CONNECT)",
			refused("2024-01-25T11:24:27.123Z", "WARN", "")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !New().Sniff([]byte(tt.line + "\n")) {
				t.Errorf("Sniff = false")
			}
			rec, _ := parseBytes(t, "w.log", []byte(tt.line+"\n"), time.FixedZone("CET", 3600))
			if diff := cmp.Diff([]brief{tt.want}, briefs(rec.Events)); diff != "" {
				t.Errorf("events (-want +got):\n%s", diff)
			}
		})
	}
}

// TestSniffAfterStartupLines: an application's own start-up lines come
// before the client's first line.
func TestSniffAfterStartupLines(t *testing.T) {
	var b strings.Builder
	for i := range 30 {
		fmt.Fprintf(&b, "2024-01-25 12:24:%02d,123 INFO orders.app loaded settings section %d of 30\n", i, i)
	}
	b.WriteString("2024-01-25 12:24:31,123 ERROR orders.kafka FAIL [orders#producer-1] [thrd:b1:9092/1]: b1:9092/1: Connect to ipv4#198.18.0.3:9092 failed: Connection refused (after 0ms in state CONNECT)\n")
	if !New().Sniff([]byte(b.String())) {
		t.Error("Sniff = false")
	}
}

// TestNearMisses: other programs' lines, some naming Kafka, must be neither
// sniffed nor read as librdkafka.
func TestNearMisses(t *testing.T) {
	lines := []string{
		// Java client and broker.
		"2024-01-25 01:17:42,123 WARN [Producer clientId=producer-1] Connection to node 1 (kafka-1/198.18.0.3:9092) could not be established. Broker may not be available. (org.apache.kafka.clients.NetworkClient)",
		"[2024-01-25 01:17:42,123] INFO [SocketServer listenerType=BROKER, nodeId=1] Failed authentication with /198.18.0.2 (SSL handshake failed) (org.apache.kafka.common.network.Selector)",
		"13:57:44.697 [main] INFO  o.a.k.c.consumer.ConsumerConfig - ConsumerConfig values: ",
		// A journal of systemd lines.
		"Jan 25 01:17:42 kafka-b1 systemd[1]: kafka.service: Main process exited, code=killed, status=9/KILL",
		"Jan 25 01:17:43 kafka-b1 systemd[1]: kafka.service: Failed with result 'signal'.",
		// nginx.
		`198.18.0.2 - - [25/Jan/2024:01:17:42 +0000] "GET /kafka/topics HTTP/1.1" 502 157 "-" "curl/8.5.0"`,
		// A Python traceback mentioning Kafka.
		"Traceback (most recent call last):",
		`  File "/app/consumer.py", line 42, in <module>`,
		// Go sarama.
		"[Sarama] 2020/03/16 16:50:41 Failed to connect to broker kafka:9092: dial tcp 10.0.0.1:9092: connect: connection refused",
		// Prose quoting librdkafka's shapes.
		"The log shows `[thrd:…]` tags and `rdkafka#producer-N` names; RDKAFKA-like words are not enough.",
		"Ticket 42 || status || open || assigned",
		// Log lines quoted in Markdown (a ticket, a report's evidence table).
		"| 2026-11-23 12:47:33.072 | `client.log:10` | `%7\\|1795438053.072\\|FAIL\\|rdkafka#producer-1\\| [thrd:b:9092/bootstrap]: b:9092/bootstrap: Connect to ipv4#198.18.0.2:9092 failed: Connection refused (after 0ms in state CONNECT)` |",
		"The client logged `%3|1795438053.072|FAIL|rdkafka#producer-1| [thrd:b:9092/1]: b:9092/1: Receive failed: Disconnected` every 600 s.",
	}
	for _, l := range lines {
		if New().Sniff([]byte(l + "\n")) {
			t.Errorf("Sniff(%q) = true", l)
		}
		rec, st := parseBytes(t, "n.log", []byte(l+"\n"), nil)
		if len(rec.Events) != 0 || st.Unparsed != 1 {
			t.Errorf("%q: %d events, %d unparsed", l, len(rec.Events), st.Unparsed)
		}
	}
	// The exception's last line is librdkafka's error text, read as such,
	// but it means no event and alone does not claim the input.
	exc := "cimpl.KafkaException: KafkaError{code=_TRANSPORT,val=-195,str=\"Failed to get metadata: Local: Broker transport failure\"}\n"
	if New().Sniff([]byte(exc)) {
		t.Errorf("Sniff(%q) = true", exc)
	}
	if rec, _ := parseBytes(t, "n.log", []byte(exc), nil); len(rec.Events) != 0 {
		t.Errorf("%q: %d events", exc, len(rec.Events))
	}
}

// TestWrappedLinesDoNotAllocate: wrapped lines that mean nothing and lines
// of other programs cost no allocation.
func TestWrappedLinesDoNotAllocate(t *testing.T) {
	d := NewLineDecoder(&analyzer.Source{Path: "a.log", Zone: time.FixedZone("CET", 3600)}, discard{})
	lines := [][]byte{
		[]byte(`{"Message":"Log from Kafka: Debug || HEARTBEAT || rdkafka#consumer-1 || [thrd:main]: GroupCoordinator/0: Heartbeat for group \"$Default\" generation id 91"},`),
		[]byte(`2024-09-04T11:20:10.964854Z DEBUG librdkafka: librdkafka: SEND [thrd:b1:9092/1]: b1:9092/1: Sent MetadataRequest (v4, 25 bytes @ 0, CorrId 2)`),
		[]byte(`2024-01-25 12:24:27,123 DEBUG confluent_kafka RECV [rdkafka#producer-1] [thrd:b1:9092/1]: b1:9092/1: Received ProduceResponse (v7, 51 bytes, CorrId 9, rtt 2.31ms)`),
		[]byte(`Feb 25 13:28:28.119 DEBUG rdkafka::client: librdkafka: CONNECT [thrd:main]: Cluster connection already in progress`),
		[]byte(`[2024-01-25 01:17:42,123] INFO [SocketServer listenerType=BROKER, nodeId=1] Started socket server acceptors`),
		[]byte(`198.18.0.2 - - [25/Jan/2024:01:17:42 +0000] "GET /kafka/topics HTTP/1.1" 502 157 "-" "curl/8.5.0"`),
	}
	for _, l := range lines {
		d.Line(analyzer.Location{Path: "a.log", Line: 1}, time.Time{}, "", l)
	}
	allocs := testing.AllocsPerRun(200, func() {
		for _, l := range lines {
			d.Line(analyzer.Location{Path: "a.log", Line: 1}, time.Time{}, "", l)
		}
	})
	if allocs != 0 {
		t.Errorf("allocs per batch = %v, want 0", allocs)
	}
}

// FuzzSplit feeds arbitrary lines to split: it must not panic, and what it
// returns must alias the line.
func FuzzSplit(f *testing.F) {
	files, _ := filepath.Glob("testdata/realworld/*.log")
	for _, p := range files {
		if in, err := os.ReadFile(p); err == nil {
			f.Add(in[:min(len(in), 2048)])
		}
	}
	f.Add([]byte("[12:24:27 INF] rdkafka#producer-1: REQTMOUT - [thrd:b:9092/1]: b:9092/1: Timed out ProduceRequest in flight (after 60312ms, timeout #0)"))
	f.Add([]byte("2024-01-25 12:24:27.123 +01:00 [ERR] FAIL [rdkafka#producer-1] [thrd:b:1/1]: x"))
	f.Add([]byte("Feb 29 13:28:28.1 ERROR (Local: x): y"))
	f.Add([]byte("1706181867.123] Error || FAIL || a || b"))
	zone := time.FixedZone("X", -7*3600)
	f.Fuzz(func(t *testing.T, line []byte) {
		r, ok := split(line, zone)
		if !ok {
			return
		}
		for _, part := range [][]byte{r.fac, r.client, r.text} {
			if len(part) > 0 && !within(line, part) {
				t.Fatalf("part %q is not inside the line", part)
			}
		}
		if r.noYear && r.time.Year() != placeholderYear {
			t.Fatalf("noYear time %v", r.time)
		}
	})
}

// within reports whether part lies inside line's memory.
func within(line, part []byte) bool {
	if len(line) == 0 {
		return false
	}
	lo := uintptr(unsafe.Pointer(unsafe.SliceData(line)))
	p := uintptr(unsafe.Pointer(unsafe.SliceData(part)))
	return p >= lo && p+uintptr(len(part)) <= lo+uintptr(len(line))
}

// wrappedLog builds an application log of about n bytes: confluent-kafka-
// python debug chatter through `logging`, a failure every 20 lines, and
// the application's own lines in between.
func wrappedLog(n int) []byte {
	var b bytes.Buffer
	t := time.Date(2024, 1, 25, 12, 0, 0, 0, time.UTC)
	for i := 0; b.Len() < n; i++ {
		t = t.Add(13 * time.Millisecond)
		ts := t.Format("2006-01-02 15:04:05,000")
		switch i % 20 {
		case 0:
			fmt.Fprintf(&b, "%s ERROR orders.kafka FAIL [orders#producer-1] [thrd:kafka-%d.prod:9092/%d]: kafka-%d.prod:9092/%d: Connect to ipv4#198.18.0.%d:9092 failed: Connection refused (after 0ms in state CONNECT)\n", ts, i%3, i%3, i%3, i%3, i%3+2)
		case 1, 5, 9:
			fmt.Fprintf(&b, "%s DEBUG orders.kafka SEND [orders#producer-1] [thrd:kafka-%d.prod:9092/%d]: kafka-%d.prod:9092/%d: Sent ProduceRequest (v7, 1054 bytes @ 0, CorrId %d)\n", ts, i%3, i%3, i%3, i%3, i)
		case 2, 6, 10:
			fmt.Fprintf(&b, "%s INFO orders.api handled POST /orders/%d in 12ms status=201\n", ts, i)
		default:
			fmt.Fprintf(&b, "%s DEBUG orders.kafka CONNECT [orders#producer-1] [thrd:main]: Cluster connection already in progress: refresh unavailable topics\n", ts)
		}
	}
	return b.Bytes()
}

func BenchmarkParseWrapped(b *testing.B) {
	in := wrappedLog(8 << 20)
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		src := &analyzer.Source{Path: "bench.log", R: bufio.NewReaderSize(bytes.NewReader(in), 1<<20)}
		if _, err := New().Parse(context.Background(), src, discard{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkForeignLines is the cost the journal pays per program message
// that is not librdkafka's: the wrapped search runs on each.
func BenchmarkForeignLines(b *testing.B) {
	lines := [][]byte{
		[]byte(`198.18.0.2 - - [25/Jan/2024:01:17:42 +0000] "GET /kafka/topics HTTP/1.1" 502 157 "-" "curl/8.5.0"`),
		[]byte(`Accepted publickey for deploy from 198.18.0.9 port 52144 ssh2: ED25519 SHA256:0pN3u3Gd4u7x0bVb7w2sW1Yl3g`),
		[]byte(`2024-01-25 12:00:00,013 INFO orders.api handled POST /orders/17 in 12ms status=201 user=svc-orders trace=4bf92f3577b34da6`),
	}
	d := NewLineDecoder(&analyzer.Source{Path: "j"}, discard{})
	n := 0
	for _, l := range lines {
		n += len(l)
	}
	b.SetBytes(int64(n))
	b.ReportAllocs()
	for b.Loop() {
		for _, l := range lines {
			d.Line(analyzer.Location{Path: "j", Line: 1}, time.Time{}, "", l)
		}
	}
}
