package kafkajs_test

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/parsers"
	"github.com/kafkadiag/kafkadiag/rules"
)

// outcome is what a captured run must give end to end: which parser read
// it, the events by kind, and the findings' causes.
type outcome struct {
	Format, Layout string
	Unparsed       int
	Kinds          map[analyzer.EventKind]int
	Causes         []analyzer.Cause
	NodeHosts      []string
	Clients        []string
	Undated        int
}

// TestCapturedRuns analyzes the output KafkaJS 2.2.4 printed when it
// failed for real (testdata/capture/capture.sh) with every parser and
// rule, as the CLI does.
func TestCapturedRuns(t *testing.T) {
	refused := map[analyzer.EventKind]int{analyzer.ConnectRefused: 3}
	tests := []struct {
		file string
		want outcome
	}{
		{"refused.log", outcome{Format: "envelope", Layout: "json", Kinds: refused,
			Causes: []analyzer.Cause{analyzer.ConnectionRefusedCause}, NodeHosts: []string{"127.0.0.1"}, Clients: []string{"capture-app"}}},
		{"refused-pino.log", outcome{Format: "envelope", Layout: "json", Kinds: refused,
			Causes: []analyzer.Cause{analyzer.ConnectionRefusedCause}, NodeHosts: []string{"127.0.0.1"}, Clients: []string{"capture-app"}}},
		{"refused-winston.log", outcome{Format: "envelope", Layout: "json", Kinds: refused,
			Causes: []analyzer.Cause{analyzer.ConnectionRefusedCause}, NodeHosts: []string{"127.0.0.1"}, Clients: []string{"capture-app"}}},
		// The partitioner warning is printed as "[undefined] …": the root
		// logger has no namespace, and the line is not KafkaJS's to read.
		// pino-pretty prints a time of day without date: the events stay
		// undated (Analyze does not invent a day). The WARN block is not
		// a failure, so not held.
		{"refused-pino-pretty.log", outcome{Format: "kafkajs", Layout: "kafkajs", Unparsed: 2, Kinds: refused,
			Causes: []analyzer.Cause{analyzer.ConnectionRefusedCause}, NodeHosts: []string{"127.0.0.1"}, Clients: []string{"capture-app"}, Undated: 3}},
		{"refused-text.log", outcome{Format: "kafkajs", Layout: "kafkajs", Unparsed: 1, Kinds: refused,
			Causes: []analyzer.Cause{analyzer.ConnectionRefusedCause}, NodeHosts: []string{"127.0.0.1"}, Clients: []string{"capture-app"}}},
		{"refused-docker.log", outcome{Format: "envelope", Layout: "docker-json+json", Kinds: refused,
			Causes: []analyzer.Cause{analyzer.ConnectionRefusedCause}, NodeHosts: []string{"127.0.0.1"}, Clients: []string{"capture-app"}}},
		{"refused-two.log", outcome{Format: "envelope", Layout: "json", Kinds: refused,
			Causes:    []analyzer.Cause{analyzer.ConnectionRefusedCause, analyzer.ConnectionRefusedCause},
			NodeHosts: []string{"127.0.0.1", "localhost"}, Clients: []string{"orders-svc"}}},
		{"consumer-refused.log", outcome{Format: "envelope", Layout: "json", Kinds: refused,
			Causes: []analyzer.Cause{analyzer.ConnectionRefusedCause}, NodeHosts: []string{"127.0.0.1"}, Clients: []string{"billing"}}},
		// A seed broker that does not resolve: no rule claims a bootstrap
		// name failing alone; the events stay on the timeline.
		{"dns.log", outcome{Format: "envelope", Layout: "json", Kinds: map[analyzer.EventKind]int{analyzer.ResolveFailed: 3},
			NodeHosts: []string{"kafka.invalid"}, Clients: []string{"capture-app"}}},
		{"dns-noserver.log", outcome{Format: "envelope", Layout: "json", Kinds: map[analyzer.EventKind]int{analyzer.ResolveFailed: 2},
			NodeHosts: []string{"kafka.invalid"}, Clients: []string{"capture-app"}}},
		{"tls.log", outcome{Format: "envelope", Layout: "json", Kinds: map[analyzer.EventKind]int{analyzer.SSLHandshakeFailed: 3},
			Causes: []analyzer.Cause{analyzer.TLSToPlaintextListener}, NodeHosts: []string{"127.0.0.1"}, Clients: []string{"capture-app"}}},
		{"tls-selfsigned.log", outcome{Format: "envelope", Layout: "json", Kinds: map[analyzer.EventKind]int{analyzer.SSLHandshakeFailed: 1},
			Causes: []analyzer.Cause{analyzer.TLSHandshakeFailure}, NodeHosts: []string{"127.0.0.1"}, Clients: []string{"capture-app"}}},
		{"timeout.log", outcome{Format: "envelope", Layout: "json", Kinds: map[analyzer.EventKind]int{analyzer.ConnectTimeout: 2},
			Causes: []analyzer.Cause{analyzer.SynUnanswered}, NodeHosts: []string{"127.0.0.1"}, Clients: []string{"capture-app"}}},
		{"reset.log", outcome{Format: "envelope", Layout: "json", Kinds: map[analyzer.EventKind]int{analyzer.ConnectionReset: 3},
			NodeHosts: []string{"127.0.0.1"}, Clients: []string{"capture-app"}}},
		// Debug run: the Connection's close and the BrokerPool's retelling
		// of it are one event per attempt.
		{"closed.log", outcome{Format: "envelope", Layout: "json", Kinds: map[analyzer.EventKind]int{analyzer.Disconnected: 3},
			NodeHosts: []string{"127.0.0.1"}, Clients: []string{"capture-app"}}},
		{"request-timeout.log", outcome{Format: "envelope", Layout: "json", Kinds: map[analyzer.EventKind]int{analyzer.RequestTimeout: 1},
			NodeHosts: []string{}, Clients: []string{}}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			path := filepath.Join("testdata", tt.file)
			res, err := analyzer.Analyze(context.Background(), []string{path}, analyzer.Options{}, parsers.All(), rules.All())
			if err != nil {
				t.Fatal(err)
			}
			in := res.Incident.Inputs[0]
			got := outcome{Format: in.Format, Layout: in.Layout, Unparsed: in.Unparsed, Kinds: map[analyzer.EventKind]int{},
				NodeHosts: []string{}, Clients: []string{}}
			hosts, clients := map[string]bool{}, map[string]bool{}
			for _, e := range res.Incident.Events {
				got.Kinds[e.Kind]++
				if e.Program != "kafkajs" {
					t.Errorf("%v: program %q", e.Source, e.Program)
				}
				if e.Time.IsZero() {
					got.Undated++
				}
				if e.NodeHost != "" && !hosts[e.NodeHost] {
					hosts[e.NodeHost] = true
					got.NodeHosts = append(got.NodeHosts, e.NodeHost)
				}
				if e.Client != "" && !clients[e.Client] {
					clients[e.Client] = true
					got.Clients = append(got.Clients, e.Client)
				}
			}
			for _, f := range res.Findings {
				got.Causes = append(got.Causes, f.Cause)
			}
			sort.Strings(got.NodeHosts)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("outcome (-want +got):\n%s", diff)
			}
		})
	}
}

// TestCapturedLinesInJournal: the same JSON lines, as a Node.js service
// under systemd leaves them in the journal, reach the kafkajs decoder.
func TestCapturedLinesInJournal(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("testdata", "refused.log"))
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for i, l := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
		// short-iso keeps the year; the seconds are the line's own.
		b.WriteString("2026-11-23T17:17:3" + string(rune('0'+i)) + "+0000 app-1 node[4242]: " + l + "\n")
	}
	path := filepath.Join(t.TempDir(), "app.journal")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	res, err := analyzer.Analyze(context.Background(), []string{path}, analyzer.Options{}, parsers.All(), rules.All())
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range res.Incident.Events {
		if e.Program == "kafkajs" && e.Kind == analyzer.ConnectRefused {
			n++
			if e.Host != "app-1" || e.Client != "capture-app" || e.Addr.String() != "127.0.0.1:9092" {
				t.Errorf("event %+v", e)
			}
		}
	}
	if in := res.Incident.Inputs[0]; in.Format != "journal" || n != 3 {
		t.Errorf("format %s, %d kafkajs refused events, want journal and 3", in.Format, n)
	}
}
