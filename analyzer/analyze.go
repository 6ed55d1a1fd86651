package analyzer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/kafkadiag/kafkadiag/analyzer/flow"
	"github.com/kafkadiag/kafkadiag/analyzer/input"
)

// Options steer one analysis.
type Options struct {
	// Zone is the zone for log times printed without one; nil means UTC.
	Zone *time.Location
	// Stdin is read for the path "-".
	Stdin io.Reader
	// Progress, when set, is called as each input starts.
	Progress func(path string)
	// Limits bound what bundles may cost (decompressed bytes, ratio,
	// members, temp-dir copies); zero fields take input.DefaultOptions.
	Limits input.Options
	// KeepAllFlows keeps every flow in Incident.Flows, as `kafkadiag flows`
	// needs; otherwise large captures keep only the flows a rule may need
	// and tally the rest (see RetainAllFlows).
	KeepAllFlows bool
	// OneGoroutine runs the whole analysis on the calling goroutine:
	// parsers do not split their work over two, rules run one after the
	// other. A batch that analyses incidents side by side wants this: its
	// parallelism is across incidents, where it costs no hand-over, and
	// --jobs N then means N cores.
	OneGoroutine bool
}

// oneGoroutineKey marks a context whose parsers should not start
// goroutines of their own (Options.OneGoroutine).
type oneGoroutineKey struct{}

// WithOneGoroutine returns ctx marked as Options.OneGoroutine marks the
// contexts parsers get.
func WithOneGoroutine(ctx context.Context) context.Context {
	return context.WithValue(ctx, oneGoroutineKey{}, true)
}

// OneGoroutine reports whether the analysis ctx belongs to runs on one
// goroutine (Options.OneGoroutine): a parser then reads on the calling
// goroutine only.
func OneGoroutine(ctx context.Context) bool {
	v, _ := ctx.Value(oneGoroutineKey{}).(bool)
	return v
}

// Result is an analysed incident and its findings, most likely cause first.
type Result struct {
	Incident *Incident
	Findings []Finding
}

// ErrNoInput means no path yielded anything a parser could read.
var ErrNoInput = errors.New("no readable input")

// Analyze walks paths, parses every artifact with the first parser that
// recognises it, builds the incident, and runs the rules over it.
// It fails only when nothing at all could be read (ErrNoInput) or ctx ends;
// unreadable inputs are listed in Incident.Inputs with the reason. With
// ErrNoInput the Result is still returned, without findings, so the caller
// can say what was skipped and why.
func Analyze(ctx context.Context, paths []string, opts Options, parsers []Parser, rules []Rule) (*Result, error) {
	inc, err := Collect(ctx, paths, opts, parsers)
	if errors.Is(err, ErrNoInput) {
		return &Result{Incident: inc}, err
	}
	if err != nil {
		return nil, err
	}
	workers := runtime.GOMAXPROCS(0)
	if opts.OneGoroutine {
		workers = 1
	}
	return &Result{Incident: inc, Findings: evaluate(inc, rules, workers)}, nil
}

// Collect is Analyze without the rules: the incident alone.
func Collect(ctx context.Context, paths []string, opts Options, parsers []Parser) (*Incident, error) {
	zone := opts.Zone
	if zone == nil {
		zone = time.UTC
	}
	if opts.OneGoroutine {
		ctx = WithOneGoroutine(ctx)
	}
	inc := &Incident{Zone: zone}
	c := &collector{inc: inc, keepAll: opts.KeepAllFlows}
	w := input.NewWithOptions(paths, opts.Stdin, opts.Limits)
	defer w.Close()
	read := 0
	for {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		it, err := w.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if opts.Progress != nil {
			opts.Progress(it.Path)
		}
		st := parseItem(ctx, it, zone, parsers, c)
		if st.Skipped == "" {
			read++
		}
		inc.Inputs = append(inc.Inputs, st)
	}
	copiers := runtime.GOMAXPROCS(0)
	if opts.OneGoroutine {
		copiers = 1
	}
	inc.Events = c.events.all(copiers)
	if read == 0 {
		return inc, ErrNoInput
	}
	inc.Flows = c.retain.gapFirsts(inc.Flows)
	inc.FlowTallies = c.retain.tallies()
	finish(inc, c.modTimes)
	return inc, nil
}

