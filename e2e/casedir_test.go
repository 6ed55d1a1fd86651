package e2e

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/analyzer/report"
)

// scenarioFiles is one lab scenario read into memory: its captures and the
// logs (client, broker, journal) beside them.
type scenarioFiles struct {
	name     string
	captures []*capture
	logs     []logFile
}

// logFile is one log of a scenario and its modification time, which the
// analyzer uses to date lines that carry no year.
type logFile struct {
	name string
	text string
	info os.FileInfo
}

// loadScenario reads testdata/scenarios/<name>, skipping the files written
// for people (README.md, expected.json).
func loadScenario(t *testing.T, name string) *scenarioFiles {
	t.Helper()
	dir := filepath.Join("testdata", "scenarios", name)
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	s := &scenarioFiles{name: name}
	for _, e := range entries {
		path := filepath.Join(dir, e.Name())
		switch {
		case e.IsDir() || documentation(path):
		case strings.Contains(e.Name(), ".pcap"):
			c, err := readCapture(path)
			if err != nil {
				t.Fatal(err)
			}
			s.captures = append(s.captures, c)
		default:
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			info, err := e.Info()
			if err != nil {
				t.Fatal(err)
			}
			s.logs = append(s.logs, logFile{e.Name(), string(b), info})
		}
	}
	return s
}

// clone copies the captures deeply enough for a transform to rewrite them.
func (s *scenarioFiles) clone() []*capture {
	out := make([]*capture, len(s.captures))
	for i, c := range s.captures {
		cc := *c
		cc.frames = slices.Clone(c.frames)
		out[i] = &cc
	}
	return out
}

// caseRun is one analysed case folder: the captures as written, so
// evidence frame numbers can be traced back to the original records.
type caseRun struct {
	// result is what Analyze returned: findings carry fields the report
	// does not (IdleTimeout).
	result   *analyzer.Result
	report   *report.Report
	captures map[string]*capture // by file name
}

// writeAndAnalyse writes captures and logs into a fresh folder named after
// the scenario (host names come from paths) and analyses it as TestScenarios
// does. Logs keep their original modification time.
func writeAndAnalyse(t *testing.T, name string, captures []*capture, logs []logFile) caseRun {
	t.Helper()
	dir := filepath.Join(t.TempDir(), name)
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	run := caseRun{captures: map[string]*capture{}}
	for _, c := range captures {
		b, err := c.encode()
		if err != nil {
			t.Fatal(err)
		}
		file := c.fileName()
		if err := os.WriteFile(filepath.Join(dir, file), b, 0o644); err != nil {
			t.Fatal(err)
		}
		run.captures[file] = c
	}
	for _, l := range logs {
		path := filepath.Join(dir, l.name)
		if err := os.WriteFile(path, []byte(l.text), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chtimes(path, l.info.ModTime(), l.info.ModTime()); err != nil {
			t.Fatal(err)
		}
	}
	run.result = analyze(t, dir)
	run.report = report.Build(run.result, report.Options{})
	checkInputs(t, run.report)
	return run
}

// citedFrames is the set of original records findings[0]'s evidence points
// at, through the frames as written.
func (r caseRun) citedFrames(t *testing.T) map[origin]bool {
	t.Helper()
	if len(r.report.Findings) == 0 {
		return map[origin]bool{}
	}
	return r.cited(t, r.report.Findings[0:1])
}

// citedBy is the set of original records the evidence of every finding of
// cause points at.
func (r caseRun) citedBy(t *testing.T, cause string) map[origin]bool {
	t.Helper()
	var of []report.Finding
	for _, f := range r.report.Findings {
		if f.Cause == cause {
			of = append(of, f)
		}
	}
	return r.cited(t, of)
}

func (r caseRun) cited(t *testing.T, findings []report.Finding) map[origin]bool {
	t.Helper()
	out := map[origin]bool{}
	for _, f := range findings {
		for _, e := range f.Evidence {
			if e.Packet == 0 {
				continue
			}
			c := r.captures[filepath.Base(e.Source)]
			if c == nil {
				t.Errorf("evidence cites frame %d of %s, which is no capture of the case", e.Packet, e.Source)
				continue
			}
			o, ok := c.originAt(e.Packet)
			if !ok {
				t.Errorf("evidence cites frame %d of %s, which holds %d frames", e.Packet, e.Source, len(c.frames))
				continue
			}
			out[o] = true
		}
	}
	return out
}

// warnings is the set of causes at warning or above.
func warnings(r *report.Report) map[string]bool {
	out := map[string]bool{}
	for _, f := range r.Findings {
		if f.Level >= analyzer.Warning {
			out[f.Cause] = true
		}
	}
	return out
}

// topCause is findings[0].cause when it is at warning or above, else "".
func topCause(r *report.Report) string {
	if len(r.Findings) == 0 || r.Findings[0].Level < analyzer.Warning {
		return ""
	}
	return r.Findings[0].Cause
}

func sortedOrigins(set map[origin]bool) []string {
	var out []string
	for o := range set {
		out = append(out, o.String())
	}
	slices.Sort(out)
	return out
}
