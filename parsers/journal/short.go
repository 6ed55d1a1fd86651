package journal

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/parsers/internal/text"
)

// placeholderYear is the year given to `short` times until Analyze infers
// the real one from other inputs (Event.NoYear). A leap year, so that
// "Feb 29" survives.
const placeholderYear = 2000

// sniffShort returns the short layout of the first line that is not a
// journalctl banner ("-- Logs begin at …", "-- Boot … --"), or "".
func sniffShort(head []byte) string {
	for n := 0; n < 4 && len(head) > 0; n++ {
		line := head
		if i := bytes.IndexByte(head, '\n'); i >= 0 {
			line, head = head[:i], head[i+1:]
		} else if len(head) >= analyzer.SniffLen {
			return "" // a cut first line: too little to tell
		} else {
			head = nil
		}
		line = bytes.TrimRight(line, "\r")
		if len(line) == 0 || bytes.HasPrefix(line, []byte("-- ")) || pasted(line) {
			continue
		}
		var e entry
		layout, ok := parseShort(line, "", time.UTC, &e)
		if !ok {
			return ""
		}
		return layout
	}
	return ""
}

// pasted reports a line that a user's paste puts before the output: the
// shell prompt with the command ("$ dmesg | grep -i oom") or a cut mark.
func pasted(line []byte) bool {
	return bytes.HasPrefix(line, []byte("$ ")) || bytes.HasPrefix(line, []byte("# ")) ||
		string(line) == "[...]" || string(line) == "..."
}

// readShort reads a text layout line by line.
func (h *handler) readShort(ctx context.Context, layout string) error {
	var e entry
	zone := h.src.ZoneOrUTC()
	lineNo := 0
	for {
		line, err := h.src.R.ReadSlice('\n')
		long := errors.Is(err, bufio.ErrBufferFull) || len(line) > MaxLineLen
		for errors.Is(err, bufio.ErrBufferFull) {
			_, err = h.src.R.ReadSlice('\n')
		}
		if len(line) > 0 {
			lineNo++
			if lineNo&1023 == 0 && ctx.Err() != nil {
				return ctx.Err()
			}
			h.st.Lines++
			if long {
				h.st.Unparsed++
				h.problem("%s: line %d: longer than %d bytes, skipped", h.src.Path, lineNo, MaxLineLen)
			} else {
				h.shortLine(line, lineNo, layout, zone, &e)
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: line %d: %w", h.src.Path, lineNo+1, err)
		}
	}
}

// shortLine handles one line; uninteresting lines cost a prefix parse and
// an anchor scan, no allocation. It reports whether the line was the
// journal's: a record, a banner or blank line, or the further line of a
// message an embedded decoder took; a line that is none of those is
// counted as unparsed.
func (h *handler) shortLine(line []byte, lineNo int, layout string, zone *time.Location, e *entry) bool {
	line = bytes.TrimRight(line, "\r\n")
	if len(line) == 0 || bytes.HasPrefix(line, []byte("-- ")) || pasted(line) {
		return true
	}
	if line[0] == ' ' {
		return h.continuation(line, lineNo)
	}
	e.reset()
	h.lastDecoder = -1
	if _, ok := parseShort(line, layout, zone, e); !ok {
		h.st.Unparsed++
		return false
	}
	if h.st.Host == "" && len(e.host) > 0 {
		h.st.Host = string(e.host)
	}
	if !anchored(e.message) && !anchored(e.ident) { // not the host: brokers are often named kafka-*
		return true
	}
	e.loc = analyzer.Location{Path: h.src.Path, Line: lineNo}
	h.handle(e)
	return true
}

// continuation handles a further line of a multi-line message, which
// journalctl indents to the message column: it goes to the embedded
// decoder that took the message's first line (a Java stack trace). It
// reports whether one did.
func (h *handler) continuation(line []byte, lineNo int) bool {
	if h.lastDecoder < 0 {
		return false
	}
	loc := analyzer.Location{Path: h.src.Path, Line: lineNo}
	h.embedded[h.lastDecoder].Line(loc, h.lastTime, h.host, bytes.TrimLeft(line, " "))
	return true
}

// parseShort splits `<time> host ident[pid]: message`. With want == "" it
// detects the layout from the time; otherwise the time must be in layout
// want (a journal is printed in one layout).
func parseShort(line []byte, want string, zone *time.Location, e *entry) (string, bool) {
	layout, rest, ok := shortTime(line, zone, e)
	if !ok || (want != "" && layout != want) {
		return layout, false
	}
	if layout == LayoutDmesgCtime || layout == LayoutDmesg {
		e.host, e.ident, e.message, e.kernel = nil, kernelIdent, rest, true
		return layout, true
	}
	sp := bytes.IndexByte(rest, ' ')
	if sp <= 0 {
		return layout, false
	}
	e.host, rest = rest[:sp], rest[sp+1:]
	if e.host[len(e.host)-1] == ':' {
		return layout, false // "1511418210.136 RDKAFKA-3-FAIL: …" is no host
	}
	if levelHost(e.host) {
		// "Feb 25 13:28:23.090 ERROR rdkafka::client: …": an application
		// log (Rust's tracing, Vector) printing a syslog-style time, its
		// level where a journal has the host.
		return layout, false
	}
	i := bytes.Index(rest, []byte(": "))
	if i <= 0 {
		if !bytes.HasSuffix(rest, []byte(":")) {
			return layout, false
		}
		i = len(rest) - 1
	}
	tag := rest[:i]
	if bytes.IndexByte(tag, ' ') >= 0 || len(tag) > 128 {
		return layout, false
	}
	e.message = rest[min(i+2, len(rest)):]
	if j := bytes.IndexByte(tag, '['); j > 0 && tag[len(tag)-1] == ']' {
		e.ident, e.pid = tag[:j], tag[j+1:len(tag)-1]
		if _, ok := text.Atoi(e.pid); !ok {
			return layout, false
		}
	} else {
		e.ident = tag
	}
	e.kernel = string(e.ident) == "kernel"
	return layout, true
}

// levelHost reports whether a short line's host field is an upper-case
// log level, which no host is named.
func levelHost(host []byte) bool {
	switch string(host) {
	case "TRACE", "DEBUG", "INFO", "WARN", "WARNING", "ERROR", "FATAL", "CRITICAL":
		return true
	}
	return false
}

var months = [...]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}

