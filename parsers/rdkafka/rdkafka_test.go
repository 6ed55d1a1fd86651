package rdkafka

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kafkadiag/kafkadiag/internal/golden"
	"github.com/kafkadiag/kafkadiag/parsers/internal/sinktest"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/analyzer/flow"
)

// recorder is a Sink keeping everything in order.
// recorder keeps what the parser reports.
type recorder = sinktest.Recorder

func parseBytes(t testing.TB, path string, in []byte, zone *time.Location) (*recorder, analyzer.Stats) {
	t.Helper()
	rec := &recorder{}
	src := &analyzer.Source{Path: path, R: bufio.NewReaderSize(bytes.NewReader(in), 1<<20), Zone: zone}
	st, err := New().Parse(context.Background(), src, rec)
	if err != nil {
		t.Fatalf("Parse(%s): %v", path, err)
	}
	return rec, st
}

// TestGolden parses every fixture and compares what it emitted with
// testdata/golden/<fixture>.json (-update rewrites them).
func TestGolden(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.log")
	if len(files) == 0 {
		t.Fatal("no fixtures")
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			in, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			rec, st := parseBytes(t, filepath.Base(f), in, time.FixedZone("CET", 3600))
			got, err := json.MarshalIndent(struct {
				Stats   analyzer.Stats
				Events  []analyzer.Event
				Nodes   []analyzer.Node
				Configs []analyzer.Config
			}{st, rec.Events, rec.Nodes, rec.Configs}, "", " ")
			if err != nil {
				t.Fatal(err)
			}
			goldenPath := filepath.Join("testdata", "golden", strings.TrimSuffix(filepath.Base(f), ".log")+".json")
			golden.Check(t, goldenPath, append(got, '\n'))
		})
	}
}

// brief is the part of an event the table tests check.
type brief struct {
	Kind     analyzer.EventKind
	Time     string
	Level    string
	Node     string
	NodeHost string
	Addr     string
	Client   string
	Reason   string
	State    string
	AfterMs  int64
	// NoYear and TimeGuessed are left out of the tables that don't set them.
	NoYear      bool
	TimeGuessed bool
}

func briefs(es []analyzer.Event) []brief {
	var out []brief
	for _, e := range es {
		b := brief{Kind: e.Kind, Level: e.Level, Node: e.Node, NodeHost: e.NodeHost, Client: e.Client,
			Reason: e.Reason, State: e.State, AfterMs: e.AfterMs, NoYear: e.NoYear, TimeGuessed: e.TimeGuessed}
		if !e.Time.IsZero() {
			b.Time = e.Time.UTC().Format("2006-01-02T15:04:05.000Z")
		}
		if e.Addr.IsValid() {
			b.Addr = e.Addr.String()
		}
		out = append(out, b)
	}
	return out
}

