package report

import (
	"bufio"
	"io"
	"strconv"
	"strings"
)

// WriteMarkdown writes the report as GitHub-flavoured Markdown, to paste
// into a ticket. Log text goes into code spans (so nothing in it renders as
// markup), with the pipes escaped inside tables; prose written by rules is
// escaped as text, since it quotes host names and values from the logs.
func WriteMarkdown(w io.Writer, r *Report) error {
	bw := bufio.NewWriter(w)
	m := &mdWriter{textWriter{w: bw, r: r}}
	m.printf("# kafkadiag report\n\n%s\n", mdText(zoneSentence(r)))
	m.verdict()
	m.summary()
	for i := range r.Findings {
		m.finding(i)
	}
	m.nodes()
	m.inputs()
	m.notes()
	m.timeline()
	if m.err != nil {
		return m.err
	}
	return bw.Flush()
}

// mdWriter reuses textWriter's error-holding printf.
type mdWriter struct{ textWriter }

func (m *mdWriter) verdict() {
	p := m.r.Primary()
	if p == nil {
		read, skipped, packets, events := m.r.Totals()
		headline := "No problem found"
		if u := m.r.UnexplainedText(); u != "" {
			headline = "No cause identified"
			defer m.printf("\nBut %s.\n", mdText(u))
		}
		m.printf("\n**%s:** no finding at warning level or above. Read %s (%s, %s, %s)", headline,
			plural(read, "input", "inputs"), plural(packets, "packet", "packets"),
			plural(events, "log event", "log events"), plural(m.r.Flows.Total, "TCP flow", "TCP flows"))
		if skipped > 0 {
			m.printf("; skipped %d, listed under Inputs", skipped)
		}
		m.printf(".\n")
		return
	}
	m.printf("\n> **Primary cause: %s** (%s, confidence %s, cause `%s`)\n", mdText(p.Title), p.Severity,
		percent(p.Confidence), p.Cause)
	if p.Summary != "" {
		m.printf(">\n> %s\n", mdText(p.Summary))
	}
	if len(p.Remediation) > 0 {
		m.printf(">\n> **First fix:** %s\n", mdText(p.Remediation[0]))
	}
}

func (m *mdWriter) summary() {
	if len(m.r.Findings) == 0 {
		return
	}
	m.printf("\n## Findings\n\n| # | Severity | Confidence | Cause | Title | Count | First seen |\n|---:|---|---:|---|---|---:|---|\n")
	for i, f := range m.r.Findings {
		m.printf("| %d | %s | %s | `%s` | %s | %d | %s |\n", i+1, f.Severity, percent(f.Confidence),
			f.Cause, mdText(f.Title), f.Count, clock(f.FirstSeen, m.r.Display))
	}
}

func (m *mdWriter) finding(i int) {
	f := &m.r.Findings[i]
	m.printf("\n### %d. %s\n\n", i+1, mdText(f.Title))
	m.printf("- **Severity:** %s, **confidence:** %s, **cause:** `%s`, **rule:** `%s`\n", f.Severity,
		percent(f.Confidence), f.Cause, f.Rule)
	if s := subjectsText(f.Subjects); s != "" {
		m.printf("- **Subjects:** %s\n", mdText(s))
	}
	m.printf("- **Seen:** %s (%s)\n", span(f.FirstSeen, f.LastSeen, m.r.Display), plural(f.Count, "time", "times"))
	if len(f.Kinds) > 0 {
		m.printf("- **Evidence from:** %s\n", mdText(strings.Join(f.Kinds, ", ")))
	}
	if f.Missing != "" {
		m.printf("- **Would settle it:** %s\n", mdText(f.Missing))
	}
	if len(f.Explains) > 0 {
		m.printf("- **Explains:** %s\n", mdText(strings.Join(f.Explains, "; ")))
	}
	if f.DisplayFilter != "" {
		m.printf("- **Wireshark filter:** %s\n", mdCode(f.DisplayFilter, false))
	}
	if f.Summary != "" {
		m.printf("\n%s\n", mdText(f.Summary))
	}
	m.evidence(f)
	if len(f.Remediation) > 0 {
		m.printf("\n**Fix**\n\n")
		for j, s := range f.Remediation {
			m.printf("%d. %s\n", j+1, mdText(s))
		}
	}
}

func (m *mdWriter) evidence(f *Finding) {
	if len(f.Evidence) == 0 {
		return
	}
	if len(f.Evidence) < f.Count {
		m.printf("\n**Evidence** (first %d of %d)\n\n", len(f.Evidence), f.Count)
	} else {
		m.printf("\n**Evidence**\n\n")
	}
	m.printf("| Time | Where | Text |\n|---|---|---|\n")
	for _, e := range f.Evidence {
		m.printf("| %s | %s | %s |\n", clock(e.Time, m.r.Display),
			mdCode(where(e.Source, e.Line, e.Packet), true), mdCode(e.Text, true))
	}
}

