package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"

	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/analyzer/batch"
	"github.com/kafkadiag/kafkadiag/analyzer/report"
)

// BatchCmd analyses many incidents.
type BatchCmd struct {
	Jobs     int      `short:"j" placeholder:"N" help:"Incidents analysed in parallel, each on one goroutine (default: the number of cores)."`
	Out      string   `type:"path" default:"kafkadiag-reports" placeholder:"DIR" help:"Folder for the reports and summary.jsonl (made when missing; default ${default})."`
	Each     bool     `help:"Each folder given holds incidents: every bundle (tar/zip, compressed or not, told by content) and subfolder directly in it is one incident."`
	Markdown bool     `help:"Also write a Markdown report beside each JSON one."`
	TZ       string   `name:"tz" default:"UTC" placeholder:"ZONE" help:"Zone for log times printed without one, and for times in Markdown reports (IANA name; default UTC)."`
	FailOn   string   `enum:"none,info,warning,critical" default:"warning" help:"Exit 1 when any incident has a finding at or above this severity: ${enum}."`
	Paths    []string `arg:"" name:"path" help:"Bundles or folders, one incident each (with --each: folders of incidents)."`
}

// Help is the detailed help kong prints under the usage line.
func (c *BatchCmd) Help() string {
	return `Analyses each bundle or folder given as its own incident, several at once,
and writes into --out one JSON report per incident (named after it), a
summary.jsonl with one line per incident in the order given, and prints the
causes found across incidents. A failing incident is recorded with the
reason and never stops the batch. The same inputs give the same bytes.

Examples:
  # Every bundle and folder under cases/ is one incident, 4 at a time
  kafkadiag batch --each --jobs 4 --out reports/ cases/

  # Three bundles, with Markdown reports for the tickets
  kafkadiag batch --markdown --out reports/ a.tgz b.zip c/

  # Which incidents were an idle-timeout reset?
  jq -r 'select(.cause=="idle-timeout-reset") | .path' reports/summary.jsonl

Exit codes: 0 no incident has a finding at or above --fail-on, 1 some have,
2 usage error, nothing could be written, or no incident could be read.`
}

// maxListedIgnored bounds the --each entries named on stderr as ignored.
const maxListedIgnored = 10

// Run analyses the incidents, writes the reports and prints the summary.
func (c *BatchCmd) Run(e *env) error {
	zone, err := loadZone(c.TZ)
	if err != nil {
		return err
	}
	failOn, err := parseFailOn(c.FailOn)
	if err != nil {
		return usageErr("--fail-on: %v", err)
	}
	if c.Jobs < 0 {
		return usageErr("--jobs %d: want a positive number (0 or none: one per core)", c.Jobs)
	}
	for _, p := range c.Paths {
		if p == "-" {
			return usageErr("batch reads bundles and folders, not standard input; use analyze -")
		}
	}
	incidents, err := c.incidents(e)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	prog := &counter{w: e.stderr, on: e.stderrTTY}
	lines, err := batch.Run(ctx, incidents, batch.Options{
		Jobs: c.Jobs, Out: c.Out, Markdown: c.Markdown, Zone: zone,
		Parsers: e.parserList, Rules: e.ruleList, Progress: prog.step,
	})
	prog.done()
	if errors.Is(err, context.Canceled) {
		return &exitError{code: exitUsage, err: errors.New("interrupted; summary.jsonl not written (finished reports kept)")}
	}
	if err != nil {
		return &exitError{code: exitUsage, err: err}
	}
	if err := batch.WriteTable(e.stdout, lines, c.Out); err != nil {
		return &exitError{code: exitUsage, err: err}
	}
	return batchExit(lines, failOn)
}

// incidents lists the incidents: the paths as given, or with --each what
// is found directly in them. Entries --each leaves out are named on stderr.
func (c *BatchCmd) incidents(e *env) ([]string, error) {
	if !c.Each {
		return c.Paths, nil
	}
	incidents, ignored, err := batch.Discover(c.Paths, c.Out)
	if err != nil {
		return nil, usageErr("%v", err)
	}
	for i, ig := range ignored {
		if i == maxListedIgnored {
			fmt.Fprintf(e.stderr, "kafkadiag: --each: … and %d more entries ignored\n", len(ignored)-i)
			break
		}
		fmt.Fprintf(e.stderr, "kafkadiag: --each: ignored %s: %s\n", report.Printable(ig.Path), ig.Reason)
	}
	if len(incidents) == 0 {
		return nil, usageErr("--each: no bundle or folder found in %s", report.Printable(strings.Join(c.Paths, ", ")))
	}
	return incidents, nil
}

// batchExit is 2 when no incident could be read, else 1 when an incident
// has a finding at or above --fail-on, else 0. Some failed incidents with
// others read do not change the code: the table and summary name them.
func batchExit(lines []batch.Line, failOn analyzer.Severity) error {
	failed, hit := 0, 0
	for i := range lines {
		switch {
		case lines[i].Failed():
			failed++
		case failOn != 0 && lines[i].Highest >= failOn:
			hit++
		}
	}
	if failed == len(lines) {
		return &exitError{code: exitUsage, err: fmt.Errorf("no incident could be read (%d failed)", failed)}
	}
	if hit > 0 {
		return &exitError{code: exitFindings, err: fmt.Errorf("%d incident(s) with findings at or above %s", hit, failOn)}
	}
	return nil
}

// counter shows "12/200 incidents" on one terminal line, rewritten in
// place, and clears it at the end. Off unless stderr is a terminal.
type counter struct {
	w     interface{ Write([]byte) (int, error) }
	on    bool
	shown bool
}

func (p *counter) step(done, total int) {
	if !p.on {
		return
	}
	p.shown = true
	fmt.Fprintf(p.w, "\r\x1b[K%d/%d incidents", done, total)
}

func (p *counter) done() {
	if p.shown {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
}
