package sinktest

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
)

// FuzzParse seeds f with the files matching the seeds globs and fuzzes
// p.Parse over arbitrary input: it must not fail or panic, its counts must
// agree with what it reported, and every event must sit on a line it read.
// program, when set, is the Program every event must carry.
func FuzzParse(f *testing.F, p analyzer.Parser, program string, seeds ...string) {
	for _, glob := range seeds {
		paths, _ := filepath.Glob(glob)
		for _, path := range paths {
			b, err := os.ReadFile(path)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		rec := &Recorder{}
		src := &analyzer.Source{Path: "f.txt", Zone: time.UTC, R: bufio.NewReaderSize(bytes.NewReader(b), 4096)}
		st, err := p.Parse(context.Background(), src, rec)
		if err != nil {
			t.Fatal(err)
		}
		if st.Events != len(rec.Events) || st.Unparsed > st.Lines || len(st.Problems) > lines.MaxProblems {
			t.Fatalf("stats %+v, %d events", st, len(rec.Events))
		}
		for _, e := range rec.Events {
			if e.Kind == "" || (program != "" && e.Program != program) || len(e.Text) > analyzer.MaxTextLen ||
				e.Source.Line < 1 || e.Source.Line > st.Lines {
				t.Fatalf("bad event %+v", e)
			}
		}
	})
}

// CheckPrimary fails t unless res's primary finding is cause at severity
// sev, or, for cause "", unless no finding reaches warning.
func CheckPrimary(t *testing.T, name string, res *analyzer.Result, cause analyzer.Cause, sev analyzer.Severity) {
	t.Helper()
	var got analyzer.Cause
	var gotSev analyzer.Severity
	if len(res.Findings) > 0 {
		got, gotSev = res.Findings[0].Cause, res.Findings[0].Severity
	}
	if cause == "" && len(res.Findings) > 0 && gotSev >= analyzer.Warning || cause != "" && (got != cause || gotSev != sev) {
		t.Errorf("%s: findings[0] %s (%v), want %s (%v)", name, got, gotSev, cause, sev)
	}
}