// shortTime reads the time of any short layout and returns the rest after
// the following space.
func shortTime(line []byte, zone *time.Location, e *entry) (string, []byte, bool) {
	if len(line) < 16 {
		return "", nil, false
	}
	switch {
	case line[0] == '[':
		if layout, rest, ok := ctime(line, zone, e); ok {
			return layout, rest, ok
		}
		return bootTime(line, e)
	case line[0] >= 'A' && line[0] <= 'Z':
		return syslogTime(line, zone, e)
	case isDigit(line[0]) && len(line) > 10 && line[4] == '-' && line[10] == 'T':
		return isoTime(line, e)
	case isDigit(line[0]):
		return unixTime(line, e)
	}
	return "", nil, false
}

// syslogTime reads `Jan 25 01:17:42[.123456] ` (no year, no zone).
func syslogTime(line []byte, zone *time.Location, e *entry) (string, []byte, bool) {
	mon := 0
	for i, m := range months {
		if string(line[:3]) == m {
			mon = i + 1
		}
	}
	if mon == 0 || line[3] != ' ' || line[6] != ' ' || line[9] != ':' || line[12] != ':' {
		return "", nil, false
	}
	dayB := line[4:6]
	if dayB[0] == ' ' {
		dayB = dayB[1:]
	}
	d, ok1 := text.Atoi(dayB)
	hh, ok2 := text.Atoi(line[7:9])
	mm, ok3 := text.Atoi(line[10:12])
	ss, ok4 := text.Atoi(line[13:15])
	if !(ok1 && ok2 && ok3 && ok4) || d < 1 || d > 31 || hh > 23 || mm > 59 || ss > 60 {
		return "", nil, false
	}
	layout, rest := LayoutShort, line[15:]
	var ns int64
	if len(rest) > 0 && rest[0] == '.' {
		var n int
		ns, n = fraction(rest[1:])
		if n == 0 {
			return "", nil, false
		}
		layout, rest = LayoutShortPrecise, rest[1+n:]
	}
	if len(rest) == 0 || rest[0] != ' ' {
		return "", nil, false
	}
	e.time = time.Date(placeholderYear, time.Month(mon), int(d), int(hh), int(mm), int(ss), int(ns), zone)
	e.noYear = true
	return layout, rest[1:], true
}

// kernelIdent is the ident of every `dmesg -T` line.
var kernelIdent = []byte("kernel")

