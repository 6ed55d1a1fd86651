//go:build unix

package batch

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/kafkadiag/kafkadiag/analyzer"
)

// benchIncidents is how many bundles a benchmark batch holds: the size of
// the target ("200 small bundles").
const benchIncidents = 200

// hostMember is one file of a lab scenario and where a support bundle
// keeps it: broker files under the broker's host, client files under the
// application's.
type hostMember struct{ from, to string }

// restartBundle is the broker_sigterm_restart scenario laid out as a
// customer's support bundle: a folder per host, the broker's log, journal
// export and capture on one, the clients' logs and capture on the other.
var restartBundle = []hostMember{
	{"server.log", "kafka-1/server.log"},
	{"journal.export", "kafka-1/journal.export"},
	{"broker-side.pcap", "kafka-1/broker-side.pcap"},
	{"client.log", "app-7/client.log"},
	{"consumer-client.log", "app-7/consumer.log"},
	{"client-side.pcap", "app-7/client-side.pcap"},
}

// hostTgz packs members of a lab scenario into a tgz, each under its host.
func hostTgz(tb testing.TB, scenario string, members []hostMember) []byte {
	tb.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	for _, m := range members {
		body, err := os.ReadFile(filepath.Join("..", "..", "testdata", "scenarios", scenario, m.from))
		if err != nil {
			tb.Fatal(err)
		}
		hdr := &tar.Header{Name: m.to, Mode: 0o644, Size: int64(len(body)), Typeflag: tar.TypeReg}
		if err := tw.WriteHeader(hdr); err != nil {
			tb.Fatal(err)
		}
		if _, err := tw.Write(body); err != nil {
			tb.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		tb.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// supportBundles writes n small support bundles into dir, alternating the
// README's sample bundle (broker_sigkill_restart: rotated broker log with a
// gzip member, journal export, client and consumer logs, two captures) and
// broker_sigterm_restart in the same host layout. Both lead with a broker
// restart.
func supportBundles(tb testing.TB, dir string, n int) []string {
	tb.Helper()
	sample, err := os.ReadFile(filepath.Join("..", "..", "testdata", "sample-bundle.tgz"))
	if err != nil {
		tb.Fatal(err)
	}
	bodies := [][]byte{sample, hostTgz(tb, "broker_sigterm_restart", restartBundle)}
	paths := make([]string, n)
	for i := range paths {
		paths[i] = filepath.Join(dir, fmt.Sprintf("case-%03d.tgz", i))
		if err := os.WriteFile(paths[i], bodies[i%len(bodies)], 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	return paths
}

// benchRoot holds every benchmark's bundles and reports until the test
// binary exits. Removing them between runs would make the next runs slower
// for a reason of the benchmark's own: where the file system has no
// journal (ext4 here), creating a file skips, one by one, the inodes
// deleted in the last minute, under the folder's lock.
var benchRoot = sync.OnceValues(func() (string, error) { return os.MkdirTemp("", "batchbench-") })

// benchDir is a new folder under benchRoot.
func benchDir(tb testing.TB) string {
	tb.Helper()
	root, err := benchRoot()
	if err != nil {
		tb.Fatal(err)
	}
	dir, err := os.MkdirTemp(root, "")
	if err != nil {
		tb.Fatal(err)
	}
	return dir
}

func TestMain(m *testing.M) {
	code := m.Run()
	if root, err := benchRoot(); err == nil {
		os.RemoveAll(root)
	}
	os.Exit(code)
}

// cpuTime is the CPU time, user and system, the process has used so far.
func cpuTime(tb testing.TB) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		tb.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// runBatch runs one batch into a fresh folder and checks every incident
// was read and led with a broker restart. It returns the wall and CPU time
// the batch took.
func runBatch(b *testing.B, paths []string, jobs int) (wall, cpu time.Duration) {
	out := filepath.Join(benchDir(b), "reports")
	cpu0, t0 := cpuTime(b), time.Now()
	lines, err := Run(context.Background(), paths, realOptions(out, jobs))
	wall, cpu = time.Since(t0), cpuTime(b)-cpu0
	if err != nil {
		b.Fatal(err)
	}
	for _, l := range lines {
		if l.Failed() || l.Cause != string(analyzer.BrokerRestart) {
			b.Fatalf("%s: cause %q, error %q", l.Path, l.Cause, l.Error)
		}
	}
	return wall, cpu
}

// BenchmarkBatch runs 200 small support bundles with one and with two
// jobs. Besides ns/op it reports incidents/s and cpu-µs/incident (user +
// system time of the whole process, GC included): the wall-clock speed-up
// can only near the number of cores when the CPU time per incident stays
// the same with more jobs.
func BenchmarkBatch(b *testing.B) {
	paths := supportBundles(b, benchDir(b), benchIncidents)
	for _, jobs := range []int{1, 2} {
		b.Run(fmt.Sprintf("jobs=%d", jobs), func(b *testing.B) {
			var cpu time.Duration
			for b.Loop() {
				_, c := runBatch(b, paths, jobs)
				cpu += c
			}
			n := float64(len(paths) * b.N)
			b.ReportMetric(n/b.Elapsed().Seconds(), "incidents/s")
			b.ReportMetric(float64(cpu.Microseconds())/n, "cpu-µs/incident")
		})
	}
}

// BenchmarkBatchSpeedup runs the same 200 bundles with one job and then
// with two in every iteration, so the speed-up is read from one run, its
// two halves seconds apart under the same load:
//
//	go test -run XX -bench BatchSpeedup -benchtime 5x ./analyzer/batch/
//
// speedup is the wall time of jobs=1 over that of jobs=2, summed over the
// iterations; on a quiet machine with two cores the target is >= 1.8.
//
// The reports go under TMPDIR. Where that is ext4 without a journal (this
// project's machines), creating a file within minutes of deletions in the
// same block group (a build's, the last run's cleanup) scans the deleted
// inodes one by one: 200-300 µs a file instead of 20 (perf: ext4
// recently_deleted). With one job that runs beside the analysis, with two
// it takes a core from it, so the ratio measures the disk. TMPDIR=/dev/shm
// measures kafkadiag:
//
//	go test -c ./analyzer/batch && TMPDIR=/dev/shm ./batch.test -test.run XX -test.bench BatchSpeedup -test.benchtime 5x
func BenchmarkBatchSpeedup(b *testing.B) {
	paths := supportBundles(b, benchDir(b), benchIncidents)
	runBatch(b, paths, 2) // warm the page cache and the heap
	var wall, cpu [2]time.Duration
	for b.Loop() {
		for j := range wall {
			w, c := runBatch(b, paths, j+1)
			wall[j] += w
			cpu[j] += c
		}
	}
	n := float64(len(paths) * b.N)
	b.ReportMetric(wall[0].Seconds()/wall[1].Seconds(), "speedup")
	b.ReportMetric(float64(wall[0].Microseconds())/n, "j1-wall-µs/incident")
	b.ReportMetric(float64(wall[1].Microseconds())/n, "j2-wall-µs/incident")
	b.ReportMetric(float64(cpu[0].Microseconds())/n, "j1-cpu-µs/incident")
	b.ReportMetric(float64(cpu[1].Microseconds())/n, "j2-cpu-µs/incident")
}

// BenchmarkDiscover is what --each costs before the first incident starts,
// on one goroutine, over a folder of 200 small bundles.
func BenchmarkDiscover(b *testing.B) {
	dir := benchDir(b)
	supportBundles(b, dir, benchIncidents)
	cpu0 := cpuTime(b)
	for b.Loop() {
		incidents, _, err := Discover([]string{dir}, "")
		if err != nil || len(incidents) != benchIncidents {
			b.Fatalf("%d incidents, err %v", len(incidents), err)
		}
	}
	n := float64(b.N * benchIncidents)
	b.ReportMetric(float64(b.Elapsed().Microseconds())/n, "µs/incident")
	b.ReportMetric(float64((cpuTime(b)-cpu0).Microseconds())/n, "cpu-µs/incident")
}
