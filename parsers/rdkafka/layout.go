package rdkafka

import (
	"bytes"
	"time"

	"github.com/kafkadiag/kafkadiag/parsers/internal/text"
)

// Layout names, in the order Stats.Layout prefers them on a tie.
const (
	LayoutNative      = "native"           // %7|1623456789.123|FAC|name| text
	LayoutJournal     = "journal-prefixed" // "Mar 07 23:10:03 host ident[pid]: " + native
	LayoutSyslogStyle = "syslog-style"     // 1511418210.136 RDKAFKA-3-FAIL: name: text
	LayoutDotnet      = "dotnet"           // 7|2017-02-28 09:05:52.404|name|FAC| text
	LayoutFluentBit   = "fluent-bit"       // [2022/11/14 15:31:59] [error] [output:kafka:kafka.0] name: text
	LayoutAppCallback = "app-callback"     // %7 2020/09/24 18:20:12   (Local: …): text
	LayoutWrapped     = "wrapped"          // any prefix + a librdkafka core (see wrapped.go)
	LayoutKcatError   = "kcat-error"       // % ERROR: Local: …: text
)

var layoutOrder = [...]string{LayoutNative, LayoutJournal, LayoutSyslogStyle, LayoutDotnet, LayoutFluentBit, LayoutAppCallback, LayoutWrapped, LayoutKcatError}

// Indexes into layoutOrder, for record.layout.
const (
	idxNative = iota
	idxJournal
	idxSyslogStyle
	idxDotnet
	idxFluentBit
	idxAppCallback
	idxWrapped
	idxKcatError
)

// record is one librdkafka log line split into its parts. The byte slices
// alias the caller's line and are valid only until the next line is read.
type record struct {
	layout int // index into layoutOrder
	level  int // syslog level, -1 when the layout has none
	// time is zero when the layout printed none (kcat errors, wrappers
	// without a timestamp).
	time time.Time
	// noYear is set when time came from a syslog-style "Mon DD HH:MM:SS"
	// stamp: its year is placeholderYear until Analyze infers the real one.
	noYear bool
	// local is set when time was printed without a zone and read in the
	// Source's zone.
	local  bool
	fac    []byte // facility, empty when the layout has none
	client []byte // instance name, empty when the layout has none
	text   []byte // everything after the prefix
	// errStr is set when an app callback printed librdkafka's error string
	// ("(Local: Broker transport failure): ") before the text: proof
	// enough, for sniffing, that the line came from librdkafka.
	errStr bool
	// callback is set for lines of an error callback (kcat's "% ERROR:",
	// "(Local: …): ", confluent-kafka-python's KafkaError{…}): they repeat
	// a FAIL line the log callback may have printed just before.
	callback bool
}

// split recognises line in one of the layouts; zone is for layouts printing
// a local time without zone. A line no fixed layout takes is searched for
// a librdkafka core behind an application's prefix. It never allocates.
func split(line []byte, zone *time.Location) (record, bool) {
	if r, ok := splitFixed(line, zone); ok {
		return r, true
	}
	return splitWrapped(line, zone)
}

// splitFixed recognises the layouts that start at the first byte.
func splitFixed(line []byte, zone *time.Location) (record, bool) {
	if len(line) < 4 {
		return record{}, false
	}
	switch c := line[0]; {
	case c == '%' && line[1] == ' ':
		return splitKcatError(line)
	case c == '%' && isDigit(line[1]) && line[2] == '|':
		return splitNative(line)
	case c == '%' && isDigit(line[1]) && line[2] == ' ':
		return splitAppCallback(line, zone)
	case isDigit(c) && line[1] == '|':
		return splitDotnet(line, zone)
	case isDigit(c) && len(line) > 10 && line[2] == '-' && line[5] == '-':
		return splitDayFirstCallback(line, zone)
	case isDigit(c):
		return splitSyslogStyle(line)
	case c == '[':
		return splitFluentBit(line, zone)
	case c >= 'A' && c <= 'S':
		return splitJournalPrefixed(line)
	}
	return record{}, false
}

