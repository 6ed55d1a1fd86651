package kafkalog

import (
	"bytes"
	"time"
)

// layout is the line shape a record header was printed in.
type layout uint8

const (
	layoutNone layout = iota
	// layoutLog4j is Kafka's stock "[%d] %p %m (%c)%n".
	layoutLog4j
	// layoutStrimzi is "%d %p %m (%c) [%t]": no brackets round the date,
	// thread after the logger (Strimzi, AMQ Streams, Connect images).
	layoutStrimzi
	// layoutLogback is "%d %-5p [%t] %logger: %m" and its relatives,
	// including patterns that print no date at all.
	layoutLogback
	// layoutSpringBoot is Spring Boot's console pattern
	// "%d  LEVEL pid --- [thread] logger : msg" (2.x and 3.x).
	layoutSpringBoot
	// layoutISO8601 is any of the above shapes with an ISO date ("T", zone)
	// that is not Spring Boot's.
	layoutISO8601
	// layoutLog4jThread is layoutLog4j with the thread before the level,
	// "[%d] [%t] %p %m (%c)", as a Confluent REST Proxy setup printed it.
	// Unlike Kafka's own layout, a line of it without "(logger)" may
	// still be a pattern the general reader knows ("[%d] [%t] %p %c - %m").
	layoutLog4jThread
)

// String names the layout as Stats.Layout reports it.
func (l layout) String() string {
	switch l {
	case layoutLog4j:
		return "log4j"
	case layoutStrimzi:
		return "strimzi"
	case layoutLogback:
		return "logback"
	case layoutSpringBoot:
		return "spring-boot"
	case layoutISO8601:
		return "iso8601"
	case layoutLog4jThread:
		return "log4j-thread"
	}
	return l.looseName()
}

// header is a record's first line taken apart. The spans index the line it
// was parsed from; they are valid until that line's buffer is reused.
type header struct {
	layout layout
	// composeEnd is where a docker compose "name  | " prefix ends (0: none);
	// the service name is line[:composeName].
	composeEnd, composeName int
	// time is the record's time; hasTime is false for patterns without a
	// date, then dockerTime (hasDocker) or the caller's time stands in.
	// timeOfDay is set when the pattern prints the time of day only: time
	// holds it on the placeholder day (analyzer.Event.NoDate).
	time               time.Time
	hasTime, timeOfDay bool
	// zoned is set iff hasTime and the time carried its own zone or
	// offset; otherwise it was read in the Source's assumed zone.
	zoned      bool
	dockerTime time.Time
	hasDocker  bool
	level      string
	// logger and msg are spans of the line; logger may be empty when the
	// record's logger sits on a later line (multi-line messages).
	loggerStart, loggerEnd int
	msgStart, msgEnd       int
	// lead is how many bytes come before the record on its line (see
	// lead.go); the spans include them. indented is set when they are
	// blanks: the record was pasted indented, and so are its continuation
	// lines.
	lead     int
	indented bool
	// clock, set by the owner and kept across parses, converts the times.
	clock *minuteClock
}

// parseHeader recognises a record header in any supported layout. It never
// allocates: times are built with time.Date in zone, offsets applied by hand.
func parseHeader(line []byte, zone *time.Location, h *header) bool {
	if !parseAnyLayout(line, zone, h) && !parseAfterLead(line, zone, h) {
		return false
	}
	// Empty messages and loggers can leave an end before its start (the
	// trailing-space trim passes the start): make every span well-formed.
	h.msgEnd = max(h.msgStart, h.msgEnd)
	h.loggerEnd = max(h.loggerStart, h.loggerEnd)
	return true
}

// parseAnyLayout reads a header that starts line: in a strict shape, else
// (or when that found no logger) with the general reader.
func parseAnyLayout(line []byte, zone *time.Location, h *header) bool {
	ok := parseHeaderSpans(line, zone, h)
	return ok && h.loggerEnd > h.loggerStart || parseLoose(line, zone, h, ok)
}

