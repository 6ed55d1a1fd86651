package envelope

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"fmt"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/kafkadiag/kafkadiag/analyzer"
)

var benchMiB = flag.Int("envelope.mib", 256, "size of the generated input of each envelope benchmark, in MiB")

// appLine is the i-th line of a busy service's own log: mostly its own
// records, one in 100 a Kafka client's.
func appLine(i int, ts time.Time) string {
	if i%100 == 99 {
		return "[" + ts.Format("2006-01-02 15:04:05,000") + "] " + strings.TrimPrefix(javaRefused, "[2024-03-05 10:19:00,100] ")
	}
	return fmt.Sprintf("[%s] INFO [http-nio-8080-exec-%d] Completed request GET /api/orders/%d in %d ms status=200 (com.example.orders.web.RequestLog)", ts.Format("2006-01-02 15:04:05,000"), i%16, i, i%97)
}

// generate builds about mib MiB of one layout.
func generate(layout string, mib int) []byte {
	var b bytes.Buffer
	b.Grow(mib<<20 + 4096)
	t0 := time.Date(2024, 3, 5, 10, 0, 0, 0, time.UTC)
	for i := 0; b.Len() < mib<<20; i++ {
		ts := t0.Add(time.Duration(i) * time.Millisecond)
		line := appLine(i, ts)
		switch layout {
		case LayoutCRI:
			b.WriteString(ts.Format(time.RFC3339Nano) + " stdout F " + line + "\n")
		case LayoutDocker:
			b.WriteString(`{"log":"` + jsonEsc(line) + `\n","stream":"stdout","time":"` + ts.Format(time.RFC3339Nano) + `"}` + "\n")
		case LayoutLogstash:
			msg, logger := fmt.Sprintf("Completed request GET /api/orders/%d in %d ms status=200", i, i%97), "com.example.orders.web.RequestLog"
			if i%100 == 99 {
				msg, logger = refusedMsg, networkClient
			}
			fmt.Fprintf(&b, `{"@timestamp":"%s","@version":"1","message":"%s","logger_name":"%s","thread_name":"http-nio-8080-exec-%d","level":"INFO","level_value":20000}`+"\n",
				ts.Format("2006-01-02T15:04:05.000Z07:00"), msg, logger, i%16)
		}
	}
	return b.Bytes()
}

// BenchmarkParse measures MB/s over a generated log per envelope:
//
//	go test -run '^$' -bench BenchmarkParse -benchmem ./parsers/envelope/
//
// (-envelope.mib sets the size; 256 MiB by default.)
func BenchmarkParse(b *testing.B) {
	for _, layout := range []string{LayoutCRI, LayoutDocker, LayoutLogstash} {
		b.Run(layout, func(b *testing.B) {
			input := generate(layout, *benchMiB)
			b.SetBytes(int64(len(input)))
			runtime.GC()
			b.ResetTimer()
			cpu0 := cpuTime(b)
			for range b.N {
				src := &analyzer.Source{Path: "bench.log", R: bufio.NewReaderSize(bytes.NewReader(input), 1<<20), Zone: time.UTC}
				var sink countSink
				st, err := testParser().Parse(context.Background(), src, &sink)
				if err != nil || st.Layout != layout || sink.n == 0 {
					b.Fatalf("layout %q, %d events, err %v", st.Layout, sink.n, err)
				}
			}
			cpu := cpuTime(b) - cpu0
			b.ReportMetric(float64(len(input))*float64(b.N)/1e6/cpu.Seconds(), "MB/cpu-s")
		})
	}
}

// TestNoAllocsPerLine: an uninteresting line costs no allocation in any
// envelope once the buffers have grown.
func TestNoAllocsPerLine(t *testing.T) {
	ts := time.Date(2024, 3, 5, 10, 0, 0, 0, time.UTC)
	line := appLine(1, ts)
	tests := map[string]string{
		LayoutCRI:          ts.Format(time.RFC3339Nano) + " stdout F " + line,
		LayoutDocker:       `{"log":"` + jsonEsc(line) + `\n","stream":"stdout","time":"` + ts.Format(time.RFC3339Nano) + `"}`,
		LayoutLogstash:     `{"@timestamp":"2024-03-05T10:00:00.000Z","@version":"1","message":"Completed request","logger_name":"com.example.RequestLog","thread_name":"main","level":"INFO","level_value":20000}`,
		LayoutKubectl:      "[pod/orders-0/app] " + line,
		LayoutPodPrefix:    "[orders-0] " + line,
		LayoutTimePrefix:   ts.Format(time.RFC3339Nano) + " " + line,
		LayoutCloudFoundry: "   " + ts.Format("2006-01-02T15:04:05.00-0700") + " [APP/PROC/WEB/0] OUT " + line,
		LayoutLambda:       ts.Format("2006-01-02T15:04:05.000Z") + "\t792bad59-e2e3-43de-a089-46b2b98bf354\tINFO\t" + line,
		LayoutClickHouse:   `2024.03.05 10:00:00.282778 [ 73593 ] {} <Debug> StorageKafka (kafka_destination): [rdk:CGRPOP] [thrd:main]: Group "test-group" received op GET_SUBSCRIPTION in state wait-broker-transport (join-state init)`,
	}
	for layout, l := range tests {
		t.Run(layout, func(t *testing.T) {
			src := &analyzer.Source{Path: "p.log", R: bufio.NewReader(strings.NewReader(l)), Zone: time.UTC}
			rd := newReader(src, &countSink{}, testParser().embedded)
			rd.st.Layout = sniffLayout([]byte(l))
			if rd.st.Layout != layout {
				t.Fatalf("sniffed %q", rd.st.Layout)
			}
			loc := analyzer.Location{Path: "p.log"}
			in := []byte(l)
			if n := testing.AllocsPerRun(200, func() { loc.Line++; rd.line(loc, in) }); n != 0 {
				t.Errorf("%v allocations per line", n)
			}
			if rd.st.Unparsed != 0 {
				t.Errorf("problems: %v", rd.st.Problems)
			}
		})
	}
}

// cpuTime is the CPU time, user and system, the process has used so far:
// on a shared machine MB/s of wall time says little.
func cpuTime(tb testing.TB) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// countSink counts events.
type countSink struct {
	recorder
	n int
}

func (c *countSink) Event(analyzer.Event) { c.n++ }
