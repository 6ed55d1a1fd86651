// Package e2e runs kafkadiag end to end over real lab captures, real client
// logs and hand-written incidents in real log layouts, and checks the
// diagnosis each one's expected.json names. Reports are kept as golden files
// (JSON and Markdown) that a person reads in review; `go test ./e2e -update`
// rewrites them.
package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/analyzer/report"
	"github.com/kafkadiag/kafkadiag/internal/golden"
	"github.com/kafkadiag/kafkadiag/parsers"
	"github.com/kafkadiag/kafkadiag/rules"
)

// expectation is the part of a case's expected.json this test checks.
// Scenarios written by the lab carry only Cause; incidents add the rest.
type expectation struct {
	// Cause is findings[0].cause; nil means healthy: no finding at
	// warning or above.
	Cause *string `json:"cause"`
	// MinConfidence and MaxConfidence bound findings[0].confidence when
	// set: a diagnosis from one kind of evidence must stay modest.
	MinConfidence float64 `json:"min_confidence"`
	MaxConfidence float64 `json:"max_confidence"`
	// Missing, when set, must appear in findings[0].missing: the report
	// says which artifact would settle the question.
	Missing string `json:"missing_contains"`
	// Summary lists words findings[0].summary must contain.
	Summary []string `json:"summary_contains"`
	// NotCauses may not appear at warning or above anywhere in the report.
	NotCauses []string `json:"not_causes"`
	// MaxSeverity caps every finding's severity ("info", "warning").
	MaxSeverity string `json:"max_severity"`
}

// repoRoot is the module root; tests chdir there so golden reports carry
// the paths a user types (testdata/scenarios/healthy/client.log).
func repoRoot(t *testing.T) string {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Dir(wd)
}

// analyze runs the whole pipeline as `kafkadiag analyze` does.
func analyze(t *testing.T, paths ...string) *analyzer.Result {
	t.Helper()
	res, err := analyzer.Analyze(context.Background(), paths, analyzer.Options{}, parsers.All(), rules.All())
	if err != nil {
		t.Fatalf("Analyze(%v): %v", paths, err)
	}
	return res
}

func readExpectation(t *testing.T, dir string) expectation {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "expected.json"))
	if err != nil {
		t.Fatal(err)
	}
	var e expectation
	if err := json.Unmarshal(b, &e); err != nil {
		t.Fatalf("%s/expected.json: %v", dir, err)
	}
	return e
}

// checkExpectation compares a report with what a case expects.
func checkExpectation(t *testing.T, r *report.Report, want expectation) {
	t.Helper()
	if want.Cause == nil {
		for _, f := range r.Findings {
			if f.Level >= analyzer.Warning {
				t.Errorf("healthy input got %s finding %s (%.2f): %s", f.Severity, f.Cause, f.Confidence, f.Summary)
			}
		}
	} else {
		if len(r.Findings) == 0 {
			t.Fatalf("no finding; want %s", *want.Cause)
		}
		top := r.Findings[0]
		if top.Cause != *want.Cause {
			t.Errorf("findings[0].cause = %s (%.2f), want %s; all: %s", top.Cause, top.Confidence, *want.Cause, causeList(r))
		}
		if want.MinConfidence > 0 && top.Confidence < want.MinConfidence {
			t.Errorf("confidence %.3f < %.3f", top.Confidence, want.MinConfidence)
		}
		if want.MaxConfidence > 0 && top.Confidence > want.MaxConfidence {
			t.Errorf("confidence %.3f > %.3f: one kind of evidence should not read as certain", top.Confidence, want.MaxConfidence)
		}
		if want.Missing != "" && !strings.Contains(top.Missing, want.Missing) {
			t.Errorf("missing = %q, want it to mention %q", top.Missing, want.Missing)
		}
		for _, w := range want.Summary {
			if !strings.Contains(top.Summary, w) {
				t.Errorf("summary lacks %q:\n%s", w, top.Summary)
			}
		}
	}
	for _, f := range r.Findings {
		for _, c := range want.NotCauses {
			if f.Cause == c && f.Level >= analyzer.Warning {
				t.Errorf("%s reported at %s (%.2f): %s", c, f.Severity, f.Confidence, f.Summary)
			}
		}
		if want.MaxSeverity != "" {
			max, err := analyzer.ParseSeverity(want.MaxSeverity)
			if err != nil {
				t.Fatal(err)
			}
			if f.Level > max {
				t.Errorf("%s at %s, want at most %s: %s", f.Cause, f.Severity, want.MaxSeverity, f.Summary)
			}
		}
	}
}

func causeList(r *report.Report) string {
	var s []string
	for _, f := range r.Findings {
		s = append(s, f.Cause+"/"+f.Severity)
	}
	return strings.Join(s, ", ")
}

// documentation names the files a case folder carries for people, which
// the analyzer must skip as unknown formats rather than misread.
func documentation(path string) bool {
	base := filepath.Base(path)
	switch {
	case base == "README.md", base == "expected.json":
		return true
	case strings.HasSuffix(base, ".sh"), strings.HasSuffix(base, ".py"):
		return true
	}
	return false
}

// checkInputs asserts that every artifact was read and every documentation
// file skipped for its format, not silently.
func checkInputs(t *testing.T, r *report.Report) {
	t.Helper()
	for _, in := range r.Inputs {
		if documentation(in.Path) {
			if !strings.HasPrefix(in.Skipped, "unknown format: ") {
				t.Errorf("%s: skipped = %q, want an unknown-format skip", in.Path, in.Skipped)
			}
			continue
		}
		if in.Skipped != "" {
			t.Errorf("%s skipped: %s", in.Path, in.Skipped)
		}
		// An empty capture (the broker side of a dropped SYN) is a valid
		// read; a log must at least have had its lines counted.
		if in.Format != "pcap" && in.Lines == 0 {
			t.Errorf("%s read as %s but no line counted", in.Path, in.Format)
		}
		if len(in.Problems) > 0 {
			t.Errorf("%s: problems %v", in.Path, in.Problems)
		}
	}
}

// checkGolden compares a report's JSON and Markdown with the golden files
// of the case, rewriting them first under -update.
func checkGolden(t *testing.T, name string, r *report.Report) {
	t.Helper()
	var js, md bytes.Buffer
	if err := report.WriteJSON(&js, r); err != nil {
		t.Fatal(err)
	}
	if err := report.WriteMarkdown(&md, r); err != nil {
		t.Fatal(err)
	}
	for ext, got := range map[string][]byte{".json": js.Bytes(), ".md": md.Bytes()} {
		path := filepath.Join("e2e", "testdata", "golden", name+ext)
		golden.Check(t, path, got)
	}
}
