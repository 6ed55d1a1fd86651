package systemctl_test

import (
	"bufio"
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
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
	var roots []string
	dirs, _ := filepath.Glob("../*/testdata")
	for _, d := range dirs {
		if !strings.Contains(d, "systemctl") {
			roots = append(roots, d)
		}
	}
	roots = append(roots, "../../testdata", "../../e2e/testdata")
	n := 0
	for _, root := range roots {
		filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return nil
			}
			f, err := os.Open(path)
			if err != nil {
				return nil
			}
			defer f.Close()
			head := make([]byte, analyzer.SniffLen)
			m, _ := f.Read(head)
			n++
			if parser(t).Sniff(head[:m]) {
				t.Errorf("%s: claimed", path)
			}
			return nil
		})
	}
	if n < 100 {
		t.Fatalf("only %d files looked at", n)
	}
}
