package e2e

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/kafkadiag/kafkadiag/analyzer/report"
)

// kafkaLine is a record in Kafka's own layout, "[date time,ms] LEVEL msg
// (logger)"; continuation lines (stack traces) do not match.
var kafkaLine = regexp.MustCompile(`^\[(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}:\d{2}),(\d{3})\] (\w+) (.*) \(([\w.$]+)\)$`)

// toTimeOfDay rewrites a log in Kafka's layout into logback's and log4j2's
// default console pattern, "%d{HH:mm:ss.SSS} [%thread] %-5level
// %logger{36} - %msg", which prints no date. It returns the rewritten text
// and the time of the last record, the file's write time had it been
// written as it ran.
func toTimeOfDay(t *testing.T, text string) (string, time.Time) {
	t.Helper()
	var out strings.Builder
	var last time.Time
	for line := range strings.Lines(text) {
		line = strings.TrimSuffix(line, "\n")
		m := kafkaLine.FindStringSubmatch(line)
		if m == nil {
			out.WriteString(line + "\n")
			continue
		}
		at, err := time.Parse("2006-01-02 15:04:05,000", m[1]+" "+m[2]+","+m[3])
		if err != nil {
			t.Fatal(err)
		}
		last = at
		out.WriteString(m[2] + "." + m[3] + " [kafka-producer-network-thread | app] " + padRight(m[4], 5) + " " + m[6] + " - " + m[5] + "\n")
	}
	return out.String(), last
}

func padRight(s string, n int) string {
	return s + strings.Repeat(" ", max(0, n-len(s)))
}

// TestTimeOfDayLayout rewrites the Java clients' incident logs into a
// pattern that prints the time of day only, with each file's write time
// at its last record, as a log written as it runs has. The diagnosis must
// stay the same, and the dates come back from the write times: the same
// evidence at the same instants.
func TestTimeOfDayLayout(t *testing.T) {
	t.Chdir(repoRoot(t))
	for _, name := range []string{
		"bootstrap_localhost_refused",
		"java_client_sees_broker_restart",
		"java_idle_connection_broker_restart",
		"java_request_timeouts_after_idle",
		"java_request_timeouts_overloaded_broker",
	} {
		t.Run(name, func(t *testing.T) {
			src := filepath.Join("testdata", "incidents", name)
			dst := filepath.Join(t.TempDir(), name)
			rewritten := 0
			err := filepath.WalkDir(src, func(path string, d os.DirEntry, err error) error {
				if err != nil || d.IsDir() || !strings.HasSuffix(path, ".log") {
					return err
				}
				body, err := os.ReadFile(path)
				if err != nil {
					return err
				}
				text, last := toTimeOfDay(t, string(body))
				if last.IsZero() {
					t.Fatalf("%s: no record in Kafka's layout to rewrite", path)
				}
				out := filepath.Join(dst, strings.TrimPrefix(path, src))
				if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
					return err
				}
				if err := os.WriteFile(out, []byte(text), 0o644); err != nil {
					return err
				}
				rewritten++
				return os.Chtimes(out, last, last)
			})
			if err != nil || rewritten == 0 {
				t.Fatalf("rewriting %s: %v (%d logs)", src, err, rewritten)
			}
			base := report.Build(analyze(t, src), report.Options{})
			got := report.Build(analyze(t, dst), report.Options{})
			if len(base.Findings) == 0 || len(got.Findings) == 0 {
				t.Fatalf("findings: %d before, %d after the rewrite", len(base.Findings), len(got.Findings))
			}
			b, g := base.Findings[0], got.Findings[0]
			if g.Cause != b.Cause || g.Confidence != b.Confidence {
				t.Errorf("findings[0] = %s (%.3f), want %s (%.3f) as in Kafka's layout", g.Cause, g.Confidence, b.Cause, b.Confidence)
			}
			if !g.FirstSeen.Equal(b.FirstSeen.Time) || !g.LastSeen.Equal(b.LastSeen.Time) {
				t.Errorf("seen %s – %s, want %s – %s: the dates did not come back from the write times",
					g.FirstSeen.Time, g.LastSeen.Time, b.FirstSeen.Time, b.LastSeen.Time)
			}
			if !strings.Contains(strings.Join(got.Notes, "\n"), "dated by the file's modification time") {
				t.Errorf("notes %q, want one saying how the lines were dated", got.Notes)
			}
		})
	}
}
