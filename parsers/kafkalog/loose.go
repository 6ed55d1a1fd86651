package kafkalog

import (
	"bytes"
	"time"
)

// The layouts the general reader recognises. Their values sit apart from
// header.go's strict ones so the two lists can grow independently.
const (
	// layoutJava is any "time LEVEL logger msg" pattern the strict shapes
	// do not know: Play/akka "[warn] logger [] - msg", Quarkus
	// "LEVEL [abbr.logger] (thread) msg", Micronaut's bare thread column,
	// Flink "LEVEL logger [] - msg", logback's "[thread] LEVEL logger - msg".
	layoutJava layout = 32 + iota
	// layoutJavaNoDate is layoutJava whose time is the time of day only
	// (logback's default "%d{HH:mm:ss.SSS}"): the record has no date.
	layoutJavaNoDate
	// layoutJUL is java.util.logging's SimpleFormatter: the first line
	// holds date, logger and method, the second "LEVEL: msg".
	layoutJUL
	// layoutJavaNoTime is slf4j-simple's default "[thread] LEVEL logger -
	// msg": no time at all, so its events stay off the timeline.
	layoutJavaNoTime
	// layoutLogstash is Logstash's "[time][LEVEL][logger][pipeline] msg",
	// which its Kafka input and output plugins log through.
	layoutLogstash
	// layoutSpark is Apache Spark's "yy/MM/dd HH:mm:ss LEVEL Class: msg",
	// the logger cut to its class name (%c{1}).
	layoutSpark
	// layoutAkka is Akka's "[LEVEL] [MM/dd/yyyy HH:mm:ss.SSS] [thread]
	// [source] msg" with a class for the source, and the same shape
	// without the thread, "[%p] [%d{MM/dd/yyyy HH:mm:ss.SSS}] [%c{1}] %m",
	// as Gearpump logs Kafka's classes (by their bare names, as Spark).
	layoutAkka
)

// looseName names the general reader's layouts for Stats.Layout.
func (l layout) looseName() string {
	switch l {
	case layoutJava:
		return "java"
	case layoutJavaNoDate:
		return "java-no-date"
	case layoutJUL:
		return "java.util.logging"
	case layoutJavaNoTime:
		return "java-no-time"
	case layoutLogstash:
		return "logstash"
	case layoutSpark:
		return "spark"
	case layoutAkka:
		return "akka"
	}
	return ""
}

// bareClass reports the layouts whose logger may be a class name alone
// ("%c{1}"): the decoder resolves Kafka's (classOnly).
func (l layout) bareClass() bool { return l == layoutSpark || l == layoutAkka }

// parseLoose is the general header reader, tried when no strict shape
// found a logger in line. strict reports whether a strict shape accepted
// the line all the same (a record whose logger is on a later line, or a
// pattern the strict shapes only half read); h then holds that reading,
// kept unless the general reader finds a logger. Kafka's own bracketed
// layout keeps its strict reading: there a line without "(logger)" is the
// first line of a multi-line message.
func parseLoose(line []byte, zone *time.Location, h *header, strict bool) bool {
	if strict && h.layout == layoutLog4j {
		return true
	}
	if len(line) < 10 || !looseFirst[line[0]] {
		return strict
	}
	l := header{clock: h.clock}
	if !readLoose(line, zone, &l) {
		return strict
	}
	*h = l
	return true
}

// looseFirst holds the bytes a line the general reader accepts can start
// with: a compose service name, a date, "[" or a month name.
var looseFirst = func() (t [256]bool) {
	for c := range 256 {
		t[c] = isNameByte(byte(c)) || c == '['
	}
	return t
}()

