package kafkalog

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/kafkadiag/kafkadiag/analyzer"
)

// A log is read on two goroutines: readLines reads blocks, splits them
// into lines and runs the keyword pre-filter over each block as a whole
// (most of the cost on routine lines), Parse decodes. Blocks are read
// straight into the arena of a batch from a pool of linePool, so a byte is
// copied once (a line cut across two blocks twice), the steady state
// allocates nothing and order is kept (one producer, one consumer, one
// FIFO channel).
const (
	// lineArena is the least block size: ≥ 2×MaxLineLen, so a carried
	// partial line always leaves room to read; startReading makes it
	// larger than the source's bufio buffer.
	lineArena = 256 << 10
	// batchLines bounds the lines of one batch (a block of empty lines
	// would otherwise need 24 bytes of batchLine per byte read).
	batchLines = 16 << 10
	linePool   = 4
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
	// noNodeString is set when it holds no ESC, no keyword and no
	// nodeMarkText, so the decoder need not look for node strings. Both
	// are found here, on the stage with time to spare, instead of on the
	// decoding one.
	esc, noNodeString bool
}

type lineBatch struct {
	arena []byte
	lines []batchLine
	// err, on the last batch, is why reading stopped (nil at the end).
	err error
}

// blockSplitter is readLines' state between blocks.
type blockSplitter struct {
	src *analyzer.Source
	// lines counts the lines handed over so far.
	lines int
	// skipping is set when the partial line carried at the start of the
	// next block was cut at MaxLineLen: its bytes up to the next newline
	// are dropped.
	skipping bool
	// arena is the block size batches are given now: it starts small and
	// doubles up to maxArena while reads fill whole blocks, so a small
	// input (a bundle holds thousands) costs little memory.
	arena, maxArena int
	maxLines        int
	// share is the part of each batch's lines, in 1/shareSteps, whose
	// keywords and node strings the reading stage looks for itself; the
	// rest it leaves to the decoder (flags "maybe"). It moves a step at a
	// time towards whichever stage waits on the other, so the two
	// goroutines stay equally busy on any machine. The flags are hints,
	// so the events found do not depend on it.
	share int
	// fixedShare, when set, holds share still (tests).
	fixedShare bool
}

const shareSteps = 16

// startReading starts readLines over a pool of linePool batches of up to
// arena bytes (at least 2×MaxLineLen, so a carried partial line leaves
// room to read) and maxLines lines each. Batches arrive on full, in order,
// and are handed back on free once decoded. share is the reading stage's
// part of the pre-filter in 1/shareSteps (see blockSplitter), or -1 to
// balance it between the stages.
func startReading(ctx context.Context, src *analyzer.Source, arena, maxLines, share int) (<-chan *lineBatch, chan<- *lineBatch) {
	s := newSplitter(src, arena, maxLines, share)
	full, free := make(chan *lineBatch, linePool), newLinePool()
	go s.readLines(ctx, full, free)
	return full, free
}

// newSplitter is the reading stage startReading describes.
func newSplitter(src *analyzer.Source, arena, maxLines, share int) *blockSplitter {
	s := &blockSplitter{src: src, arena: 2 * MaxLineLen, maxLines: maxLines, share: shareSteps}
	if share >= 0 {
		s.share, s.fixedShare = min(share, shareSteps), true
	}
	// Room for the bufio buffer's size after a carried line, so reads
	// bypass the buffer, and no more: a smaller block is likelier to be
	// in cache still when it is scanned and decoded.
	s.maxArena = max(arena, s.arena, src.R.Size()+MaxLineLen)
	if rest, whole := analyzer.WholeInBuffer(src.R); whole {
		// One block holds the input (the byte to spare lets the read
		// that finds the end go into it); no line is carried over.
		s.arena = min(s.arena, len(rest)+1)
	}
	return s
}

// newLinePool returns a channel holding linePool empty batches.
func newLinePool() chan *lineBatch {
	free := make(chan *lineBatch, linePool)
	for range linePool {
		free <- &lineBatch{}
	}
	return free
}

