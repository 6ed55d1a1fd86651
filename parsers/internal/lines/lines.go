// Package lines holds the read loop the line-oriented parsers share: lines
// without their newline, bounded in length, each handed to a decoder with
// its location, the input's counts and problems kept the same way by all;
// and the walk over an input's first lines their Sniff methods share.
package lines

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"time"

	"github.com/kafkadiag/kafkadiag/analyzer"
)

// MaxProblems bounds Stats.Problems per input: a damaged file of a million
// bad lines must not make a report of a million problems.
const MaxProblems = 20

// Decoder takes one line at a time; ts is the caller's time for the line
// (zero: the line must carry its own). It reports whether it understood
// the line.
type Decoder interface {
	Line(loc analyzer.Location, ts time.Time, host string, line []byte) bool
}

// Reader yields lines without their newline, never more than Max bytes: a
// longer line, or one longer than the bufio buffer, is read past and
// reported as long.
type Reader struct {
	R   *bufio.Reader
	Max int
}

// Next returns the next line. The slice aliases the reader's buffer and is
// valid until the following call. err is io.EOF after the last line (which
// may come with it when it had no newline).
func (l *Reader) Next() (line []byte, long bool, err error) {
	line, err = l.R.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) || len(line) > l.Max {
		for errors.Is(err, bufio.ErrBufferFull) {
			_, err = l.R.ReadSlice('\n')
		}
		return nil, true, err
	}
	if n := len(line); n > 0 && line[n-1] == '\n' {
		line = line[:n-1]
	}
	return line, false, err
}

// Feed hands every line next yields to d, counting lines and the ones d
// did not understand in st, and noting long ones among st.Problems, which
// name the file and line. Blank lines count as read, not as unparsed, and
// are not handed to d.
// It stops at the end of input (nil), a read error (returned with the
// line it stopped at) or ctx's end, checked every 1024 lines.
func Feed(ctx context.Context, path string, maxLen int, next func() ([]byte, bool, error), d Decoder, st *analyzer.Stats) error {
	var zero time.Time
	for {
		line, long, err := next()
		if len(line) > 0 || long || err == nil {
			st.Lines++
			if st.Lines&1023 == 0 && ctx.Err() != nil {
				return ctx.Err()
			}
			switch {
			case long:
				st.Unparsed++
				AddProblem(st, fmt.Sprintf("%s: line %d: longer than %d bytes, skipped", path, st.Lines, maxLen))
			case len(bytes.TrimSpace(line)) == 0:
			case !d.Line(analyzer.Location{Path: path, Line: st.Lines}, zero, "", line):
				st.Unparsed++
			}
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: line %d: %w", path, st.Lines+1, err)
		}
	}
}

// AddProblem notes p unless MaxProblems are noted already.
func AddProblem(st *analyzer.Stats, p string) {
	if len(st.Problems) < MaxProblems {
		st.Problems = append(st.Problems, p)
	}
}

// MostSeen names the layout a parser counted most lines in, the first of
// names on a tie, "" when it counted none: Stats.Layout of an input whose
// lines came in several layouts (counts[i] is names[i]'s).
func MostSeen(counts []int, names []string) string {
	best := -1
	for i, n := range counts {
		if n > 0 && (best < 0 || n > counts[best]) {
			best = i
		}
	}
	if best < 0 {
		return ""
	}
	return names[best]
}

// Leading yields the first n lines of head, an input's first bytes as
// Sniff gets them, without their newline and trailing carriage returns.
// The last line may be cut where head ends.
func Leading(head []byte, n int) iter.Seq[[]byte] {
	return func(yield func([]byte) bool) {
		for ; n > 0 && len(head) > 0; n-- {
			line := head
			if i := bytes.IndexByte(head, '\n'); i >= 0 {
				line, head = head[:i], head[i+1:]
			} else {
				head = nil
			}
			if !yield(bytes.TrimRight(line, "\r")) {
				return
			}
		}
	}
}
