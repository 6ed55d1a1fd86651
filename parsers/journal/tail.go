package journal

import (
	"bytes"
	"time"

	"github.com/kafkadiag/kafkadiag/analyzer"
)

// Tail reads the journal lines a status dump ends with: `systemctl status`
// prints a unit's last journal entries, in the short layout unless its -o
// names another, below the unit's state. Each line is read as Parse reads
// a short-layout journal (the same systemd, kernel and embedded-program
// handling), so a parser of such dumps need not copy that. One Tail per
// input.
type Tail struct {
	h *handler
	// layout is the short layout of the first record; the records after
	// it must be in the same one, as in a journal.
	layout string
	zone   *time.Location
	e      entry
}

// NewTail returns a Tail reporting to sink through a fresh set of p's
// embedded decoders.
func (p *Parser) NewTail(src *analyzer.Source, sink analyzer.Sink) *Tail {
	return &Tail{h: newHandler(src, sink, p.embedded), zone: src.ZoneOrUTC()}
}

// Line reads one line of the input, without its newline, at 1-based
// lineNo. It reports whether the line was the journal's: a record in the
// layout of the tail's first record, a journalctl "-- …" note, or the
// indented further line of a message an embedded decoder took. A blank line, or any other, is left to
// the caller and counted nowhere.
func (t *Tail) Line(line []byte, lineNo int) bool {
	line = bytes.TrimRight(line, "\r")
	if len(bytes.TrimSpace(line)) == 0 {
		return false
	}
	if bytes.HasPrefix(line, []byte("-- ")) {
		return true // journalctl's "-- No entries --", "-- Boot … --"
	}
	if line[0] != ' ' {
		var e entry
		layout, ok := parseShort(line, t.layout, t.zone, &e)
		if !ok {
			return false
		}
		t.layout = layout
	}
	return t.h.shortLine(line, lineNo, t.layout, t.zone, &t.e)
}

// IsRecord reports whether line starts a record in a short layout, without
// reading it: what a dump parser asks of a line that may begin its tail.
func IsRecord(line []byte) bool {
	var e entry
	_, ok := parseShort(bytes.TrimRight(line, "\r"), "", time.UTC, &e)
	return ok
}

// ZoneAssumed reports whether the records read so far printed their times
// without a zone (short, short-precise), so that they were read in the
// Source's zone.
func (t *Tail) ZoneAssumed() bool {
	return t.layout == LayoutShort || t.layout == LayoutShortPrecise
}

// Host is the first host a record named, "" before one did.
func (t *Tail) Host() string { return t.h.st.Host }

// Flush ends the input: kernel state held for a line that never came, and
// the embedded decoders.
func (t *Tail) Flush() { t.h.flush() }

// KafkaUnit reports whether a systemd unit name or description (any case)
// is a Kafka broker's, by the rules the journal applies to the units it
// reports: it mentions Kafka (or is one of Confluent's broker units) and
// names no tool that merely talks to Kafka, nor ZooKeeper.
func KafkaUnit(name []byte) bool {
	var buf [256]byte
	return kafkaUnit(lowerBuf(&buf, name))
}

// IsUnitName accepts `name.service` style names: no space, and one of the
// unit type suffixes (.service, .scope, .socket, .target, .timer, .mount,
// .slice). The journal takes a unit's name from a message by it; the
// systemctl parser's status headers want more of a name (systemctl's
// unitName).
func IsUnitName(b []byte) bool {
	if bytes.IndexByte(b, ' ') >= 0 {
		return false
	}
	for _, s := range [...]string{".service", ".scope", ".socket", ".target", ".timer", ".mount", ".slice"} {
		if bytes.HasSuffix(b, []byte(s)) {
			return true
		}
	}
	return false
}
