package batch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/parsers"
	"github.com/kafkadiag/kafkadiag/rules"
)

// scenarioTgz packs a lab scenario's captures and logs (not its README or
// answer key) as a support bundle would hold them, under one host folder.
func scenarioTgz(tb testing.TB, scenario string) []byte {
	tb.Helper()
	ents, err := os.ReadDir(filepath.Join("..", "..", "testdata", "scenarios", scenario))
	if err != nil {
		tb.Fatal(err)
	}
	var members []hostMember
	for _, e := range ents {
		if e.Name() == "README.md" || e.Name() == "expected.json" {
			continue
		}
		members = append(members, hostMember{from: e.Name(), to: "client-1/" + e.Name()})
	}
	return hostTgz(tb, scenario, members)
}

// writeBundles writes n copies of a scenario's bundle into dir.
func writeBundles(tb testing.TB, dir, scenario string, n int) []string {
	tb.Helper()
	body := scenarioTgz(tb, scenario)
	paths := make([]string, n)
	for i := range paths {
		paths[i] = filepath.Join(dir, fmt.Sprintf("%s-%03d.tgz", scenario, i))
		if err := os.WriteFile(paths[i], body, 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	return paths
}

func realOptions(out string, jobs int) Options {
	return Options{Jobs: jobs, Out: out, Parsers: parsers.All, Rules: rules.All}
}

func TestRunProgressAndMarkdown(t *testing.T) {
	paths := writeBundles(t, t.TempDir(), "idle_reset_firewall", 3)
	out := filepath.Join(t.TempDir(), "r")
	opts := realOptions(out, 2)
	opts.Markdown = true
	var seen []string
	opts.Progress = func(done, total int) { seen = append(seen, fmt.Sprintf("%d/%d", done, total)) }
	lines, err := Run(context.Background(), paths, opts)
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff([]string{"1/3", "2/3", "3/3"}, seen); d != "" {
		t.Errorf("progress (-want +got):\n%s", d)
	}
	for _, l := range lines {
		if l.Cause != string(analyzer.IdleTimeoutReset) || l.Highest != analyzer.Warning || l.Failed() {
			t.Errorf("%s: cause %q, highest %v, error %q", l.Path, l.Cause, l.Highest, l.Error)
		}
		md, err := os.ReadFile(filepath.Join(out, strings.TrimSuffix(l.Report, ".json")+".md"))
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(string(md), "idle-timeout-reset") {
			t.Errorf("%s: Markdown report does not name the cause", l.Path)
		}
	}
}

func TestRunCancelled(t *testing.T) {
	paths := writeBundles(t, t.TempDir(), "healthy", 4)
	out := filepath.Join(t.TempDir(), "r")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Run(ctx, paths, realOptions(out, 2)); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if _, err := os.Stat(filepath.Join(out, SummaryFile)); !os.IsNotExist(err) {
		t.Errorf("summary written after a cancel (stat: %v)", err)
	}
}

func TestRunUnwritableReport(t *testing.T) {
	paths := writeBundles(t, t.TempDir(), "healthy", 2)
	out := filepath.Join(t.TempDir(), "r")
	// A folder where the first report should go: its rename fails, the
	// other incident is still reported.
	if err := os.MkdirAll(filepath.Join(out, "healthy-000.json", "x"), 0o755); err != nil {
		t.Fatal(err)
	}
	lines, err := Run(context.Background(), paths, realOptions(out, 1))
	if err != nil {
		t.Fatal(err)
	}
	if !lines[0].Failed() || lines[0].Report != "" || !strings.Contains(lines[0].Error, "healthy-000.json") {
		t.Errorf("first incident: report %q, error %q; want a failure naming the file", lines[0].Report, lines[0].Error)
	}
	if lines[1].Failed() || lines[1].Report != "healthy-001.json" {
		t.Errorf("second incident: report %q, error %q", lines[1].Report, lines[1].Error)
	}
	ents, _ := os.ReadDir(out)
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), ".tmp") {
			t.Errorf("temp file %s left behind", e.Name())
		}
	}
}

// panicky is a parser with a bug: it panics on inputs starting "BOOM".
type panicky struct{}

func (panicky) Format() string { return "boom" }
func (panicky) Sniff(head []byte) bool {
	if bytes.HasPrefix(head, []byte("BOOM")) {
		panic("index out of range [7] with length 4")
	}
	return false
}
func (panicky) Parse(context.Context, *analyzer.Source, analyzer.Sink) (analyzer.Stats, error) {
	return analyzer.Stats{}, nil
}

func TestRunPanicIsOneFailure(t *testing.T) {
	dir := t.TempDir()
	boom := filepath.Join(dir, "boom.log")
	if err := os.WriteFile(boom, []byte("BOOM\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	paths := append([]string{boom}, writeBundles(t, dir, "healthy", 1)...)
	opts := realOptions(filepath.Join(t.TempDir(), "r"), 2)
	opts.Parsers = func() []analyzer.Parser { return append([]analyzer.Parser{panicky{}}, parsers.All()...) }
	lines, err := Run(context.Background(), paths, opts)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(lines[0].Error, "internal error") || !strings.Contains(lines[0].Error, "index out of range") {
		t.Errorf("panicking incident: error %q", lines[0].Error)
	}
	if lines[1].Failed() || lines[1].InputsRead == 0 {
		t.Errorf("healthy incident after a panic: %+v", lines[1])
	}
}