func TestEventKinds(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []brief
	}{{
		name: "refused debug twin merges into one ERROR event",
		in: "%7|1795435402.937|FAIL|rdkafka#producer-1| [thrd:127.0.0.1:1/bootstrap]: 127.0.0.1:1/bootstrap: Connect to ipv4#127.0.0.1:1 failed: Connection refused (after 0ms in state CONNECT) (_TRANSPORT)\n" +
			"%3|1795435402.937|FAIL|rdkafka#producer-1| [thrd:127.0.0.1:1/bootstrap]: 127.0.0.1:1/bootstrap: Connect to ipv4#127.0.0.1:1 failed: Connection refused (after 0ms in state CONNECT)\n",
		want: []brief{{Kind: analyzer.ConnectRefused, Time: "2026-11-23T12:03:22.937Z", Level: "ERROR", Node: "-1", NodeHost: "127.0.0.1",
			Addr: "127.0.0.1:1", Client: "rdkafka#producer-1", Reason: "Connection refused", State: "CONNECT"}},
	}, {
		name: "suppressed debug FAIL stands alone",
		in:   "%7|1795435404.937|FAIL|rdkafka#producer-1| [thrd:127.0.0.1:1/bootstrap]: 127.0.0.1:1/bootstrap: Connect to ipv4#127.0.0.1:1 failed: Connection refused (after 0ms in state CONNECT) (_TRANSPORT): identical to last error: error log suppressed\n",
		want: []brief{{Kind: analyzer.ConnectRefused, Time: "2026-11-23T12:03:24.937Z", Level: "DEBUG", Node: "-1", NodeHost: "127.0.0.1",
			Addr: "127.0.0.1:1", Client: "rdkafka#producer-1", Reason: "Connection refused", State: "CONNECT"}},
	}, {
		name: "idle disconnect keeps the connection age",
		in:   "%6|1623456793.400|FAIL|app#consumer-2| [thrd:ssl://k3.example:9093/3]: ssl://k3.example:9093/3: Disconnected (after 240012ms in state UP)\n",
		want: []brief{{Kind: analyzer.Disconnected, Time: "2021-06-12T00:13:13.400Z", Level: "INFO", Node: "3", NodeHost: "k3.example",
			Client: "app#consumer-2", State: "UP", AfterMs: 240012}},
	}, {
		name: "v2.11.1 close wording with reset",
		in:   "%4|1623456793.400|FAIL|rdkafka#producer-1| [thrd:k3:9092/3]: k3:9092/3: Disconnected: connection reset by peer (after 350002ms in state UP)\n",
		want: []brief{{Kind: analyzer.ConnectionReset, Time: "2021-06-12T00:13:13.400Z", Level: "WARN", Node: "3", NodeHost: "k3",
			Client: "rdkafka#producer-1", Reason: "connection reset by peer", State: "UP", AfterMs: 350002}},
	}, {
		name: "connection setup timeout",
		in:   "%4|1795435426.882|FAIL|rdkafka#producer-1| [thrd:127.0.0.1:19099/bootstrap]: 127.0.0.1:19099/bootstrap: Connection setup timed out in state CONNECT (after 2002ms in state CONNECT)\n",
		want: []brief{{Kind: analyzer.ConnectTimeout, Time: "2026-11-23T12:03:46.882Z", Level: "WARN", Node: "-1", NodeHost: "127.0.0.1",
			Client: "rdkafka#producer-1", Reason: "Connection setup timed out", State: "CONNECT", AfterMs: 2002}},
	}, {
		name: "SSL listener hint",
		in:   "%6|1795435425.857|FAIL|rdkafka#producer-1| [thrd:127.0.0.1:19092/bootstrap]: 127.0.0.1:19092/bootstrap: Disconnected while requesting ApiVersion: might be caused by incorrect security.protocol configuration (connecting to a SSL listener?) or broker version is < 0.10 (see api.version.request) (after 0ms in state APIVERSION_QUERY)\n",
		want: []brief{{Kind: analyzer.SecurityProtocolHint, Time: "2026-11-23T12:03:45.857Z", Level: "INFO", Node: "-1", NodeHost: "127.0.0.1",
			Client: "rdkafka#producer-1", Reason: "SSL listener?", State: "APIVERSION_QUERY"}},
	}, {
		name: "wrong version number without the handshake prefix",
		in:   "%3|1795435425.974|FAIL|rdkafka#producer-1| [thrd:ssl://127.0.0.1:19094/bootstrap]: ssl://127.0.0.1:19094/bootstrap: ../ssl/record/ssl3_record.c:350:ssl3_get_record error:0A00010B:SSL routines::wrong version number (after 0ms in state SSL_HANDSHAKE)\n",
		want: []brief{{Kind: analyzer.SSLHandshakeFailed, Time: "2026-11-23T12:03:45.974Z", Level: "ERROR", Node: "-1", NodeHost: "127.0.0.1",
			Client: "rdkafka#producer-1", Reason: "wrong version number", State: "SSL_HANDSHAKE"}},
	}, {
		name: "request timeout with in-flight age",
		in:   "%5|1795435428.883|REQTMOUT|rdkafka#producer-1| [thrd:127.0.0.1:19095/bootstrap]: 127.0.0.1:19095/bootstrap: Timed out ApiVersionRequest in flight (after 3002ms, timeout #0)\n",
		want: []brief{{Kind: analyzer.RequestTimeout, Time: "2026-11-23T12:03:48.883Z", Level: "INFO", Node: "-1", NodeHost: "127.0.0.1",
			Client: "rdkafka#producer-1", Reason: "ApiVersionRequest", AfterMs: 3002}},
	}, {
		name: "state UP is Connected",
		in:   "%7|1623456789.000|STATE|rdkafka#producer-1| [thrd:b1:9092/1]: b1:9092/1: Broker changed state APIVERSION_QUERY -> UP\n",
		want: []brief{{Kind: analyzer.Connected, Time: "2021-06-12T00:13:09.000Z", Level: "DEBUG", Node: "1", NodeHost: "b1",
			Client: "rdkafka#producer-1", State: "UP"}},
	}, {
		name: "kcat echo of the FAIL line is dropped, all-down summary kept with the last time",
		in: "%3|1795435424.779|FAIL|rdkafka#producer-1| [thrd:127.0.0.1:1/bootstrap]: 127.0.0.1:1/bootstrap: Connect to ipv4#127.0.0.1:1 failed: Connection refused (after 0ms in state CONNECT)\n" +
			"% ERROR: Local: Broker transport failure: 127.0.0.1:1/bootstrap: Connect to ipv4#127.0.0.1:1 failed: Connection refused (after 0ms in state CONNECT)\n" +
			"% ERROR: Local: All broker connections are down: 1/1 brokers are down: terminating\n",
		want: []brief{
			{Kind: analyzer.ConnectRefused, Time: "2026-11-23T12:03:44.779Z", Level: "ERROR", Node: "-1", NodeHost: "127.0.0.1",
				Addr: "127.0.0.1:1", Client: "rdkafka#producer-1", Reason: "Connection refused", State: "CONNECT"},
			{Kind: analyzer.NodeDisconnected, Time: "2026-11-23T12:03:44.779Z", Level: "ERROR", Reason: "1/1 brokers are down", TimeGuessed: true},
		},
	}, {
		name: "librdkafka's own ERROR line (no error callback) repeating the FAIL line is one failure",
		in: "%3|1517317005.596|FAIL|rdkafka#producer-1| [thrd:192.168.122.189:9092/1]: 192.168.122.189:9092/1: 783 request(s) timed out: disconnect (average rtt 17153.227ms)\n" +
			"%3|1517317005.596|ERROR|rdkafka#producer-1| [thrd:192.168.122.189:9092/1]: 192.168.122.189:9092/1: 783 request(s) timed out: disconnect (average rtt 17153.227ms)\n" +
			"%3|1517317007.532|ERROR|rdkafka#producer-1| [thrd:192.168.122.189:9092/1]: 192.168.122.189:9092/1: 1834 request(s) timed out: disconnect (average rtt 17137.621ms)\n",
		want: []brief{
			{Kind: analyzer.RequestTimeout, Time: "2018-01-30T12:56:45.596Z", Level: "ERROR", Node: "1", NodeHost: "192.168.122.189",
				Client: "rdkafka#producer-1", Reason: "request(s) timed out: disconnect"},
			{Kind: analyzer.RequestTimeout, Time: "2018-01-30T12:56:47.532Z", Level: "ERROR", Node: "1", NodeHost: "192.168.122.189",
				Client: "rdkafka#producer-1", Reason: "request(s) timed out: disconnect"},
		},
	}, {
		name: "dotnet local time uses the source zone",
		in:   "4|2017-02-28 09:05:52.404|rdkafka#producer-1|FAIL| [thrd:b1:9092/1]: b1:9092/1: Receive failed: Connection reset by peer (after 600000ms in state UP)\n",
		want: []brief{{Kind: analyzer.ConnectionReset, Time: "2017-02-28T08:05:52.404Z", Level: "WARN", Node: "1", NodeHost: "b1",
			Client: "rdkafka#producer-1", Reason: "Connection reset by peer", State: "UP", AfterMs: 600000}},
	}, {
		name: "near miss: a java log line is not librdkafka",
		in:   "[2024-01-25 01:17:42,123] INFO [SocketServer listenerType=BROKER, nodeId=1] Failed authentication with /198.18.0.2 (SSL handshake failed) (org.apache.kafka.common.network.Selector)\n",
	}, {
		name: "near miss: a percent line with a non-facility",
		in:   "%3|1623456789.000|not a facility|x| Connect to ipv4#1.2.3.4:1 failed: Connection refused\n",
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, _ := parseBytes(t, "t.log", []byte(tt.in), time.FixedZone("CET", 3600))
			if diff := cmp.Diff(tt.want, briefs(rec.Events)); diff != "" {
				t.Errorf("events (-want +got):\n%s", diff)
			}
		})
	}
}

