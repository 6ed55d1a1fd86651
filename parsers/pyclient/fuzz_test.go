package pyclient

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/kafkadiag/kafkadiag/analyzer"
)

// FuzzLine feeds arbitrary lines, one after another, to one decoder: it
// must not panic, and what it emits must be bounded and the client's.
func FuzzLine(f *testing.F) {
	for _, s := range []string{
		"ERROR:kafka.conn:Connect attempt to " + connBoot + " returned error 111. Disconnecting.",
		"2023-04-05 10:11:12,345 WARNING kafka.conn DNS lookup failed for k:9092, exception was [Errno -2] x. Is your",
		"2023-04-05T10:11:12.345+02:00 ERROR aiokafka [Errno 104] reset ('::1', 9092, 0, 0)",
		"Traceback (most recent call last):\n  File \"/x/kafka/conn.py\", line 1\nssl.SSLError: [SSL: X] why (_ssl.c:1)",
		"INFO:kafka.conn:" + connOne + ": Closing connection. KafkaConnectionError: [Errno 32] Broken pipe",
		"INFO:kafka.client:Closing idle connection 2, last active 540003 ms ago",
		"[2023-04-05 10:11:12,345] INFO [kafka.conn] <BrokerConnection node_id=bootstrap-99999999 host=:",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		rec := &recorder{}
		d := NewLineDecoder(&analyzer.Source{Path: "f.log", Zone: time.UTC}, rec)
		for i, l := range bytes.Split(b, []byte{'\n'}) {
			d.Line(analyzer.Location{Path: "f.log", Line: i + 1}, time.Time{}, "", l)
		}
		d.Flush()
		if d.Events != len(rec.Events) {
			t.Fatalf("Events %d, sink got %d", d.Events, len(rec.Events))
		}
		for _, e := range rec.Events {
			if e.Program != Program || e.Kind == "" || len(e.Text) > analyzer.MaxTextLen {
				t.Fatalf("bad event %+v", e)
			}
		}
	})
}

// FuzzParse runs the file parser over arbitrary input, seeded with the
// real captures.
func FuzzParse(f *testing.F) {
	paths, _ := filepath.Glob("testdata/*.log")
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		rec := &recorder{}
		src := &analyzer.Source{Path: "f.log", Zone: time.UTC, R: bufio.NewReaderSize(bytes.NewReader(b), 4096)}
		st, err := New().Parse(context.Background(), src, rec)
		if err != nil {
			t.Fatal(err)
		}
		if st.Events != len(rec.Events) || st.Unparsed > st.Lines {
			t.Fatalf("stats %+v, %d events", st, len(rec.Events))
		}
	})
}
