package analyzer

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// lineParser is a minimal text parser for pipeline tests: it claims inputs
// starting with "EVT " and emits one event per line, with the time given
// after the marker ("EVT 2024-01-02T03:04:05Z text"), or NoYear when the
// time is written "Jan 02 03:04:05".
type lineParser struct{}

func (lineParser) Format() string         { return "test-lines" }
func (lineParser) Sniff(head []byte) bool { return strings.HasPrefix(string(head), "EVT ") }
func (lineParser) Parse(ctx context.Context, src *Source, sink Sink) (Stats, error) {
	var st Stats
	for n := 1; ; n++ {
		line, err := src.R.ReadString('\n')
		if line = strings.TrimSpace(line); line != "" {
			st.Lines++
			e := Event{Kind: ConnectRefused, Source: Location{Path: src.Path, Line: n}, Text: line}
			rest := strings.TrimPrefix(line, "EVT ")
			if t, perr := time.Parse(time.RFC3339, strings.Fields(rest)[0]); perr == nil {
				e.Time = t
			} else if t, perr := time.Parse(time.Stamp, rest[:15]); perr == nil {
				e.Time, e.NoYear = t, true
			}
			sink.Event(e)
			st.Events++
		}
		if err == io.EOF {
			return st, nil
		}
		if err != nil {
			return st, err
		}
	}
}

func write(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestCollectSkipsAndSorts(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "broker-1/a.log", "EVT 2024-01-02T03:04:06Z second\nEVT 2024-01-02T03:04:05Z first\n")
	write(t, dir, "notes.txt", "hello there\nnothing to see\n")
	write(t, dir, "blob.bin", "\x00\x01\x02\x03\x04\x05\x06\x07")
	write(t, dir, "empty.log", "")
	inc, err := Collect(context.Background(), []string{dir}, Options{}, []Parser{lineParser{}})
	if err != nil {
		t.Fatal(err)
	}
	type row struct{ Path, Format, Host, Skipped string }
	var got []row
	for _, in := range inc.Inputs {
		got = append(got, row{filepath.Base(in.Path), in.Format, in.Host, in.Skipped})
	}
	want := []row{
		{"blob.bin", "", "", "unknown format: binary data starting 00 01 02 03"},
		{"a.log", "test-lines", "broker-1", ""}, // broker-1/ sorts after blob.bin
		{"empty.log", "", "", "empty file"},
		{"notes.txt", "", "", `unknown format: text in no known log layout (first line "hello there")`},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("inputs (-want +got):\n%s", diff)
	}
	var texts []string
	for _, e := range inc.Events {
		texts = append(texts, e.Text)
		if e.Host != "broker-1" {
			t.Errorf("event %q host %q, want the input's host broker-1", e.Text, e.Host)
		}
	}
	if diff := cmp.Diff([]string{"EVT 2024-01-02T03:04:05Z first", "EVT 2024-01-02T03:04:06Z second"}, texts); diff != "" {
		t.Errorf("timeline order (-want +got):\n%s", diff)
	}
}

func TestCollectNothingReadable(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, "x.txt", "plain words\n")
	inc, err := Collect(context.Background(), []string{dir, filepath.Join(dir, "missing")}, Options{}, []Parser{lineParser{}})
	if !errors.Is(err, ErrNoInput) {
		t.Fatalf("err = %v, want ErrNoInput", err)
	}
	if inc == nil || len(inc.Inputs) != 2 || inc.Inputs[1].Skipped == "" {
		t.Fatalf("inputs should list both skipped paths with reasons: %+v", inc)
	}
}

// TestFillYears: journal "short" lines carry no year; the year comes from
// the other inputs, and a December line beside January evidence belongs to
// the year before.
func TestFillYears(t *testing.T) {
	tests := []struct {
		name     string
		ref      string // dated evidence
		noYear   string // Stamp layout
		want     string
		wantNote bool
	}{
		{"same year", "2024-03-03T02:14:00Z", "Mar  3 02:14:09", "2024-03-03T02:14:09Z", true},
		{"december before january", "2025-01-01T00:10:00Z", "Dec 31 23:59:50", "2024-12-31T23:59:50Z", true},
		{"january after december", "2024-12-31T23:50:00Z", "Jan  1 00:05:00", "2025-01-01T00:05:00Z", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			a := write(t, dir, "a.log", "EVT "+tc.ref+" dated\n")
			b := write(t, dir, "b.log", "EVT "+tc.noYear+" undated\n")
			inc, err := Collect(context.Background(), []string{a, b}, Options{}, []Parser{lineParser{}})
			if err != nil {
				t.Fatal(err)
			}
			var got *Event
			for i := range inc.Events {
				if strings.HasSuffix(inc.Events[i].Text, "undated") {
					got = &inc.Events[i]
				}
			}
			if got == nil || got.Time.Format(time.RFC3339) != tc.want || !got.TimeGuessed || got.NoYear {
				t.Fatalf("undated event = %+v, want time %s guessed", got, tc.want)
			}
			hasNote := false
			for _, n := range inc.Notes {
				hasNote = hasNote || strings.Contains(n, "no year")
			}
			if hasNote != tc.wantNote {
				t.Errorf("notes %q: year note present = %v, want %v", inc.Notes, hasNote, tc.wantNote)
			}
		})
	}
}

