package report

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/tw"

	"github.com/kafkadiag/kafkadiag/analyzer"
)

// TextOptions steer the text writer.
type TextOptions struct {
	// Color adds ANSI colour. Set it only when writing to a terminal and
	// NO_COLOR is unset; colour never enters tables, so widths stay right.
	Color bool
	// Width is where prose wraps; 0 means 100 columns.
	Width int
}

// cellWidth bounds table cells holding free text (titles, paths, reasons):
// the full text is in the finding's own section or in JSON.
const cellWidth = 50

// WriteText writes the report for a terminal: the verdict first, then the
// summary table, each finding with its evidence and fix, the per-node
// view, what was read, the notes and, when built, the timeline.
func WriteText(w io.Writer, r *Report, o TextOptions) error {
	if o.Width <= 0 {
		o.Width = 100
	}
	bw := bufio.NewWriter(w)
	t := &textWriter{w: bw, r: r, o: o}
	t.header()
	t.verdict()
	t.summary()
	for i := range r.Findings {
		t.finding(i)
	}
	t.nodes()
	t.inputs()
	t.notes()
	t.timeline()
	if t.err != nil {
		return t.err
	}
	return bw.Flush()
}

// textWriter holds the first error so sections stay short; later writes
// are skipped once one failed.
type textWriter struct {
	w   *bufio.Writer
	r   *Report
	o   TextOptions
	err error
}

func (t *textWriter) printf(format string, args ...any) {
	if t.err == nil {
		_, t.err = fmt.Fprintf(t.w, format, args...)
	}
}

func (t *textWriter) heading(s string) {
	t.printf("\n%s\n", t.paint(ansiBold, s))
}

func (t *textWriter) header() {
	t.printf("%s\n%s\n", t.paint(ansiBold, "kafkadiag report"), zoneSentence(t.r))
}

func (t *textWriter) verdict() {
	p := t.r.Primary()
	if p == nil {
		t.healthy()
		return
	}
	t.printf("\n%s %s\n", t.paint(ansiBold, "Primary cause:"), t.paint(severityColor(p.Level), printable(p.Title)))
	t.printf("  %s, confidence %s, cause %s.\n", p.Severity, percent(p.Confidence), p.Cause)
	t.wrap("  ", printable(p.Summary))
	if len(p.Remediation) > 0 {
		t.wrap("  ", "First fix: "+printable(p.Remediation[0]))
	}
	if n := t.r.CountAtLeast(analyzer.Warning); n > 1 {
		t.printf("  %s at warning or above in all; each is detailed below.\n", plural(n, "finding", "findings"))
	}
}

func (t *textWriter) healthy() {
	read, skipped, packets, events := t.r.Totals()
	if u := t.r.UnexplainedText(); u != "" {
		t.printf("\n%s\n", t.paint(ansiYellow, "No cause identified: no finding at warning level or above."))
		t.wrap("  ", "But "+u+".")
	} else {
		t.printf("\n%s\n", t.paint(ansiGreen, "No problem found: no finding at warning level or above."))
	}
	line := fmt.Sprintf("Read %s (%s, %s, %s)", plural(read, "input", "inputs"),
		plural(packets, "packet", "packets"), plural(events, "log event", "log events"),
		plural(t.r.Flows.Total, "TCP flow", "TCP flows"))
	if skipped > 0 {
		line += fmt.Sprintf("; skipped %d, listed under Inputs", skipped)
	}
	t.wrap("  ", line+".")
	if n := len(t.r.Findings); n > 0 {
		t.printf("  %s below, for the record.\n", plural(n, "informational finding is", "informational findings are"))
	}
}

func (t *textWriter) summary() {
	if len(t.r.Findings) == 0 {
		return
	}
	t.heading("Findings")
	rows := make([][]string, 0, len(t.r.Findings))
	for i, f := range t.r.Findings {
		rows = append(rows, []string{strconv.Itoa(i + 1), f.Severity, percent(f.Confidence),
			f.Cause, cut(printable(f.Title), cellWidth), strconv.Itoa(f.Count), clock(f.FirstSeen, t.r.Display)})
	}
	t.table([]string{"#", "Severity", "Confidence", "Cause", "Title", "Count", "First seen"}, rows, 0, 2, 5)
}