// parseItem hands one artifact to the first parser that sniffs it.
func parseItem(ctx context.Context, it *input.Item, zone *time.Location, parsers []Parser, c *collector) InputStat {
	st := InputStat{Path: it.Path, Host: it.Host, Skipped: it.Skip}
	if it.Skip != "" {
		return st
	}
	head, _ := it.R.Peek(SniffLen)
	var p Parser
	for _, cand := range parsers {
		if cand.Sniff(head) {
			p = cand
			break
		}
	}
	if p == nil {
		st.Skipped = "unknown format: " + describeHead(head)
		return st
	}
	st.Format = p.Format()
	c.host = it.Host
	if !it.ModTime.IsZero() {
		if c.modTimes == nil {
			c.modTimes = map[string]time.Time{}
		}
		c.modTimes[it.Path] = it.ModTime
	}
	src := &Source{Path: it.Path, Host: it.Host, R: it.R, Zone: zone}
	ps, err := p.Parse(ctx, src, c)
	st.Layout, st.Packets, st.Events, st.Lines, st.Unparsed = ps.Layout, ps.Packets, ps.Events, ps.Lines, ps.Unparsed
	st.ZoneAssumed = ps.ZoneAssumed
	st.Problems = ps.Problems
	if ps.Host != "" {
		st.Host = ps.Host
	}
	if err != nil {
		// The report names the input already: a read error of the item's own
		// decompression layer need not repeat its path (decoders such as
		// pcapgo flatten the error chain, so this works on the text).
		msg := strings.Replace(err.Error(), it.Path+": byte ", "byte ", 1)
		st.Problems = append(st.Problems, msg)
		if ps.Packets == 0 && ps.Events == 0 && ps.Lines == 0 {
			st.Skipped = msg
		}
	}
	return st
}

// describeHead says in a few words what an unrecognised input starts with.
func describeHead(head []byte) string {
	if len(head) == 0 {
		return "empty"
	}
	bin := 0
	for _, b := range head {
		if b == 0 || (b < 0x20 && b != '\n' && b != '\r' && b != '\t') {
			bin++
		}
	}
	if bin*10 > len(head) {
		n := min(len(head), 4)
		return fmt.Sprintf("binary data starting % x", head[:n])
	}
	line := string(head)
	if i := strings.IndexAny(line, "\r\n"); i >= 0 {
		line = line[:i]
	}
	if len(line) > 60 {
		line = line[:60] + "…"
	}
	return fmt.Sprintf("text in no known log layout (first line %q)", line)
}

// Evaluate runs every rule and orders the findings most likely first:
// higher confidence, then higher severity, then cause ID for a stable order.
// Rules only read the incident, so they run side by side on every core (on
// a big capture they take a tenth of the run); the findings are gathered
// in rule order, so the result does not depend on which finished first.
func Evaluate(inc *Incident, rules []Rule) []Finding {
	return evaluate(inc, rules, runtime.GOMAXPROCS(0))
}

// evaluate is Evaluate on at most workers goroutines; 1 runs the rules on
// the calling goroutine.
func evaluate(inc *Incident, rules []Rule, workers int) []Finding {
	found := make([][]Finding, len(rules))
	if workers <= 1 {
		for i, r := range rules {
			found[i] = r.Evaluate(inc)
		}
		return rank(found)
	}
	next := make(chan int, len(rules))
	for i := range rules {
		next <- i
	}
	close(next)
	var wg sync.WaitGroup
	for range min(workers, len(rules)) {
		wg.Go(func() {
			for i := range next {
				found[i] = rules[i].Evaluate(inc)
			}
		})
	}
	wg.Wait()
	return rank(found)
}

// rank joins the rules' findings in rule order and orders them most likely
// first.
func rank(found [][]Finding) []Finding {
	var out []Finding
	for _, fs := range found {
		out = append(out, fs...)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Confidence != b.Confidence {
			return a.Confidence > b.Confidence
		}
		if a.Severity != b.Severity {
			return a.Severity > b.Severity
		}
		return a.Cause < b.Cause
	})
	return out
}

// collector is the Sink that builds an Incident.
type collector struct {
	inc     *Incident
	host    string // host of the input being parsed
	keepAll bool
	retain  flowRetention
	events  eventChunks // Incident.Events, until Collect ends
	// modTimes are the inputs' write times by path, for dating lines
	// printed without a year when nothing else dates them.
	modTimes map[string]time.Time
}

// eventChunks holds events in chunks that are never copied until the end.
// A slice grown by append copies every event again at each growth (by a
// quarter, for large slices), and each copy lands in fresh memory: on the
// VMs this runs on that was 0.1-0.2 s per GiB of log in page faults.
type eventChunks struct {
	done [][]Event
	cur  []Event
	n    int
}

// Chunk sizes grow from small (an incident of a few lines stays small) to
// a bound (a log with millions of events does not waste much of a chunk).
const (
	firstEventChunk = 64
	maxEventChunk   = 4096
)

func (ec *eventChunks) add(e Event) {
	if len(ec.cur) == cap(ec.cur) {
		size := firstEventChunk
		if ec.cur != nil {
			ec.done = append(ec.done, ec.cur)
			size = min(2*cap(ec.cur), maxEventChunk)
		}
		ec.cur = make([]Event, 0, size)
	}
	ec.cur = append(ec.cur, e)
	ec.n++
}

