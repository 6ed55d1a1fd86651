package parsers

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/parsers/envelope"
	"github.com/kafkadiag/kafkadiag/parsers/kafkajs"
)

// TestSniffOrder checks that each fixture goes to the parser meant for it
// when offered to the whole list: a journal with librdkafka lines inside to
// the journal, raw kcat stderr to librdkafka, container and JSON logs to
// envelope, plain Kafka logs (one compose service's too) still to kafkalog.
func TestSniffOrder(t *testing.T) {
	tests := []struct {
		path, format, layout string
	}{
		{"journal/testdata/journal_v252.short", "journal", "short"},
		{"journal/testdata/journal.export", "journal", "export"},
		{"journal/testdata/journal.json", "journal", "json"},
		{"rdkafka/testdata/kcat_refused.log", "librdkafka", "native"},
		{"rdkafka/testdata/wrappers.log", "librdkafka", "native"},
		{"envelope/testdata/docker-json.log", "envelope", "docker-json"},
		{"envelope/testdata/cri.log", "envelope", "cri"},
		{"envelope/testdata/kubectl-prefix.log", "envelope", "kubectl-prefix"},
		{"envelope/testdata/logstash.json", "envelope", "logstash-json"},
		// Printed layouts: a collector's or platform's prefix before each
		// line, read by envelope before kafkalog would take the Kafka
		// lines inside without their stack frames.
		{"envelope/testdata/docker-desktop.log", "envelope", "time-prefix"},
		{"kafkalog/testdata/realworld/24-ci-prefixed.log", "envelope", "time-prefix"},
		{"envelope/testdata/cf-logs.log", "envelope", "cf-logs"},
		{"envelope/testdata/lambda-kafkajs.log", "envelope", "lambda+json"},
		{"envelope/testdata/clickhouse-ci.log", "envelope", "time-prefix+clickhouse"},
		{"envelope/testdata/clickhouse-server.log", "envelope", "clickhouse"},
		{"kafkalog/testdata/client-log4j.log", "kafka-log", "log4j"},
		// A stack's compose log (two services or more) is split by
		// service; one service's stays with its program's parser.
		{"kafkalog/testdata/compose.log", "envelope", "docker-compose"},
		{"../testdata/incidents/advertised_localhost_spring_compose/docker-compose.log", "kafka-log", "docker-compose"},
		{"goclient/testdata/realworld/kafkago-compose-refused.log", "go-kafka-client", "bare"},
		// kafka-python's own output, ahead of kafkalog's loose layouts.
		{"pyclient/testdata/kafka-python-refused.log", "kafka-python", "asctime"},
		{"pyclient/testdata/kafka-python-closed.log", "kafka-python", "basic"},
		{"pyclient/testdata/kafka-python-dns.log", "kafka-python", "asctime"},
		// Applications' wrappers: read by librdkafka, except rsyslog's
		// omkafka lines, a syslog file the journal reads and hands on.
		{"rdkafka/testdata/python_logging.log", "librdkafka", "wrapped"},
		{"rdkafka/testdata/realworld/01-dotnet-json-message.log", "librdkafka", "wrapped"},
		{"rdkafka/testdata/realworld/03-rsyslog-omkafka.log", "journal", "short"},
		{"rdkafka/testdata/realworld/06-vector-rust.log", "librdkafka", "wrapped"},
		{"rdkafka/testdata/realworld/07-node-rdkafka.log", "librdkafka", "wrapped"},
		// Go clients: plain logs to goclient, wrapped ones to their wrapper.
		{"goclient/testdata/captured/sarama-refused.log", "go-kafka-client", "go-log"},
		{"goclient/testdata/captured/kafkago-dns.log", "go-kafka-client", "go-log"},
		{"goclient/testdata/captured/franz-timeout.log", "go-kafka-client", "bracket-time"},
		{"goclient/testdata/captured/franz-bare-timeout.log", "go-kafka-client", "bare"},
		{"goclient/testdata/captured/franz-slog-timeout.log", "go-kafka-client", "logfmt"},
		{"goclient/testdata/captured/franz-json-refused.log", "envelope", "json"},
		{"goclient/testdata/wrapped/sarama-refused.journal", "journal", "short-iso"},
		{"goclient/testdata/wrapped/sarama-tls.docker.log", "envelope", "docker-json"},
		{"goclient/testdata/wrapped/franz-timeout.cri.log", "envelope", "cri"},
		// KafkaJS: its default JSON lines (alone, via pino or winston, in
		// Docker's json-file) are envelope's, their records handed to the
		// kafkajs decoder; a logCreator's text lines are kafkajs's own.
		{"kafkajs/testdata/refused.log", "envelope", "json"},
		{"kafkajs/testdata/refused-pino.log", "envelope", "json"},
		{"kafkajs/testdata/refused-winston.log", "envelope", "json"},
		{"kafkajs/testdata/refused-docker.log", "envelope", "docker-json+json"},
		{"kafkajs/testdata/refused-text.log", "kafkajs", "kafkajs"},
		{"kafkajs/testdata/refused-pino-pretty.log", "kafkajs", "kafkajs"},
		// Status dumps: kubectl describe pod output, whole or in
		// fragments behind other output, is kubedescribe's.
		{"kubedescribe/testdata/kubeless-kafka-0-sigterm.txt", "kubectl-describe", "pod"},
		{"kubedescribe/testdata/sentry-kraft-oomkilled-grep.txt", "kubectl-describe", "pod"},
		{"kubedescribe/testdata/event-streams-zk-oomkilled-fragment.txt", "kubectl-describe", "pod"},
		// systemctl status output, its journal lines below included.
		{"systemctl/testdata/cortx-kafka-recovered.txt", "systemctl-status", "status"},
		{"systemctl/testdata/hand-auto-restart-signal.txt", "systemctl-status", "status"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			inc := collect(t, tt.path)
			got := []string{inc.Inputs[0].Format, inc.Inputs[0].Layout}
			if diff := cmp.Diff([]string{tt.format, tt.layout}, got); diff != "" {
				t.Errorf("format, layout (-want +got):\n%s", diff)
			}
		})
	}
}

