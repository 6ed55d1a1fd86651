package report_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/analyzer/report"
	"github.com/kafkadiag/kafkadiag/parsers"
	"github.com/kafkadiag/kafkadiag/rules"
)

// TestHTMLScenarios renders lab scenarios through the whole pipeline and
// compares the page with its golden file (rewrite with -update). Nothing in
// the page depends on the clock or map order, so there is nothing to scrub:
// the same capture and logs give the same bytes.
func TestHTMLScenarios(t *testing.T) {
	tests := []struct {
		scenario, golden string
	}{
		{"idle_reset_firewall", "html_idle_reset_firewall.html.golden"},
		{"broker_sigkill_restart", "html_broker_sigkill_restart.html.golden"},
	}
	golden, err := filepath.Abs("testdata")
	if err != nil {
		t.Fatal(err)
	}
	t.Chdir("../..") // evidence paths read "testdata/scenarios/...", as a person would type them
	for _, tt := range tests {
		t.Run(tt.scenario, func(t *testing.T) {
			dir := filepath.Join("testdata", "scenarios", tt.scenario)
			if _, err := os.Stat(dir); err != nil {
				t.Skipf("scenario %s is not in this tree (%v); the lab branch adds it", tt.scenario, err)
			}
			first := renderScenario(t, dir)
			report.CheckGolden(t, filepath.Join(golden, tt.golden), first)
			if again := renderScenario(t, dir); !bytes.Equal(first, again) {
				t.Errorf("second run gave different bytes")
			}
		})
	}
}

func renderScenario(t *testing.T, dir string) []byte {
	t.Helper()
	res, err := analyzer.Analyze(context.Background(), []string{dir},
		analyzer.Options{Zone: time.UTC}, parsers.All(), rules.All())
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := report.WriteHTML(&b, report.Build(res, report.Options{Zone: time.UTC, Chart: true})); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