func (t *textWriter) finding(i int) {
	f := &t.r.Findings[i]
	t.heading(fmt.Sprintf("Finding %d of %d: %s", i+1, len(t.r.Findings), printable(f.Title)))
	t.printf("  %s, confidence %s, cause %s, rule %s\n", t.paint(severityColor(f.Level), f.Severity),
		percent(f.Confidence), f.Cause, f.Rule)
	t.wrap("  ", printable(f.Summary))
	t.field("Subjects", printable(subjectsText(f.Subjects)))
	t.field("Seen", fmt.Sprintf("%s (%s)", span(f.FirstSeen, f.LastSeen, t.r.Display), plural(f.Count, "time", "times")))
	t.field("Evidence from", strings.Join(f.Kinds, ", "))
	t.field("Would settle it", printable(f.Missing))
	t.field("Explains", printable(strings.Join(f.Explains, "; ")))
	t.field("Wireshark filter", printable(f.DisplayFilter))
	t.evidence(f)
	if len(f.Remediation) > 0 {
		t.printf("  Fix:\n")
		for j, s := range f.Remediation {
			t.wrap(fmt.Sprintf("    %d. ", j+1), printable(s))
		}
	}
}

// field prints "  Name: value" when there is a value.
func (t *textWriter) field(name, value string) {
	if value != "" {
		t.wrap("  ", name+": "+value)
	}
}

func (t *textWriter) evidence(f *Finding) {
	if len(f.Evidence) == 0 {
		return
	}
	if len(f.Evidence) < f.Count {
		t.printf("  Evidence (first %d of %d):\n", len(f.Evidence), f.Count)
	} else {
		t.printf("  Evidence:\n")
	}
	for _, e := range f.Evidence {
		t.printf("    %s  %s\n", clock(e.Time, t.r.Display), printable(where(e.Source, e.Line, e.Packet)))
		if e.Text != "" {
			t.printf("      %s\n", printable(e.Text))
		}
	}
}

func (t *textWriter) nodes() {
	if len(t.r.Nodes) == 0 {
		return
	}
	t.heading("Nodes")
	rows := make([][]string, 0, len(t.r.Nodes))
	for _, n := range t.r.Nodes {
		addr := n.Addr
		if len(n.OtherAddrs) > 0 {
			addr += " (also " + strings.Join(n.OtherAddrs, ", ") + ")"
		}
		rows = append(rows, []string{n.ID, printable(n.Host), printable(addr), findingRefs(n.Findings),
			countsText(n.Events), countsText(n.Flows)})
	}
	t.table([]string{"Node", "Host", "Address", "Findings", "Log events", "Flows"}, rows)
}

// findingRefs lists finding numbers as the report shows them: "#1, #3".
func findingRefs(idx []int) string {
	parts := make([]string, 0, len(idx))
	for _, i := range idx {
		parts = append(parts, "#"+strconv.Itoa(i+1))
	}
	return strings.Join(parts, ", ")
}

func (t *textWriter) inputs() {
	read, skipped, _, _ := t.r.Totals()
	t.heading(fmt.Sprintf("Inputs (%d read, %d skipped)", read, skipped))
	rows := make([][]string, 0, len(t.r.Inputs))
	var problems, skips []string
	for _, in := range t.r.Inputs {
		path, status := printable(in.Path), inputStatus(in)
		rows = append(rows, []string{cut(path, cellWidth), in.Format, printable(in.Layout),
			printable(in.Host), strconv.Itoa(in.Packets), strconv.Itoa(in.Events),
			strconv.Itoa(in.Unparsed), cut(status, cellWidth)})
		for _, p := range in.Problems {
			problems = append(problems, printable(in.Path+": "+p))
		}
		// The table cuts long cells; why an input was skipped is what the
		// reader must be able to act on, so a cut reason is repeated whole.
		if in.Skipped != "" && (cut(status, cellWidth) != status || cut(path, cellWidth) != path) {
			skips = append(skips, path+": "+printable(in.Skipped))
		}
	}
	t.table([]string{"Path", "Format", "Layout", "Host", "Packets", "Events", "Unparsed", "Status"}, rows, 4, 5, 6)
	t.list("  Skipped, in full:\n", skips)
	t.list("  Problems while reading:\n", problems)
}

// list prints a heading and one wrapped bullet per item; nothing when
// there are no items.
func (t *textWriter) list(heading string, items []string) {
	if len(items) == 0 {
		return
	}
	t.printf("%s", heading)
	for _, it := range items {
		t.wrap("    - ", it)
	}
}

// inputStatus says in a word or a reason what became of an input.
func inputStatus(in Input) string {
	switch {
	case in.Skipped != "":
		return "skipped: " + printable(in.Skipped)
	case len(in.Problems) > 0:
		return "read, " + plural(len(in.Problems), "problem", "problems")
	}
	return "read"
}

