package envelope_test

import (
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestRealWorldPrefixes reads logs users posted, each in the prefix its
// collector printed (testdata/README.md names the sources), with every
// parser and rule: the layout is named, every line read, and the
// diagnosis is the one the thread arrived at.
func TestRealWorldPrefixes(t *testing.T) {
	tests := []struct {
		file, layout string
		events       int
		causes       []string
	}{
		// An HTTP POST to a broker port: an InvalidReceive of size
		// 1347375956 ("POST"), which names no connection cause.
		{"docker-desktop.log", "time-prefix", 1, nil},
		{"cf-logs.log", "cf-logs", 1, []string{"tls-handshake-failure"}},
		{"cf-logs-docs.log", "cf-logs", 0, nil},
		// KafkaJS records; the BrokerPool line retells the connection's.
		{"lambda-kafkajs.log", "lambda+json", 1, []string{"syn-unanswered"}},
		{"lambda-nodejs.log", "lambda", 0, nil},
		{"lambda-python.log", "lambda", 0, nil},
		{"clickhouse-ci.log", "time-prefix+clickhouse", 2, []string{"connection-refused"}},
		{"clickhouse-server.log", "clickhouse", 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			findings, in := diagnose(t, filepath.Join("testdata", tt.file))
			if in.Format != "envelope" || in.Layout != tt.layout || in.Unparsed != 0 || in.Events != tt.events {
				t.Errorf("read as %s/%s, %d events, %d unparsed %v; want envelope/%s, %d events", in.Format, in.Layout, in.Events, in.Unparsed, in.Problems, tt.layout, tt.events)
			}
			var causes []string
			for _, f := range findings {
				causes = append(causes, f.Cause)
			}
			if diff := cmp.Diff(tt.causes, causes); diff != "" {
				t.Errorf("causes (-want +got):\n%s", diff)
			}
		})
	}
}