// splitNative reads `%L|secs.ms|FAC|name| text`.
func splitNative(line []byte) (record, bool) {
	r := record{layout: idxNative, level: int(line[1] - '0')}
	rest := line[3:]
	tsb, rest, ok := cut(rest, '|')
	if !ok {
		return r, false
	}
	if r.time, ok = parseEpoch(tsb); !ok {
		return r, false
	}
	if r.fac, rest, ok = cut(rest, '|'); !ok || !isFacility(r.fac) {
		return r, false
	}
	if r.client, rest, ok = cut(rest, '|'); !ok {
		return r, false
	}
	r.text = bytes.TrimLeft(rest, " ")
	return r, true
}

// splitSyslogStyle reads `1511418210.136 RDKAFKA-3-FAIL: name: text`.
func splitSyslogStyle(line []byte) (record, bool) {
	tsb, rest, ok := cut(line, ' ')
	if !ok {
		return record{}, false
	}
	t, ok := parseEpoch(tsb)
	if !ok {
		return record{}, false
	}
	r, ok := splitSyslogTag(rest)
	r.layout, r.time = idxSyslogStyle, t
	return r, ok
}

// splitSyslogTag reads `RDKAFKA-3-FAIL: name: text`, the part of the
// syslog-style layout after the time, which applications' loggers also
// print behind their own prefix.
func splitSyslogTag(b []byte) (record, bool) {
	r := record{level: -1}
	if !bytes.HasPrefix(b, []byte("RDKAFKA-")) || len(b) < 11 {
		return r, false
	}
	rest := b[len("RDKAFKA-"):]
	if !isDigit(rest[0]) || rest[1] != '-' {
		return r, false
	}
	r.level = int(rest[0] - '0')
	var ok bool
	if r.fac, rest, ok = cut(rest[2:], ':'); !ok || !isFacility(r.fac) {
		return r, false
	}
	rest = bytes.TrimLeft(rest, " ")
	if i := bytes.Index(rest, []byte(": ")); i > 0 && bytes.IndexByte(rest[:i], '#') > 0 {
		r.client, rest = rest[:i], rest[i+2:]
	}
	r.text = rest
	return r, true
}

// splitDotnet reads confluent-kafka-dotnet's default handler:
// `7|2017-02-28 09:05:52.404|name|FAC| text`, a local time.
func splitDotnet(line []byte, zone *time.Location) (record, bool) {
	r := record{layout: idxDotnet, local: true, level: int(line[0] - '0')}
	tsb, rest, ok := cut(line[2:], '|')
	if !ok {
		return r, false
	}
	if r.time, ok = parseDateTime(tsb, '-', zone); !ok {
		return r, false
	}
	if r.client, rest, ok = cut(rest, '|'); !ok {
		return r, false
	}
	if r.fac, rest, ok = cut(rest, '|'); !ok || !isFacility(r.fac) {
		return r, false
	}
	r.text = bytes.TrimLeft(rest, " ")
	return r, true
}

// splitFluentBit reads `[2022/11/14 15:31:59] [error] [output:kafka:kafka.0] name: [thrd:app]: name: text`.
// Only lines of a Kafka output plugin naming an instance are librdkafka's.
func splitFluentBit(line []byte, zone *time.Location) (record, bool) {
	end := bytes.IndexByte(line, ']')
	if end < 0 {
		return record{}, false
	}
	r := record{layout: idxFluentBit, local: true, level: -1}
	var ok bool
	if r.time, ok = parseDateTime(line[1:end], '/', zone); !ok {
		return r, false
	}
	rest := bytes.TrimLeft(line[end+1:], " ")
	lvl, rest, ok := bracket(rest)
	if !ok {
		return r, false
	}
	r.level = syslogLevel(bytes.TrimSpace(lvl))
	plugin, rest, ok := bracket(rest)
	if !ok || !bytes.Contains(plugin, []byte("kafka")) {
		return r, false
	}
	i := bytes.Index(rest, []byte(": "))
	if i <= 0 || bytes.IndexByte(rest[:i], '#') <= 0 {
		return r, false
	}
	r.client, rest = rest[:i], rest[i+2:]
	// fluent-bit repeats the instance name after the thread tag.
	r.text = rest
	return r, true
}

