package report

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kafkadiag/kafkadiag/analyzer"
)

type reportScenario struct {
	name string
	res  func() *analyzer.Result
	opts Options
}

func reportScenarios(t *testing.T) []reportScenario {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	return []reportScenario{
		{"stale_arp", staleARPResult, Options{}},
		{"idle_reset_timeline", idleResetResult, Options{Zone: berlin, Timeline: true}},
		{"healthy", healthyResult, Options{}},
		{"skipped_inputs", skippedResult, Options{}},
	}
}

type reportWriter struct {
	ext   string
	write func(*bytes.Buffer, *Report) error
}

var reportWriters = []reportWriter{
	{"json", func(b *bytes.Buffer, r *Report) error { return WriteJSON(b, r) }},
	{"md", func(b *bytes.Buffer, r *Report) error { return WriteMarkdown(b, r) }},
	{"txt", func(b *bytes.Buffer, r *Report) error { return WriteText(b, r, TextOptions{}) }},
}

func TestGolden(t *testing.T) {
	for _, sc := range reportScenarios(t) {
		for _, w := range reportWriters {
			t.Run(sc.name+"."+w.ext, func(t *testing.T) {
				var got bytes.Buffer
				if err := w.write(&got, Build(sc.res(), sc.opts)); err != nil {
					t.Fatal(err)
				}
				checkGolden(t, filepath.Join("testdata", sc.name+"."+w.ext+".golden"), got.Bytes())
			})
		}
	}
}

// TestSameBytes builds each report twice and checks the reportWriters agree with
// themselves: no map order or pointer leaks into the output.
func TestSameBytes(t *testing.T) {
	for _, sc := range reportScenarios(t) {
		for _, w := range reportWriters {
			var a, b bytes.Buffer
			for _, buf := range []*bytes.Buffer{&a, &b} {
				if err := w.write(buf, Build(sc.res(), sc.opts)); err != nil {
					t.Fatal(err)
				}
			}
			if !bytes.Equal(a.Bytes(), b.Bytes()) {
				t.Errorf("%s.%s: two runs gave different bytes", sc.name, w.ext)
			}
		}
	}
}

