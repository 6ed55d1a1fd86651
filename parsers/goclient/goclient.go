package goclient

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/kafkadiag/kafkadiag/analyzer"
)

// MaxLineLen bounds one line; longer lines are read past and counted as
// unparsed.
const MaxLineLen = 64 << 10

// sniffLines is how many leading lines Sniff looks at: applications log
// their own start-up lines before the client's first.
const sniffLines = 64

// Parser reads log files of Go Kafka clients.
type Parser struct{}

// New returns the Go client log parser.
func New() *Parser { return &Parser{} }

// Format implements analyzer.Parser.
func (*Parser) Format() string { return "go-kafka-client" }

// Sniff accepts an input when one of its first lines names a Go Kafka
// client: a sarama, kafka-go or franz-go template, or sarama's "[sarama] "
// prefix. A bare Go network error is not enough: every Go program prints
// "dial tcp …".
func (*Parser) Sniff(head []byte) bool {
	for n := 0; n < sniffLines && len(head) > 0; n++ {
		line := head
		if i := bytes.IndexByte(head, '\n'); i >= 0 {
			line, head = head[:i], head[i+1:]
		} else {
			head = nil
		}
		h := splitHeader(bytes.TrimRight(line, "\r"), time.UTC)
		if h.sarama {
			return true
		}
		if m := matchMessage(&h); m.role != roleNone && m.role != roleGeneric {
			return true
		}
	}
	return false
}

// Parse implements analyzer.Parser.
func (*Parser) Parse(ctx context.Context, src *analyzer.Source, sink analyzer.Sink) (st analyzer.Stats, err error) {
	d := NewLineDecoder(src, sink)
	d.confirmed = true // Sniff found a client's line
	defer func() {
		d.Flush()
		st.Events, st.Layout, st.ZoneAssumed = d.Events, d.Layout(), d.ZoneAssumed()
	}()
	var zero time.Time
	for {
		line, long, rerr := nextLine(src.R)
		err = rerr
		if len(line) > 0 || long || err == nil {
			st.Lines++
			if st.Lines&1023 == 0 && ctx.Err() != nil {
				return st, ctx.Err()
			}
			switch {
			case long:
				st.Unparsed++
				if len(st.Problems) < maxProblems {
					st.Problems = append(st.Problems, fmt.Sprintf("%s: line %d: longer than %d bytes, skipped", src.Path, st.Lines, MaxLineLen))
				}
			case len(bytes.TrimSpace(line)) == 0:
			case !d.Line(analyzer.Location{Path: src.Path, Line: st.Lines}, zero, "", line):
				st.Unparsed++
			}
		}
		if errors.Is(err, io.EOF) {
			return st, nil
		}
		if err != nil {
			return st, fmt.Errorf("%s: line %d: %w", src.Path, st.Lines+1, err)
		}
	}
}

// maxProblems bounds Stats.Problems.
const maxProblems = 20

// nextLine returns the next line without its newline, aliasing r's buffer
// until the next call; a line longer than the buffer or MaxLineLen is read
// past and reported as long.
func nextLine(r *bufio.Reader) (line []byte, long bool, err error) {
	line, err = r.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) || len(line) > MaxLineLen {
		for errors.Is(err, bufio.ErrBufferFull) {
			_, err = r.ReadSlice('\n')
		}
		return nil, true, err
	}
	if n := len(line); n > 0 && line[n-1] == '\n' {
		line = line[:n-1]
	}
	return line, false, err
}
