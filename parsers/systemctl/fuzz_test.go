package systemctl_test

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/parsers/internal/lines"
	"github.com/kafkadiag/kafkadiag/parsers/internal/sinktest"
)

// FuzzParse runs the parser, as parsers.All() wires it, over arbitrary
// input seeded with the dumps: it must not panic, and what it reports
// must be bounded.
func FuzzParse(f *testing.F) {
	paths, _ := filepath.Glob("testdata/*.txt")
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	p := parser(f)
	f.Fuzz(func(t *testing.T, b []byte) {
		rec := &sinktest.Recorder{}
		src := &analyzer.Source{Path: "f.txt", Zone: time.UTC, R: bufio.NewReaderSize(bytes.NewReader(b), 4096)}
		st, err := p.Parse(context.Background(), src, rec)
		if err != nil {
			t.Fatal(err)
		}
		if st.Events != len(rec.Events) || st.Unparsed > st.Lines || len(st.Problems) > lines.MaxProblems {
			t.Fatalf("stats %+v, %d events", st, len(rec.Events))
		}
		for _, e := range rec.Events {
			if e.Kind == "" || len(e.Text) > analyzer.MaxTextLen || e.Source.Line < 1 || e.Source.Line > st.Lines {
				t.Fatalf("bad event %+v", e)
			}
		}
	})
}

// TestLeavesOthersAlone: no fixture of another parser, and no scenario or
// incident file of the end-to-end tests, is claimed.
func TestLeavesOthersAlone(t *testing.T) {
	sinktest.LeavesOthersAlone(t, "systemctl", parser(t).Sniff)
}
