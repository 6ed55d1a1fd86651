package journal

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kafkadiag/kafkadiag/internal/golden"

	"github.com/google/go-cmp/cmp"
	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/analyzer/flow"
	"github.com/kafkadiag/kafkadiag/parsers/internal/sinktest"
	"github.com/kafkadiag/kafkadiag/parsers/rdkafka"
)

// recorder keeps what the parser reports.
type recorder = sinktest.Recorder

type discard struct{}

func (discard) Event(analyzer.Event)     {}
func (discard) Flow(*flow.Flow)          {}
func (discard) ARP(analyzer.CapturedARP) {}
func (discard) Node(analyzer.Node)       {}
func (discard) Config(analyzer.Config)   {}

// fakeJava stands in for the Kafka Java decoder: it takes log4j lines and
// stack-trace continuations and records what it was handed.
type fakeJava struct {
	Lines   []string
	Flushed bool
}

func (f *fakeJava) Line(loc analyzer.Location, ts time.Time, host string, msg []byte) bool {
	if !bytes.HasPrefix(msg, []byte("[20")) && !bytes.HasPrefix(msg, []byte("\tat ")) && !bytes.HasPrefix(msg, []byte("java.")) {
		return false
	}
	f.Lines = append(f.Lines, fmt.Sprintf("%s:%d %s %s %s", loc.Path, loc.Line, ts.UTC().Format(time.RFC3339Nano), host, msg))
	return true
}

func (f *fakeJava) Flush() { f.Flushed = true }

// parseWith parses in with the rdkafka decoder and a fakeJava embedded.
func parseWith(t testing.TB, path string, in []byte) (*recorder, *fakeJava, analyzer.Stats, error) {
	t.Helper()
	rec, fj := &recorder{}, &fakeJava{}
	p := New(
		func(src *analyzer.Source, sink analyzer.Sink) Embedded { return rdkafka.NewLineDecoder(src, sink) },
		func(*analyzer.Source, analyzer.Sink) Embedded { return fj },
	)
	if !p.Sniff(in[:min(len(in), analyzer.SniffLen)]) {
		t.Fatalf("Sniff(%s) = false", path)
	}
	src := &analyzer.Source{Path: path, R: bufio.NewReaderSize(bytes.NewReader(in), 1<<20), Zone: time.FixedZone("CET", 3600)}
	st, err := p.Parse(context.Background(), src, rec)
	return rec, fj, st, err
}

func fixtures(t testing.TB) []string {
	files, _ := filepath.Glob("testdata/journal*")
	if len(files) == 0 {
		t.Fatal("no fixtures")
	}
	return files
}

func TestGolden(t *testing.T) {
	for _, f := range fixtures(t) {
		t.Run(filepath.Base(f), func(t *testing.T) {
			in, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			rec, fj, st, err := parseWith(t, filepath.Base(f), in)
			if err != nil {
				t.Fatal(err)
			}
			if !fj.Flushed {
				t.Error("embedded decoder not flushed")
			}
			got, err := json.MarshalIndent(struct {
				Stats    analyzer.Stats
				Events   []analyzer.Event
				Nodes    []analyzer.Node
				Embedded []string
			}{st, rec.Events, rec.Nodes, fj.Lines}, "", " ")
			if err != nil {
				t.Fatal(err)
			}
			goldenPath := filepath.Join("testdata", "golden", filepath.Base(f)+".json")
			golden.Check(t, goldenPath, append(got, '\n'))
		})
	}
}

// gist is what must agree between layouts of one journal.
type gist struct {
	Kind    analyzer.EventKind
	Time    string
	PID     int
	Reason  string
	Signal  string
	Program string
}

func gists(es []analyzer.Event, withTime bool) []gist {
	var out []gist
	for _, e := range es {
		g := gist{Kind: e.Kind, PID: e.PID, Reason: e.Reason, Signal: e.Signal, Program: e.Program}
		if withTime {
			g.Time = e.Time.UTC().Format("2006-01-02T15:04:05.000000")
		}
		out = append(out, g)
	}
	return out
}

