package kafkalog

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/kafkadiag/kafkadiag/analyzer"
)

// TestPipelineMatchesLineByLine: Parse (two stages, the reading stage's
// keyword flag skipping the decoder's scan) finds exactly what a
// LineDecoder fed line by line without the flag finds, on every fixture.
func TestPipelineMatchesLineByLine(t *testing.T) {
	names, err := filepath.Glob(filepath.Join("testdata", "*.log"))
	if err != nil || len(names) == 0 {
		t.Fatalf("no fixtures: %v", err)
	}
	for _, path := range names {
		name := filepath.Base(path)
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			want := &recorder{}
			src := &analyzer.Source{Path: name, R: bufio.NewReader(bytes.NewReader(data)), Zone: time.UTC}
			d := NewLineDecoder(src, want)
			lr := lineReader{r: src.R}
			loc := analyzer.Location{Path: name}
			for {
				line, _, err := lr.next()
				if err != nil {
					break
				}
				loc.Line++
				d.line(loc, time.Time{}, "", line)
			}
			d.Flush()
			// Balanced, and with the pre-filter all on the decoder, split,
			// all on the reading stage.
			// Also on one goroutine (analyzer.OneGoroutine), as a batch runs it.
			for _, one := range []bool{false, true} {
				ctx := context.Background()
				if one {
					ctx = analyzer.WithOneGoroutine(ctx)
				}
				for _, share := range []int{-1, 0, shareSteps / 2, shareSteps} {
					got := &recorder{}
					src := &analyzer.Source{Path: name, R: bufio.NewReaderSize(bytes.NewReader(data), 16<<10), Zone: time.UTC}
					gotStats, err := parse(ctx, src, got, share)
					if err != nil {
						t.Fatal(err)
					}
					if diff := cmp.Diff(describeAll(want.events), describeAll(got.events)); diff != "" {
						t.Errorf("one goroutine %v, share %d: events (-line by line +pipeline):\n%s", one, share, diff)
					}
					if gotStats.Lines != d.Stats().Lines || gotStats.Events != d.Stats().Events {
						t.Errorf("one goroutine %v, share %d: stats: pipeline %d lines %d events, line by line %d lines %d events",
							one, share, gotStats.Lines, gotStats.Events, d.Stats().Lines, d.Stats().Events)
					}
				}
			}
		})
	}
}

// lineReader is the reference the pipeline is checked against: it splits a stream into lines of at most MaxLineLen bytes
// without allocating per line: short lines are returned from the bufio
// buffer, long ones assembled once in buf.
type lineReader struct {
	r   *bufio.Reader
	buf []byte
}

// next returns the next line without its "\n"; cut reports it was longer
// than MaxLineLen. The slice is valid until the next call.
func (lr *lineReader) next() (line []byte, cut bool, err error) {
	b, err := lr.r.ReadSlice('\n')
	if err == nil {
		return b[:len(b)-1], false, nil
	}
	if errors.Is(err, io.EOF) {
		if len(b) > 0 {
			return b, false, nil
		}
		return nil, false, io.EOF
	}
	if !errors.Is(err, bufio.ErrBufferFull) {
		return nil, false, err
	}
	lr.buf = append(lr.buf[:0], b...)
	for {
		b, err = lr.r.ReadSlice('\n')
		room := MaxLineLen - len(lr.buf)
		if room > 0 {
			lr.buf = append(lr.buf, b[:min(room, len(b))]...)
		}
		if len(lr.buf) == MaxLineLen && len(bytes.TrimSuffix(b, []byte("\n"))) > room {
			cut = true
		}
		switch {
		case err == nil:
			return bytes.TrimSuffix(lr.buf, []byte("\n")), cut, nil
		case errors.Is(err, io.EOF):
			return lr.buf, cut, nil
		case !errors.Is(err, bufio.ErrBufferFull):
			return nil, false, err
		}
	}
}

func describeAll(events []analyzer.Event) []string {
	out := make([]string, len(events))
	for i, e := range events {
		out[i] = describe(e)
	}
	return out
}

// FuzzPipeline: on any input, Parse (with the reading stage's keyword, ESC
// and node-string hints) finds what a LineDecoder fed line by line finds.
// Run it with -fuzzminimizetime=50x: with the default the minimizer stalls
// on this two-goroutine target (seconds without an exec).
func FuzzPipeline(f *testing.F) {
	fuzzSeeds(f)
	f.Add([]byte("[2024-03-05 10:15:02,114] INFO \x1b[32m(id: 3 rack: r)\x1b[0m kafka-3:9092 (id: 3 rack: null) Node 3 disconnected. (org.apache.kafka.clients.NetworkClient)\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		got := &recorder{}
		src := &analyzer.Source{Path: "f.log", R: bufio.NewReader(bytes.NewReader(data)), Zone: time.UTC}
		ctx := context.Background()
		if len(data)%2 == 1 {
			ctx = analyzer.WithOneGoroutine(ctx) // as a batch runs it
		}
		if _, err := parse(ctx, src, got, len(data)%(shareSteps+1)); err != nil {
			t.Fatalf("Parse: %v", err)
		}
		want := &recorder{}
		src = &analyzer.Source{Path: "f.log", R: bufio.NewReader(bytes.NewReader(data)), Zone: time.UTC}
		d := NewLineDecoder(src, want)
		lr := lineReader{r: src.R}
		loc := analyzer.Location{Path: "f.log"}
		for {
			line, _, err := lr.next()
			if err != nil {
				break
			}
			loc.Line++
			d.line(loc, time.Time{}, "", line)
		}
		d.Flush()
		if diff := cmp.Diff(describeAll(want.events), describeAll(got.events)); diff != "" {
			t.Errorf("events (-line by line +pipeline):\n%s", diff)
		}
		if diff := cmp.Diff(want.nodes, got.nodes, cmpopts.EquateComparable(netip.AddrPort{}, netip.Addr{})); diff != "" {
			t.Errorf("nodes (-line by line +pipeline):\n%s", diff)
		}
	})
}