func TestNodesAndConfig(t *testing.T) {
	in := "%7|1795435498.268|CONF|orders-svc#producer-1| [thrd:app]: Client configuration:\n" +
		"%7|1795435498.268|CONF|orders-svc#producer-1| [thrd:app]:   client.id = orders-svc\n" +
		"%7|1795435402.937|CONNECT|orders-svc#producer-1| [thrd:b1.example:9092/bootstrap]: b1.example:9092/bootstrap: Connecting to ipv4#198.18.0.3:9092 (plaintext) with socket 7\n" +
		"%3|1795435402.937|FAIL|orders-svc#producer-1| [thrd:b1.example:9092/3]: b1.example:9092/3: Connect to ipv4#198.18.0.3:9092 failed: Connection refused (after 0ms in state CONNECT)\n"
	rec, st := parseBytes(t, "n.log", []byte(in), nil)
	wantNodes := []analyzer.Node{
		{ID: "-1", Host: "b1.example", Addr: netip.MustParseAddrPort("198.18.0.3:9092"), Bootstrap: true, Source: analyzer.Location{Path: "n.log", Line: 3}},
		{ID: "3", Host: "b1.example", Addr: netip.MustParseAddrPort("198.18.0.3:9092"), Source: analyzer.Location{Path: "n.log", Line: 4}},
	}
	if diff := cmp.Diff(wantNodes, rec.Nodes, cmpopts.EquateComparable(netip.AddrPort{})); diff != "" {
		t.Errorf("nodes (-want +got):\n%s", diff)
	}
	wantConf := []analyzer.Config{{Scope: "librdkafka", Client: "orders-svc#producer-1", Key: "client.id", Value: "orders-svc", Source: analyzer.Location{Path: "n.log", Line: 2}}}
	if diff := cmp.Diff(wantConf, rec.Configs); diff != "" {
		t.Errorf("configs (-want +got):\n%s", diff)
	}
	if st.Layout != LayoutNative || st.Lines != 4 || st.Unparsed != 0 || st.Events != 1 {
		t.Errorf("stats = %+v", st)
	}
}