// parallelCopyEvents is the least events all copies on two goroutines.
const parallelCopyEvents = 2 * maxEventChunk

// all returns every event in order, in one slice; nil when there is none.
// With workers > 1 and many events, two goroutines copy half each: on the
// VMs this runs on most of the copy's time is faulting in the result's
// fresh pages (about 13 us a page), which two cores do side by side.
func (ec *eventChunks) all(workers int) []Event {
	if ec.n == 0 {
		return nil
	}
	if len(ec.done) == 0 {
		return ec.cur
	}
	out := make([]Event, ec.n)
	chunks := append(ec.done, ec.cur)
	if workers < 2 || ec.n < parallelCopyEvents {
		copyChunks(out, chunks)
		return out
	}
	half, at := 0, 0 // the chunk boundary nearest past the middle
	for half < ec.n/2 {
		half += len(chunks[at])
		at++
	}
	var wg sync.WaitGroup
	wg.Go(func() { copyChunks(out[:half], chunks[:at]) })
	copyChunks(out[half:], chunks[at:])
	wg.Wait()
	return out
}

// copyChunks copies chunks one after the other into dst, which has room
// for all.
func copyChunks(dst []Event, chunks [][]Event) {
	for _, c := range chunks {
		dst = dst[copy(dst, c):]
	}
}

func (c *collector) Event(e Event) {
	if e.Host == "" {
		e.Host = c.host
	}
	if len(e.Text) > MaxTextLen {
		e.Text = e.Text[:MaxTextLen]
	}
	c.events.add(e)
}
func (c *collector) Flow(f *flow.Flow) {
	if c.keepAll {
		c.inc.Flows = append(c.inc.Flows, f)
	} else if c.retain.keep(f) {
		c.inc.Flows = c.retain.place(f, c.inc.Flows)
	}
}

// KeepFlow decides, before the flow is built, whether the collector keeps
// it (the pcap parser asks; see flow.Options.Keep). A declined flow has
// been tallied.
func (c *collector) KeepFlow(s *flow.Summary) bool { return c.keepAll || c.retain.keepSummary(s) }

// KeptFlow takes a flow KeepFlow already accepted.
func (c *collector) KeptFlow(f *flow.Flow) { c.inc.Flows = c.retain.place(f, c.inc.Flows) }

func (c *collector) ARP(a CapturedARP) { c.inc.ARP = append(c.inc.ARP, a) }
func (c *collector) Node(n Node)       { c.inc.Nodes = append(c.inc.Nodes, n) }
func (c *collector) Config(cf Config)  { c.inc.Configs = append(c.inc.Configs, cf) }

// finish fills guessed years, sorts everything and folds duplicate nodes.
func finish(inc *Incident, modTimes map[string]time.Time) {
	fillYears(inc, modTimes)
	fillDates(inc, modTimes)
	if note := zoneNote(inc); note != "" {
		inc.Notes = append(inc.Notes, note)
	}
	sort.SliceStable(inc.Events, func(i, j int) bool {
		a, b := &inc.Events[i], &inc.Events[j]
		if !a.Time.Equal(b.Time) {
			return a.Time.Before(b.Time)
		}
		if a.Source.Path != b.Source.Path {
			return a.Source.Path < b.Source.Path
		}
		return a.Source.Line < b.Source.Line
	})
	sort.SliceStable(inc.Flows, func(i, j int) bool {
		a, b := inc.Flows[i], inc.Flows[j]
		if !a.Start.Equal(b.Start) {
			return a.Start.Before(b.Start)
		}
		if a.Capture != b.Capture {
			return a.Capture < b.Capture
		}
		return a.FirstFrame < b.FirstFrame
	})
	if events, n := dropDuplicateEvents(inc.Events); n > 0 {
		inc.Events = events
		inc.Notes = append(inc.Notes, duplicateNote(n))
	}
	if note := undatedNote(inc.Events); note != "" {
		inc.Notes = append(inc.Notes, note)
	}
	if note := apartNote(inc); note != "" {
		inc.Notes = append(inc.Notes, note)
	}
	inc.Nodes = foldNodes(inc.Nodes)
	sort.SliceStable(inc.Configs, func(i, j int) bool {
		a, b := inc.Configs[i], inc.Configs[j]
		if a.Source.Path != b.Source.Path {
			return a.Source.Path < b.Source.Path
		}
		return a.Source.Line < b.Source.Line
	})
}