// TestJournalYearFromEmbeddedEpoch: the short layout has no year; the
// librdkafka lines inside it carry epoch times, which give it.
func TestJournalYearFromEmbeddedEpoch(t *testing.T) {
	inc := collect(t, "journal/testdata/journal_v252.short")
	n := 0
	for _, e := range inc.Events {
		if e.Program == "systemd" {
			n++
			if e.Time.Year() != 2017 || !e.TimeGuessed || e.NoYear {
				t.Errorf("%s at %v guessed=%v noYear=%v", e.Kind, e.Time, e.TimeGuessed, e.NoYear)
			}
		}
	}
	if n == 0 {
		t.Fatal("no systemd events")
	}
}

// TestOmkafkaThroughJournal: rsyslog's omkafka messages in a syslog file
// become librdkafka events dated with the syslog time, the year inferred
// (here from the file's write time: no other input dates them).
func TestOmkafkaThroughJournal(t *testing.T) {
	inc := collect(t, "rdkafka/testdata/realworld/03-rsyslog-omkafka.log")
	got := eventLines(inc, func(e *analyzer.Event) string {
		return fmt.Sprintf("%s %s %s %s guessed=%v", e.Time.UTC().Format("01-02T15:04:05"), e.Program, e.Kind, e.NodeHost, e.TimeGuessed && !e.NoYear)
	})
	want := []string{
		"03-17T23:26:50 librdkafka disconnected kafka.logging.example.net guessed=true",
		"03-17T23:26:50 librdkafka node-disconnected  guessed=true",
		"03-17T23:36:51 librdkafka disconnected kafka.logging.example.net guessed=true",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
}

// TestGoClientWrapped: a Go client's lines inside a journal or a container
// log give the events the plain log gives, line for line.
func TestGoClientWrapped(t *testing.T) {
	tests := []struct{ wrapped, plain string }{
		{"goclient/testdata/wrapped/sarama-refused.journal", "goclient/testdata/captured/sarama-refused.log"},
		{"goclient/testdata/wrapped/sarama-tls.docker.log", "goclient/testdata/captured/sarama-tls.log"},
		{"goclient/testdata/wrapped/franz-timeout.cri.log", "goclient/testdata/captured/franz-timeout.log"},
	}
	summary := func(path string) []string {
		inc := collect(t, path)
		out := eventLines(inc, func(e *analyzer.Event) string {
			return fmt.Sprintf("%d %s %s %s %v %s", e.Source.Line, e.Kind, e.Program, e.Reason, e.Addr, e.Time.UTC().Format(time.DateTime))
		})
		return out
	}
	for _, tt := range tests {
		t.Run(tt.wrapped, func(t *testing.T) {
			want, got := summary(tt.plain), summary(tt.wrapped)
			if len(want) == 0 {
				t.Fatal("no events from the plain log")
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("events (-plain +wrapped):\n%s", diff)
			}
		})
	}
}

// TestSniffLeavesOthersAlone: a parser sniffed before others must not take
// their logs — envelope goes before rdkafka and kafkalog, kafkajs before
// kafkalog — nor a journal's, nor an incident's client or broker log.
func TestSniffLeavesOthersAlone(t *testing.T) {
	tests := []struct {
		parser  analyzer.Parser
		globs   []string
		atLeast int
	}{
		{envelope.New(), []string{"kafkalog/testdata/*", "rdkafka/testdata/*", "rdkafka/testdata/realworld/*", "journal/testdata/*", "pyclient/testdata/*.log",
			"../testdata/incidents/*/*", "../testdata/incidents/*/*/*"}, 20},
		{kafkajs.New(), []string{"kafkalog/testdata/*", "rdkafka/testdata/*", "rdkafka/testdata/realworld/*", "journal/testdata/*",
			"envelope/testdata/*", "pyclient/testdata/*", "pyclient/testdata/*/*", "goclient/testdata/*/*",
			"../testdata/incidents/*/*", "../testdata/incidents/*/*/*"}, 30},
	}
	for _, tc := range tests {
		t.Run(tc.parser.Format(), func(t *testing.T) {
			n := 0
			for _, p := range globAll(t, tc.globs) {
				if fi, err := os.Stat(p); err != nil || fi.IsDir() || strings.HasSuffix(p, ".pcap") {
					continue
				}
				if strings.Contains(p, "/incidents/kafkajs_") {
					continue // a KafkaJS JSON log: envelope's and kafkajs's own
				}
				if strings.HasSuffix(p, "kafkalog/testdata/compose.log") || strings.Contains(p, "/incidents/compose_stack_") {
					continue // a stack's compose log: envelope splits it by service
				}
				n++
				if tc.parser.Sniff(headOf(t, p)) {
					t.Errorf("%s sniffs %s", tc.parser.Format(), p)
				}
			}
			if n < tc.atLeast {
				t.Fatalf("only %d fixtures found", n)
			}
		})
	}
}

// globAll is every path the globs match.
func globAll(t *testing.T, globs []string) []string {
	t.Helper()
	var paths []string
	for _, glob := range globs {
		m, err := filepath.Glob(glob)
		if err != nil {
			t.Fatal(err)
		}
		paths = append(paths, m...)
	}
	return paths
}

// headOf is what Analyze offers Sniff: a file's first SniffLen bytes.
func headOf(t *testing.T, path string) []byte {
	t.Helper()
	head := make([]byte, analyzer.SniffLen)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	k, _ := f.Read(head)
	return head[:k]
}

// TestComposeStack: a stack's compose log gives each service's program
// its own decoder: the broker's log4j line, kafka-python's and a Go
// service's bare dial errors (read as a Kafka client's because a compose
// service dialled a Kafka port) all count, each with its service as host.
func TestComposeStack(t *testing.T) {
	log := strings.Join([]string{
		"Attaching to app-1, kafka-1, producer-1",
		"kafka-1     | [2024-03-05 10:15:06,892] INFO [KafkaServer id=1] started (kafka.server.KafkaServer)",
		"producer-1  | dial tcp 172.18.0.4:9092: connect: connection refused",
		"app-1       | ERROR:kafka.conn:<BrokerConnection node_id=bootstrap-0 host=localhost:9092 <connecting> [IPv4 ('127.0.0.1', 9092)]>: Connect attempt returned error 111. Disconnecting.",
		"producer-1  | dial tcp 172.18.0.4:9092: connect: connection refused",
		"kafka-1     | [2024-03-05 10:16:06,901] INFO [GroupMetadataManager brokerId=1] Removed 0 expired offsets in 1 milliseconds. (kafka.coordinator.group.GroupMetadataManager)",
	}, "\n") + "\n"
	path := filepath.Join(t.TempDir(), "stack.log")
	if err := os.WriteFile(path, []byte(log), 0o644); err != nil {
		t.Fatal(err)
	}
	inc := collect(t, path)
	got := eventLines(inc, func(e *analyzer.Event) string {
		return fmt.Sprintf("%d %s %s %s %v", e.Source.Line, e.Host, e.Kind, e.Program, e.Addr)
	})
	slices.Sort(got)
	want := []string{
		"2 kafka-1 broker-started java-broker invalid AddrPort",
		"3 producer-1 connect-refused go-kafka-client 172.18.0.4:9092",
		"4 app-1 connect-refused kafka-python 127.0.0.1:9092",
		// Line 5 repeats line 3 without a time: the Go decoder reads it
		// as a retelling, as in a plain Go log.
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
	if in := inc.Inputs[0]; in.Format != "envelope" || in.Layout != "docker-compose" || in.Unparsed != 0 {
		t.Errorf("read as %s/%s with %d unparsed, want envelope/docker-compose, 0", in.Format, in.Layout, in.Unparsed)
	}
}

// collect reads path with every parser, failing the test on an error.
func collect(t *testing.T, path string) *analyzer.Incident {
	t.Helper()
	inc, err := analyzer.Collect(context.Background(), []string{path}, analyzer.Options{}, All())
	if err != nil {
		t.Fatal(err)
	}
	return inc
}

// eventLines describes each of the incident's events in one line.
func eventLines(inc *analyzer.Incident, line func(*analyzer.Event) string) []string {
	var out []string
	for i := range inc.Events {
		out = append(out, line(&inc.Events[i]))
	}
	return out
}