func parseHeaderSpans(line []byte, zone *time.Location, h *header) bool {
	*h = header{clock: h.clock}
	pos := 0
	if name, end, ok := cutCompose(line); ok {
		h.composeName, h.composeEnd, pos = name, end, end
	}
	if t, n, iso, _, ok := parseDateTime(line[pos:], zone, h.clock); ok && iso && pos+n < len(line) && line[pos+n] == ' ' {
		inner := pos + n + 1
		if inner < len(line) && (line[inner] == '[' || isDigit(line[inner])) {
			if _, _, _, _, ok := parseDateTime(trimBracket(line[inner:]), zone, nil); ok {
				h.dockerTime, h.hasDocker, pos = t, true, inner
			}
		}
	}
	if pos >= len(line) {
		return false
	}
	switch c := line[pos]; {
	case c == '[':
		t, n, _, zoned, ok := parseDateTime(line[pos+1:], zone, h.clock)
		p := pos + 1 + n
		if !ok || p+1 >= len(line) || line[p] != ']' || line[p+1] != ' ' {
			return false
		}
		h.time, h.hasTime, h.zoned = t, true, zoned
		return parseAfterDate(line, p+2, layoutLog4j, h)
	case isDigit(c):
		t, n, iso, zoned, ok := parseDateTime(line[pos:], zone, h.clock)
		p := pos + n
		if !ok || p >= len(line) || line[p] != ' ' {
			return false
		}
		h.time, h.hasTime, h.zoned = t, true, zoned
		p = skipLevelDash(line, skipSpaces(line, p+1))
		if iso {
			return parseAfterDate(line, p, layoutISO8601, h)
		}
		return parseAfterDate(line, p, layoutStrimzi, h)
	default:
		return parseLevelFirst(line, pos, h)
	}
}

// parseAfterDate reads "LEVEL rest" and splits rest by the layout family;
// family is log4j (bracketed date), strimzi (plain date) or iso8601.
func parseAfterDate(line []byte, p int, family layout, h *header) bool {
	p = skipSpaces(line, p)
	if family == layoutLog4j {
		if q := threadEnd(line, p, parseLevel); q > 0 {
			family, p = layoutLog4jThread, q
		}
	}
	lvl, n := parseLevel(line[p:])
	if n == 0 {
		return false
	}
	h.level = lvl
	p += n
	if p < len(line) && line[p] != ' ' {
		return false
	}
	p = skipSpaces(line, p)
	log4j := family == layoutLog4j || family == layoutLog4jThread
	if !log4j {
		if q, ok := springBody(line, p); ok {
			h.layout = layoutSpringBoot
			return splitSpring(line, q, h)
		}
	}
	// "[thread] a.b.Logger: msg" is tried before the "(logger)" suffix:
	// a log context "[Producer clientId=x] " never ends in a dotted token
	// and a colon, while a logback message may well end in parentheses.
	if !log4j && p < len(line) && line[p] == '[' && splitLogback(line, p, h) {
		if family == layoutISO8601 {
			h.layout = layoutISO8601
		} else {
			h.layout = layoutLogback
		}
		return true
	}
	if ms, me, ls, le, ok := splitLoggerSuffix(line, p); ok {
		h.msgStart, h.msgEnd, h.loggerStart, h.loggerEnd = ms, me, ls, le
		h.layout = family
		return true
	}
	if !log4j {
		if ms, me, ls, le, ok := splitBracketLogger(line, p); ok {
			h.msgStart, h.msgEnd, h.loggerStart, h.loggerEnd = ms, me, ls, le
			h.layout = family
			return true
		}
	}
	// A record whose logger comes on a later line (config dumps,
	// multi-line messages) or a pattern that prints none.
	h.layout = family
	h.msgStart, h.msgEnd = p, max(p, trimRightEnd(line, len(line)))
	return true
}

// parseLevelFirst reads logback patterns that print no date:
// "WARN  [thread] [o.a.k.c.NetworkClient.:] msg".
func parseLevelFirst(line []byte, p int, h *header) bool {
	lvl, n := parseLevel(line[p:])
	if n == 0 || p+n >= len(line) || line[p+n] != ' ' {
		return false
	}
	q := skipSpaces(line, p+n)
	if q >= len(line) || line[q] != '[' {
		return false
	}
	h.level = lvl
	if !splitLogback(line, q, h) {
		return false
	}
	h.layout = layoutLogback
	return true
}

