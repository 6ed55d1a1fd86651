package goclient

import (
	"bufio"
	"context"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/parsers/internal/sinktest"
)

// brief is the part of an event the tests compare.
type brief struct {
	Kind           analyzer.EventKind
	Time           string
	Level, Program string
	Node, NodeHost string
	Addr, Reason   string
	Line           int
}

func briefOf(e analyzer.Event) brief {
	b := brief{Kind: e.Kind, Level: e.Level, Program: e.Program, Node: e.Node, NodeHost: e.NodeHost,
		Reason: e.Reason, Line: e.Source.Line}
	if !e.Time.IsZero() {
		b.Time = e.Time.UTC().Format("2006-01-02T15:04:05.000Z")
	}
	if e.Addr.IsValid() {
		b.Addr = e.Addr.String()
	}
	return b
}

// recorder keeps what a parser reports.
type recorder = sinktest.Recorder

// briefsOf is what the table tests compare of r's events.
func briefsOf(r *recorder) (out []brief) {
	for _, e := range r.Events {
		out = append(out, briefOf(e))
	}
	return out
}

// parseText runs the file parser over text, in zone.
func parseText(t testing.TB, text string, zone *time.Location) (*recorder, analyzer.Stats) {
	t.Helper()
	var rec recorder
	src := &analyzer.Source{Path: "test.log", R: bufio.NewReader(strings.NewReader(text)), Zone: zone}
	st, err := New().Parse(context.Background(), src, &rec)
	if err != nil {
		t.Fatal(err)
	}
	return &rec, st
}

// parseFile runs the file parser over a testdata file.
func parseFile(t testing.TB, path string) (*recorder, analyzer.Stats) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return parseText(t, string(b), time.UTC)
}

// textCase is a log text and the events it must give.
type textCase struct {
	name, text string
	want       []brief
}

// checkTextCases parses each case's text (in UTC) and compares the events;
// mustSniff also requires the parser's Sniff to take the text.
func checkTextCases(t *testing.T, tests []textCase, mustSniff bool) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if mustSniff && !New().Sniff([]byte(tt.text)) {
				t.Fatal("not sniffed")
			}
			rec, _ := parseText(t, tt.text, time.UTC)
			if diff := cmp.Diff(tt.want, briefsOf(rec)); diff != "" {
				t.Errorf("events (-want +got):\n%s", diff)
			}
		})
	}
}
