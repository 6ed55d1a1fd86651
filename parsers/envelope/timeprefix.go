package envelope

import (
	"bytes"
	"time"

	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/parsers/internal/lines"
)

// LayoutTimePrefix is a time that whatever collected the output put
// before each printed line, stack frames included:
//
//	2024-03-05T10:19:00.100123456Z [2024-03-05 10:19:00,100] WARN …   docker logs -t, podman logs -t
//	2025-02-03 16:28:04 [2025-02-03 21:28:04,018] WARN …              Docker Desktop's log view, copied
//	[2023-06-09T12:19:03.724Z] 2023-06-09 08:18:58,118 WARN …         a CI runner, a log shipper
//	[2026-03-18 22:04:38]     | 2026.03.18 23:03:01.518030 [ 1 ] …    a CI report quoting a server log
//
// The time is ISO 8601 with 'T' or a space, any fraction, with or without
// a zone; a report's quote bar ("  | ") after it is dropped too.
// Docker Desktop prints the viewer's local time without a zone while the
// program inside may print UTC: an inner line's own time wins, and a
// zoneless prefix time stands in only for lines that print none.
//
// Sniffed only when the inner text of one of the first lines starts the
// way a log line does (sniffTimePrefix): a Kafka log's own
// "[2024-03-05 10:19:00,100] WARN …" is a bracketed time too.
const LayoutTimePrefix = "time-prefix"

// cutTimePrefix splits "<time> text" or "[<time>] text". zoned is false
// for a time printed without a zone, read in zone. A line that is the
// prefix alone has empty text.
func cutTimePrefix(line []byte, zone *time.Location) (ts time.Time, zoned bool, text []byte, ok bool) {
	b := line
	bracket := len(b) > 0 && b[0] == '['
	if bracket {
		b = b[1:]
	}
	ts, n, zoned, ok := parseISOTime(b, zone)
	if !ok {
		return time.Time{}, false, nil, false
	}
	if bracket {
		if n >= len(b) || b[n] != ']' {
			return time.Time{}, false, nil, false
		}
		n++
	}
	switch {
	case n == len(b):
		return ts, zoned, nil, true
	case b[n] != ' ':
		return time.Time{}, false, nil, false
	}
	text = b[n+1:]
	// A report's quote bar: "[time]     | text".
	if i := skipBlanks(text, 0); i < len(text) && text[i] == '|' && (i+1 == len(text) || text[i+1] == ' ') {
		text = text[min(i+2, len(text)):]
	}
	return ts, zoned, text, true
}

// sniffTimePrefix accepts a head whose first line carries a time prefix
// and one of whose first prefixed lines' text is a log line of a layout
// a decoder reads (startsLogLine).
func sniffTimePrefix(head []byte) bool {
	first := true
	for line := range lines.Leading(head, sniffLines) {
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		_, _, text, ok := cutTimePrefix(line, time.UTC)
		if first && !ok {
			return false
		}
		first = false
		if ok && startsLogLine(text) {
			return true
		}
	}
	return false
}

// sniffLines bounds the lines a sniff of a printed layout looks at.
const sniffLines = 32

// startsLogLine reports text that starts the way the lines the decoders
// read do: a time ("2024-03-05 10:19:00,100 …", "[2024-03-05 …] …", Go's
// "2024/03/05 10:19:00 …"), a ClickHouse server line, or a JSON log
// record. librdkafka's "%7|…" behind a time is left to the rdkafka
// parser, which reads it with its application prefix.
func startsLogLine(text []byte) bool {
	t := text
	if len(t) > 0 && t[0] == '[' {
		t = t[1:]
	}
	if _, _, _, ok := parseISOTime(t, time.UTC); ok {
		return true
	}
	if _, _, _, ok := parseCivil(t, '/'); ok {
		return true
	}
	if sniffClickHouse(text) {
		return true
	}
	return len(text) > 0 && text[0] == '{' && sniffStructured(text, true) != ""
}

// timePrefixed handles one line of a time-prefixed log. A line without
// the prefix (a collector that stamps only a record's first line) goes
// on as printed.
func (rd *reader) timePrefixed(loc analyzer.Location, line []byte) {
	ts, zoned, text, ok := cutTimePrefix(line, rd.route.zone)
	switch {
	case !ok:
		rd.route.text(rd.ds, loc, time.Time{}, rd.host, line)
		return
	case len(bytes.TrimSpace(text)) == 0:
		return
	case zoned:
		rd.learnZone(ts, text)
	default:
		// Read in the Source's zone: a guess for lines that print no time.
		rd.route.zoneAssumed = true
	}
	rd.route.text(rd.ds, loc, ts, rd.host, text)
}

// skipBlanks returns the index of the first byte at or after i that is
// not a space or tab.
func skipBlanks(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t') {
		i++
	}
	return i
}