func TestPrimary(t *testing.T) {
	info := analyzer.Finding{Cause: analyzer.BrokerRestart, Severity: analyzer.Info, Confidence: 0.9}
	warn := analyzer.Finding{Cause: analyzer.ConnectionRefusedCause, Severity: analyzer.Warning, Confidence: 0.5}
	tests := []struct {
		name     string
		findings []analyzer.Finding
		want     string // cause of the primary, "" for none
	}{
		{"none", nil, ""},
		{"only info", []analyzer.Finding{info}, ""},
		{"warning", []analyzer.Finding{warn}, string(warn.Cause)},
		// findings[0] leads once anything reaches warning: the analyzer's
		// order is the contract's "most likely first".
		{"info first, warning later", []analyzer.Finding{info, warn}, string(info.Cause)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Build(&analyzer.Result{Incident: &analyzer.Incident{}, Findings: tt.findings}, Options{})
			got := ""
			if p := r.Primary(); p != nil {
				got = p.Cause
			}
			if got != tt.want {
				t.Errorf("Primary() = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestUnexplained: with no finding at warning, trouble events that no
// finding cites turn "no problem found" into "no cause identified"; closes,
// connects and kinds an informational finding cites do not.
func TestUnexplained(t *testing.T) {
	ev := func(kind analyzer.EventKind, line int) analyzer.Event {
		return analyzer.Event{Kind: kind, Source: analyzer.Location{Path: "c.log", Line: line}}
	}
	events := []analyzer.Event{ev(analyzer.ConnectionReset, 1), ev(analyzer.ConnectionReset, 2), ev(analyzer.InvalidReceive, 3),
		ev(analyzer.Disconnected, 4), ev(analyzer.Connected, 5), ev(analyzer.NodeDisconnected, 6)}
	citing := analyzer.Finding{Cause: analyzer.IdleTimeoutReset, Severity: analyzer.Info, Confidence: 0.6,
		Evidence: []analyzer.Evidence{{Location: analyzer.Location{Path: "c.log", Line: 1}}}}
	warn := analyzer.Finding{Cause: analyzer.ConnectionRefusedCause, Severity: analyzer.Warning, Confidence: 0.5}
	tests := []struct {
		name     string
		events   []analyzer.Event
		findings []analyzer.Finding
		want     string // UnexplainedText, "" for none
		headline string
	}{
		{"trouble, no finding", events, nil,
			"3 log events show trouble that no rule explains (connection-reset ×2, invalid-receive ×1)", "No cause identified"},
		{"an info finding cites the resets", events, []analyzer.Finding{citing},
			"1 log event shows trouble that no rule explains (invalid-receive ×1)", "No cause identified"},
		{"only closes and connects", events[3:], nil, "", "No problem found"},
		{"one reset alone is routine", events[1:2], nil, "", "No problem found"},
		{"a warning finding leads", events, []analyzer.Finding{warn}, "", "Primary cause"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Build(&analyzer.Result{Incident: &analyzer.Incident{Events: tt.events}, Findings: tt.findings}, Options{Chart: true})
			if got := r.UnexplainedText(); !strings.HasPrefix(got, tt.want) || (tt.want == "") != (got == "") {
				t.Errorf("UnexplainedText() = %q, want %q…", got, tt.want)
			}
			for name, write := range map[string]func(*strings.Builder) error{
				"text":     func(b *strings.Builder) error { return WriteText(b, r, TextOptions{}) },
				"markdown": func(b *strings.Builder) error { return WriteMarkdown(b, r) },
				"html":     func(b *strings.Builder) error { return WriteHTML(b, r) },
			} {
				var b strings.Builder
				if err := write(&b); err != nil {
					t.Fatal(err)
				}
				if !strings.Contains(b.String(), tt.headline) {
					t.Errorf("%s report lacks %q", name, tt.headline)
				}
			}
		})
	}
}

func TestBuildNilSafe(t *testing.T) {
	for _, res := range []*analyzer.Result{nil, {}, {Incident: &analyzer.Incident{}}} {
		var buf bytes.Buffer
		r := Build(res, Options{Timeline: true})
		for _, w := range reportWriters {
			buf.Reset()
			if err := w.write(&buf, r); err != nil {
				t.Errorf("%s: %v", w.ext, err)
			}
		}
	}
}

func TestNodes(t *testing.T) {
	r := Build(staleARPResult(), Options{})
	want := []Node{
		{ID: "3", Host: "kafka-3", Addr: "10.0.4.33:9092", OtherAddrs: []string{}, Findings: []int{0, 1},
			Events: map[string]int{"connect-failed": 2}, Flows: map[string]int{"S1": 1, "SF": 1}},
		{ID: "-1", Host: "kafka-1", Addr: "10.0.4.31:9092", OtherAddrs: []string{}, Bootstrap: true, Findings: []int{},
			Events: map[string]int{"connected": 1}, Flows: map[string]int{}},
	}
	if diff := cmp.Diff(want, r.Nodes); diff != "" {
		t.Errorf("nodes (-want +got):\n%s", diff)
	}
}

func TestTimestampRoundTrip(t *testing.T) {
	tests := []struct {
		in   time.Time
		json string
	}{
		{time.Time{}, `""`},
		{time.Date(2024, 5, 2, 10, 0, 1, 0, time.UTC), `"2024-05-02T10:00:01Z"`},
		{time.Date(2024, 5, 2, 12, 0, 1, 250_000_000, time.FixedZone("CEST", 7200)), `"2024-05-02T10:00:01.25Z"`},
	}
	for _, tt := range tests {
		b, err := json.Marshal(Timestamp{tt.in})
		if err != nil {
			t.Fatal(err)
		}
		if string(b) != tt.json {
			t.Errorf("json.Marshal(%v) = %s, want %s", tt.in, b, tt.json)
		}
		var back Timestamp
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatal(err)
		}
		if !back.Equal(tt.in) {
			t.Errorf("round trip of %v gave %v", tt.in, back.Time)
		}
	}
}

func TestRoundConfidence(t *testing.T) {
	tests := []struct{ in, want float64 }{
		{0.1 + 0.2, 0.3}, {0.92, 0.92}, {0.12345, 0.123}, {0.9996, 1}, {1.7, 1}, {-0.2, 0},
	}
	for _, tt := range tests {
		if got := roundConfidence(tt.in); got != tt.want {
			t.Errorf("roundConfidence(%v) = %v, want %v", tt.in, got, tt.want)
		}
	}
}
