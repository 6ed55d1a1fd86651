package batch

import (
	"bytes"
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

// writeReports writes an incident's JSON report, and its Markdown one when
// asked. Each is rendered in memory first — a report is small next to
// the analysis that made it — so a render error leaves no file behind.
func writeReports(opts *Options, name string, r *report.Report) error {
	var b bytes.Buffer
	if err := report.WriteJSON(&b, r); err != nil {
		return fmt.Errorf("rendering the JSON report: %w", err)
	}
	if err := writeFile(filepath.Join(opts.Out, name+".json"), b.Bytes()); err != nil {
		return err
	}
	if !opts.Markdown {
		return nil
	}
	b.Reset()
	if err := report.WriteMarkdown(&b, r); err != nil {
		return fmt.Errorf("rendering the Markdown report: %w", err)
	}
	return writeFile(filepath.Join(opts.Out, name+".md"), b.Bytes())
}

func writeFile(path string, body []byte) error {
	return writeAtomic(path, func(w io.Writer) error {
		_, err := w.Write(body)
		return err
	})
}

// writeAtomic writes a file through a hidden temporary file in the same
// folder and a rename, so a reader sees the old file or the whole new one,
// never half of one. It does not fsync: a machine crash may lose the last
// reports, and re-running the batch writes them again.
func writeAtomic(path string, write func(io.Writer) error) (err error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
			err = fmt.Errorf("writing %s: %w", path, err)
		}
	}()
	if err = write(f); err != nil {
		return err
	}
	if err = f.Chmod(0o644); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
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