// springBody reports whether line[p:] is "pid --- " and returns where the
// bracket groups start. The pid may be missing: Spring Boot's "${PID:- }"
// prints a blank where it knows none.
func springBody(line []byte, p int) (int, bool) {
	q := p
	for q < len(line) && isDigit(line[q]) {
		q++
	}
	q = skipSpaces(line, q)
	if !bytes.HasPrefix(line[q:], []byte("--- ")) {
		return 0, false
	}
	return skipSpaces(line, q+4), true
}

// splitSpring reads "[app] [thread] logger   : msg" (app optional).
func splitSpring(line []byte, p int, h *header) bool {
	for p < len(line) && line[p] == '[' {
		end := matchBracket(line, p)
		if end < 0 {
			return false
		}
		p = skipSpaces(line, end+1)
	}
	ls := p
	for p < len(line) && line[p] != ' ' {
		p++
	}
	le := p
	p = skipSpaces(line, p)
	if le == ls || p >= len(line) || line[p] != ':' {
		return false
	}
	h.loggerStart, h.loggerEnd = ls, le
	h.msgStart = skipSpaces(line, p+1)
	h.msgEnd = trimRightEnd(line, len(line))
	if h.msgStart > h.msgEnd {
		h.msgStart = h.msgEnd
	}
	return true
}

// splitLogback reads "[thread] logger: msg", "[thread] logger - msg" and
// "[thread] [logger.:] msg" starting at the thread's bracket.
func splitLogback(line []byte, p int, h *header) bool {
	end := matchBracket(line, p)
	if end < 0 {
		return false
	}
	p = skipSpaces(line, end+1)
	var ls, le int
	if p < len(line) && line[p] == '[' {
		e := matchBracket(line, p)
		if e < 0 {
			return false
		}
		ls, le = p+1, e
		for le > ls && (line[le-1] == ':' || line[le-1] == '.') {
			le--
		}
		p = e + 1
	} else {
		ls = p
		for p < len(line) && line[p] != ' ' {
			p++
		}
		le = p
		if le > ls && line[le-1] == ':' {
			le--
		} else {
			q := skipSpaces(line, p)
			if q >= len(line) || (line[q] != '-' && line[q] != ':') {
				return false
			}
			p = q + 1
		}
	}
	if !isLoggerToken(line[ls:le]) {
		return false
	}
	h.loggerStart, h.loggerEnd = ls, le
	h.msgStart = skipSpaces(line, p)
	h.msgEnd = trimRightEnd(line, len(line))
	if h.msgStart > h.msgEnd {
		h.msgStart = h.msgEnd
	}
	return true
}

// splitLoggerSuffix finds a trailing "(logger)" or "(logger) [thread]"
// and returns the message and logger spans.
func splitLoggerSuffix(line []byte, p int) (ms, me, ls, le int, ok bool) {
	end := trimRightEnd(line, len(line))
	if end <= p {
		return 0, 0, 0, 0, false
	}
	if line[end-1] == ']' {
		open := matchBracketBack(line, p, end-1)
		if open < 0 {
			return 0, 0, 0, 0, false
		}
		end = trimRightEnd(line, open)
	}
	if end <= p || line[end-1] != ')' {
		return 0, 0, 0, 0, false
	}
	// Back from ")" over logger bytes to the "(": where the run stops
	// anywhere else, the last "(" (if any) encloses a byte no logger name
	// holds, and isLoggerToken would refuse it.
	// The bytes are checked on the way, so only isLoggerToken's other
	// conditions remain: a separator, no leading digit.
	lo := max(p, end-1-maxLoggerRun)
	open, seen := loggerRunBack(line[lo : end-1])
	open += lo - 1 // the byte before the run
	if open < p || line[open] != '(' || seen&loggerDot == 0 || isDigit(line[open+1]) {
		return 0, 0, 0, 0, false
	}
	le = end - 1
	if seen&loggerColon != 0 { // Connect's "(%c:%L)"
		le = open + 1 + bytes.IndexByte(line[open+1:end-1], ':')
	}
	return p, trimRightEnd(line, open), open + 1, le, true
}

