package kafkalog

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/kafkadiag/kafkadiag/analyzer"
)

// A log is read on two goroutines: readLines splits lines and runs the
// keyword pre-filter (most of the cost on routine lines), Parse decodes.
// Lines cross in batches from a fixed pool, copied into the batch's arena
// (the reader's buffer is reused), so the steady state allocates nothing
// and order is kept (one producer, one consumer, one FIFO channel).
const (
	batchLines = 2048
	lineArena  = 1 << 20 // ≥ MaxLineLen: any line fits an empty arena
	linePool   = 4
	// readerScanEvery: see readLines.
	readerScanEvery = 3
)

// batchLine is one line of a batch: arena[start:end].
type batchLine struct {
	start, end int
	cut        bool // longer than MaxLineLen, cut
	// keyword is false when the line holds none of the pre-filter's
	// keywords (and no ANSI colours, which the decoder strips first); true
	// means the decoder must look.
	keyword bool
	// esc is set when the line holds an ESC byte (terminal colours).
	// noNodeString is set when it holds no ESC and no "(id: ", so the
	// decoder need not look for node strings. Both are found here, on the
	// stage with time to spare, instead of on the decoding one.
	esc, noNodeString bool
}

type lineBatch struct {
	arena []byte
	lines []batchLine
	// err, on the last batch, is why reading stopped (nil at the end).
	err error
}

// readLines reads src into batches sent on full and closes it at the end.
func readLines(ctx context.Context, src *analyzer.Source, full chan<- *lineBatch, free <-chan *lineBatch) {
	defer close(full)
	lr := lineReader{r: src.R}
	b := <-free
	for n := 1; ; n++ {
		line, cut, rerr := lr.next()
		if rerr != nil {
			if !errors.Is(rerr, io.EOF) {
				b.err = fmt.Errorf("%s: line %d: %w", src.Path, n, rerr)
			}
			break
		}
		if len(b.lines) == cap(b.lines) || len(b.arena)+len(line) > cap(b.arena) {
			full <- b
			b = <-free
		}
		start := len(b.arena)
		b.arena = append(b.arena, line...)
		// The pre-filter is the reading stage's biggest cost: every
		// readerScanEvery-th line is left to the decoder (keyword "maybe"),
		// which scans only the message part, so both stages stay busy.
		esc := bytes.IndexByte(line, 0x1b) >= 0
		kw := n%readerScanEvery == 0 || esc || interesting(line)
		noNode := !esc && !bytes.Contains(line, nodeStringMark)
		b.lines = append(b.lines, batchLine{start: start, end: len(b.arena), cut: cut, keyword: kw, esc: esc, noNodeString: noNode})
		if n%4096 == 0 && ctx.Err() != nil {
			b.err = fmt.Errorf("%s: line %d: %w", src.Path, n, ctx.Err())
			break
		}
	}
	full <- b
}
