// Package bench holds end-to-end benchmarks that also check the answer: the
// anomalies found in a generated capture or log must be exactly the ones the
// generator planted, so a speed-up that loses flows or events fails.
package bench

import (
	"context"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/analyzer/flow"
	"github.com/kafkadiag/kafkadiag/internal/synth"
	"github.com/kafkadiag/kafkadiag/parsers"
	"github.com/kafkadiag/kafkadiag/rules"
)

// benchBytes is the generated input size: KAFKADIAG_BENCH_BYTES, else def.
func benchBytes(tb testing.TB, def int64) int64 {
	s := os.Getenv("KAFKADIAG_BENCH_BYTES")
	if s == "" {
		return def
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		tb.Fatalf("KAFKADIAG_BENCH_BYTES: %v", err)
	}
	return n
}

// anomalies are the flow kinds the capture generator plants, as the
// analyzer's flows show them.
type anomalies struct {
	Refused        int // REJ
	Unanswered     int // S0 with retransmitted SYNs
	StaleARP       int // replies addressed to another MAC
	IdleReset      int // RST whose TTL differs from the sender's, after a long idle
	TLSOnPlaintext int // first client payload a TLS ClientHello
	Total          int
}

func plantedAnomalies(p synth.Planted) anomalies {
	return anomalies{Refused: p.Refused, Unanswered: p.Unanswered, StaleARP: p.StaleARP,
		IdleReset: p.IdleReset, TLSOnPlaintext: p.TLSOnPlaintext, Total: p.Flows}
}

// foundAnomalies counts the planted kinds among the incident's flows; total
// counts retained and summarised flows alike.
func foundAnomalies(inc *analyzer.Incident) anomalies {
	a := anomalies{Total: inc.FlowCount()}
	for _, f := range inc.Flows {
		switch {
		case f.State == "REJ":
			a.Refused++
		case f.ReplyMACMismatch:
			a.StaleARP++
		case f.State == "S0" && f.SYNs > 1:
			a.Unanswered++
		case f.RST != nil && f.RST.FingerprintMismatch && f.IdleBeforeEnd > 300e9:
			a.IdleReset++
		case f.FirstPayload[0].Class == flow.PayloadTLSClientHello:
			a.TLSOnPlaintext++
		}
	}
	return a
}

func writeCapture(tb testing.TB, size int64) (string, synth.Planted) {
	path := filepath.Join(tb.TempDir(), "synth.pcap")
	fh, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	planted, err := synth.WriteCapture(fh, synth.CaptureSpec{Bytes: size, Seed: 1})
	if cerr := fh.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		tb.Fatal(err)
	}
	return path, planted
}

// BenchmarkAnalyzeCapture runs the whole analysis (every parser and rule)
// over a generated capture, as `kafkadiag analyze` does, and checks that
// the anomalies found are the ones planted.
//
//	KAFKADIAG_BENCH_BYTES=268435456 go test -run '^$' -bench AnalyzeCapture -cpuprofile cpu.prof ./bench/
func BenchmarkAnalyzeCapture(b *testing.B) {
	path, planted := writeCapture(b, benchBytes(b, 64<<20))
	benchAnalyze(b, path, func(inc *analyzer.Incident) string {
		return cmp.Diff(plantedAnomalies(planted), foundAnomalies(inc))
	})
}

// TestAnalyzeCaptureFindsPlanted is the benchmark's check at a size quick
// enough for every test run.
func TestAnalyzeCaptureFindsPlanted(t *testing.T) {
	path, planted := writeCapture(t, 8<<20)
	res, err := analyzer.Analyze(context.Background(), []string{path}, analyzer.Options{}, parsers.All(), rules.All())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(plantedAnomalies(planted), foundAnomalies(res.Incident)); diff != "" {
		t.Errorf("anomalies (-planted +found):\n%s", diff)
	}
}

// logCounts are the planted line kinds, as events.
type logCounts struct {
	ConnectFailed, NodeDisconnected, ConnectionReset, BatchExpired, InvalidReceive int
}

func countEvents(inc *analyzer.Incident) logCounts {
	var c logCounts
	for i := range inc.Events {
		switch inc.Events[i].Kind {
		case analyzer.ConnectFailed:
			c.ConnectFailed++
		case analyzer.NodeDisconnected:
			c.NodeDisconnected++
		case analyzer.ConnectionReset:
			c.ConnectionReset++
		case analyzer.BatchExpired:
			c.BatchExpired++
		case analyzer.InvalidReceive:
			c.InvalidReceive++
		}
	}
	return c
}

func writeLog(tb testing.TB, size int64) (string, logCounts) {
	path := filepath.Join(tb.TempDir(), "server.log")
	fh, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	p, err := synth.WriteLog(fh, synth.LogSpec{Bytes: size, Seed: 1})
	if cerr := fh.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		tb.Fatal(err)
	}
	return path, logCounts{p.ConnectFailed, p.NodeDisconnected, p.ConnectionReset, p.BatchExpired, p.InvalidReceive}
}

