package kafkajs

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/kafkadiag/kafkadiag/analyzer"
)

// TestBoxedEntries: KafkaJS's example PrettyConsoleLogger boxes an entry
// and its fields (tulios/kafkajs#919); the box gives the event its time,
// broker and client. A box whose message is no failure, a box cut short,
// and lines that only look like one are read as such.
func TestBoxedEntries(t *testing.T) {
	got, taken := decodeLines(t,
		`error: ┏ [Connection] Connection timeout`,
		`error: ┃ [0] {`,
		`error: ┃ [1]   "timestamp": "2020-10-14T13:47:05.956Z",`,
		`error: ┃ [2]   "logger": "kafkajs",`,
		`error: ┃ [3]   "broker": "192.168.0.38:39094",`,
		`error: ┃ [4]   "clientId": "example-producer"`,
		`error: ┗ [5] }`,
		`info:  ┏ [Consumer] Starting`,
		`info:  ┃ [0] {`,
		`info:  ┃ [1]   "timestamp": "2020-10-14T13:47:06.001Z",`,
		`info:  ┗ [2] }`,
		// Cut short: the header alone, then the application's own line.
		`error: ┏ [Connection] Connection error: connect ECONNREFUSED 192.168.0.38:39094`,
		`error: ┃ [ 0] {`,
		`listening on :3000`,
		// A box of another program: no KafkaJS namespace.
		`error: ┏ [Pool] Connection timeout`,
		`error: ┗ [0] {}`,
	)
	want := []brief{
		{Kind: analyzer.ConnectTimeout, Time: "2020-10-14T13:47:05.956Z", Level: "ERROR", NodeHost: "192.168.0.38", Addr: "192.168.0.38:39094",
			Client: "example-producer", Reason: "Connection timeout"},
		{Kind: analyzer.ConnectRefused, Level: "ERROR", Addr: "192.168.0.38:39094", Reason: "connect ECONNREFUSED 192.168.0.38:39094"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
	if taken != 15 {
		t.Errorf("taken %d lines, want 15 (the box lines)", taken)
	}
}

// TestBoxParts: the tag before a box mark is a level word.
func TestBoxParts(t *testing.T) {
	for _, tt := range []struct {
		line, tag, mark, rest string
		ok                    bool
	}{
		{"error: ┏ [Connection] Connection timeout", "error: ", boxStart, "[Connection] Connection timeout", true},
		{"warn:  ┃ [1]   \"logger\": \"kafkajs\",", "warn:  ", boxLine, "[1]   \"logger\": \"kafkajs\",", true},
		{"┗ [5] }", "", boxEnd, "[5] }", true},
		{"oops:  ┏ [Connection] Connection timeout", "", "", "", false},
		{"something ┏ [Connection] Connection timeout", "", "", "", false},
		{"error: [Connection] Connection timeout", "", "", "", false},
	} {
		tag, mark, rest, ok := boxParts([]byte(tt.line))
		if string(tag) != tt.tag || mark != tt.mark || string(rest) != tt.rest || ok != tt.ok {
			t.Errorf("boxParts(%q) = %q, %q, %q, %v", tt.line, tag, mark, rest, ok)
		}
	}
}