// readLoose reads "[outer prefix] time [thread] LEVEL [thread] logger
// [(thread)] [[mdc]] [-|:] msg" and the first line of a JUL record.
func readLoose(line []byte, zone *time.Location, h *header) bool {
	p := 0
	if name, end, ok := cutCompose(line); ok {
		h.composeName, h.composeEnd, p = name, end, end
	}
	t, n, kind, zoned := readTime(line[p:], zone, h.clock)
	if kind == timeNone {
		return readAkka(line, p, zone, h) || readNoTime(line, p, h)
	}
	// A shipper's or docker's own time comes first when another follows.
	if kind == timeDated && p+n < len(line) && line[p+n] == ' ' {
		if t2, n2, kind2, zoned2 := readTime(line[p+n+1:], zone, h.clock); kind2 != timeNone {
			h.dockerTime, h.hasDocker = t, true
			p += n + 1
			t, n, kind, zoned = t2, n2, kind2, zoned2
		}
	}
	if kind == timeOfDay {
		h.time, h.timeOfDay = t, true
	} else {
		h.time, h.hasTime, h.zoned = t, true, zoned
	}
	p += n
	if kind == timeDated && line[p-1] == ']' && p < len(line) && line[p] == '[' {
		return readBracketRun(line, p, h)
	}
	if kind == timeShortYear {
		return readSparkBody(line, p, h)
	}
	if p >= len(line) || line[p] != ' ' {
		return false
	}
	p = skipSpaces(line, p)
	if kind == timeJUL {
		return readJULHead(line, p, h)
	}
	h.layout = layoutJava
	if kind == timeOfDay {
		h.layout = layoutJavaNoDate
	}
	return readLooseBody(line, skipLevelDash(line, p), h)
}

// readSparkBody reads what follows Spark's time: " LEVEL Class: msg", the
// class a bare name (%c{1}); the decoder knows the Kafka ones (classOnly).
func readSparkBody(line []byte, p int, h *header) bool {
	if p >= len(line) || line[p] != ' ' {
		return false
	}
	p++
	lvl, n := looseLevel(line[p:])
	if n == 0 || p+n >= len(line) || line[p+n] != ' ' {
		return false
	}
	ls := p + n + 1
	le := ls
	for le < len(line) && isClassByte(line[le]) {
		le++
	}
	if le == ls || line[ls] < 'A' || line[ls] > 'Z' || le+1 >= len(line) || line[le] != ':' || line[le+1] != ' ' {
		return false
	}
	h.level, h.layout, h.loggerStart, h.loggerEnd = lvl, layoutSpark, ls, le
	h.msgStart = le + 2
	h.msgEnd = max(h.msgStart, trimRightEnd(line, len(line)))
	return true
}

// isClassByte reports a byte of a Java or Scala class name.
func isClassByte(c byte) bool {
	return isLetter(c) || isDigit(c) || c == '_' || c == '$'
}

// readBracketRun reads what follows the bracketed time in Logstash's
// pattern, "[%d{ISO8601}][%-5p][%-25c]%notEmpty{[%X{pipeline.id}]}
// %notEmpty{[%X{plugin.id}]} %m": the level and the logger each in
// brackets, padded inside, with no space between, then the pipeline's and
// plugin's groups, a space and the message. Logstash's own loggers
// ("logstash.outputs.kafka") are not Java classes, so any dotted name is
// taken: the run of brackets is distinctive enough.
func readBracketRun(line []byte, p int, h *header) bool {
	end := matchBracket(line, p)
	if end < 0 {
		return false
	}
	lvl, n := looseLevel(line[p : end+1])
	if n == 0 {
		return false
	}
	p = end + 1
	if p >= len(line) || line[p] != '[' {
		return false
	}
	if end = matchBracket(line, p); end < 0 {
		return false
	}
	ls := skipSpaces(line[:end], p+1)
	le := trimRightEnd(line, end)
	if le <= ls || !isLoggerToken(line[ls:le]) {
		return false
	}
	for p = end + 1; p < len(line) && line[p] == '['; p = end + 1 {
		if end = matchBracket(line, p); end < 0 {
			return false
		}
	}
	if p < len(line) && line[p] != ' ' {
		return false
	}
	h.level, h.layout, h.loggerStart, h.loggerEnd = lvl, layoutLogstash, ls, le
	h.msgStart = skipSpaces(line, p)
	h.msgEnd = max(h.msgStart, trimRightEnd(line, len(line)))
	return true
}

