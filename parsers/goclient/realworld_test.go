package goclient_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/parsers"
	"github.com/kafkadiag/kafkadiag/rules"
)

// TestRealWorld reads logs users posted publicly (testdata/realworld, the
// README names each source) through parsers.All() and rules.All(): the
// layouts their loggers were set up with, and lines that look alike but
// are no Kafka client's.
func TestRealWorld(t *testing.T) {
	tests := []struct {
		file string
		// unread: no parser takes the file.
		unread bool
		// written, when set, is the file's write time: a log that prints
		// the time of day only is dated by it.
		written  time.Time
		want     report
		findings []string
	}{{
		// log.New(os.Stdout, "[sarama]", log.LstdFlags): no space before
		// the date. The echo repeats the failure and is dropped.
		file: "sarama-prefix-without-space-tls.log",
		want: report{Format: "go-kafka-client", Layout: "go-log", Events: []string{
			"security-protocol-hint sarama node= host=datapipeline-perf-01-us-east-1-kafka-03.sse.com reason=PLAINTEXT listener? line=5 2017-03-31T08:48:18.000Z",
		}},
		findings: []string{"tls-to-plaintext-listener critical"},
	}, {
		// log.New(os.Stderr, "SARAMA: ", log.LstdFlags|log.Lshortfile),
		// an old sarama that printed no broker id in its metadata error:
		// each read timed out after connecting, no cause to name.
		file: "sarama-custom-prefix-shortfile-timeout.log",
		want: report{Format: "go-kafka-client", Layout: "go-log", Events: []string{
			"request-timeout sarama node= host= reason=i/o timeout line=7 2017-02-07T12:15:09.000Z",
			"request-timeout sarama node= host= reason=i/o timeout line=12 2017-02-07T12:15:39.000Z",
		}},
	}, {
		// sarama's old "[Sarama] " prefix: chatter only.
		file: "sarama-capitalised-prefix.log",
		want: report{Format: "go-kafka-client", Layout: "go-log"},
	}, {
		// Hyperledger Fabric 1.1 puts sarama's tag after the message
		// (Lmicroseconds, Lshortfile); a dial timing out with no address
		// timed out looking the name up.
		file: "fabric-sarama-tag-after-message.log",
		want: report{Format: "go-kafka-client", Layout: "go-log", Events: []string{
			"resolve-failed sarama node= host=54aa5a50fc15 reason=name lookup timed out line=6 2018-03-05T10:39:23.556Z",
			"resolve-failed sarama node= host=54aa5a50fc15 reason=name lookup timed out line=19 2018-03-05T10:40:03.970Z",
		}},
	}, {
		// kafka-go's example app printing its bare dial error under
		// docker-compose: a compose service dialling Kafka's port.
		file: "kafkago-compose-refused.log",
		want: report{Format: "go-kafka-client", Layout: "bare", Events: []string{
			"connect-refused go-kafka-client node= host= reason=connection refused line=1 addr=172.18.0.4:9092",
		}},
		findings: []string{"connection-refused critical"},
	}, {
		// An adapter of franz-go's Logger: the time of day in brackets,
		// the logger's name, keyvals as k=v. The retry line repeats the
		// second dial's error and is dropped.
		file:    "franz-adapter-time-of-day.log",
		written: time.Date(2022, 12, 2, 15, 47, 0, 0, time.UTC),
		want: report{Format: "go-kafka-client", Layout: "bracket-time", Events: []string{
			"connect-timeout franz-go node=2 host=192.168.178.82 reason=i/o timeout line=4 addr=192.168.178.82:9093 2022-12-02T15:46:27.812Z",
			"connect-timeout franz-go node=2 host=192.168.178.82 reason=i/o timeout line=6 addr=192.168.178.82:9093 2022-12-02T15:46:37.823Z",
			"connect-timeout franz-go node=2 host=192.168.178.82 reason=i/o timeout line=9 addr=192.168.178.82:9093 2022-12-02T15:46:48.125Z",
		}},
		findings: []string{"syn-unanswered critical"},
	}, {
		// Prometheus under compose failing to reach Alertmanager on 9093:
		// a Go dial error in a compose line, to a port that is not only
		// Kafka's.
		file:   "prometheus-compose-alertmanager-9093.log",
		unread: true,
	}}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			path := filepath.Join("testdata", "realworld", tt.file)
			if tt.unread {
				if _, err := analyzer.Analyze(context.Background(), []string{path}, analyzer.Options{}, parsers.All(), rules.All()); err == nil {
					t.Errorf("read, want no readable input")
				}
				return
			}
			if !tt.written.IsZero() {
				path = writtenAt(t, path, tt.written)
			}
			got := analyze(t, path)
			findings := got.Findings
			got.Findings = nil
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.findings, findings); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
		})
	}
}

// writtenAt copies the file at path into a temporary folder with its
// write time set to at, and returns the copy's path.
func writtenAt(t *testing.T, path string, at time.Time) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), filepath.Base(path))
	if err := os.WriteFile(out, b, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(out, at, at); err != nil {
		t.Fatal(err)
	}
	return out
}