func (m *mdWriter) nodes() {
	if len(m.r.Nodes) == 0 {
		return
	}
	m.printf("\n## Nodes\n\n| Node | Host | Address | Findings | Log events | Flows |\n|---|---|---|---|---|---|\n")
	for _, n := range m.r.Nodes {
		addrs := append([]string{n.Addr}, n.OtherAddrs...)
		m.printf("| %s | %s | %s | %s | %s | %s |\n", mdCode(n.ID, true), mdCode(n.Host, true),
			mdCode(strings.Join(addrs, ", "), true), mdFindingRefs(n.Findings),
			mdText(countsText(n.Events)), mdText(countsText(n.Flows)))
	}
}

func (m *mdWriter) inputs() {
	read, skipped, _, _ := m.r.Totals()
	m.printf("\n## Inputs (%d read, %d skipped)\n\n", read, skipped)
	m.printf("| Path | Format | Layout | Host | Packets | Events | Unparsed | Status |\n|---|---|---|---|---:|---:|---:|---|\n")
	var problems []string
	for _, in := range m.r.Inputs {
		m.printf("| %s | %s | %s | %s | %d | %d | %d | %s |\n", mdCode(in.Path, true), mdText(in.Format),
			mdText(in.Layout), mdCode(in.Host, true), in.Packets, in.Events, in.Unparsed, mdText(inputStatus(in)))
		for _, p := range in.Problems {
			problems = append(problems, mdCode(in.Path, false)+": "+mdText(p))
		}
	}
	if len(problems) > 0 {
		m.printf("\nProblems while reading:\n\n")
		for _, p := range problems {
			m.printf("- %s\n", p)
		}
	}
}

func (m *mdWriter) notes() {
	if len(m.r.Notes) == 0 {
		return
	}
	m.printf("\n## Notes\n\n")
	for _, n := range m.r.Notes {
		m.printf("- %s\n", mdText(n))
	}
}

func (m *mdWriter) timeline() {
	if m.r.Timeline == nil {
		return
	}
	m.printf("\n## Timeline\n\n%s, times in %s.\n\n", plural(len(m.r.Timeline), "entry", "entries"), m.r.Display)
	m.printf("| Time | Host | Kind | Node / address | Where | Text |\n|---|---|---|---|---|---|\n")
	for _, e := range m.r.Timeline {
		m.printf("| %s | %s | %s | %s | %s | %s |\n", clock(e.Time, m.r.Display), mdCode(e.Host, true),
			mdText(e.Kind), mdCode(nodeAddr(e.Node, e.Addr), true),
			mdCode(where(e.Source, e.Line, e.Packet), true), mdCode(e.Text, true))
	}
}

// mdSpecial are the characters that can start Markdown syntax inside a
// line, plus GitHub's autolinks: "#12" links an issue, "@name" pings a user.
const mdSpecial = "\\`*_[]<>|~#!&@"

// mdText escapes prose so it renders as written: each Markdown-special
// character gets a backslash, line breaks become spaces.
func mdText(s string) string {
	s = printable(s)
	if !strings.ContainsAny(s, mdSpecial) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(mdSpecial, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// mdCode wraps text in a code span that survives any backticks inside it:
// the fence is one backtick longer than the longest run in the text, padded
// with spaces when the text starts or ends with one. In a table cell the
// pipes are escaped, which GitHub removes again inside the span. "" gives
// an empty string, never an empty span (which would print as backticks).
func mdCode(s string, inTable bool) string {
	s = printable(s)
	if s == "" {
		return ""
	}
	if inTable {
		s = strings.ReplaceAll(s, "|", `\|`)
	}
	fence := strings.Repeat("`", longestRun(s, '`')+1)
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") ||
		(strings.HasPrefix(s, " ") && strings.HasSuffix(s, " ") && strings.Trim(s, " ") != "") {
		s = " " + s + " "
	}
	return fence + s + fence
}

func longestRun(s string, c byte) int {
	best, run := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			run++
			best = max(best, run)
		} else {
			run = 0
		}
	}
	return best
}

// mdFindingRefs lists finding numbers without "#", which GitHub would turn
// into links to unrelated issues.
func mdFindingRefs(idx []int) string {
	parts := make([]string, 0, len(idx))
	for _, i := range idx {
		parts = append(parts, strconv.Itoa(i+1))
	}
	return strings.Join(parts, ", ")
}