// TestFillYearsFromFileTime: with nothing else dating them, year-less
// lines take the year their file was written in, the year before when
// their day falls after that write; from standard input, which has no
// write time, they keep the placeholder and a note says so.
func TestFillYearsFromFileTime(t *testing.T) {
	tests := []struct {
		name    string
		modTime string // "" reads the file from standard input
		noYear  string // Stamp layout
		want    string
		note    string
	}{
		{"written the same year", "2023-04-16T08:00:00Z", "Apr 15 20:56:15", "2023-04-15T20:56:15Z", "modification time"},
		{"december line in a file written in january", "2024-01-02T00:00:00Z", "Dec 30 23:00:00", "2023-12-30T23:00:00Z", "modification time"},
		{"same day, a zone ahead", "2024-06-01T22:00:00Z", "Jun  1 23:30:00", "2024-06-01T23:30:00Z", "modification time"},
		{"standard input", "", "Apr 15 20:56:15", "2000-04-15T20:56:15Z", "placeholder year 2000"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			body := "EVT " + tc.noYear + " undated\n"
			paths, opts := []string{"-"}, Options{Stdin: strings.NewReader(body)}
			if tc.modTime != "" {
				p := write(t, t.TempDir(), "messages", body)
				m, _ := time.Parse(time.RFC3339, tc.modTime)
				if err := os.Chtimes(p, m, m); err != nil {
					t.Fatal(err)
				}
				paths, opts = []string{p}, Options{}
			}
			inc, err := Collect(context.Background(), paths, opts, []Parser{yearParser{}})
			if err != nil {
				t.Fatal(err)
			}
			e := inc.Events[0]
			if got := e.Time.Format(time.RFC3339); got != tc.want || e.NoYear != (tc.modTime == "") || e.TimeGuessed != (tc.modTime != "") {
				t.Errorf("event time %s (NoYear %v, guessed %v), want %s", got, e.NoYear, e.TimeGuessed, tc.want)
			}
			if !strings.Contains(strings.Join(inc.Notes, "\n"), tc.note) {
				t.Errorf("notes %q, want one mentioning %q", inc.Notes, tc.note)
			}
		})
	}
}

// yearParser is lineParser giving year-less times the journal parser's
// placeholder year, 2000.
type yearParser struct{ lineParser }

func (yearParser) Parse(ctx context.Context, src *Source, sink Sink) (Stats, error) {
	return lineParser{}.Parse(ctx, src, yearSink{sink})
}

type yearSink struct{ Sink }

func (s yearSink) Event(e Event) {
	if e.NoYear {
		e.Time = e.Time.AddDate(2000-e.Time.Year(), 0, 0)
	}
	s.Sink.Event(e)
}

type fixedRule struct {
	id       string
	cause    Cause
	sev      Severity
	conf     float64
	findings int
}

func (r fixedRule) Meta() RuleMeta {
	return RuleMeta{ID: r.id, Cause: r.cause, Severity: r.sev, Title: r.id}
}
func (r fixedRule) Evaluate(*Incident) []Finding {
	var out []Finding
	for i := 0; i < r.findings; i++ {
		out = append(out, NewFinding(r.Meta(), r.conf))
	}
	return out
}

// TestEvaluateOrder: most likely first, then the more severe, then by cause
// ID, so findings[0] is the primary cause and the order never depends on
// the rule list's order.
func TestEvaluateOrder(t *testing.T) {
	rules := []Rule{
		fixedRule{"b", BrokerRestart, Warning, 0.7, 1},
		fixedRule{"a", IdleTimeoutReset, Critical, 0.9, 1},
		fixedRule{"c", ConnectionRefusedCause, Critical, 0.7, 1},
		fixedRule{"d", SASLAuthFailure, Warning, 1.7, 0},
	}
	var got []Cause
	for _, f := range Evaluate(&Incident{}, rules) {
		got = append(got, f.Cause)
	}
	want := []Cause{IdleTimeoutReset, ConnectionRefusedCause, BrokerRestart}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("order (-want +got):\n%s", diff)
	}
	rev := []Rule{rules[3], rules[2], rules[1], rules[0]}
	var again []Cause
	for _, f := range Evaluate(&Incident{}, rev) {
		again = append(again, f.Cause)
	}
	if diff := cmp.Diff(want, again); diff != "" {
		t.Errorf("order depends on the rule list (-want +got):\n%s", diff)
	}
}