// ctime reads dmesg -T's `[Mon Jul  3 15:55:12 2022] ` (local time, no zone).
func ctime(line []byte, zone *time.Location, e *entry) (string, []byte, bool) {
	const n = len("[Mon Jul  3 15:55:12 2022] ")
	if len(line) < n || line[4] != ' ' || line[8] != ' ' || line[11] != ' ' || line[20] != ' ' || line[25] != ']' || line[26] != ' ' {
		return "", nil, false
	}
	if !isWeekday(line[1:4]) {
		return "", nil, false
	}
	// Then syslog's `Jul  3 15:55:12 `, and the year.
	var inner entry
	if _, _, ok := syslogTime(line[5:21], zone, &inner); !ok {
		return "", nil, false
	}
	y, ok := text.Atoi(line[21:25])
	if !ok || y < 1970 {
		return "", nil, false
	}
	t := inner.time
	e.time = time.Date(int(y), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, zone)
	return LayoutDmesgCtime, line[n:], true
}

var weekdays = [...]string{"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"}

func isWeekday(b []byte) bool {
	for _, d := range weekdays {
		if string(b) == d {
			return true
		}
	}
	return false
}

// isoTime reads `2024-01-25T01:17:42[.123456]+0100 ` (also `+01:00`).
func isoTime(line []byte, e *entry) (string, []byte, bool) {
	sp := bytes.IndexByte(line, ' ')
	if sp < 0 {
		return "", nil, false
	}
	ts := line[:sp]
	layout := LayoutShortISO
	if len(ts) > 19 && ts[19] == '.' {
		layout = LayoutShortISOPrecise
	}
	t, ok := parseISO(ts)
	if !ok {
		return "", nil, false
	}
	e.time = t
	return layout, line[sp+1:], true
}

// unixTime reads `1706141862.123456 `.
func unixTime(line []byte, e *entry) (string, []byte, bool) {
	sp := bytes.IndexByte(line, ' ')
	if sp < 0 || sp > 30 {
		return "", nil, false
	}
	secs, frac, _ := bytes.Cut(line[:sp], []byte("."))
	s, ok := text.Atoi(secs)
	if !ok || len(secs) > 12 {
		return "", nil, false
	}
	ns, n := fraction(frac)
	if n != len(frac) || n != 6 { // journalctl prints microseconds
		return "", nil, false
	}
	e.time = time.Unix(s, ns).UTC()
	return LayoutShortUnix, line[sp+1:], true
}

// fraction reads up to 9 leading digits as nanoseconds and says how many
// digits it read.
func fraction(b []byte) (int64, int) {
	var ns int64
	n := 0
	for n < len(b) && n < 9 && isDigit(b[n]) {
		ns = ns*10 + int64(b[n]-'0')
		n++
	}
	for i := n; i < 9; i++ {
		ns *= 10
	}
	return ns, n
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// parseISO reads `2024-01-25T01:17:42[.frac]±hhmm` or `±hh:mm` as an
// instant (returned in UTC) without allocating.
func parseISO(ts []byte) (time.Time, bool) {
	if len(ts) < 24 || ts[4] != '-' || ts[7] != '-' || ts[10] != 'T' || ts[13] != ':' || ts[16] != ':' {
		return time.Time{}, false
	}
	y, ok1 := text.Atoi(ts[0:4])
	mo, ok2 := text.Atoi(ts[5:7])
	d, ok3 := text.Atoi(ts[8:10])
	hh, ok4 := text.Atoi(ts[11:13])
	mm, ok5 := text.Atoi(ts[14:16])
	ss, ok6 := text.Atoi(ts[17:19])
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) || mo < 1 || mo > 12 || d < 1 || d > 31 || hh > 23 || mm > 59 || ss > 60 {
		return time.Time{}, false
	}
	rest := ts[19:]
	var ns int64
	if rest[0] == '.' {
		var n int
		ns, n = fraction(rest[1:])
		if n == 0 {
			return time.Time{}, false
		}
		rest = rest[1+n:]
		for len(rest) > 0 && isDigit(rest[0]) { // beyond nanoseconds
			rest = rest[1:]
		}
	}
	if len(rest) == 6 && rest[3] == ':' {
		rest = []byte{rest[0], rest[1], rest[2], rest[4], rest[5]}
	}
	if len(rest) != 5 || (rest[0] != '+' && rest[0] != '-') {
		return time.Time{}, false
	}
	oh, okh := text.Atoi(rest[1:3])
	om, okm := text.Atoi(rest[3:5])
	if !okh || !okm || oh > 14 || om > 59 {
		return time.Time{}, false
	}
	off := time.Duration(oh)*time.Hour + time.Duration(om)*time.Minute
	if rest[0] == '-' {
		off = -off
	}
	t := time.Date(int(y), time.Month(mo), int(d), int(hh), int(mm), int(ss), int(ns), time.UTC).Add(-off)
	return t, true
}
