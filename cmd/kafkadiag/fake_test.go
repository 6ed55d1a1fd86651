package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/kafkadiag/kafkadiag/analyzer"
)

// The CLI tests run the real pipeline with a fake parser and fake rules:
// they test the command's plumbing (flags, exit codes, output), not any
// diagnosis. On this branch parsers.All() and rules.All() are still empty.

// fakeLog is a tiny line format: a "FAKE-LOG" header, then one event a line:
// "<RFC 3339 time> <info|warning|critical> <node> <text>".
type fakeLog struct{}

func (fakeLog) Format() string { return "fake-log" }

func (fakeLog) Sniff(head []byte) bool { return bytes.HasPrefix(head, []byte("FAKE-LOG\n")) }

func (fakeLog) Parse(ctx context.Context, src *analyzer.Source, sink analyzer.Sink) (analyzer.Stats, error) {
	st := analyzer.Stats{Layout: "fake"}
	sc := bufio.NewScanner(src.R)
	for sc.Scan() {
		st.Lines++
		if st.Lines == 1 {
			continue
		}
		f := strings.SplitN(sc.Text(), " ", 4)
		if len(f) < 4 {
			st.Unparsed++
			continue
		}
		t, err := time.Parse(time.RFC3339Nano, f[0])
		if err != nil {
			st.Unparsed++
			continue
		}
		sink.Event(analyzer.Event{Kind: analyzer.ConnectRefused, Time: t, Level: f[1], Node: f[2], Text: sc.Text(),
			Source: analyzer.Location{Path: src.Path, Line: st.Lines}})
		st.Events++
	}
	if err := sc.Err(); err != nil {
		return st, fmt.Errorf("%s: line %d: %w", src.Path, st.Lines+1, err)
	}
	return st, nil
}

// fakeRule turns each event whose text holds word and whose level names a
// severity into a finding of that severity.
type fakeRule struct {
	meta analyzer.RuleMeta
	word string
}

func (r fakeRule) Meta() analyzer.RuleMeta { return r.meta }

func (r fakeRule) Evaluate(inc *analyzer.Incident) []analyzer.Finding {
	var out []analyzer.Finding
	for i := range inc.Events {
		e := &inc.Events[i]
		sev, err := analyzer.ParseSeverity(e.Level)
		if err != nil || !strings.Contains(e.Text, r.word) {
			continue
		}
		f := analyzer.NewFinding(r.meta, 0.8)
		f.Severity = sev
		f.Summary = "node " + e.Node + " refused the connection"
		f.Subjects = []analyzer.Subject{{Node: e.Node}}
		f.AddEvidence(analyzer.EventEvidence(e))
		out = append(out, f)
	}
	return out
}

var fakeRules = []analyzer.Rule{
	fakeRule{analyzer.RuleMeta{
		ID: "refused", Cause: analyzer.ConnectionRefusedCause, Severity: analyzer.Warning,
		Title:    "Nothing listens on the broker port",
		LooksFor: "SYNs answered at once by RST, and client lines saying the connection could not be established.",
		Needs:    "A capture with the handshake, or client logs.",
		Avoids:   "Refusals inside a broker restart window.",
		Fix:      []string{"Start the broker, or point the client at the listener's real port."},
	}, "refused"},
	fakeRule{analyzer.RuleMeta{
		ID: "restart", Cause: analyzer.BrokerRestart, Severity: analyzer.Info,
		Title: "A broker restarted", LooksFor: "Stop and start lines of the broker and its unit.",
	}, "restarted"},
}

// testEnv is an env with buffers and the fakes.
func testEnv(stdin string) (*env, *bytes.Buffer, *bytes.Buffer) {
	var out, errb bytes.Buffer
	return &env{
		stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb,
		rules:   func() []analyzer.Rule { return fakeRules },
		parsers: func() []analyzer.Parser { return []analyzer.Parser{fakeLog{}} },
	}, &out, &errb
}