// readNoTime reads slf4j-simple's default "[thread] LEVEL logger - msg" at
// p. With no time to tell a record from any other line, it asks for all of
// it: the thread in brackets, a level, a logger, and " - " alone between
// the logger and the message.
func readNoTime(line []byte, p int, h *header) bool {
	if p >= len(line) || line[p] != '[' || !readLooseBody(line, p, h) {
		return false
	}
	if sep := bytes.TrimSpace(line[h.loggerEnd:h.msgStart]); len(sep) != 1 || sep[0] != '-' {
		return false
	}
	h.layout = layoutJavaNoTime
	return true
}

// readLooseBody reads what follows the time: an optional thread, the
// level, an optional thread, the logger, then the message.
func readLooseBody(line []byte, p int, h *header) bool {
	threads := 0
	lvl, n := looseLevel(line[p:])
	if n == 0 { // logback's default "[thread] LEVEL"
		end := groupEnd(line, p)
		if end < 0 {
			return false
		}
		threads++
		p = skipSpaces(line, end)
		if lvl, n = looseLevel(line[p:]); n == 0 {
			return false
		}
	}
	h.level = lvl
	p = skipPID(line, skipSpaces(line, p+n))
	for {
		end := tokenEnd(line, p)
		if end <= p {
			return false
		}
		if ls, le, colon, ok := loggerIn(line, p, end); ok {
			h.loggerStart, h.loggerEnd = ls, le
			p = end
			if !colon {
				p = skipDecorations(line, p, threads)
			}
			h.msgStart = skipSpaces(line, p)
			h.msgEnd = max(h.msgStart, trimRightEnd(line, len(line)))
			return true
		}
		if threads > 0 {
			return false
		}
		threads++
		p = skipSpaces(line, end)
	}
}

// skipPID passes the process id some patterns print after the level
// ("%5p ${PID} [%t]"): a number and the blanks after it.
func skipPID(line []byte, p int) int {
	q := p
	for q < len(line) && isDigit(line[q]) {
		q++
	}
	if q == p || q == len(line) || line[q] != ' ' {
		return p
	}
	return skipSpaces(line, q)
}

// skipDecorations passes what patterns print between the logger and the
// message: Quarkus' "(thread)" (when no thread came before), MDC groups
// ("[]", "[k=v]" before a separator) and the " - " or " : " separator.
// A bracket group followed by text is the message's own log context.
func skipDecorations(line []byte, p, threads int) int {
	p = skipSpaces(line, p)
	if threads == 0 && p < len(line) && line[p] == '(' {
		if end := matchParen(line, p); end >= 0 {
			p = skipSpaces(line, end+1)
		}
	}
	for range 2 {
		if p >= len(line) || line[p] != '[' {
			break
		}
		end := matchBracket(line, p)
		if end < 0 {
			break
		}
		q := skipSpaces(line, end+1)
		if end != p+1 && separatorLen(line, q) == 0 {
			break
		}
		p = q
	}
	return p + separatorLen(line, p)
}

// separatorLen returns the length of a "-", ":" or "->" standing alone at
// p, 0 when there is none. The arrow is log4j2 users' own, as in
// "%c{1.}#%M(L:%L) -> %m".
func separatorLen(line []byte, p int) int {
	n := 0
	switch {
	case p < len(line) && (line[p] == '-' || line[p] == ':'):
		n = 1
		if line[p] == '-' && p+1 < len(line) && line[p+1] == '>' {
			n = 2
		}
	default:
		return 0
	}
	if p+n < len(line) && line[p+n] != ' ' {
		return 0
	}
	return n
}

// readJULHead reads the rest of a SimpleFormatter first line, "logger
// method": the level and message come on the next line (see julMessage).
func readJULHead(line []byte, p int, h *header) bool {
	end := p
	for end < len(line) && line[end] != ' ' {
		end++
	}
	if !isJavaLogger(line[p:end]) {
		return false
	}
	q := skipSpaces(line, end)
	for r := q; r < len(line); r++ { // the method: one word, or nothing
		if c := line[r]; c == ' ' || c == '\t' {
			return false
		}
	}
	h.layout, h.loggerStart, h.loggerEnd = layoutJUL, p, end
	h.msgStart, h.msgEnd = len(line), len(line)
	return true
}