func TestFindingEvidenceBounds(t *testing.T) {
	f := NewFinding(RuleMeta{ID: "x", Fix: []string{"do it"}}, 1.4)
	if f.Confidence != 1 {
		t.Errorf("confidence %v not clamped to 1", f.Confidence)
	}
	base := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < MaxEvidence+5; i++ {
		f.AddEvidence(Evidence{Time: base.Add(time.Duration(MaxEvidence+5-i) * time.Second), Text: strings.Repeat("x", MaxTextLen+10)})
	}
	if f.Count != MaxEvidence+5 || len(f.Evidence) != MaxEvidence {
		t.Errorf("count %d evidence %d, want %d and %d", f.Count, len(f.Evidence), MaxEvidence+5, MaxEvidence)
	}
	if len(f.Evidence[0].Text) != MaxTextLen {
		t.Errorf("evidence text not cut to %d bytes", MaxTextLen)
	}
	if !f.FirstSeen.Equal(base.Add(time.Second)) || !f.LastSeen.Equal(base.Add(time.Duration(MaxEvidence+5)*time.Second)) {
		t.Errorf("seen span %v – %v", f.FirstSeen, f.LastSeen)
	}
	f.Remediation[0] = "changed"
	if NewFinding(RuleMeta{ID: "x", Fix: []string{"do it"}}, 1).Remediation[0] != "do it" {
		t.Error("a finding's remediation aliases the rule's static Fix")
	}
}

func TestFoldNodes(t *testing.T) {
	n := func(id, host string) Node { return Node{ID: id, Host: host} }
	got := foldNodes([]Node{n("2", "b"), n("1", "a"), n("2", "b"), n("-1", "boot")})
	want := []Node{n("-1", "boot"), n("1", "a"), n("2", "b")}
	if diff := cmp.Diff(want, got, cmp.Comparer(func(a, b Node) bool { return a.ID == b.ID && a.Host == b.Host })); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestDropDuplicateEvents: one journal exported twice counts once; the same
// line repeated inside one file stays, as do equal lines of two hosts.
func TestDropDuplicateEvents(t *testing.T) {
	at := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	ev := func(path string, line int, host, text string) Event {
		return Event{Kind: ProcessKilled, Time: at, Host: host, Text: text, Source: Location{Path: path, Line: line}}
	}
	in := []Event{
		ev("journal.export", 10, "kafka-1", "kafka.service: Main process exited, code=killed, status=9/KILL"),
		ev("journal.json", 3, "kafka-1", "kafka.service: Main process exited, code=killed, status=9/KILL"),
		ev("journal.export", 11, "kafka-1", "kafka.service: Main process exited, code=killed, status=9/KILL"),
		ev("other.export", 5, "kafka-2", "kafka.service: Main process exited, code=killed, status=9/KILL"),
	}
	got, n := dropDuplicateEvents(in)
	var locs []string
	for _, e := range got {
		locs = append(locs, fmt.Sprintf("%s:%d", e.Source.Path, e.Source.Line))
	}
	if diff := cmp.Diff([]string{"journal.export:10", "journal.export:11", "other.export:5"}, locs); diff != "" || n != 1 {
		t.Errorf("dropped %d (want 1), kept (-want +got):\n%s", n, diff)
	}
}

// TestZoneNote: the assumed zone is named only when an input needed it,
// with the inputs that did.
func TestZoneNote(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Skip("no zone database:", err)
	}
	tests := []struct {
		name   string
		zone   *time.Location
		inputs []InputStat
		want   string
	}{
		{"exact times only", time.UTC, []InputStat{{Path: "a.pcap"}, {Path: "journal.export"}}, ""},
		{"one log", time.UTC, []InputStat{{Path: "a.pcap"}, {Path: "server.log", ZoneAssumed: true}},
			"times printed without a zone (server.log) were read as UTC (set --tz to change)"},
		{"two logs, --tz", berlin, []InputStat{{Path: "server.log", ZoneAssumed: true}, {Path: "client.log", ZoneAssumed: true}},
			"times printed without a zone (server.log and 1 more) were read as Europe/Berlin"},
	}
	for _, tc := range tests {
		if got := zoneNote(&Incident{Zone: tc.zone, Inputs: tc.inputs}); got != tc.want {
			t.Errorf("%s: zoneNote = %q, want %q", tc.name, got, tc.want)
		}
	}
}

func TestUndatedNote(t *testing.T) {
	at := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		name   string
		events []Event
		want   string
	}{
		{"all dated", []Event{{Time: at, Source: Location{Path: "a.log"}}}, ""},
		{"one undated", []Event{{Source: Location{Path: "app.json", Line: 3}}, {Time: at, Source: Location{Path: "a.log"}}},
			"1 log event (app.json) came from a line that printed no time; it is listed undated"},
		{"several", []Event{{Source: Location{Path: "a.json"}}, {Source: Location{Path: "b.json"}}, {Time: at}},
			"2 log events (first in a.json) came from lines that printed no time; they are listed undated"},
	}
	for _, tc := range tests {
		if got := undatedNote(tc.events); got != tc.want {
			t.Errorf("%s: undatedNote = %q, want %q", tc.name, got, tc.want)
		}
	}
}