// splitBracketLogger splits Debezium's "%-5p  %X{…}|%X{…}|%X{…}  %m   [%c]"
// at p (after the level): the logger in square brackets ends the line,
// after a space, and the connector's MDC fields, joined by "|" and empty
// outside a connector ("||"), come before the message.
func splitBracketLogger(line []byte, p int) (ms, me, ls, le int, ok bool) {
	end := trimRightEnd(line, len(line))
	if end <= p || line[end-1] != ']' {
		return 0, 0, 0, 0, false
	}
	open := matchBracketBack(line, p, end-1)
	if open <= p || line[open-1] != ' ' || !isJavaLogger(line[open+1:end-1]) {
		return 0, 0, 0, 0, false
	}
	ms = p
	if q, ok := skipMDCFields(line, p, open); ok {
		ms = q
	}
	return ms, trimRightEnd(line, open), open + 1, end - 1, true
}

// skipMDCFields passes "a|b|c" (or "||") and the spaces after it at p,
// before end.
func skipMDCFields(line []byte, p, end int) (int, bool) {
	bars, q := 0, p
	for ; q < end && line[q] != ' '; q++ {
		switch c := line[q]; {
		case c == '|':
			bars++
		case !isNameByte(c):
			return p, false
		}
	}
	if bars < 2 || q == end {
		return p, false
	}
	return skipSpaces(line, q), true
}

// maxLoggerRun is how many logger bytes before its ")" splitLoggerSuffix
// reads back at most, looking for the "(" of a logger name.
const maxLoggerRun = 257

// loggerRunBack returns where the run of logger bytes that ends b starts,
// and the classes (loggerBytes) of its bytes. It runs on every header
// line, over the logger name: four bytes a step, as long as all four are
// logger bytes.
func loggerRunBack(b []byte) (start int, seen uint8) {
	i := len(b)
	for ; i >= 4; i -= 4 {
		k0, k1, k2, k3 := loggerBytes[b[i-1]], loggerBytes[b[i-2]], loggerBytes[b[i-3]], loggerBytes[b[i-4]]
		if k0&k1&k2&k3&loggerAny == 0 {
			break
		}
		seen |= k0 | k1 | k2 | k3
	}
	for ; i > 0; i-- {
		k := loggerBytes[b[i-1]]
		if k == 0 {
			break
		}
		seen |= k
	}
	return i, seen
}

// isLoggerToken accepts Java logger names: dotted, no spaces, "$" for
// Scala objects, ":123" for a line number.
func isLoggerToken(b []byte) bool {
	if len(b) == 0 || len(b) > 256 {
		return false
	}
	var seen uint8
	for _, c := range b {
		k := loggerBytes[c]
		if k == 0 {
			return false
		}
		seen |= k
	}
	return seen&loggerDot != 0 && !isDigit(b[0])
}

// loggerBytes classifies the bytes of a logger name for isLoggerToken, one
// table look-up per byte: 0 ends the name, loggerDot marks a separator,
// loggerColon the ":" before a line number; every logger byte has
// loggerAny.
var loggerBytes = func() (t [256]uint8) {
	for c := range 256 {
		switch b := byte(c); {
		case b == '.' || b == '$':
			t[c] = loggerAny | loggerDot
		case b == ':':
			t[c] = loggerAny | loggerColon
		case b == '_' || isDigit(b) || (b|0x20 >= 'a' && b|0x20 <= 'z'):
			t[c] = loggerAny
		}
	}
	return t
}()

const (
	loggerAny = 1 << iota
	loggerDot
	loggerColon
)

// cutCompose recognises docker compose's "service  | " prefix.
func cutCompose(line []byte) (name, end int, ok bool) {
	i := 0
	for i < len(line) && i < 96 && isNameByte(line[i]) {
		i++
	}
	if i == 0 {
		return 0, 0, false
	}
	j := skipSpaces(line, i)
	if j >= len(line) || line[j] != '|' {
		return 0, 0, false
	}
	j++
	if j < len(line) && line[j] == ' ' {
		j++
	}
	return i, j, true
}

func isNameByte(c byte) bool {
	return c == '-' || c == '_' || c == '.' || isDigit(c) || (c|0x20 >= 'a' && c|0x20 <= 'z')
}
