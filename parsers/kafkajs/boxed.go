package kafkajs

import (
	"bytes"
	"time"

	"github.com/kafkadiag/kafkadiag/analyzer"
)

// KafkaJS's own example logger (examples/prettyConsoleLogger.js in the
// kafkajs repository, which users copy into their apps) prints an entry
// as a box: a header with the namespace and message, then the entry's
// other fields as JSON.stringify(extra, null, 2), one numbered line each,
// every line behind the level's tag padded to seven bytes:
//
//	error: ┏ [Connection] Connection timeout
//	error: ┃ [0] {
//	error: ┃ [1]   "timestamp": "2020-10-14T13:47:05.956Z",
//	error: ┃ [2]   "logger": "kafkajs",
//	error: ┃ [3]   "broker": "192.168.0.38:39094",
//	error: ┃ [4]   "clientId": "example-producer"
//	error: ┗ [5] }
//
// A header KafkaJS would log on a failure is held as a pino-pretty one is
// (pretty.go) and given the box's timestamp, broker and clientId; the box
// ends at its ┗ line, or at the first line that is no part of one.

// Box marks that start a box's lines, after the tag.
const (
	boxStart = "┏ "
	boxLine  = "┃ "
	boxEnd   = "┗ "
)

// maxBoxTag bounds the tag before a box mark: "error: ", "warn:  ".
const maxBoxTag = 8

// boxedLine takes a line of a box; it reports whether the line was one
// (then the decoder has nothing more to do with it).
func (d *LineDecoder) boxedLine(loc analyzer.Location, ts time.Time, host string, line []byte) bool {
	b := &d.pretty
	tag, mark, rest, ok := boxParts(line)
	if !ok {
		if b.open && b.box {
			d.closePretty() // a box cut short
		}
		return false
	}
	switch mark {
	case boxStart:
		d.closePretty()
		d.openBox(loc, ts, host, tag, rest, line)
	case boxLine:
		if b.open && b.box {
			b.boxField(rest, d.zone())
		}
	case boxEnd:
		if b.open && b.box {
			d.closePretty()
		}
	}
	return true
}

// openBox holds a box's header when its message is a KafkaJS failure
// behind a KafkaJS namespace.
func (d *LineDecoder) openBox(loc analyzer.Location, ts time.Time, host string, tag, msg, line []byte) {
	_, rest, ok := cutNamespace(msg)
	if !ok || classify(firstLine(rest)).kind == "" {
		return
	}
	b := &d.pretty
	*b = prettyBlock{open: true, box: true, kafkajs: true, loc: loc, host: host, time: ts, zoned: true,
		level: levelWord(bytes.TrimRight(tag, ": ")),
		msg:   append(b.msg[:0], msg...), line: append(b.line[:0], line...),
		broker: b.broker[:0], client: b.client[:0]}
}

// boxField reads a numbered JSON line of a box, "[3]   "broker": "h:p",",
// for the fields an event takes. A record's own time (ts at openBox)
// stays ahead of the box's timestamp.
func (b *prettyBlock) boxField(rest []byte, zone *time.Location) {
	if len(rest) < 3 || rest[0] != '[' {
		return
	}
	end := bytes.IndexByte(rest, ']')
	if end < 0 {
		return
	}
	field := bytes.TrimLeft(rest[end+1:], " ")
	switch {
	case bytes.HasPrefix(field, []byte(`"timestamp": "`)):
		if b.time.IsZero() {
			v := quotedField(field, `"timestamp": "`)
			if t, zoned, n := parseTime(v, zone); n == len(v) && n > 0 {
				b.time, b.zoned = t, zoned
			}
		}
	case bytes.HasPrefix(field, []byte(`"broker": "`)):
		b.broker = append(b.broker[:0], quotedField(field, `"broker": "`)...)
	case bytes.HasPrefix(field, []byte(`"clientId": "`)):
		b.client = append(b.client[:0], quotedField(field, `"clientId": "`)...)
	}
}

// boxParts splits a box line into the tag before its mark, the mark and
// the rest; ok is false for a line that is no part of a box.
func boxParts(line []byte) (tag []byte, mark string, rest []byte, ok bool) {
	for _, m := range [...]string{boxStart, boxLine, boxEnd} {
		i := bytes.Index(line[:min(len(line), maxBoxTag+len(m))], []byte(m))
		if i >= 0 && (i == 0 || levelWord(bytes.TrimRight(line[:i], ": ")) != "") {
			return line[:i], m, line[i+len(m):], true
		}
	}
	return nil, "", nil, false
}
