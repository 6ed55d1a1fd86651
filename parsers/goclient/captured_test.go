package goclient_test

import (
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/parsers"
	"github.com/kafkadiag/kafkadiag/rules"
)

var update = flag.Bool("update", false, "rewrite testdata/golden from the captured logs")

// report is what a captured log must give through the whole pipeline:
// which parser read it, the events, and the findings the rules draw.
type report struct {
	Format, Layout string
	Events         []string
	Findings       []string
}

// analyze runs path through parsers.All() and rules.All(), as the CLI does.
func analyze(t *testing.T, path string) report {
	t.Helper()
	res, err := analyzer.Analyze(context.Background(), []string{path}, analyzer.Options{}, parsers.All(), rules.All())
	if err != nil {
		t.Fatal(err)
	}
	in := res.Incident.Inputs[0]
	r := report{Format: in.Format, Layout: in.Layout}
	for _, e := range res.Incident.Events {
		s := []string{string(e.Kind), e.Program, "node=" + e.Node, "host=" + e.NodeHost, "reason=" + e.Reason,
			"line=" + itoa(e.Source.Line)}
		if e.Addr.IsValid() {
			s = append(s, "addr="+e.Addr.String())
		}
		if !e.Time.IsZero() {
			s = append(s, e.Time.UTC().Format("2006-01-02T15:04:05.000Z"))
		}
		r.Events = append(r.Events, strings.Join(s, " "))
	}
	for _, f := range res.Findings {
		r.Findings = append(r.Findings, string(f.Cause)+" "+f.Severity.String())
	}
	return r
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// firstKind is the event each staged failure must give, by the
// scenario in the file name (testdata/capture/capture.sh says how each
// was staged). The no-route run times out first: the kernel keeps the SYN
// while ARP is unanswered, then reports EHOSTUNREACH.
var firstKind = map[string]analyzer.EventKind{
	"refused": analyzer.ConnectRefused,
	"dns":     analyzer.ResolveFailed,
	"tls":     analyzer.SecurityProtocolHint, // "tls: first record does not look like a TLS handshake"
	"reset":   analyzer.ConnectionReset,
	"timeout": analyzer.ConnectTimeout,
	"noroute": analyzer.ConnectTimeout,
}

// wantCause is the primary finding the rules must draw from each run, ""
// when they draw none of warning level or above: a DNS failure or a lone
// TLS error in a client log alone is not a diagnosis (the rules decide).
var wantCause = map[string]string{
	"refused": "connection-refused",
	"tls":     "tls-to-plaintext-listener",
	"timeout": "syn-unanswered",
}

// unread are the runs whose log names no Kafka client: franz-go logs a
// failed read only at debug level and kafka-go not at all, so what is left
// is the application's own "…: read tcp …: connection reset by peer",
// which any Go program could print. They must stay unread, not guessed.
var unread = map[string]bool{
	"franz-reset": true, "franz-bare-reset": true, "franz-slog-reset": true, "franz-json-reset": true,
	"kafkago-reset": true, // the Writer and Dialer log nothing; the Reader does (kafkago-reader-reset)
}

// TestCaptured reads every captured log end to end: the parser that takes
// it, its events (golden, regenerated with -update) and the diagnosis.
func TestCaptured(t *testing.T) {
	paths, err := filepath.Glob("testdata/captured/*.log")
	if err != nil || len(paths) < 30 {
		t.Fatalf("captured logs: %d, %v", len(paths), err)
	}
	for _, path := range paths {
		name := strings.TrimSuffix(filepath.Base(path), ".log")
		scenario := name[strings.LastIndexByte(name, '-')+1:]
		t.Run(name, func(t *testing.T) {
			if unread[name] {
				_, err := analyzer.Analyze(context.Background(), []string{path}, analyzer.Options{}, parsers.All(), rules.All())
				if err == nil {
					t.Errorf("read, want no readable input")
				}
				return
			}
			got := analyze(t, path)
			// A franz-json record's reason is its "err" field, which the
			// envelope appends to the message ("…: dial tcp …").
			first := firstKind[scenario]
			if strings.HasPrefix(name, "franz-json") {
				if got.Format != "envelope" {
					t.Errorf("format %q, want envelope (slog JSON records)", got.Format)
				}
			} else if got.Format != "go-kafka-client" {
				t.Errorf("format %q, want go-kafka-client", got.Format)
			}
			if !hasKind(got.Events, first) {
				t.Errorf("events %q, want a %s", got.Events, first)
			}
			if want := wantCause[scenario]; want != "" && (len(got.Findings) == 0 || !strings.HasPrefix(got.Findings[0], want+" ")) {
				t.Errorf("findings %q, want %s first", got.Findings, want)
			}
			golden := filepath.Join("testdata", "golden", name+".json")
			if *update {
				b, _ := json.MarshalIndent(got, "", "  ")
				if err := os.WriteFile(golden, append(b, '\n'), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			b, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update)", err)
			}
			var want report
			if err := json.Unmarshal(b, &want); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s (-want +got):\n%s", golden, diff)
			}
		})
	}
}

func hasKind(events []string, k analyzer.EventKind) bool {
	for _, e := range events {
		if strings.HasPrefix(e, string(k)+" ") {
			return true
		}
	}
	return false
}