func (t *textWriter) notes() {
	if len(t.r.Notes) == 0 {
		return
	}
	t.heading("Notes")
	for _, n := range t.r.Notes {
		t.wrap("  - ", printable(n))
	}
}

func (t *textWriter) timeline() {
	if t.r.Timeline == nil {
		return
	}
	t.heading(fmt.Sprintf("Timeline (%s, times in %s)", plural(len(t.r.Timeline), "entry", "entries"), t.r.Display))
	// Two passes, widths first, so a timeline of millions of entries
	// streams out aligned without being held twice in memory.
	var wHost, wKind, wSubj, wWhere int
	for i := range t.r.Timeline {
		c := timelineCells(&t.r.Timeline[i])
		wHost, wKind = max(wHost, runeLen(c[0])), max(wKind, runeLen(c[1]))
		wSubj, wWhere = max(wSubj, runeLen(c[2])), max(wWhere, runeLen(c[3]))
	}
	for i := range t.r.Timeline {
		e := &t.r.Timeline[i]
		c := timelineCells(e)
		t.printf("  %s  %s  %s  %s  %s  %s\n", clock(e.Time, t.r.Display), pad(c[0], wHost), pad(c[1], wKind),
			pad(c[2], wSubj), pad(c[3], wWhere), printable(e.Text))
	}
}

// timelineCells are the aligned columns of a timeline line: host, kind,
// node/address, place.
func timelineCells(e *TimelineEntry) [4]string {
	return [4]string{dash(printable(e.Host)), e.Kind, dash(printable(nodeAddr(e.Node, e.Addr))),
		printable(where(e.Source, e.Line, e.Packet))}
}

func runeLen(s string) int { return utf8.RuneCountInString(s) }

// pad right-pads s with spaces to n runes.
func pad(s string, n int) string {
	if k := n - runeLen(s); k > 0 {
		return s + strings.Repeat(" ", k)
	}
	return s
}

// nodeAddr prints a timeline entry's subject: "node 3 10.0.4.33:9092".
func nodeAddr(node, addr string) string {
	switch {
	case node != "" && addr != "":
		return "node " + node + " " + addr
	case node != "":
		return "node " + node
	}
	return addr
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// table renders a bordered table. Cells are already printable; the
// columns listed in right (numbers) are right-aligned, as tablewriter v1
// no longer guesses.
func (t *textWriter) table(header []string, rows [][]string, right ...int) {
	if t.err != nil {
		return
	}
	align := make([]tw.Align, len(header))
	for i := range align {
		align[i] = tw.AlignLeft
	}
	for _, i := range right {
		align[i] = tw.AlignRight
	}
	tb := tablewriter.NewTable(t.w,
		tablewriter.WithRowAutoWrap(tw.WrapNone),
		tablewriter.WithHeaderAutoWrap(tw.WrapNone),
		tablewriter.WithHeaderAlignment(tw.AlignLeft),
		tablewriter.WithRowAlignmentConfig(tw.CellAlignment{Global: tw.AlignLeft, PerColumn: align}),
	)
	tb.Header(header)
	for _, row := range rows {
		if t.err = tb.Append(row); t.err != nil {
			return
		}
	}
	t.err = tb.Render()
}

// wrap prints s after prefix, wrapped at the report width; continuation
// lines are indented under the first character of s.
func (t *textWriter) wrap(prefix, s string) {
	if s == "" {
		return
	}
	indent := strings.Repeat(" ", len([]rune(prefix)))
	width := t.o.Width - len(indent)
	if width < 20 {
		width = 20
	}
	line, lead := "", prefix
	for _, word := range strings.Fields(s) {
		if line != "" && len([]rune(line))+1+len([]rune(word)) > width {
			t.printf("%s%s\n", lead, line)
			line, lead = "", indent
		}
		if line == "" {
			line = word
		} else {
			line += " " + word
		}
	}
	t.printf("%s%s\n", lead, line)
}

// ANSI styles; used only when TextOptions.Color is set.
const (
	ansiBold   = "\x1b[1m"
	ansiRed    = "\x1b[1;31m"
	ansiYellow = "\x1b[33m"
	ansiCyan   = "\x1b[36m"
	ansiGreen  = "\x1b[32m"
	ansiReset  = "\x1b[0m"
)

func (t *textWriter) paint(style, s string) string {
	if !t.o.Color {
		return s
	}
	return style + s + ansiReset
}

func severityColor(s analyzer.Severity) string {
	switch s {
	case analyzer.Critical:
		return ansiRed
	case analyzer.Warning:
		return ansiYellow
	}
	return ansiCyan
}