// splitAppCallback reads a log callback that prints the level, a local
// time and the error string: `%7 2020/09/24 18:20:12       (Local: …): text`.
func splitAppCallback(line []byte, zone *time.Location) (record, bool) {
	r := record{layout: idxAppCallback, local: true, level: int(line[1] - '0')}
	rest := line[3:]
	if len(rest) < 19 {
		return r, false
	}
	var ok bool
	if r.time, ok = parseDateTime(rest[:19], '/', zone); !ok {
		return r, false
	}
	rest = bytes.TrimLeft(rest[19:], " ")
	if len(rest) > 0 && rest[0] == '(' {
		if i := bytes.Index(rest, []byte("): ")); i > 0 {
			rest, r.errStr = rest[i+3:], bytes.HasPrefix(rest, []byte("(Local: "))
			r.callback = r.errStr
		}
	}
	r.text = rest
	return r, true
}

// splitDayFirstCallback reads an application's log callback with a
// day-first date that prints librdkafka's error string:
// `16-08-2018 17:28:51.038 ERROR - ERROR (Local: Broker transport failure): kafka1:9092/bootstrap: Receive failed: Disconnected`.
// The "(Local: …): " part is required: the date alone is too common.
func splitDayFirstCallback(line []byte, zone *time.Location) (record, bool) {
	r := record{layout: idxAppCallback, local: true, level: -1}
	if len(line) < 20 || line[10] != ' ' {
		return r, false
	}
	// Rearrange DD-MM-YYYY into YYYY-MM-DD for parseDateTime.
	var buf [32]byte
	n := copy(buf[:], line[6:10])
	buf[n] = '-'
	n += 1 + copy(buf[n+1:], line[3:5])
	buf[n] = '-'
	n += 1 + copy(buf[n+1:], line[0:2])
	end := bytes.IndexByte(line[11:], ' ')
	if end < 0 {
		return r, false
	}
	clock := line[10 : 11+end]
	if len(clock) > len(buf)-n {
		return r, false
	}
	n += copy(buf[n:], clock)
	var ok bool
	if r.time, ok = parseDateTime(buf[:n], '-', zone); !ok {
		return r, false
	}
	rest := bytes.TrimLeft(line[11+end:], " ")
	word, _, _ := bytes.Cut(rest, []byte(" "))
	r.level = syslogLevel(word)
	i := bytes.Index(rest, []byte("(Local: "))
	if i < 0 {
		return r, false
	}
	j := bytes.Index(rest[i:], []byte("): "))
	if j < 0 {
		return r, false
	}
	r.text, r.errStr, r.callback = rest[i+j+3:], true, true
	return r, true
}

// splitKcatError reads kcat's own error callback and messages, which carry
// no time: `% ERROR: Local: Host resolution failure: kafka:9092/0: Failed to resolve …`.
func splitKcatError(line []byte) (record, bool) {
	r := record{layout: idxKcatError, level: 6, callback: true}
	rest := line[2:]
	if bytes.HasPrefix(rest, []byte("ERROR: ")) {
		r.level, rest = 3, rest[len("ERROR: "):]
	}
	r.text = rest
	return r, true
}