// tokenEnd returns the end of the token at p: a "[...]" or "(...)"
// group, or a run of bytes up to a space; -1 when a group is not closed.
func tokenEnd(line []byte, p int) int {
	if p >= len(line) {
		return -1
	}
	if line[p] == '[' || line[p] == '(' {
		return groupEnd(line, p)
	}
	end := p
	for end < len(line) && line[end] != ' ' && line[end] != '\t' {
		end++
	}
	return end
}

// groupEnd returns the index after the "[...]" or "(...)" group at p, or
// -1 when there is none.
func groupEnd(line []byte, p int) int {
	if p >= len(line) {
		return -1
	}
	var end int
	switch line[p] {
	case '[':
		end = matchBracket(line, p)
	case '(':
		end = matchParen(line, p)
	default:
		return -1
	}
	if end < 0 {
		return -1
	}
	return end + 1
}

// matchParen returns the index of the ")" closing the "(" at p, honouring
// nesting, or -1. Threads are short: it looks no further than 256 bytes.
func matchParen(b []byte, p int) int {
	depth := 0
	for i := p; i < len(b) && i-p < 256; i++ {
		switch b[i] {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}

// loggerIn reports whether the token line[p:end] is a Java logger: bare,
// "[logger]", "logger:" or logback's "[logger.:]" ("%logger.%M" with no
// method). colon is set when the logger closed with ":", which ends the
// header: the message follows.
func loggerIn(line []byte, p, end int) (ls, le int, colon, ok bool) {
	ls, le = p, end
	if line[p] == '(' {
		return 0, 0, false, false
	}
	if line[p] == '[' {
		ls, le = p+1, end-1
		for le > ls && (line[le-1] == ' ' || line[le-1] == ':' || line[le-1] == '.') {
			le--
		}
		ls = skipSpaces(line[:le], ls)
	} else if le > ls && line[le-1] == ':' {
		le--
		colon = true
	}
	if !isJavaLogger(line[ls:le]) {
		if n := cutLocation(line[ls:le]); n > 0 {
			le = ls + n
		}
	}
	return ls, le, colon, isJavaLogger(line[ls:le])
}

// cutLocation returns the length of the logger that starts tok when the
// caller's location is glued to it, as log4j2's "%c{1.}#%M(L:%L)" prints
// it ("o.a.k.clients.NetworkClient#processDisconnection(L:814)") and
// logback's "%logger(%F:%L)" ("o.a.k.c.NetworkClient(NetworkClient.java:814)").
// Only a "#method", a "(file:line)" group or both, in that order and
// ending tok, count; 0 otherwise, so a word with a stray "#" or "(" stays
// no logger.
func cutLocation(tok []byte) int {
	i := bytes.IndexAny(tok, "#(")
	if i <= 0 {
		return 0
	}
	rest := tok[i:]
	if rest[0] == '#' {
		j := 1
		for j < len(rest) && (isClassByte(rest[j]) || rest[j] == '<' || rest[j] == '>') {
			j++
		}
		if j == 1 {
			return 0
		}
		rest = rest[j:]
	}
	if len(rest) == 0 {
		return i
	}
	if len(rest) < 3 || rest[0] != '(' || rest[len(rest)-1] != ')' {
		return 0
	}
	for _, c := range rest[1 : len(rest)-1] {
		if !isClassByte(c) && c != '.' && c != ':' {
			return 0
		}
	}
	return i
}

// classOnly is the known Kafka logger a bare class name stands for, as
// "%c{1}" prints it ("NetworkClient"), when exactly one known logger has
// that class; 0 otherwise.
func classOnly(b []byte) knownLogger {
	if len(b) == 0 || b[0] < 'A' || b[0] > 'Z' || bytes.IndexByte(b, '.') >= 0 {
		return 0
	}
	if idx := loggersByClass[string(b)]; len(idx) == 1 {
		return knownLogger(idx[0] + 1)
	}
	return 0
}

// isJavaLogger accepts a Java class name as loggers print it, full or
// abbreviated: dotted, letters first, the last segment capitalised as a
// class is (Python's "kafka.conn" is no Java logger), and not an exception
// (a message may start with "java.io.IOException: ...").
func isJavaLogger(b []byte) bool {
	if !isLoggerToken(b) || !isLetter(b[0]) || bytes.IndexByte(b, ':') >= 0 {
		return false
	}
	dot := bytes.LastIndexByte(b, '.')
	if dot <= 0 || dot == len(b)-1 || b[dot-1] == '.' || b[dot+1] < 'A' || b[dot+1] > 'Z' {
		return false
	}
	class := b[dot+1:]
	return !bytes.HasSuffix(class, []byte("Exception")) && !bytes.HasSuffix(class, []byte("Error"))
}

func isLetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

// looseLevels maps level words, upper-cased, to Event.Level's words;
// java.util.logging's FINE..FINEST and CONFIG included.
var looseLevels = [...]struct{ word, norm string }{
	{"INFO", "INFO"}, {"WARN", "WARN"}, {"ERROR", "ERROR"}, {"DEBUG", "DEBUG"},
	{"TRACE", "TRACE"}, {"WARNING", "WARN"}, {"FATAL", "ERROR"}, {"SEVERE", "ERROR"},
	{"FINE", "DEBUG"}, {"FINER", "TRACE"}, {"FINEST", "TRACE"}, {"CONFIG", "INFO"},
}

// looseLevel reads a level word in any case at the start of b, bare or in
// brackets ("[warn]", "[WARN ]"), followed by a space or the end. It
// returns the normalised level and the bytes read.
func looseLevel(b []byte) (string, int) {
	p, bracket := 0, false
	if len(b) > 0 && b[0] == '[' {
		p, bracket = skipSpaces(b, 1), true
	}
	var word [7]byte
	n := 0
	for p+n < len(b) && isLetter(b[p+n]) {
		if n == len(word) {
			return "", 0
		}
		word[n] = b[p+n] &^ 0x20
		n++
	}
	end := p + n
	if bracket {
		end = skipSpaces(b, end)
		if end >= len(b) || b[end] != ']' {
			return "", 0
		}
		end++
	}
	if n < 4 || (end < len(b) && b[end] != ' ' && b[end] != '\t') {
		return "", 0
	}
	for _, l := range looseLevels {
		if string(word[:n]) == l.word {
			return l.norm, end
		}
	}
	return "", 0
}

// julMessage completes a java.util.logging record whose first line e
// holds with its "LEVEL: msg" line, if line is one. The two lines become
// one, joined by a space, so Text shows the logger and the message; the
// entry is started afresh from it, as from any header.
func (d *LineDecoder) julMessage(e *entry, line []byte) bool {
	colon := bytes.IndexByte(line[:min(len(line), 9)], ':')
	if colon < 4 || !isLetter(line[0]) {
		return false
	}
	lvl, n := looseLevel(line[:colon])
	if n != colon {
		return false
	}
	msg := colon + 1
	if msg < len(line) && line[msg] == ' ' {
		msg++
	}
	first := e.line[:e.msgEnd] // the whole first line: its message is empty
	d.julRecord = append(append(append(d.julRecord[:0], first...), ' '), line...)
	d.hdr = header{
		layout: layoutJUL, composeEnd: e.composeEnd, composeName: e.composeEnd,
		lead: e.indent, indented: e.indent > 0,
		time: e.time, hasTime: true, level: lvl,
		loggerStart: e.loggerStart, loggerEnd: e.loggerEnd,
		msgStart: len(first) + 1 + msg, msgEnd: max(len(first)+1+msg, trimRightEnd(d.julRecord, len(d.julRecord))),
		clock: d.hdr.clock,
	}
	d.cur = e
	d.start(e.loc, time.Time{}, e.host, d.julRecord)
	e.detach() // julRecord is reused
	return true
}