// readLines reads s.src into batches sent on full and closes it at the end.
func (s *blockSplitter) readLines(ctx context.Context, full chan<- *lineBatch, free <-chan *lineBatch) {
	defer close(full)
	r := lineSteps{s: s, b: s.take(free, nil)}
	for {
		b, last := r.next(ctx, free, len(full) == 0)
		full <- b
		if last {
			return
		}
	}
}

// lineSteps is the reading stage one batch at a time: readLines runs it on
// its own goroutine, a one-goroutine parse (analyzer.OneGoroutine) between
// decoding batches.
type lineSteps struct {
	s   *blockSplitter
	b   *lineBatch // the batch being filled
	eof bool
}

// next fills, splits and returns the next batch; last is set on the final
// one (the input ended, failed or was cancelled: its err says which).
// decoderIdle says the decoder has no batch queued (see balance).
func (r *lineSteps) next(ctx context.Context, free <-chan *lineBatch, decoderIdle bool) (b *lineBatch, last bool) {
	s, b, src := r.s, r.b, r.s.src
	var rerr error
	if !r.eof {
		rerr = fill(src, b)
	}
	if errors.Is(rerr, io.EOF) {
		r.eof, rerr = true, nil
	}
	if len(b.arena) == cap(b.arena) {
		s.arena = min(2*s.arena, s.maxArena)
	}
	rest := s.split(b, r.eof)
	markLines(b, len(b.lines)*s.share/shareSteps)
	switch {
	case rerr != nil:
		b.err = fmt.Errorf("%s: line %d: %w", src.Path, s.lines+1, rerr)
		return b, true
	case ctx.Err() != nil:
		b.err = fmt.Errorf("%s: line %d: %w", src.Path, s.lines+1, ctx.Err())
		return b, true
	case r.eof && len(rest) == 0:
		return b, true
	}
	// The next batch is taken before this one is handed over, so the
	// unsplit rest can be copied out of it while no one else may reuse it.
	s.balance(len(free) == 0, decoderIdle)
	r.b = s.take(free, rest)
	return b, false
}

// balance moves share a step: up when the reading stage is about to wait
// for a free batch (it is ahead), down when the decoder has no full batch
// queued (it waits for this one).
func (s *blockSplitter) balance(readerAhead, decoderIdle bool) {
	switch {
	case s.fixedShare:
	case readerAhead && s.share < shareSteps:
		s.share++
	case decoderIdle && !readerAhead && s.share > 0:
		s.share--
	}
}

// take returns a free batch holding rest, its arena grown to s.arena.
func (s *blockSplitter) take(free <-chan *lineBatch, rest []byte) *lineBatch {
	b := <-free
	if cap(b.arena) < s.arena {
		b.arena = make([]byte, 0, s.arena)
	}
	b.arena = append(b.arena[:0], rest...)
	return b
}

// fill reads into the free part of b.arena until what it read holds a
// line end or the arena is full, and returns the error that stopped it
// (io.EOF at the end). Once what the sniffer peeked is consumed, a read at
// least as long as the bufio buffer goes straight from the file into the
// arena (see startReading), without a copy through the buffer.
func fill(src *analyzer.Source, b *lineBatch) error {
	for empty := 0; len(b.arena) < cap(b.arena); {
		n, err := src.R.Read(b.arena[len(b.arena):cap(b.arena)])
		read := b.arena[len(b.arena) : len(b.arena)+n]
		b.arena = b.arena[:len(b.arena)+n]
		switch {
		case err != nil:
			return err
		case bytes.IndexByte(read, '\n') >= 0:
			return nil
		case n == 0:
			if empty++; empty == 100 {
				return io.ErrNoProgress
			}
		}
	}
	return nil
}