// splitJournalPrefixed strips a journal/syslog short prefix
// (`Mar 07 23:10:03 ha1 sh[40957]: `) from a native line; the epoch time of
// the native line is the one kept.
func splitJournalPrefixed(line []byte) (record, bool) {
	i := bytes.Index(line, []byte("]: %"))
	if i < 16 || i > 256 {
		return record{}, false
	}
	r, ok := splitNative(line[i+3:])
	r.layout = idxJournal
	return r, ok && len(line[i+3:]) > 3 && line[i+4] >= '0' && line[i+4] <= '9'
}

// syslogLevel maps a level word to its syslog number.
func syslogLevel(w []byte) int {
	switch string(w) {
	case "error", "ERROR", "err", "ERR":
		return 3
	case "warn", "warning", "WARN", "WARNING":
		return 4
	case "info", "INFO":
		return 6
	case "debug", "DEBUG", "trace", "TRACE":
		return 7
	}
	return -1
}

// levelName is the analyzer's upper-case level for a syslog number.
func levelName(l int) string {
	switch {
	case l < 0:
		return ""
	case l <= 3:
		return "ERROR"
	case l == 4:
		return "WARN"
	case l <= 6:
		return "INFO"
	}
	return "DEBUG"
}

func bracket(b []byte) (inner, rest []byte, ok bool) {
	if len(b) == 0 || b[0] != '[' {
		return nil, b, false
	}
	i := bytes.IndexByte(b, ']')
	if i < 0 {
		return nil, b, false
	}
	return b[1:i], bytes.TrimLeft(b[i+1:], " "), true
}

func cut(b []byte, sep byte) (before, after []byte, ok bool) {
	i := bytes.IndexByte(b, sep)
	if i < 0 {
		return b, nil, false
	}
	return b[:i], b[i+1:], true
}

// isFacility accepts librdkafka facility names: 1-16 upper-case letters,
// digits or underscores.
func isFacility(b []byte) bool {
	if len(b) == 0 || len(b) > 16 {
		return false
	}
	for _, c := range b {
		if !(c >= 'A' && c <= 'Z' || isDigit(c) || c == '_') {
			return false
		}
	}
	return true
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// parseEpoch reads `secs.mmm` (any fraction length up to 9 digits) as UTC.
func parseEpoch(b []byte) (time.Time, bool) {
	secs, frac, _ := bytes.Cut(b, []byte("."))
	s, ok := text.Atoi(secs)
	if !ok || len(secs) > 12 || len(frac) > 9 {
		return time.Time{}, false
	}
	var ns int64
	for i := 0; i < 9; i++ {
		ns *= 10
		if i < len(frac) {
			if !isDigit(frac[i]) {
				return time.Time{}, false
			}
			ns += int64(frac[i] - '0')
		}
	}
	return time.Unix(s, ns).UTC(), true
}

// parseDateTime reads `YYYY?MM?DD HH:MM:SS[.fff]` with sep between the date
// parts, in zone.
func parseDateTime(b []byte, sep byte, zone *time.Location) (time.Time, bool) {
	if len(b) < 19 || b[4] != sep || b[7] != sep || b[10] != ' ' || b[13] != ':' || b[16] != ':' {
		return time.Time{}, false
	}
	y, ok1 := text.Atoi(b[0:4])
	mo, ok2 := text.Atoi(b[5:7])
	d, ok3 := text.Atoi(b[8:10])
	h, ok4 := text.Atoi(b[11:13])
	mi, ok5 := text.Atoi(b[14:16])
	s, ok6 := text.Atoi(b[17:19])
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60 {
		return time.Time{}, false
	}
	var ns int64
	if len(b) > 20 && b[19] == '.' {
		frac := b[20:]
		for i := 0; i < 9; i++ {
			ns *= 10
			if i < len(frac) {
				if !isDigit(frac[i]) {
					return time.Time{}, false
				}
				ns += int64(frac[i] - '0')
			}
		}
	} else if len(b) != 19 {
		return time.Time{}, false
	}
	if zone == nil {
		zone = time.UTC
	}
	return time.Date(int(y), time.Month(mo), int(d), int(h), int(mi), int(s), int(ns), zone), true
}
