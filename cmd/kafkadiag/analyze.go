package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"
	_ "time/tzdata" // --tz works on machines without a zone database

	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/analyzer/report"
	"github.com/kafkadiag/kafkadiag/internal/atomicfile"
)

// AnalyzeCmd diagnoses an incident.
type AnalyzeCmd struct {
	Format   string   `enum:"text,json,markdown,html" default:"text" help:"Report format: ${enum}."`
	Output   string   `short:"o" type:"path" placeholder:"FILE" help:"Write the report to FILE instead of standard output (atomically: a reader never sees half a report)."`
	TZ       string   `name:"tz" default:"UTC" placeholder:"ZONE" help:"Zone for log times printed without one, and for times in text, Markdown and HTML reports (JSON is always UTC) (IANA name, e.g. Europe/Berlin; default UTC)."`
	FailOn   string   `enum:"none,info,warning,critical" default:"warning" help:"Exit 1 when a finding is at or above this severity: ${enum}."`
	Timeline bool     `help:"Also print the merged timeline of all inputs (in JSON: a \"timeline\" array)."`
	Paths    []string `arg:"" name:"path" help:"Files, folders, bundles (.tar, .tgz, .tar.xz, .zip, .gz, .xz), or - for standard input."`
}

// Help is the detailed help kong prints under the usage line.
func (c *AnalyzeCmd) Help() string {
	return `Reads every file, folder and support bundle given — Kafka client and broker
logs, librdkafka logs, journalctl exports, pcap and pcapng captures — joins the
log timeline with the TCP flows replayed from the captures, and says why the
connections broke: the most likely cause first, with the lines and frames that
show it and the fix.

Examples:
  # Diagnose a support bundle on the terminal
  kafkadiag analyze case-4411.tgz

  # The logs were written in Berlin time and carry no zone
  kafkadiag analyze --tz Europe/Berlin client.log broker-logs/ capture.pcapng

  # JSON for a script; fail only on critical findings
  kafkadiag analyze --format json --fail-on critical --output report.json case-4411.tgz

  # Markdown with the merged timeline, to paste into a ticket
  kafkadiag analyze --format markdown --timeline case-4411.tgz > ticket.md

  # A capture from standard input
  tcpdump -r dump.pcap -w - | kafkadiag analyze -

Exit codes: 0 no finding at or above --fail-on, 1 findings at or above it,
2 usage error or no readable input.`
}

// maxListedSkips bounds the "no readable input" message: a folder of
// ten thousand unreadable files must not flood the terminal.
const maxListedSkips = 20

// Run analyses the paths and writes the report.
func (c *AnalyzeCmd) Run(e *env) error {
	zone, err := loadZone(c.TZ)
	if err != nil {
		return err
	}
	failOn, err := parseFailOn(c.FailOn)
	if err != nil {
		return usageErr("--fail-on: %v", err)
	}
	// Ctrl-C stops between inputs and leaves the terminal line clean.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	prog := &progress{w: e.stderr, on: e.stderrTTY}
	res, err := analyzer.Analyze(ctx, c.Paths,
		analyzer.Options{Zone: zone, Stdin: e.stdin, Progress: prog.step},
		e.parserList(), e.ruleList())
	prog.done()
	if errors.Is(err, analyzer.ErrNoInput) {
		return noInputErr(res, c.Paths)
	}
	if errors.Is(err, context.Canceled) {
		return &exitError{code: exitUsage, err: errors.New("interrupted; no report written")}
	}
	if err != nil {
		return &exitError{code: exitUsage, err: err}
	}
	r := report.Build(res, report.Options{Zone: zone, Timeline: c.Timeline, Chart: c.Format == "html"})
	if err := c.write(e, r); err != nil {
		return &exitError{code: exitUsage, err: err}
	}
	if failOn != 0 {
		if n := r.CountAtLeast(failOn); n > 0 {
			return &exitError{code: exitFindings, err: fmt.Errorf("%d finding(s) at or above %s", n, failOn)}
		}
	}
	return nil
}

// loadZone reads --tz; a name the zone database lacks is a usage error.
func loadZone(name string) (*time.Location, error) {
	z, err := time.LoadLocation(name)
	if err != nil {
		return nil, usageErr("--tz %q: not a known time zone (want an IANA name such as UTC, Europe/Berlin or America/New_York)", name)
	}
	return z, nil
}

// parseFailOn reads --fail-on; 0 means never fail.
func parseFailOn(s string) (analyzer.Severity, error) {
	if s == "none" {
		return 0, nil
	}
	return analyzer.ParseSeverity(s)
}

// noInputErr says that nothing could be read, naming each input skipped
// and why.
func noInputErr(res *analyzer.Result, paths []string) error {
	var inputs []analyzer.InputStat
	if res != nil && res.Incident != nil {
		inputs = res.Incident.Inputs
	}
	if len(inputs) == 0 {
		return usageErr("no readable input: %s held no file", report.Printable(strings.Join(paths, ", ")))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "no readable input: %s skipped", plural(len(inputs), "input", "inputs"))
	for i, in := range inputs {
		if i == maxListedSkips {
			fmt.Fprintf(&b, "\n  … and %d more", len(inputs)-i)
			break
		}
		fmt.Fprintf(&b, "\n  %s: %s", report.Printable(in.Path), report.Printable(in.Skipped))
	}
	return usageErr("%s", b.String())
}

// write renders the report to --output or standard output. Colour only on
// a terminal, and never when NO_COLOR is set (https://no-color.org).
func (c *AnalyzeCmd) write(e *env, r *report.Report) error {
	if c.Output == "" || c.Output == "-" {
		color := e.stdoutTTY && e.env("NO_COLOR") == ""
		return c.render(e.stdout, r, color)
	}
	return writeAtomic(c.Output, func(w io.Writer) error { return c.render(w, r, false) })
}

func (c *AnalyzeCmd) render(w io.Writer, r *report.Report, color bool) error {
	switch c.Format {
	case "json":
		return report.WriteJSON(w, r)
	case "markdown":
		return report.WriteMarkdown(w, r)
	case "html":
		return report.WriteHTML(w, r)
	}
	return report.WriteText(w, r, report.TextOptions{Color: color})
}

// writeAtomic writes --output whole or not at all, synced to disk (see
// atomicfile.Write).
func writeAtomic(path string, write func(io.Writer) error) error {
	if err := atomicfile.Write(path, true, write); err != nil {
		return fmt.Errorf("--output %s: %w", path, err)
	}
	return nil
}

// progress shows "reading PATH (input n)" on one terminal line, rewritten
// in place, and clears it at the end. Off unless stderr is a terminal.
type progress struct {
	w  io.Writer
	on bool
	n  int
}

// maxProgressPath keeps the line shorter than a terminal, so \r works.
const maxProgressPath = 60

func (p *progress) step(path string) {
	if !p.on {
		return
	}
	p.n++
	path = report.Printable(path)
	if r := []rune(path); len(r) > maxProgressPath {
		path = "…" + string(r[len(r)-maxProgressPath+1:])
	}
	fmt.Fprintf(p.w, "\r\x1b[Kreading %s (input %d)", path, p.n)
}

func (p *progress) done() {
	if p.on && p.n > 0 {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
}

// plural picks "1 input" / "2 inputs".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
