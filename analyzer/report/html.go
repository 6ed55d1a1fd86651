package report

import (
	"bufio"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"errors"
	"html/template"
	"io"
	"strings"
)

// The page's template, style and script ship inside the binary: the
// report is one file that opens anywhere, offline, with nothing fetched.
//
//go:embed html/report.html.tmpl html/style.css html/script.js
var htmlFiles embed.FS

var (
	htmlCSS  = mustRead("html/style.css")
	htmlJS   = mustRead("html/script.js")
	htmlTmpl = template.Must(template.New("report.html.tmpl").Funcs(htmlFuncs).ParseFS(htmlFiles, "html/report.html.tmpl"))
	// htmlCSP allows the page's own script (by hash) and inline styles, and
	// nothing else: no fetch, no image, no font, no form can leave the file.
	htmlCSP = "default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-" + hashB64(htmlJS) +
		"'; img-src data:; base-uri 'none'; form-action 'none'"
)

func mustRead(name string) string {
	b, err := htmlFiles.ReadFile(name)
	if err != nil {
		panic(err) // embedded at build time: cannot fail at run time
	}
	return string(b)
}

func hashB64(s string) string {
	sum := sha256.Sum256([]byte(s))
	return base64.StdEncoding.EncodeToString(sum[:])
}

// maxListedMarks bounds the table of every timeline mark under the chart.
const maxListedMarks = 2000

// WriteHTML writes the report as one self-contained HTML page: inline CSS,
// inline SVG drawn here, a small inline script for click details (the page
// reads the same with scripts off). Every string from the inputs goes
// through html/template's contextual escaping, after printable has made
// control and bidirectional characters visible.
//
// The report must come from Build with Options.Chart set.
func WriteHTML(w io.Writer, r *Report) error {
	if r.Chart == nil {
		return errors.New("report: WriteHTML needs a report built with Options.Chart")
	}
	bw := bufio.NewWriter(w)
	if err := htmlTmpl.Execute(bw, newHTMLView(r)); err != nil {
		return err
	}
	return bw.Flush()
}

// htmlView is what the template reads: the report plus the drawings.
type htmlView struct {
	*Report
	CSS      template.CSS
	JS       template.JS
	CSP      string
	Primary  *Finding
	Findings []htmlFinding
	Timeline *svgTimeline
	Legend   []legendItem
	Marks    []markRow
	// MoreMarks counts marks left out of the table.
	MoreMarks int
	Lanes     map[string]string
	FlowRows  []stateRow
	Read      int
	Skipped   int
	Packets   int
	Events    int
	Problems  int
}

type htmlFinding struct {
	*Finding
	N         int
	Histogram *svgHistogram
}

type legendItem struct {
	Kind  MarkKind
	Label string
}

type markRow struct {
	Mark
	Lane string
}

type stateRow struct {
	State   string
	Count   int
	Meaning string
}

func newHTMLView(r *Report) *htmlView {
	v := &htmlView{Report: r, CSS: template.CSS(htmlCSS), JS: template.JS(htmlJS), CSP: htmlCSP,
		Primary: r.Primary(), Lanes: map[string]string{}}
	v.Read, v.Skipped, v.Packets, v.Events = r.Totals()
	for i := range r.Findings {
		v.Findings = append(v.Findings, htmlFinding{Finding: &r.Findings[i], N: i + 1,
			Histogram: layoutHistogram(r.Findings[i].Idle)})
	}
	v.Timeline = layoutTimeline(r.Chart, r.Display)
	if v.Timeline != nil {
		for _, k := range v.Timeline.Kinds {
			v.Legend = append(v.Legend, legendItem{Kind: k, Label: markLabels[k]})
		}
	}
	for _, l := range r.Chart.Lanes {
		v.Lanes[l.Key] = l.Label
	}
	for i, m := range r.Chart.Marks {
		if i == maxListedMarks {
			v.MoreMarks = len(r.Chart.Marks) - i
			break
		}
		v.Marks = append(v.Marks, markRow{Mark: m, Lane: v.Lanes[m.Lane]})
	}
	for _, s := range sortedKeys(r.Flows.ByState) {
		v.FlowRows = append(v.FlowRows, stateRow{State: s, Count: r.Flows.ByState[s], Meaning: connStateMeaning[s]})
	}
	for _, in := range r.Inputs {
		v.Problems += len(in.Problems)
	}
	return v
}

// connStateMeaning explains Zeek's conn_state values in words.
var connStateMeaning = map[string]string{
	"S0":     "SYN sent, never answered",
	"S1":     "established, not closed within the capture",
	"SF":     "established and closed normally",
	"REJ":    "refused: the SYN was answered with RST",
	"S2":     "established; only the client closed",
	"S3":     "established; only the server closed",
	"RSTO":   "established, then reset by the client side",
	"RSTR":   "established, then reset by the server side",
	"RSTOS0": "client sent SYN then RST, no SYN-ACK seen",
	"RSTRH":  "server sent SYN-ACK then RST, no client SYN seen",
	"SH":     "client sent SYN then FIN, no SYN-ACK seen",
	"SHR":    "server sent SYN-ACK then FIN, no client SYN seen",
	"OTH":    "no SYN seen: the capture began mid-connection",
}

// maxCell bounds any one string from the inputs on the page, in runes:
// a megabyte-long host name or problem text must not make a megabyte page.
const maxCell = 4096

// shown makes untrusted text fit for the page: cut to n runes (the bytes
// first, so a huge string costs no more than a short one), control and
// bidi characters made visible. html/template escapes the rest.
func shown(s string, n int) string {
	if len(s) > 4*n {
		s = s[:4*n]
	}
	return cut(printable(s), n)
}

var htmlFuncs = template.FuncMap{
	"pr":       func(s string) string { return shown(s, maxCell) },
	"cut":      func(n int, s string) string { return shown(s, n) },
	"clock":    clock,
	"span":     span,
	"percent":  percent,
	"where":    func(e Evidence) string { return shown(where(e.Source, e.Line, e.Packet), maxCell) },
	"subjects": func(ss []Subject) string { return shown(subjectsText(ss), maxCell) },
	"plural":   plural,
	"counts":   func(m map[string]int) string { return shown(countsText(m), maxCell) },
	"join":     func(ss []string) string { return shown(strings.Join(ss, ", "), maxCell) },
	"zoneText": func(r *Report) string { return shown(zoneSentence(r), maxCell) },
	"status":   func(in Input) string { return shown(inputStatus(in), maxCell) },
	"shape":    func(k MarkKind) string { return markShapes[k] },
	"label":    func(k MarkKind) string { return markLabels[k] },
	"add":      func(a, b float64) float64 { return a + b },
	"add1":     func(i int) int { return i + 1 },
	"sub":      func(a, b float64) float64 { return a - b },
	"addrs": func(n Node) string {
		return shown(strings.Join(append([]string{n.Addr}, n.OtherAddrs...), ", "), maxCell)
	},
}
