package kafkalog

import (
	"bytes"
	"context"
	"time"

	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/parsers/internal/lines"
)

// Parser reads Apache Kafka's Java logs, client and broker.
type Parser struct{}

// Format names the input format in the report.
func (Parser) Format() string { return "kafka-log" }

// sniffLines is how many leading lines Sniff looks at.
const sniffLines = 64

// Sniff accepts an input when one of its first lines is a record header in
// a known layout from a Kafka logger, with a Kafka log-context prefix, or
// opening a Kafka config dump, or when two of them are headers from Java
// loggers: an application's log whose Kafka lines come later is still a
// Java log, read (maybe to no event) rather than skipped. librdkafka
// ("%7|…") and journal lines ("Apr 28 16:50:56 host ident[pid]:",
// "__CURSOR=") never parse as headers, nor do Python's, whose logger names
// are lower-case modules; they are left to their own parsers.
func (Parser) Sniff(head []byte) bool {
	if bytes.HasPrefix(head, []byte("__CURSOR=")) {
		return false
	}
	var h header
	java := 0
	for line := range lines.Leading(head, sniffLines) {
		if !parseHeader(line, time.UTC, &h) {
			continue
		}
		msg := line[h.msgStart:h.msgEnd]
		logger := canonicalLogger(line[h.loggerStart:h.loggerEnd])
		if isKafkaLogger(logger) || hasKafkaContext(msg) || h.layout.bareClass() && classOnly(logger) != 0 {
			return true
		}
		if _, ok := configDumpScope(msg); ok {
			return true
		}
		if isJavaLogger(logger) {
			if java++; java == 2 {
				return true
			}
		}
	}
	return false
}

// Parse streams src line by line through a LineDecoder. Two goroutines
// share the work (see lineBatch): one splits lines and runs the keyword
// pre-filter, the other decodes.
func (Parser) Parse(ctx context.Context, src *analyzer.Source, sink analyzer.Sink) (analyzer.Stats, error) {
	return parse(ctx, src, sink, -1)
}

// parse is Parse with the reading stage's share of the pre-filter fixed
// (0 to shareSteps) or balanced (-1); tests fix it.
func parse(ctx context.Context, src *analyzer.Source, sink analyzer.Sink, share int) (analyzer.Stats, error) {
	d := NewLineDecoder(src, sink)
	d.borrow = true
	loc := analyzer.Location{Path: src.Path}
	var err error
	if analyzer.OneGoroutine(ctx) {
		// Read and decode in turn on this goroutine, as a batch of
		// incidents run side by side asks.
		free := newLinePool()
		r := lineSteps{s: newSplitter(src, lineArena, batchLines, share)}
		r.b = r.s.take(free, nil)
		for last := false; !last; {
			var b *lineBatch
			b, last = r.next(ctx, free, true)
			err = d.batch(b, &loc)
			free <- b
		}
	} else {
		full, free := startReading(ctx, src, lineArena, batchLines, share)
		for b := range full {
			err = d.batch(b, &loc)
			free <- b
		}
	}
	d.Flush()
	return d.Stats(), err
}

// batch decodes the lines of b, counting them in loc, and empties b for
// the reading stage; the error is the one that ended reading, on the last
// batch.
func (d *LineDecoder) batch(b *lineBatch, loc *analyzer.Location) error {
	for _, l := range b.lines {
		loc.Line++
		if l.cut {
			d.problem(*loc, "line longer than %d bytes, cut", MaxLineLen)
		}
		d.noKeyword, d.noESC, d.noNodeString = !l.keyword, !l.esc, l.noNodeString
		d.line(*loc, time.Time{}, d.src.Host, b.arena[l.start:l.end])
	}
	d.noKeyword, d.noESC, d.noNodeString = false, false, false
	d.detach() // b goes back to the reading stage
	err := b.err
	b.arena, b.lines, b.err = b.arena[:0], b.lines[:0], nil
	return err
}

// Stats reports what the decoder saw so far: lines, events, lines in no
// layout, problems, and the layout of the first record.
func (d *LineDecoder) Stats() analyzer.Stats {
	s := d.stats
	s.Layout = d.layout.String()
	if d.composed {
		s.Layout = "docker-compose"
	}
	s.Problems = append([]string(nil), d.stats.Problems...)
	return s
}
