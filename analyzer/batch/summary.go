package batch

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/analyzer/report"
)

// Line is one incident in summary.jsonl: a flat object, every key always
// present, so `jq`, a spreadsheet or a `cat */summary.jsonl` of several
// runs read the same columns.
type Line struct {
	// Path is the incident as given (or as found under an --each folder).
	Path string `json:"path"`
	// Report is the JSON report's file name in the output folder; "" when
	// none was written. A Markdown report has the same name ending ".md".
	Report string `json:"report"`
	// Cause, Severity and Confidence are the primary finding's — the one
	// the report leads with — and "", "", 0 when no finding reaches
	// warning (see report.Report.Primary).
	Cause      string  `json:"cause"`
	Severity   string  `json:"severity"`
	Confidence float64 `json:"confidence"`
	// Findings counts every finding, informational ones included.
	Findings      int `json:"findings"`
	InputsRead    int `json:"inputs_read"`
	InputsSkipped int `json:"inputs_skipped"`
	Flows         int `json:"flows"`
	Events        int `json:"events"`
	// Error is why the incident failed — nothing readable, or the report
	// could not be written — and "" when it did not.
	Error string `json:"error"`

	// Highest is the highest severity among the findings, 0 when none:
	// what --fail-on compares.
	Highest analyzer.Severity `json:"-"`
}

// Failed reports whether the incident could not be analysed or reported.
func (l *Line) Failed() bool { return l.Error != "" }

// fill copies the counts and the primary cause from a report.
func (l *Line) fill(r *report.Report) {
	if p := r.Primary(); p != nil {
		l.Cause, l.Severity, l.Confidence = p.Cause, p.Severity, p.Confidence
	}
	l.Findings = len(r.Findings)
	for i := range r.Findings {
		l.Highest = max(l.Highest, r.Findings[i].Level)
	}
	read, skipped, _, events := r.Totals()
	l.InputsRead, l.InputsSkipped, l.Events = read, skipped, events
	l.Flows = r.Flows.Total
}

// WriteSummary writes lines as JSON Lines: one object a line, keys in the
// struct's order, HTML characters not escaped.
func WriteSummary(w io.Writer, lines []Line) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for i := range lines {
		if err := enc.Encode(&lines[i]); err != nil {
			return err
		}
	}
	return nil
}

func writeSummary(out string, lines []Line) error {
	return writeAtomic(filepath.Join(out, SummaryFile), func(w io.Writer) error {
		return WriteSummary(w, lines)
	})
}

// makeOut makes the output folder; an existing file of that name is an
// error, an existing folder is reused (reports of the same names are
// replaced, others left alone).
func makeOut(out string) error {
	if out == "" {
		return fmt.Errorf("no output folder given")
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return fmt.Errorf("output folder: %w", err)
	}
	return nil
}