// TestLayoutsAgree parses the one generated journal in every layout: the
// events must be the same (time only where the layout carries it fully).
func TestLayoutsAgree(t *testing.T) {
	ref, refJava, _, err := parseWith(t, "export", mustRead(t, "testdata/journal.export"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		file     string
		withTime bool
		layout   string
	}{
		{"journal.json", true, LayoutJSON},
		{"journal.json-seq", true, LayoutJSON},
		{"journal.short-iso-precise", true, LayoutShortISOPrecise},
		{"journal.short-unix", true, LayoutShortUnix},
		{"journal.short-iso", false, LayoutShortISO},
		{"journal.short-precise", false, LayoutShortPrecise},
		{"journal.short", false, LayoutShort},
	} {
		t.Run(tc.file, func(t *testing.T) {
			rec, fj, st, err := parseWith(t, tc.file, mustRead(t, "testdata/"+tc.file))
			if err != nil {
				t.Fatal(err)
			}
			if st.Layout != tc.layout || st.Host != "kafka-b1" || st.Unparsed != 0 {
				t.Errorf("stats = %+v", st)
			}
			if diff := cmp.Diff(gists(ref.Events, tc.withTime), gists(rec.Events, tc.withTime)); diff != "" {
				t.Errorf("events differ from the export's (-export +%s):\n%s", tc.file, diff)
			}
			if len(fj.Lines) != len(refJava.Lines) {
				t.Errorf("embedded got %d lines, export gave %d", len(fj.Lines), len(refJava.Lines))
			}
		})
	}
}

func mustRead(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// brief is the part of an event the table tests check.
type brief struct {
	Kind    analyzer.EventKind
	Program string
	Unit    string
	PID     int
	Reason  string
	Signal  string
}

func TestEventKinds(t *testing.T) {
	const p = "2024-01-25T01:17:42+0100 kafka-b1 "
	tests := []struct {
		name string
		line string
		want []brief
	}{
		{"oom kill main process", "systemd[1]: kafka.service: Main process exited, code=killed, status=9/KILL",
			[]brief{{Kind: analyzer.ProcessKilled, Program: "systemd", Unit: "kafka.service", Reason: "killed", Signal: "KILL"}}},
		{"core dump", "systemd[1]: confluent-server.service: Main process exited, code=dumped, status=6/ABRT",
			[]brief{{Kind: analyzer.ProcessKilled, Program: "systemd", Unit: "confluent-server.service", Reason: "dumped", Signal: "ABRT"}}},
		{"exit 1", "systemd[1]: kafka.service: Main process exited, code=exited, status=1/FAILURE",
			[]brief{{Kind: analyzer.ProcessExited, Program: "systemd", Unit: "kafka.service", Reason: "1/FAILURE"}}},
		{"exit 0 is not a failure", "systemd[1]: kafka.service: Main process exited, code=exited, status=0/SUCCESS", nil},
		{"failed result", "systemd[1]: kafka.service: Failed with result 'oom-kill'.",
			[]brief{{Kind: analyzer.ServiceFailed, Program: "systemd", Unit: "kafka.service", Reason: "oom-kill"}}},
		{"unit oom", "systemd[1]: kafka.service: A process of this unit has been killed by the OOM killer.",
			[]brief{{Kind: analyzer.OOMKill, Program: "systemd", Unit: "kafka.service"}}},
		{"stop timeout", "systemd[1]: kafka.service: State 'stop-sigterm' timed out. Killing.",
			[]brief{{Kind: analyzer.ProcessKilled, Program: "systemd", Unit: "kafka.service", Reason: "stop-timeout", Signal: "KILL"}}},
		{"scheduled restart", "systemd[1]: kafka.service: Scheduled restart job, restart counter is at 4.",
			[]brief{{Kind: analyzer.ServiceStarting, Program: "systemd", Unit: "kafka.service", Reason: "scheduled restart 4"}}},
		{"job line with description", "systemd[1]: Stopping Apache Kafka Server (Broker)...",
			[]brief{{Kind: analyzer.ServiceStopping, Program: "systemd", Unit: "Apache Kafka Server (Broker)"}}},
		{"v252 combined job line", "systemd[1]: Started kafka.service - Apache Kafka.",
			[]brief{{Kind: analyzer.ServiceStarted, Program: "systemd", Unit: "kafka.service"}}},
		{"templated unit", "systemd[1]: kafka@2.service: Main process exited, code=killed, status=15/TERM",
			[]brief{{Kind: analyzer.ProcessKilled, Program: "systemd", Unit: "kafka@2.service", Reason: "killed", Signal: "TERM"}}},
		{"systemd 219 lower-case main process", "systemd[1]: kafka.service: main process exited, code=killed, status=9/KILL",
			[]brief{{Kind: analyzer.ProcessKilled, Program: "systemd", Unit: "kafka.service", Reason: "killed", Signal: "KILL"}}},
		{"systemd 219 failed state", "systemd[1]: Unit kafka.service entered failed state.",
			[]brief{{Kind: analyzer.ServiceFailed, Program: "systemd", Unit: "kafka.service", Reason: "failed"}}},
		{"systemd 219 unit failed", "systemd[1]: kafka.service failed.",
			[]brief{{Kind: analyzer.ServiceFailed, Program: "systemd", Unit: "kafka.service", Reason: "failed"}}},
		{"systemd 219 holdoff restart", "systemd[1]: kafka.service holdoff time over, scheduling restart.",
			[]brief{{Kind: analyzer.ServiceStarting, Program: "systemd", Unit: "kafka.service", Reason: "scheduled restart"}}},
		{"systemd 219 other unit failed", "systemd[1]: Unit nginx.service entered failed state.", nil},
		{"zookeeper is not a broker", "systemd[1]: zookeeper.service: Main process exited, code=killed, status=9/KILL", nil},
		{"kafka-ui is not a broker", "systemd[1]: kafka-ui.service: Failed with result 'exit-code'.", nil},
		{"kafka exporter job line", "systemd[1]: Stopped kafka-exporter.service - Prometheus Kafka Exporter.", nil},
		{"kafka connect is a client", "systemd[1]: confluent-kafka-connect.service: Main process exited, code=killed, status=9/KILL", nil},
		{"KRaft controller is a Kafka node", "systemd[1]: kafka-controller.service: Failed with result 'signal'.",
			[]brief{{Kind: analyzer.ServiceFailed, Program: "systemd", Unit: "kafka-controller.service", Reason: "signal"}}},
		{"another unit", "systemd[1]: nginx.service: Main process exited, code=killed, status=9/KILL", nil},
		{"kernel oom 5.x", "kernel: Out of memory: Killed process 2417 (java) total-vm:9358600kB, anon-rss:6241332kB, file-rss:0kB, shmem-rss:0kB, UID:994 pgtables:13012kB oom_score_adj:0",
			[]brief{{Kind: analyzer.OOMKill, Program: "kernel", PID: 2417, Reason: "java"}}},
		{"kernel oom of another process still counts", "kernel: Killed process 8812 (node) total-vm:2304112kB, anon-rss:1790220kB, file-rss:0kB, shmem-rss:0kB",
			[]brief{{Kind: analyzer.OOMKill, Program: "kernel", PID: 8812, Reason: "node"}}},
		{"kernel oom ≤5.0 first line alone stands for the kill", "kernel: Out of memory: Kill process 2395 (java) score 908 or sacrifice child",
			[]brief{{Kind: analyzer.OOMKill, Program: "kernel", PID: 2395, Reason: "java"}}},
		{"kernel oom ≤5.0 in a memory cgroup", "kernel: Memory cgroup out of memory: Kill process 2395 (java) score 1001 or sacrifice child",
			[]brief{{Kind: analyzer.OOMKill, Program: "kernel", PID: 2395, Reason: "java"}}},
		{"oom-kill context alone", "kernel: oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/system.slice/kafka.service,task=java,pid=1234,uid=1000",
			[]brief{{Kind: analyzer.OOMKill, Program: "kernel", Unit: "kafka.service", PID: 1234, Reason: "java"}}},
		{"arp table", "kernel: neighbour: arp_cache: neighbor table overflow!",
			[]brief{{Kind: analyzer.NeighbourOverflow, Program: "kernel", Reason: "arp_cache"}}},
		{"conntrack", "kernel: nf_conntrack: table full, dropping packet",
			[]brief{{Kind: analyzer.ConntrackFull, Program: "kernel", Reason: "table full, dropping packet"}}},
		{"librdkafka in a message", "orders[4411]: %3|1706141868.204|FAIL|rdkafka#producer-1| [thrd:b1:9092/1]: b1:9092/1: Connect to ipv4#10.20.1.11:9092 failed: No route to host (after 3012ms in state CONNECT)",
			[]brief{{Kind: analyzer.ConnectNoRoute, Program: "librdkafka", Reason: "No route to host"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, _, st, err := parseWith(t, "t", []byte(p+tt.line+"\n"))
			if err != nil || st.Unparsed != 0 {
				t.Fatalf("err=%v stats=%+v", err, st)
			}
			var got []brief
			for _, e := range rec.Events {
				got = append(got, brief{Kind: e.Kind, Program: e.Program, Unit: e.Unit, PID: e.PID, Reason: e.Reason, Signal: e.Signal})
				if e.Host != "kafka-b1" || e.Source != (analyzer.Location{Path: "t", Line: 1}) {
					t.Errorf("host %q source %+v", e.Host, e.Source)
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("events (-want +got):\n%s", diff)
			}
		})
	}
}

func TestOOMContextMergesIntoKill(t *testing.T) {
	in := "Jan 25 01:17:47 kafka-b1 kernel: oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/system.slice/kafka.service,task_memcg=/system.slice/kafka.service,task=java,pid=2417,uid=994\n" +
		"Jan 25 01:17:47 kafka-b1 kernel: Memory cgroup out of memory: Killed process 2417 (java) total-vm:9358600kB, anon-rss:6241332kB, file-rss:0kB, shmem-rss:0kB, UID:994 pgtables:13012kB oom_score_adj:0\n"
	rec, _, _, err := parseWith(t, "t", []byte(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []brief{{Kind: analyzer.OOMKill, Program: "kernel", Unit: "kafka.service", PID: 2417, Reason: "java"}}
	var got []brief
	for _, e := range rec.Events {
		got = append(got, brief{Kind: e.Kind, Program: e.Program, Unit: e.Unit, PID: e.PID, Reason: e.Reason, Signal: e.Signal})
		if !e.NoYear || e.Time.Month() != time.January || e.Time.Day() != 25 {
			t.Errorf("time %v noYear %v", e.Time, e.NoYear)
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestOOMChosenThenKilled: kernels before 5.1 name the chosen victim, then
// the process they killed (here a child): one kill, one event.
func TestOOMChosenThenKilled(t *testing.T) {
	in := "Jul 13 15:55:12 rocketmq-3 kernel: Out of memory: Kill process 2395 (java) score 908 or sacrifice child\n" +
		"Jul 13 15:55:12 rocketmq-3 kernel: Killed process 2401 (java) total-vm:12345678kB, anon-rss:8123456kB, file-rss:0kB, shmem-rss:0kB\n" +
		"Jul 13 16:02:40 rocketmq-3 kernel: Out of memory: Kill process 3012 (java) score 911 or sacrifice child\n"
	rec, _, _, err := parseWith(t, "messages", []byte(in))
	if err != nil {
		t.Fatal(err)
	}
	want := []brief{{Kind: analyzer.OOMKill, Program: "kernel", PID: 2401, Reason: "java"}, {Kind: analyzer.OOMKill, Program: "kernel", PID: 3012, Reason: "java"}}
	var got []brief
	for _, e := range rec.Events {
		got = append(got, brief{Kind: e.Kind, Program: e.Program, Unit: e.Unit, PID: e.PID, Reason: e.Reason, Signal: e.Signal})
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestDmesgCtime reads `dmesg -T`: every line the kernel's, local time
// with a year and no zone.
func TestDmesgCtime(t *testing.T) {
	in := "[Mon Jul 13 15:55:10 2022] java invoked oom-killer: gfp_mask=0x100cca(GFP_HIGHUSER_MOVABLE), order=0, oom_score_adj=0\n" +
		"[Mon Jul 13 15:55:12 2022] Out of memory: Killed process 2395 (java) total-vm:12345678kB, anon-rss:8123456kB, file-rss:0kB, shmem-rss:0kB, UID:1000 pgtables:20000kB oom_score_adj:0\n" +
		"[Mon Jul 13 15:55:13 2022] nf_conntrack: table full, dropping packet\n"
	rec, _, st, err := parseWith(t, "dmesg", []byte(in))
	if err != nil || st.Layout != LayoutDmesgCtime || st.Unparsed != 0 || !st.ZoneAssumed {
		t.Fatalf("err=%v stats=%+v", err, st)
	}
	want := []brief{{Kind: analyzer.OOMKill, Program: "kernel", PID: 2395, Reason: "java"}, {Kind: analyzer.ConntrackFull, Program: "kernel", Reason: "table full, dropping packet"}}
	var got []brief
	for _, e := range rec.Events {
		got = append(got, brief{Kind: e.Kind, Program: e.Program, Unit: e.Unit, PID: e.PID, Reason: e.Reason, Signal: e.Signal})
		if e.NoYear || e.Time.Year() != 2022 || e.Time.Month() != time.July || e.Time.Day() != 13 {
			t.Errorf("time %v noYear %v, want 2022-07-13", e.Time, e.NoYear)
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestSniff(t *testing.T) {
	tests := []struct {
		head string
		want string
	}{
		{"__CURSOR=s=abc;i=1\n__REALTIME_TIMESTAMP=1706141862118412\nMESSAGE=x\n", LayoutExport},
		{"MESSAGE\n\x05\x00\x00\x00\x00\x00\x00\x00a\nb c\n", LayoutExport},
		{`{"__CURSOR":"s=a","__REALTIME_TIMESTAMP":"1706141862118412","MESSAGE":"x"}` + "\n", LayoutJSON},
		{"\x1e" + `{"__REALTIME_TIMESTAMP":"1706141862118412","MESSAGE":"x"}` + "\n", LayoutJSON},
		{"-- Logs begin at Wed 2024-01-24 09:00:01 CET. --\nJan 25 01:17:42 kafka-b1 systemd[1]: Started x.\n", LayoutShort},
		{"Jan  5 01:17:42.123456 kafka-b1 kernel: x\n", LayoutShortPrecise},
		{"2024-01-25T01:17:42+01:00 kafka-b1 systemd[1]: x\n", LayoutShortISO},
		{"1706141862.123456 kafka-b1 systemd[1]: x\n", LayoutShortUnix},
		{"Mar 07 23:10:03 ha1 sh[40957]: %7|1488928203.724|TOPBRK|rdkafka#producer-1| x\n", LayoutShort},
		{"[Mon Jul 13 15:55:12 2022] Out of memory: Killed process 2395 (java)\n", LayoutDmesgCtime},
		{"[Sat Jan  6 03:04:05 2024] IPv6: ADDRCONF(NETDEV_CHANGE): eth0: link becomes ready\n", LayoutDmesgCtime},
		// Not journals.
		{"[863081.188441] Out of memory: Kill process 29541 (java) score 980 or sacrifice child\n", LayoutDmesg},
		{"[Mon Jul 13 15:55:12,123] INFO x (kafka.server.KafkaServer)\n", ""},
		{"[Foo Jul 13 15:55:12 2022] x\n", ""},
		{"%7|1795435402.936|BRKMAIN|rdkafka#producer-1| [thrd::0/internal]: :0/internal: Enter main broker thread\n", ""},
		{"[2024-01-25 01:17:42,123] INFO Kafka version: 3.6.1 (org.apache.kafka.common.utils.AppInfoParser)\n", ""},
		{"2024-01-25 01:17:42,123 INFO [main] o.a.k.c.p.ProducerConfig - ProducerConfig values:\n", ""},
		{"2024-01-25T01:17:42.123Z INFO [main] org.apache.kafka.clients.NetworkClient: x\n", ""},
		{`{"level":"info","msg":"MESSAGE"}` + "\n", ""},
		{"HELLO=world\n", ""},
		{"1511418210.136 RDKAFKA-3-FAIL: rdkafka#producer-1: [thrd:a:1/1]: a:1/1: Disconnected\n", ""},
		{"7|2017-02-28 09:05:52.404|rdkafka#producer-1|REQTMOUT| [thrd:a:1/1]: x\n", ""},
		{"Feb 25 13:28:23.090 ERROR rdkafka::client: librdkafka: Global error: BrokerTransportFailure (Local: Broker transport failure): localhost:9092/1: Disconnected (after 5731ms in state UP)\n", ""},
		{"Feb 25 13:28:23.090 WARN vector::app: x\n", ""},
		// Hosts that merely contain a level word, or spell one in lower case, are hosts.
		{"Feb 25 13:28:23 ERROR-gw sshd[12]: x\n", LayoutShort},
		{"Feb 25 13:28:23 info sshd[12]: x\n", LayoutShort},
		{"", ""},
	}
	for _, tt := range tests {
		if got := sniffLayout([]byte(tt.head)); got != tt.want {
			t.Errorf("sniffLayout(%q) = %q, want %q", tt.head, got, tt.want)
		}
	}
}

func TestNoEmbeddedDecoders(t *testing.T) {
	in := mustRead(t, "testdata/journal.short")
	src := &analyzer.Source{Path: "s", R: bufio.NewReader(bytes.NewReader(in))}
	rec := &recorder{}
	st, err := New().Parse(context.Background(), src, rec)
	if err != nil || st.Events != len(rec.Events) || st.Events == 0 {
		t.Fatalf("err=%v stats=%+v events=%d", err, st, len(rec.Events))
	}
	for _, e := range rec.Events {
		if e.Program != "systemd" && e.Program != "kernel" {
			t.Errorf("event %v from %s without embedded decoders", e.Kind, e.Program)
		}
	}
}

func TestDamagedShort(t *testing.T) {
	in := "Jan 25 01:17:42 kafka-b1 systemd[1]: kafka.service: Failed with result 'signal'.\r\n" +
		"garbage that is not a journal line\n" +
		strings.Repeat("y", MaxLineLen+1) + "\n" +
		"Jan 25 01:17:43 kafka-b1 kernel: \xff\xfe nf_conntrack: table full, dropping packet"
	rec, _, st, err := parseWith(t, "d", []byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.Events) != 2 || st.Lines != 4 || st.Unparsed != 2 {
		t.Errorf("events=%d stats=%+v", len(rec.Events), st)
	}
	if len(st.Problems) != 1 || !strings.HasPrefix(st.Problems[0], "d: line 3: ") {
		t.Errorf("problems = %q", st.Problems)
	}
}

// TestEmbeddedNoYear checks that a program line printing no time of its own
// (rsyslog's omkafka) and dated with a short entry's time carries NoYear,
// while an embedded line with its own epoch time and an ISO entry do not.
func TestEmbeddedNoYear(t *testing.T) {
	tests := []struct {
		name, in string
		want     []bool
	}{
		{"short entry, timeless message", "Mar 17 23:26:50 ip-10-5-8-95 liblogging-stdlog: omkafka: kafka message kafka.example.net:9092/bootstrap: Receive failed: Disconnected [v8.25.0 try http://www.rsyslog.com/e/2422 ]\n",
			[]bool{true}},
		{"short entry, native message with its epoch", "Mar 07 23:10:03 ha1 sh[40957]: %3|1488928203.724|FAIL|rdkafka#consumer-1| [thrd:b:9092/2]: b:9092/2: Receive failed: Disconnected\n",
			[]bool{false}},
		{"iso entry, timeless message", "2024-01-25T01:17:42+0100 ip-10-5-8-95 liblogging-stdlog: omkafka: kafka message kafka.example.net:9092/bootstrap: Receive failed: Disconnected [v8.25.0 try http://www.rsyslog.com/e/2422 ]\n",
			[]bool{false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, _, _, err := parseWith(t, "t", []byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			var got []bool
			for _, e := range rec.Events {
				got = append(got, e.NoYear)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("NoYear per event (-want +got):\n%s", diff)
			}
		})
	}
}

// TestPlainDmesg: plain dmesg (seconds since boot) is read, its events
// undated, also after a pasted prompt and cut mark; dmesg -T keeps its
// own layout; a bracketed number that is no time is not dmesg.
func TestPlainDmesg(t *testing.T) {
	tests := []struct {
		name, in string
		layout   string
		want     []brief
	}{
		{"plain dmesg", "[    0.000000] Linux version 5.15.0-1031-aws (buildd@lcy02-amd64-023)\n[    0.000000] Command line: BOOT_IMAGE=/boot/vmlinuz\n",
			LayoutDmesg, nil},
		{"an OOM kill", "[863081.101003] java invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=0\n" +
			"[863081.188420] oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/system.slice/kafka.service,task=java,pid=1873,uid=998\n" +
			"[863081.188441] Out of memory: Killed process 1873 (java) total-vm:8234560kB, anon-rss:3912340kB, file-rss:0kB, shmem-rss:0kB, UID:998 pgtables:8420kB oom_score_adj:0\n",
			LayoutDmesg, []brief{{Kind: analyzer.OOMKill, Program: "kernel", Unit: "kafka.service", PID: 1873, Reason: "java"}}},
		{"after a prompt and a cut", "$ dmesg\n[...]\n[4053449.343871] nf_conntrack: nf_conntrack: table full, dropping packet\n",
			LayoutDmesg, []brief{{Kind: analyzer.ConntrackFull, Program: "kernel", Reason: "table full, dropping packet"}}},
		{"dmesg -T", "[Mon Jul 13 15:55:12 2022] Out of memory: Killed process 2395 (java)\n",
			LayoutDmesgCtime, []brief{{Kind: analyzer.OOMKill, Program: "kernel", PID: 2395, Reason: "java"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, _, st, err := parseWith(t, "dmesg", []byte(tt.in))
			if err != nil || st.Layout != tt.layout || st.Unparsed != 0 {
				t.Fatalf("err=%v stats=%+v", err, st)
			}
			var got []brief
			for _, e := range rec.Events {
				got = append(got, brief{Kind: e.Kind, Program: e.Program, Unit: e.Unit, PID: e.PID, Reason: e.Reason, Signal: e.Signal})
				if e.Time.IsZero() != (tt.layout == LayoutDmesg) {
					t.Errorf("time %v in layout %s", e.Time, st.Layout)
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	for _, head := range []string{"[12] items\n", "[1.5]x\n", "[2024-03-05 10:15:47,901] INFO started (kafka.server.KafkaServer)\n", "$ ls\nfoo\n"} {
		if New().Sniff([]byte(head)) {
			t.Errorf("Sniff(%q) = true", head)
		}
	}
}
