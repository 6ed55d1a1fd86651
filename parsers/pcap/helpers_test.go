package pcap

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/analyzer/flow"
)

const capturesDir = "../../testdata/captures"

// recorder is an analyzer.Sink that keeps what a parser emits.
type recorder struct {
	flows []*flow.Flow
	arps  []analyzer.CapturedARP
}

func (r *recorder) Event(analyzer.Event)       {}
func (r *recorder) Flow(f *flow.Flow)          { r.flows = append(r.flows, f) }
func (r *recorder) ARP(a analyzer.CapturedARP) { r.arps = append(r.arps, a) }
func (r *recorder) Node(analyzer.Node)         {}
func (r *recorder) Config(analyzer.Config)     {}

// parseBytes runs the parser over an in-memory capture.
func parseBytes(t testing.TB, name string, data []byte) (*recorder, analyzer.Stats, error) {
	t.Helper()
	rec := &recorder{}
	src := &analyzer.Source{Path: name, R: bufio.NewReaderSize(bytes.NewReader(data), 1<<20)}
	st, err := New().Parse(context.Background(), src, rec)
	return rec, st, err
}

// readFixture returns a capture's bytes with gzip removed, as the input
// walker hands them to the parser.
func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(capturesDir, name))
	if err != nil {
		t.Fatal(err)
	}
	if strings.HasSuffix(name, ".gz") {
		zr, err := gzip.NewReader(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		if data, err = io.ReadAll(zr); err != nil {
			t.Fatal(err)
		}
	}
	return data
}

// fixtures lists the capture files in testdata/captures.
func fixtures(t testing.TB) []string {
	t.Helper()
	var out []string
	for _, pat := range []string{"*.pcap", "*.pcapng", "*.pcap.gz"} {
		m, err := filepath.Glob(filepath.Join(capturesDir, pat))
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range m {
			out = append(out, filepath.Base(p))
		}
	}
	if len(out) == 0 {
		t.Fatal("no capture fixtures found")
	}
	return out
}