// split cuts b.arena into lines and returns the bytes it left for the next
// block: a partial last line (cut to MaxLineLen), or whatever did not fit
// batchLines. At the end (atEOF) a last line without "\n" is a line too.
func (s *blockSplitter) split(b *lineBatch, atEOF bool) (rest []byte) {
	data := b.arena
	pos := 0
	for len(b.lines) < s.maxLines {
		i := bytes.IndexByte(data[pos:], '\n')
		if i < 0 {
			break
		}
		s.add(b, pos, pos+i)
		pos += i + 1
	}
	rest = data[pos:]
	if len(rest) == 0 || len(b.lines) == s.maxLines {
		return rest
	}
	if atEOF {
		s.add(b, pos, len(data))
		return nil
	}
	if len(rest) > MaxLineLen {
		rest, s.skipping = rest[:MaxLineLen], true
	}
	return rest
}

// add appends the line data[start:end] (its "\n" excluded) to b, cut to
// MaxLineLen.
func (s *blockSplitter) add(b *lineBatch, start, end int) {
	cut := s.skipping && start == 0
	if end-start > MaxLineLen {
		end, cut = start+MaxLineLen, true
	}
	if start == 0 {
		s.skipping = false
	}
	b.lines = append(b.lines, batchLine{start: start, end: end, cut: cut})
	s.lines++
}

// markLines sets the pre-filter's flags of every line of b, looking for
// keywords and node strings in its first mine lines only: the others are
// marked for the decoder to look. ESC bytes are looked for over the whole
// block first: most blocks have none at all.
func markLines(b *lineBatch, mine int) {
	if len(b.lines) == 0 {
		return
	}
	data := b.arena[:b.lines[len(b.lines)-1].end]
	anyESC := bytes.IndexByte(data, 0x1b) >= 0
	for i := range b.lines {
		l := &b.lines[i]
		l.esc = anyESC && bytes.IndexByte(data[l.start:l.end], 0x1b) >= 0
		l.keyword = l.esc || i >= mine
		l.noNodeString = !l.esc && i < mine
	}
	if mine > 0 {
		markKeywords(data[:b.lines[mine-1].end], b.lines[:mine])
	}
}

// markKeywords sets keyword on every line of data that holds a keyword,
// and clears noNodeString on every line that holds the node mark or a
// keyword (the scan skips the rest of such a line), scanning data as one
// block: a pattern holds no "\n", so a hit always lies in one line, or in
// the dropped tail of a cut line, which does not count.
func markKeywords(data []byte, lines []batchLine) {
	for from := 0; ; {
		s, e, k := nextLongKeyword(data, from)
		if s < 0 {
			break
		}
		if k == nodeMark {
			from = markNodeString(lines, s, e)
		} else {
			from = markHit(lines, s, e)
		}
	}
	for a := range anchors {
		for from := 0; ; {
			s, e := nextShortKeyword(data, &anchors[a], from)
			if s < 0 {
				break
			}
			from = markHit(lines, s, e)
		}
	}
}

// lineAt returns the index of the line holding data[s:e], or -1 when the
// span lies in no line (the dropped tail of a cut line).
func lineAt(lines []batchLine, s, e int) int {
	lo, hi := 0, len(lines) // the first line starting after s
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if lines[m].start <= s {
			lo = m + 1
		} else {
			hi = m
		}
	}
	if lo == 0 || e > lines[lo-1].end {
		return -1
	}
	return lo - 1
}

// markNodeString notes a node mark at data[s:e] on its line and returns
// where the scan goes on: past s, as the line may hold a keyword still.
func markNodeString(lines []batchLine, s, e int) int {
	if i := lineAt(lines, s, e); i >= 0 {
		lines[i].noNodeString = false
	}
	return s + 1
}

// markHit flags the line holding the keyword data[s:e] and returns where
// the scan goes on: past that line, or past s when the hit lies in no
// line. The node mark is no longer looked for on that line, so the
// decoder is left to look.
func markHit(lines []batchLine, s, e int) int {
	i := lineAt(lines, s, e)
	if i < 0 {
		return s + 1
	}
	lines[i].keyword, lines[i].noNodeString = true, false
	return lines[i].end
}
