package report

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/net/html"

	"github.com/kafkadiag/kafkadiag/analyzer"
)

// hostileLines are log texts built to break out of an HTML page: markup,
// script, attribute breakers, SVG and CSS escapes, control and bidi
// characters, invalid UTF-8.
var hostileLines = []string{
	`<script>alert(1)</script>`,
	`</script><script>alert(2)</script>`,
	`</title><img src=x onerror=alert(3)>`,
	`" onmouseover="alert(4)" x="`,
	`' onfocus='alert(5)' autofocus='`,
	`</style><style>*{display:none}</style>`,
	`<svg onload=alert(6)><a href="javascript:alert(7)">x</a></svg>`,
	`]]><!-- --><![CDATA[ <iframe src=//example.invalid>`,
	"bidi \u202eevil\u202c and isolate \u2066x\u2069 mark \u200f",
	"escape \x1b[31mred\x1b[0m nul \x00 bell \x07 c1 \u0085 bad utf8 \xff\xfe",
	`{{.CSP}} ${alert(8)} ` + "`backtick`",
}

// hostileResult puts the hostile lines everywhere input reaches the page:
// paths, hosts, client ids, event text, finding text, problems, notes.
func hostileResult(long string) *analyzer.Result {
	t0 := time.Date(2024, 5, 2, 10, 0, 0, 0, time.UTC)
	inc := &analyzer.Incident{Zone: time.UTC, Notes: append([]string(nil), hostileLines...)}
	var f analyzer.Finding
	f = analyzer.NewFinding(analyzer.RuleMeta{ID: "refused", Cause: analyzer.ConnectionRefusedCause,
		Title: hostileLines[0], Severity: analyzer.Warning, Fix: hostileLines}, 0.9)
	f.Summary = strings.Join(hostileLines, " ")
	f.Missing, f.DisplayFilter = hostileLines[3], hostileLines[2]
	f.Kinds, f.Explains = hostileLines[:2], hostileLines[4:6]
	for i, s := range append(append([]string(nil), hostileLines...), long) {
		path := "bundle.tgz!" + hostileLines[i%len(hostileLines)] + "/client.log"
		inc.Inputs = append(inc.Inputs, analyzer.InputStat{Path: path, Format: "kafka-log", Host: s,
			Layout: s, Problems: []string{"line 3: " + s}})
		e := analyzer.Event{Kind: analyzer.ConnectRefused, Time: t0.Add(time.Duration(i) * time.Second),
			Source: analyzer.Location{Path: path, Line: i + 1}, Program: "librdkafka", Client: s, Node: s, Text: s}
		inc.Events = append(inc.Events, e)
		f.AddEvidence(analyzer.EventEvidence(&e))
		f.Subjects = append(f.Subjects, analyzer.Subject{Node: s, Client: s})
		inc.Events = append(inc.Events, analyzer.Event{Kind: analyzer.BrokerStarted, Time: e.Time,
			Source: e.Source, Program: "java-broker", Host: s, Node: s, Text: s})
	}
	f.Evidence[0].Text = long // past AddEvidence's cut: the page must still bound it
	return &analyzer.Result{Incident: inc, Findings: []analyzer.Finding{f}}
}

// TestHTMLHostileInputIsInert parses the page as a browser would: the only
// elements are the template's own, no attribute is an event handler or a
// script URL, there is one script element (ours), and control and bidi
// characters from the logs arrive as visible escapes.
func TestHTMLHostileInputIsInert(t *testing.T) {
	long := strings.Repeat("<b>x</b>\u202e", 200000) // ~2.6 MB on one line
	var b bytes.Buffer
	if err := WriteHTML(&b, Build(hostileResult(long), Options{Chart: true})); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	if len(page) > 400000 {
		t.Errorf("page is %d bytes: the long line was not bounded", len(page))
	}
	tags := map[string]int{}
	z := html.NewTokenizer(strings.NewReader(page))
	for tt := z.Next(); tt != html.ErrorToken; tt = z.Next() {
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		tok := z.Token()
		tags[tok.Data]++
		for _, a := range tok.Attr {
			if strings.HasPrefix(a.Key, "on") || strings.Contains(strings.ToLower(a.Val), "javascript:") {
				t.Errorf("<%s %s=%q>: handler or script URL reached the page", tok.Data, a.Key, a.Val)
			}
		}
	}
	for _, bad := range []string{"img", "iframe", "a href", "b", "style2"} {
		if tags[bad] > 0 {
			t.Errorf("%d <%s> elements from log text", tags[bad], bad)
		}
	}
	if diff := cmp.Diff(map[string]int{"script": 1, "style": 1, "title": tags["title"]},
		map[string]int{"script": tags["script"], "style": tags["style"], "title": tags["title"]}); diff != "" {
		t.Errorf("script/style elements (-want +got):\n%s", diff)
	}
	for _, raw := range []string{"\u202e", "\u2066", "\u200f", "\x1b", "\x00", "\x07", "\u0085", "\xff"} {
		if strings.Contains(page, raw) {
			t.Errorf("page carries raw %q", raw)
		}
	}
	for _, shown := range []string{`\u202e`, `\x1b[31mred`, `&lt;script&gt;alert(1)&lt;/script&gt;`} {
		if !strings.Contains(page, shown) {
			t.Errorf("page does not show %q as text", shown)
		}
	}
}