func TestSniff(t *testing.T) {
	tests := []struct {
		head string
		want bool
	}{
		{"%7|1795435402.936|BRKMAIN|rdkafka#producer-1| [thrd::0/internal]: :0/internal: Enter main broker thread\n", true},
		{"1511418210.136 RDKAFKA-3-FAIL: rdkafka#producer-1: [thrd:a:1/1]: a:1/1: Disconnected\n", true},
		{"7|2017-02-28 09:05:52.404|rdkafka#producer-1|REQTMOUT| [thrd:a:1/1]: x\n", true},
		{"[2022/11/14 15:31:59] [error] [output:kafka:kafka.0] fluent-bit#producer-1: [thrd:app]: x\n", true},
		{"[2022/11/14 15:31:59] [ info] [engine] started (pid=1)\n", false},
		{"%7 2020/09/24 18:20:12       (Local: Broker transport failure): kafka:9092/3: Disconnected (after 69600ms in state UP)\n", true},
		{"16-08-2018 17:28:51.038 ERROR - ERROR (Local: Broker transport failure): kafka1:9092/bootstrap: Receive failed: Disconnected\n", true},
		{"16-08-2018 17:28:51.038 ERROR - payment failed for order 1123\n", false},
		// kcat's own error line names librdkafka by its "Local: " error
		// strings or a broker state; other "% ERROR:" text does not.
		{"% ERROR: Local: Host resolution failure: kafka:9092/0: Failed\n", true},
		{"% ERROR: Failed to produce message (4096 bytes): Broker: Message size too large (after 3ms in state UP)\n", true},
		{"% ERROR: could not open file: permission denied\n", false},
		{"[2024-01-25 01:17:42,123] INFO Kafka version: 3.6.1 (org.apache.kafka.common.utils.AppInfoParser)\n", false},
		{"2024-01-25 01:17:42,123 INFO [main] o.a.k.c.p.ProducerConfig - ProducerConfig values:\n", false},
		{"__CURSOR=s=abc\n", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := New().Sniff([]byte(tt.head)); got != tt.want {
			t.Errorf("Sniff(%q) = %v, want %v", tt.head, got, tt.want)
		}
	}
}

func TestProblemsAndGarbage(t *testing.T) {
	long := strings.Repeat("x", MaxLineLen+10)
	in := "%3|1623456789.000|FAIL|r#producer-1| a:1/1: Disconnected\r\n" + long + "\n\xff\xfe%3|\x00\n%9|999999999999999999999.1|FAIL|x| y"
	rec, st := parseBytes(t, "g.log", []byte(in), nil)
	if len(rec.Events) != 1 || st.Unparsed != 3 || st.Lines != 4 {
		t.Errorf("events=%d stats=%+v", len(rec.Events), st)
	}
	if len(st.Problems) != 1 || !strings.HasPrefix(st.Problems[0], "g.log: line 2: ") {
		t.Errorf("problems = %q", st.Problems)
	}
}

// discard is a Sink that keeps nothing, for allocation counts.
type discard struct{}

func (discard) Event(analyzer.Event)     {}
func (discard) Flow(*flow.Flow)          {}
func (discard) ARP(analyzer.CapturedARP) {}
func (discard) Node(analyzer.Node)       {}
func (discard) Config(analyzer.Config)   {}

func TestUninterestingLinesDoNotAllocate(t *testing.T) {
	d := NewLineDecoder(&analyzer.Source{Path: "a.log"}, discard{})
	lines := [][]byte{
		[]byte("%7|1795435402.937|CONNECT|rdkafka#producer-1| [thrd:app]: Not selecting any broker for cluster connection: still suppressed for 49ms: application metadata request"),
		[]byte("%7|1795435402.937|STATE|rdkafka#producer-1| [thrd:127.0.0.1:1/bootstrap]: 127.0.0.1:1/bootstrap: Broker changed state INIT -> TRY_CONNECT"),
		[]byte("%7|1795435402.937|SEND|rdkafka#producer-1| [thrd:127.0.0.1:1/bootstrap]: 127.0.0.1:1/bootstrap: Sent MetadataRequest (v4, 25 bytes @ 0, CorrId 2)"),
		[]byte("some unrelated application line"),
	}
	// Teach the decoder the broker first, as a real log would.
	for _, l := range lines {
		d.Line(analyzer.Location{Path: "a.log", Line: 1}, time.Time{}, "", l)
	}
	allocs := testing.AllocsPerRun(200, func() {
		for _, l := range lines {
			d.Line(analyzer.Location{Path: "a.log", Line: 1}, time.Time{}, "", l)
		}
	})
	if allocs != 0 {
		t.Errorf("allocs per uninteresting line batch = %v, want 0", allocs)
	}
}

// benchLog builds a realistic debug log: mostly debug chatter, a failure
// every 20 lines.
func benchLog(n int) []byte {
	var b bytes.Buffer
	ts := 1795435402.0
	for i := 0; b.Len() < n; i++ {
		ts += 0.013
		switch i % 20 {
		case 0:
			fmt.Fprintf(&b, "%%3|%.3f|FAIL|rdkafka#producer-1| [thrd:kafka-%d.prod:9092/%d]: kafka-%d.prod:9092/%d: Connect to ipv4#198.18.0.%d:9092 failed: Connection refused (after 0ms in state CONNECT)\n", ts, i%3, i%3, i%3, i%3, i%3+2)
		case 1, 5, 9:
			fmt.Fprintf(&b, "%%7|%.3f|SEND|rdkafka#producer-1| [thrd:kafka-%d.prod:9092/%d]: kafka-%d.prod:9092/%d: Sent ProduceRequest (v7, 1054 bytes @ 0, CorrId %d)\n", ts, i%3, i%3, i%3, i%3, i)
		case 2, 6, 10:
			fmt.Fprintf(&b, "%%7|%.3f|RECV|rdkafka#producer-1| [thrd:kafka-%d.prod:9092/%d]: kafka-%d.prod:9092/%d: Received ProduceResponse (v7, 51 bytes, CorrId %d, rtt 2.31ms)\n", ts, i%3, i%3, i%3, i%3, i)
		default:
			fmt.Fprintf(&b, "%%7|%.3f|CONNECT|rdkafka#producer-1| [thrd:main]: Cluster connection already in progress: refresh unavailable topics\n", ts)
		}
	}
	return b.Bytes()
}

func BenchmarkParse(b *testing.B) {
	in := benchLog(8 << 20)
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	for b.Loop() {
		src := &analyzer.Source{Path: "bench.log", R: bufio.NewReaderSize(bytes.NewReader(in), 1<<20)}
		if _, err := New().Parse(context.Background(), src, discard{}); err != nil {
			b.Fatal(err)
		}
	}
}

func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.log")
	for _, p := range files {
		if in, err := os.ReadFile(p); err == nil {
			f.Add(in[:min(len(in), 4096)])
		}
	}
	f.Add([]byte("16-08-2018 17:28:51.038 ERROR - ERROR (Local: Broker transport failure): kafka1:9092/bootstrap: Receive failed: Disconnected\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		src := &analyzer.Source{Path: "f.log", R: bufio.NewReaderSize(bytes.NewReader(in), 4096)}
		p := New()
		p.Sniff(in)
		st, _ := p.Parse(context.Background(), src, discard{})
		if st.Unparsed > st.Lines || st.Events > st.Lines {
			t.Fatalf("stats out of range: %+v", st)
		}
	})
}

