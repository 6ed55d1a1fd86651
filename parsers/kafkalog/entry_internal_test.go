package kafkalog

import (
	"reflect"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kafkadiag/kafkadiag/analyzer"
)

// TestEntryReset checks that reset clears every field and keeps the
// buffers' memory. A new entry field must be added both to reset and to
// the filled entry below (the field count guards it).
func TestEntryReset(t *testing.T) {
	if n := reflect.TypeFor[entry]().NumField(); n != 28 {
		t.Fatalf("entry has %d fields, reset and this test know 28", n)
	}
	e := entry{
		active: true, loc: analyzer.Location{Path: "p", Line: 3}, host: "h", hostFromCompose: true,
		time: time.Unix(5, 0), timeGuessed: true, noDate: true, level: "WARN", layout: layoutLog4j,
		line: []byte("c | l t m"), own: []byte("c | l t m"), borrowed: true, indent: 1,
		composeEnd: 1, textEnd: 9, msgStart: 8, msgEnd: 9, loggerStart: 4, loggerEnd: 5, canon: 1,
		candidate: true, kafkaOrigin: true, receiveFrame: true, excs: []byte("x"), excEnds: []int{1},
		dump: "d", settings: []setting{{"k", "v"}}, before: time.Unix(4, 0),
	}
	e.reset()
	want := entry{
		own:  []byte("c | l t m"), // kept for the next detach
		excs: []byte{}, excEnds: []int{}, settings: []setting{},
	}
	if diff := cmp.Diff(want, e, cmp.AllowUnexported(entry{}, setting{})); diff != "" {
		t.Errorf("after reset (-want +got):\n%s", diff)
	}
	if cap(e.excs) == 0 || cap(e.settings) == 0 {
		t.Error("reset dropped the buffers")
	}
}

func TestIsLoggerToken(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"org.apache.kafka.clients.NetworkClient", true},
		{"kafka.server.KafkaServer", true},
		{"kafka.Kafka$", true},
		{"o.a.k.c.NetworkClient:123", true},
		{"a_b.c", true},
		{"NetworkClient", false},  // no separator
		{"1kafka.server", false},  // starts with a digit
		{"kafka.server x", false}, // space
		{"kafka.server/KafkaServer", false},
		{"", false},
		{"é.x", false},
	} {
		if got := isLoggerToken([]byte(tc.in)); got != tc.want {
			t.Errorf("isLoggerToken(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}
