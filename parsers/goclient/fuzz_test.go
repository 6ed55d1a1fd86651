package goclient

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

// seeds are the captured and the real-world logs, whose lines seed both
// fuzzers.
func seeds(f *testing.F) [][]byte {
	paths, err := filepath.Glob("testdata/captured/*.log")
	if err != nil {
		f.Fatal(err)
	}
	more, err := filepath.Glob("testdata/realworld/*.log")
	if err != nil {
		f.Fatal(err)
	}
	paths = append(paths, more...)
	var out [][]byte
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		out = append(out, b)
	}
	return out
}

// FuzzLine: no line makes the decoder panic, every event names its line
// and carries bounded text.
func FuzzLine(f *testing.F) {
	for _, b := range seeds(f) {
		for _, l := range bytes.Split(b, []byte{'\n'}) {
			f.Add(l)
		}
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		var rec recorder
		d := NewLineDecoder(&analyzer.Source{Path: "f.log", Zone: time.UTC}, &rec)
		d.confirmed = true
		d.Line(analyzer.Location{Path: "f.log", Line: 1}, time.Time{}, "", line)
		d.Line(analyzer.Location{Path: "f.log", Line: 2}, time.Time{}, "", line)
		for _, e := range rec.Events {
			if e.Kind == "" || e.Source.Line == 0 || len(e.Text) > analyzer.MaxTextLen || len(e.Reason) > analyzer.MaxTextLen {
				t.Fatalf("bad event %+v", e)
			}
		}
	})
}

// FuzzParse: no input makes Parse panic or fail on a reader without error,
// and Sniff never panics.
func FuzzParse(f *testing.F) {
	for _, b := range seeds(f) {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		New().Sniff(b)
		var rec recorder
		src := &analyzer.Source{Path: "f.log", R: bufio.NewReader(bytes.NewReader(b)), Zone: time.UTC}
		st, err := New().Parse(context.Background(), src, &rec)
		if err != nil {
			t.Fatal(err)
		}
		if st.Events != len(rec.Events) {
			t.Fatalf("stats say %d events, sink got %d", st.Events, len(rec.Events))
		}
	})
}