// TestLayouts reads one failure in every wrapper layout: each must give
// its layout name, the event and the exact instant.
func TestLayouts(t *testing.T) {
	cet := time.FixedZone("CET", 3600)
	tests := []struct {
		layout string
		line   string
		kind   analyzer.EventKind
		time   time.Time
	}{
		{LayoutNative, "%3|1623456789.123|FAIL|rdkafka#producer-1| [thrd:b:9092/1]: b:9092/1: Connect to ipv4#198.18.0.3:9092 failed: Connection refused (after 0ms in state CONNECT)",
			analyzer.ConnectRefused, time.Date(2021, 6, 12, 0, 13, 9, 123e6, time.UTC)},
		{LayoutJournal, "Jun 12 02:13:09 ha1 sh[40957]: %3|1623456789.123|FAIL|rdkafka#producer-1| [thrd:b:9092/1]: b:9092/1: Receive failed: Connection reset by peer (after 1ms in state UP)",
			analyzer.ConnectionReset, time.Date(2021, 6, 12, 0, 13, 9, 123e6, time.UTC)},
		{LayoutSyslogStyle, "1623456789.123 RDKAFKA-3-FAIL: rdkafka#producer-1: [thrd:b:9092/1]: b:9092/1: Failed to resolve 'b:9092': Name or service not known (after 3ms in state CONNECT)",
			analyzer.ResolveFailed, time.Date(2021, 6, 12, 0, 13, 9, 123e6, time.UTC)},
		{LayoutDotnet, "3|2021-06-12 01:13:09.123|rdkafka#producer-1|FAIL| [thrd:b:9092/1]: b:9092/1: Send failed: Broken pipe (after 5ms in state UP)",
			analyzer.BrokenPipe, time.Date(2021, 6, 12, 0, 13, 9, 123e6, time.UTC)},
		{LayoutFluentBit, "[2021/06/12 01:13:09] [error] [output:kafka:kafka.0] fluent-bit#producer-1: [thrd:app]: fluent-bit#producer-1: b:9092/1: SASL authentication error: Authentication failed (after 4ms in state AUTH_REQ)",
			analyzer.SASLAuthFailed, time.Date(2021, 6, 12, 0, 13, 9, 0, time.UTC)},
		{LayoutAppCallback, "%3 2021/06/12 01:13:09       (Local: Broker transport failure): b:9092/1: Connect to ipv4#198.18.0.3:9092 failed: No route to host (after 3004ms in state CONNECT)",
			analyzer.ConnectNoRoute, time.Date(2021, 6, 12, 0, 13, 9, 0, time.UTC)},
		{LayoutAppCallback, "12-06-2021 01:13:09.038 ERROR - ERROR (Local: Broker transport failure): b:9092/1: Receive failed: Disconnected",
			analyzer.Disconnected, time.Date(2021, 6, 12, 0, 13, 9, 38e6, time.UTC)},
	}
	for _, tt := range tests {
		t.Run(tt.layout+" "+tt.line[:12], func(t *testing.T) {
			rec, st := parseBytes(t, "l.log", []byte(tt.line+"\n"), cet)
			if st.Layout != tt.layout || len(rec.Events) != 1 {
				t.Fatalf("layout %q, %d events", st.Layout, len(rec.Events))
			}
			e := rec.Events[0]
			if e.Kind != tt.kind || !e.Time.Equal(tt.time) || e.Node != "1" || e.NodeHost != "b" {
				t.Errorf("got %s at %v node %q/%q, want %s at %v", e.Kind, e.Time, e.Node, e.NodeHost, tt.kind, tt.time)
			}
		})
	}
}
