package rdkafka

import (
	"bufio"
	"errors"
	"time"
)

var zeroTime time.Time

// lineReader yields lines without their newline, never more than
// MaxLineLen bytes: a longer line is read past and reported as long.
type lineReader struct {
	r *bufio.Reader
}

// next returns the next line. The slice aliases the reader's buffer and is
// valid until the following call. err is io.EOF after the last line (which
// may be returned together with it when it had no newline).
func (l *lineReader) next() (line []byte, long bool, err error) {
	line, err = l.r.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) || len(line) > MaxLineLen {
		for errors.Is(err, bufio.ErrBufferFull) {
			_, err = l.r.ReadSlice('\n')
		}
		return nil, true, err
	}
	if n := len(line); n > 0 && line[n-1] == '\n' {
		line = line[:n-1]
	}
	return line, false, err
}