// BenchmarkAnalyzeLog runs the whole analysis over a generated Kafka log and
// checks that the events found are the lines planted.
func BenchmarkAnalyzeLog(b *testing.B) {
	path, planted := writeLog(b, benchBytes(b, 64<<20))
	benchAnalyze(b, path, func(inc *analyzer.Incident) string {
		return cmp.Diff(planted, countEvents(inc))
	})
}

// benchAnalyze times the whole analysis of path, as `kafkadiag analyze`
// runs it, and fails when check finds the answer wrong (a diff, planted
// against found).
func benchAnalyze(b *testing.B, path string, check func(*analyzer.Incident) string) {
	st, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(st.Size())
	b.ReportAllocs()
	var res *analyzer.Result
	for b.Loop() {
		res, err = analyzer.Analyze(context.Background(), []string{path}, analyzer.Options{}, parsers.All(), rules.All())
		if err != nil {
			b.Fatal(err)
		}
		if diff := check(res.Incident); diff != "" {
			b.Fatalf("answer (-planted +found):\n%s", diff)
		}
	}
	// What the result holds: the heap that scales with the input once
	// it is read (kept flows, events), the floor of the run's peak RSS.
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.HeapAlloc)/(1<<20), "live-MiB")
	b.ReportMetric(float64(len(res.Incident.Flows)), "kept-flows")
	runtime.KeepAlive(res)
}

func TestAnalyzeLogFindsPlanted(t *testing.T) {
	path, planted := writeLog(t, 4<<20)
	res, err := analyzer.Analyze(context.Background(), []string{path}, analyzer.Options{}, parsers.All(), rules.All())
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(planted, countEvents(res.Incident)); diff != "" {
		t.Errorf("events (-planted +found):\n%s", diff)
	}
}

// TestRetentionKeepsFindings checks the flow-retention policy on a capture
// past analyzer.RetainAllFlows: the findings and the per-state flow counts
// are the same as when every flow is kept.
func TestRetentionKeepsFindings(t *testing.T) {
	if testing.Short() {
		t.Skip("generates a 160 MiB capture")
	}
	path, planted := writeCapture(t, 160<<20)
	if planted.Flows <= analyzer.RetainAllFlows*3/2 {
		t.Fatalf("capture has %d flows, too few to exercise retention", planted.Flows)
	}
	run := func(keepAll bool) *analyzer.Result {
		res, err := analyzer.Analyze(context.Background(), []string{path}, analyzer.Options{KeepAllFlows: keepAll}, parsers.All(), rules.All())
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	all, kept := run(true), run(false)
	if len(kept.Incident.Flows) >= len(all.Incident.Flows) || len(kept.Incident.FlowTallies) == 0 {
		t.Errorf("kept %d of %d flows, %d tallies: nothing was tallied", len(kept.Incident.Flows), len(all.Incident.Flows), len(kept.Incident.FlowTallies))
	}
	if diff := cmp.Diff(byState(all.Incident), byState(kept.Incident)); diff != "" {
		t.Errorf("flows per state (-all +retained):\n%s", diff)
	}
	// The one documented difference: past its per-endpoint cap the policy
	// keeps fewer reconnects after refusals, and a broker-restart summary
	// counts those. Everything else, that summary's other words included,
	// must match.
	reconnects := regexp.MustCompile(`\d+ reconnects?`)
	ignoreReconnects := cmp.Transformer("reconnects", func(f analyzer.Finding) analyzer.Finding {
		if f.Cause == "broker-restart" {
			f.Summary = reconnects.ReplaceAllString(f.Summary, "N reconnects")
		}
		return f
	})
	if diff := cmp.Diff(all.Findings, kept.Findings, ignoreReconnects); diff != "" {
		t.Errorf("findings (-all +retained):\n%s", diff)
	}
}

func byState(inc *analyzer.Incident) map[string]int {
	m := map[string]int{}
	for _, f := range inc.Flows {
		m[f.State]++
	}
	for _, tl := range inc.FlowTallies {
		m[tl.State] += tl.Count
	}
	return m
}

// TestOneGoroutineSameResult: an analysis run on one goroutine, as a batch
// runs each incident, finds what the default two-stage run finds, on inputs
// large enough for the two-stage pipelines.
func TestOneGoroutineSameResult(t *testing.T) {
	capture, _ := writeCapture(t, 8<<20)
	log, _ := writeLog(t, 4<<20)
	run := func(one bool) *analyzer.Result {
		res, err := analyzer.Analyze(context.Background(), []string{capture, log},
			analyzer.Options{OneGoroutine: one}, parsers.All(), rules.All())
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	two, one := run(false), run(true)
	if diff := cmp.Diff(two.Findings, one.Findings, cmpopts.EquateComparable(netip.AddrPort{}, netip.Addr{})); diff != "" {
		t.Errorf("findings (-two goroutines +one):\n%s", diff)
	}
	if a, b := len(two.Incident.Events), len(one.Incident.Events); a != b || a == 0 {
		t.Errorf("events: %d on two goroutines, %d on one", a, b)
	}
	if a, b := two.Incident.FlowCount(), one.Incident.FlowCount(); a != b || a == 0 {
		t.Errorf("flows: %d on two goroutines, %d on one", a, b)
	}
}
