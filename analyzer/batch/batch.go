// Package batch analyses many incidents — each a bundle or a folder — in
// parallel, writes one report per incident into a folder, and a summary
// line per incident (summary.jsonl) in input order.
//
// It is the engine behind "kafkadiag batch"; the command only reads flags
// and prints. Nothing here reads the wall clock or leaks completion order:
// the same inputs give the same bytes in every file, whatever Jobs is.
// At most Jobs incidents are analysed at once, and at most Jobs more wait,
// their reports rendered, for the one goroutine that writes the files, so
// memory is bounded by Jobs times what one analysis needs.
package batch

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/analyzer/input"
	"github.com/kafkadiag/kafkadiag/analyzer/report"
)

// SummaryFile is the name of the summary in the output folder.
const SummaryFile = "summary.jsonl"

// Options steer a batch run.
type Options struct {
	// Jobs is how many incidents are analysed at once; <= 0 means one per
	// CPU (runtime.NumCPU()).
	Jobs int
	// Out is the folder the reports and summary.jsonl go to; it is made
	// when missing.
	Out string
	// Markdown also writes a Markdown report beside each JSON one.
	Markdown bool
	// Zone is the zone for log times printed without one, and for times in
	// Markdown reports; nil means UTC.
	Zone *time.Location
	// Limits bound what each incident's bundles may cost (input.Options).
	Limits input.Options
	// Parsers and Rules make the lists one incident runs with. They are
	// called once per incident, so parsers that keep state never see two
	// incidents at once.
	Parsers func() []analyzer.Parser
	Rules   func() []analyzer.Rule
	// Progress, when set, is called each time an incident is done, with
	// how many are done and the total; calls never overlap.
	Progress func(done, total int)
}

// heapFloor is the heap Run holds while it runs and never touches: the
// collector starts a cycle when the heap has grown by as much as it held
// live after the last one, at least 4 MiB, and an incident of small
// bundles holds a few megabytes, so cycles came every few incidents, a
// tenth of --jobs 1's CPU running beside its one job and taking a core
// from --jobs 2's. The floor makes that 16 MiB more for every cycle; its
// pages, fresh from the system and never written, cost no memory (RSS).
// GOGC would do the same for a small heap, but also multiply a large one.
const heapFloor = 16 << 20

// Run analyses every incident path and returns one Line per incident, in
// the order given. A failing incident never stops the batch: its Line
// carries the reason. Run itself fails only when the output folder or the
// summary cannot be written, or ctx ends (then summary.jsonl is not
// written, and the reports already finished stay).
func Run(ctx context.Context, incidents []string, opts Options) ([]Line, error) {
	if err := checkOut(opts.Out, incidents); err != nil {
		return nil, err
	}
	if err := makeOut(opts.Out); err != nil {
		return nil, err
	}
	names := ReportNames(incidents)
	lines := make([]Line, len(incidents))
	floor := make([]byte, heapFloor)
	defer runtime.KeepAlive(floor)
	jobs := opts.Jobs
	if jobs <= 0 {
		jobs = runtime.NumCPU()
	}
	jobs = min(jobs, max(len(incidents), 1))

	// Workers only analyse and render; this goroutine writes every file.
	// Creating a file takes the folder's lock in the kernel, and on some
	// file systems creating one costs as much as analysing a small bundle:
	// done by the workers, they would queue on that lock in turn with a
	// core idle. The channel holds at most jobs rendered incidents, so
	// memory stays bounded when writing is the slower side.
	results := make(chan analysed, jobs)
	go analyseAll(ctx, incidents, names, jobs, &opts, results)
	done := 0
	for a := range results {
		lines[a.index] = a.write(opts.Out)
		done++
		if opts.Progress != nil {
			opts.Progress(done, len(incidents))
		}
	}
	if err := ctx.Err(); err != nil {
		return lines, err
	}
	if err := writeSummary(opts.Out, lines); err != nil {
		return lines, err
	}
	return lines, nil
}

// analyseAll runs jobs workers over the incidents, sends each one
// analysed on results, and closes results when all are done or ctx ends
// (the incidents being analysed then are still finished and sent).
func analyseAll(ctx context.Context, incidents, names []string, jobs int, opts *Options, results chan<- analysed) {
	next := make(chan int)
	var wg sync.WaitGroup
	for range jobs {
		wg.Go(func() {
			for i := range next {
				a := analyseRecovering(ctx, incidents[i], names[i], opts)
				a.index = i
				results <- a
			}
		})
	}
feed:
	for i := range incidents {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	close(results)
}

// analyseRecovering is analyse, with a panic — a bug a hostile bundle
// found in a parser or rule — recorded as that incident's failure, so the
// other incidents of a long batch are still analysed and summarised.
func analyseRecovering(ctx context.Context, path, name string, opts *Options) (a analysed) {
	defer func() {
		if r := recover(); r != nil {
			a = analysed{line: Line{Path: path, Error: fmt.Sprintf("internal error (a kafkadiag bug; please report it with this incident): %v", r)}}
		}
	}()
	return analyse(ctx, path, name, opts)
}

// analyse runs one incident and renders its reports. A report is made
// even when nothing was readable: it lists each input skipped and why.
func analyse(ctx context.Context, path, name string, opts *Options) analysed {
	a := analysed{line: Line{Path: path}, name: name}
	res, err := analyzer.Analyze(ctx, []string{path},
		analyzer.Options{Zone: opts.Zone, Limits: opts.Limits, OneGoroutine: true},
		opts.Parsers(), opts.Rules())
	switch {
	case errors.Is(err, analyzer.ErrNoInput):
		a.line.Error = noInputReason(path, res)
	case err != nil:
		a.line.Error = err.Error()
		return a
	}
	r := report.Build(res, report.Options{Zone: opts.Zone})
	a.line.fill(r)
	if err := a.render(r, opts.Markdown); err != nil {
		a.release()
		a.line.Error = joinReasons(a.line.Error, err.Error())
	}
	return a
}

// maxListedReasons bounds the reasons a failed incident's line carries: a
// bundle of ten thousand unreadable members must not make a megabyte line.
const maxListedReasons = 3

// noInputReason says why nothing of an incident could be read, naming
// inputs relative to the incident.
func noInputReason(incident string, res *analyzer.Result) string {
	var inputs []analyzer.InputStat
	if res != nil && res.Incident != nil {
		inputs = res.Incident.Inputs
	}
	if len(inputs) == 0 {
		return "no readable input: no file found"
	}
	var b strings.Builder
	if len(inputs) == 1 {
		b.WriteString("no readable input: ")
		if rel := within(incident, inputs[0].Path); rel != "" {
			fmt.Fprintf(&b, "%s: ", rel)
		}
		b.WriteString(inputs[0].Skipped)
		return b.String()
	}
	fmt.Fprintf(&b, "no readable input: %d inputs skipped (", len(inputs))
	for i, in := range inputs {
		if i == maxListedReasons {
			fmt.Fprintf(&b, "; … and %d more", len(inputs)-i)
			break
		}
		if i > 0 {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "%s: %s", cmp.Or(within(incident, in.Path), in.Path), in.Skipped)
	}
	b.WriteString(")")
	return b.String()
}

// within is an input's path relative to its incident ("host/server.log"
// for "case/host/server.log" or "case.tgz!host/server.log"), "" when it
// is the incident itself.
func within(incident, path string) string {
	if path == incident {
		return ""
	}
	for _, sep := range []string{"!", string(filepath.Separator)} {
		if rest, ok := strings.CutPrefix(path, incident+sep); ok {
			return rest
		}
	}
	return path
}

func joinReasons(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}