// zoneNote names the zone assumed for times printed without one, and the
// inputs that printed them; "" when every time carried its zone (captures,
// journal exports, librdkafka's epoch seconds).
func zoneNote(inc *Incident) string {
	var assumed []string
	for _, in := range inc.Inputs {
		if in.ZoneAssumed {
			assumed = append(assumed, in.Path)
		}
	}
	if len(assumed) == 0 {
		return ""
	}
	which := assumed[0]
	if len(assumed) > 1 {
		which = fmt.Sprintf("%s and %d more", assumed[0], len(assumed)-1)
	}
	note := fmt.Sprintf("times printed without a zone (%s) were read as %s", which, inc.Zone)
	if inc.Zone == time.UTC {
		note += " (set --tz to change)"
	}
	return note
}

// undatedNote says how many events carried no time at all (log lines
// printed without one: kcat's error lines, application callbacks that log
// no timestamp) and where the first came from; "" when every event had one.
// They stay in the report, undated, and sort first (so by path), which
// makes the first one named the same on every run.
func undatedNote(events []Event) string {
	n, first := 0, ""
	for _, e := range events {
		if e.Time.IsZero() {
			if n == 0 {
				first = e.Source.Path
			}
			n++
		}
	}
	if n == 0 {
		return ""
	}
	if n == 1 {
		return fmt.Sprintf("1 log event (%s) came from a line that printed no time; it is listed undated", first)
	}
	return fmt.Sprintf("%d log events (first in %s) came from lines that printed no time; they are listed undated", n, first)
}

// foldNodes keeps one record per (id, host, addr), the first one seen, in
// id order.
func foldNodes(nodes []Node) []Node {
	type key struct{ id, host, addr string }
	seen := map[key]bool{}
	var out []Node
	for _, n := range nodes {
		k := key{n.ID, n.Host, n.Addr.String()}
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, n)
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].ID != out[j].ID {
			return out[i].ID < out[j].ID
		}
		if out[i].Host != out[j].Host {
			return out[i].Host < out[j].Host
		}
		return out[i].Addr.String() < out[j].Addr.String()
	})
	return out
}

// fillYears gives events from layouts without a year (journal "short") the
// year the other inputs point to: the capture or dated logs of the same
// incident. Without any, each event takes the year its file was last
// written in (modTimes), a year earlier when its month and day fall after
// that write: a line cannot be newer than its file. Without either, the
// year stays the parser's placeholder and a note says so.
func fillYears(inc *Incident, modTimes map[string]time.Time) {
	var ref time.Time
	for _, e := range inc.Events {
		if !e.NoYear && !e.NoDate && !e.Time.IsZero() {
			ref = e.Time
			break
		}
	}
	if ref.IsZero() {
		for _, f := range inc.Flows {
			ref = f.Start
			break
		}
	}
	if ref.IsZero() {
		fillYearsFromFiles(inc, modTimes)
		return
	}
	changed := false
	for i := range inc.Events {
		e := &inc.Events[i]
		if !e.NoYear {
			continue
		}
		t := e.Time
		guess := time.Date(ref.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), t.Location())
		// A December line next to January evidence belongs to the year before.
		if guess.Sub(ref) > 180*24*time.Hour {
			guess = guess.AddDate(-1, 0, 0)
		} else if ref.Sub(guess) > 180*24*time.Hour {
			guess = guess.AddDate(1, 0, 0)
		}
		e.Time, e.NoYear, e.TimeGuessed = guess, false, true
		changed = true
	}
	if changed {
		inc.Notes = append(inc.Notes, fmt.Sprintf("syslog-style times (journal short layout, syslog stamps) carry no year; %d was inferred from the other inputs", ref.Year()))
	}
}

// fillYearsFromFiles dates year-less events by their files' write times,
// when no other input dates them.
func fillYearsFromFiles(inc *Incident, modTimes map[string]time.Time) {
	var dated, undated []string
	seen := map[string]bool{}
	placeholder := 0
	for i := range inc.Events {
		e := &inc.Events[i]
		if !e.NoYear {
			continue
		}
		path := e.Source.Path
		m, ok := modTimes[path]
		if !ok {
			if !seen[path] {
				seen[path] = true
				undated = append(undated, path)
				placeholder = e.Time.Year()
			}
			continue
		}
		t := e.Time
		guess := time.Date(m.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), t.Location())
		// A day's grace for zones: the line's clock and the file
		// system's need not agree.
		if guess.After(m.Add(24 * time.Hour)) {
			guess = guess.AddDate(-1, 0, 0)
		}
		e.Time, e.NoYear, e.TimeGuessed = guess, false, true
		if !seen[path] {
			seen[path] = true
			dated = append(dated, path)
		}
	}
	if len(dated) > 0 {
		inc.Notes = append(inc.Notes, fmt.Sprintf("lines without a year in %s were dated by the file's modification time: no other input gives the year",
			strings.Join(dated, ", ")))
	}
	if len(undated) > 0 {
		inc.Notes = append(inc.Notes, fmt.Sprintf("lines in %s carry no year and nothing else tells it: their times show the placeholder year %d",
			strings.Join(undated, ", "), placeholder))
	}
}
