package pyclient

import (
	"bytes"
	"time"

	"github.com/kafkadiag/kafkadiag/parsers/internal/text"
)

// Layout names reported in Stats.Layout.
const (
	// LayoutBasic is logging.basicConfig's default "LEVEL:logger:message",
	// no time.
	LayoutBasic = "basic"
	// LayoutTimed is any layout that starts with asctime and names the
	// level and the logger before the message, in either order, separated
	// by spaces, " - ", ":" or brackets: "%(asctime)s %(levelname)s
	// %(name)s %(message)s", "%(asctime)s - %(name)s - %(levelname)s -
	// %(message)s", "[%(asctime)s] %(levelname)s [%(name)s] %(message)s".
	LayoutTimed = "asctime"
	// LayoutUntimed is the level and then the logger with no time before
	// them: pytest's log format "%(levelname)-8s %(name)s:%(filename)s:
	// %(lineno)d %(message)s" ("ERROR    kafka.conn:conn.py:798 …"), which
	// its captured-log sections and live logs print by default.
	LayoutUntimed = "untimed"
	// LayoutMessage is a client's own message without the logger's name:
	// printed bare, or after a time and a level only ("%(asctime)s
	// %(levelname)s %(message)s", Faust's "[%(asctime)s: %(levelname)s]:
	// ", Airflow's "[%(asctime)s] {%(filename)s:%(lineno)d} %(levelname)s -
	// "). Only messages in the clients' own wording are taken (see
	// clientMessage): without a logger nothing else says whose they are.
	LayoutMessage = "message"
)

// layoutOrder lists the layouts for the per-input counters; on a tie the
// first wins.
var layoutOrder = [...]string{LayoutTimed, LayoutBasic, LayoutUntimed, LayoutMessage}

// header is one Python logging line taken apart. All slices alias the
// line.
type header struct {
	layout string
	// time is zero when the line printed none; zoned says the line
	// printed an offset.
	time  time.Time
	zoned bool
	level string // normalised (WARN for WARNING, ERROR for CRITICAL)
	// logger is a kafka-python ("kafka", "kafka.conn") or aiokafka logger;
	// nil for LayoutMessage.
	logger []byte
	msg    []byte
}

// splitHeader reads a line's header. It accepts only lines whose logger is
// one of the Kafka clients' (see clientLogger), or that print no logger
// and a message in a client's own words (see clientMessage): the level and
// time layouts alone are shared with every Python program.
func splitHeader(line []byte, zone *time.Location, zc *zoneCache) (header, bool) {
	if h, ok := splitBasic(line); ok {
		return h, true
	}
	var h header
	rest, closed := h.readTime(line, zone, zc)
	if closed {
		if h, ok := h.splitLevelLogger(rest); ok {
			return h, true
		}
	}
	return h.splitMessage(rest)
}

// splitBasic reads "LEVEL:logger:message".
func splitBasic(line []byte) (header, bool) {
	lv, rest, ok := bytes.Cut(line, []byte{':'})
	if !ok {
		return header{}, false
	}
	level := levelName(lv)
	if level == "" {
		return header{}, false
	}
	logger, msg, ok := bytes.Cut(rest, []byte{':'})
	if !ok || !clientLogger(logger) {
		return header{}, false
	}
	return header{layout: LayoutBasic, level: level, logger: logger, msg: msg}, true
}

// maxHeaderTokens bounds how many tokens after the time may be the level
// and the logger: a thread name or process id may sit between them.
const maxHeaderTokens = 4

// readTime reads the asctime a line starts with, bracketed or not, into
// h.time and returns the rest of the line; without one it returns the
// line. closed is false for a bracket the time does not close ("[time:
// LEVEL]"), which only LayoutMessage reads.
func (h *header) readTime(line []byte, zone *time.Location, zc *zoneCache) (rest []byte, closed bool) {
	rest = line
	bracket := len(rest) > 0 && rest[0] == '['
	if bracket {
		rest = rest[1:]
	}
	ts, zoned, n, ok := readTime(rest, zone, zc)
	if !ok {
		return line, true
	}
	h.time, h.zoned, rest = ts, zoned, rest[n:]
	if !bracket {
		return rest, true
	}
	if !h.zoned {
		rest = h.readZoneName(rest)
	}
	if len(rest) == 0 || rest[0] != ']' {
		return rest, false
	}
	return rest[1:], true
}

// readZoneName reads the zone abbreviation Airflow (2.2 and later) prints
// after its task log times, "[2022-11-09, 09:59:40 UTC]": UTC and GMT
// make the time UTC; any other ("BST", "CEST") names a zone only the
// reader knows, so the time stays in Source.Zone, as an unzoned one. It
// returns rest past the name, or rest itself when no name closes the
// bracket.
func (h *header) readZoneName(rest []byte) []byte {
	if len(rest) < 3 || rest[0] != ' ' {
		return rest
	}
	i := 1
	for i < len(rest) && i <= 6 && rest[i] >= 'A' && rest[i] <= 'Z' {
		i++
	}
	if i < 3 || i >= len(rest) || rest[i] != ']' {
		return rest
	}
	if name := string(rest[1:i]); name == "UTC" || name == "GMT" {
		t := h.time
		h.time = time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
		h.zoned = true
	}
	return rest[i:]
}

// skipBracedLocation drops the "{conn.py:381}" of Airflow's log format
// "[%(asctime)s] {%(filename)s:%(lineno)d} %(levelname)s - %(message)s",
// doubled ("{{conn.py:381}}") where MWAA's CloudWatch copy escapes it.
// Airflow prints no logger name, so only a client's own message after it
// makes the line a client's (see clientMessage).
func skipBracedLocation(b []byte) []byte {
	braces := 0
	for braces < 2 && braces < len(b) && b[braces] == '{' {
		braces++
	}
	if braces == 0 {
		return b
	}
	end := bytes.IndexByte(b, '}')
	if end < 0 || !isLocation(b[braces:end]) || len(b) < end+braces || string(b[end:end+braces]) != "}}"[:braces] {
		return b
	}
	return b[end+braces:]
}

// splitLevelLogger reads the level and logger tokens after the time, in
// either order (LayoutTimed), or at the very start of a line without a
// time, the level first (LayoutUntimed), then the message.
func (h header) splitLevelLogger(rest []byte) (header, bool) {
	tokens := maxHeaderTokens
	h.layout = LayoutTimed
	if h.time.IsZero() {
		tokens, h.layout = 2, LayoutUntimed
	}
	// The level and the logger are adjacent: the first of them found must
	// be followed by the other ("ERROR orders.kafka kafka error: …" is
	// another program's logger with the word kafka in its message).
	found := false
	for i := 0; i < tokens; i++ {
		rest = skipSeparators(rest)
		tok, after := token(rest)
		if len(tok) == 0 {
			return header{}, false
		}
		rest = after
		level := levelName(tok)
		logger := loggerOf(tok)
		switch {
		case h.level == "" && level != "":
			h.level = level
		case h.logger == nil && logger != nil && (found || h.layout == LayoutTimed):
			h.logger = logger
		case found || h.layout == LayoutUntimed:
			return header{}, false
		default:
			continue
		}
		if found {
			break
		}
		found = true
	}
	if h.level == "" || h.logger == nil {
		return header{}, false
	}
	h.msg = skipLocation(skipSeparators(rest))
	return h, true
}

// splitMessage reads a line that names no logger: an optional level after
// the time, then a message in a client's own words.
func (h header) splitMessage(rest []byte) (header, bool) {
	h.layout = LayoutMessage
	rest = skipSeparators(skipBracedLocation(skipSeparators(rest)))
	if tok, after := token(rest); levelName(tok) != "" {
		h.level, rest = levelName(tok), skipSeparators(after)
	}
	if !clientMessage(rest) {
		return header{}, false
	}
	h.msg = rest
	return h, true
}

// clientMessage reports whether a message is worded as only the clients
// word theirs: a kafka-python connection ("<BrokerConnection …>: …",
// "Connect attempt to <BrokerConnection …"), aiokafka's failed connects
// ("Unable connect to node with id 1: …", `Unable connect to "h:p": …`)
// and the lines it logs around them (client.py, fetcher.py).
func clientMessage(msg []byte) bool {
	for _, p := range [...]string{
		"<BrokerConnection ", "Connect attempt to <BrokerConnection ", "Connection attempt to <BrokerConnection ",
		"Error sending request data to <BrokerConnection ", aiokafkaNodeConnect, aiokafkaBootstrapConnect,
		"Unable to update metadata from [", `Unable to request metadata from "`, "Unable to request metadata from node with id ",
		"Failed fetch messages from ",
	} {
		if hasPrefix(msg, p) {
			return true
		}
	}
	return false
}

// loggerOf is the client logger a header token names, nil if none: the
// token itself, or the logger before the ":file.py:N" pytest appends to it.
func loggerOf(tok []byte) []byte {
	if clientLogger(tok) {
		return tok
	}
	if i := bytes.IndexByte(tok, ':'); i > 0 && clientLogger(tok[:i]) && isLocation(tok[i+1:]) {
		return tok[:i]
	}
	return nil
}

// isLocation accepts "%(filename)s:%(lineno)d": "conn.py:798".
func isLocation(b []byte) bool {
	i := bytes.LastIndexByte(b, ':')
	if i < 4 || !bytes.HasSuffix(b[:i], []byte(".py")) {
		return false
	}
	_, ok := text.Digits(b[i+1:])
	return ok
}

// skipLocation drops a "conn.py:798" a layout prints before the message.
func skipLocation(msg []byte) []byte {
	tok := msg
	if i := bytes.IndexByte(msg, ' '); i >= 0 {
		tok = msg[:i]
	}
	if !isLocation(bytes.TrimSuffix(tok, []byte{':'})) {
		return msg
	}
	return skipSeparators(msg[len(tok):])
}

// skipSeparators drops the separators Python layouts put between fields.
func skipSeparators(b []byte) []byte {
	for len(b) > 0 {
		switch b[0] {
		case ' ', '\t', '-', ':', '|', '[', ']', '(', ')':
			b = b[1:]
		default:
			return b
		}
	}
	return b
}

// token is the next field: up to a space, a bracket, a pipe or a colon
// that ends the token ("kafka.conn:" in "… ERROR kafka.conn: msg").
func token(b []byte) (tok, rest []byte) {
	for i, c := range b {
		switch c {
		case ' ', '\t', ']', '[', '|', ')', '(':
			return b[:i], b[i:]
		case ':':
			if i+1 == len(b) || b[i+1] == ' ' {
				return b[:i], b[i:]
			}
		}
	}
	return b, nil
}

// levelName maps Python's level names to the analyzer's words.
func levelName(b []byte) string {
	switch string(b) {
	case "DEBUG":
		return "DEBUG"
	case "INFO":
		return "INFO"
	case "WARNING", "WARN":
		return "WARN"
	case "ERROR":
		return "ERROR"
	case "CRITICAL", "FATAL":
		return "ERROR"
	}
	return ""
}

// clientLogger accepts kafka-python's module loggers ("kafka.conn",
// "kafka.coordinator.consumer": the package's modules, see
// kafkaPythonModules) and aiokafka's ("aiokafka", "aiokafka.conn"). The
// bare "kafka" is a word other programs' messages start with, and the Java
// broker's loggers share the prefix: "kafka.server.KafkaServer", and the
// lower-case "kafka.request.logger", "kafka.authorizer.logger",
// "kafka.controller" of a custom log4j layout.
func clientLogger(b []byte) bool {
	if rest, ok := bytes.CutPrefix(b, []byte("aiokafka")); ok {
		return len(rest) == 0 || rest[0] == '.' && moduleName(rest[1:])
	}
	rest, ok := bytes.CutPrefix(b, []byte("kafka."))
	if !ok || !moduleName(rest) {
		return false
	}
	top := rest
	if i := bytes.IndexByte(rest, '.'); i >= 0 {
		top = rest[:i]
	}
	for _, m := range kafkaPythonModules {
		if string(top) == m {
			return true
		}
	}
	return false
}

// kafkaPythonModules are the top-level modules and packages of
// kafka-python (2.0.2, and the 1.x and 2.x lines before and after it).
var kafkaPythonModules = [...]string{
	"conn", "client", "client_async", "cluster", "producer", "consumer", "coordinator",
	"admin", "protocol", "record", "metrics", "oauth", "sasl", "scram", "future", "util",
	"codec", "serializer", "partitioner", "structs", "errors", "vendor", "version",
}

// moduleName accepts a dotted lower-case Python module path.
func moduleName(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// readTime reads "2006-01-02 15:04:05,000" (Python's default asctime), with
// "T", ", " (Airflow) or "." variants and an optional "Z"/"+hh:mm"/"+hhmm"
// offset. n is the bytes read.
func readTime(b []byte, zone *time.Location, zc *zoneCache) (t time.Time, zoned bool, n int, ok bool) {
	// Airflow 2.2 and later print "2022-11-09, 09:59:40": one byte more
	// between the date and the time.
	comma := 0
	if len(b) > 11 && b[10] == ',' && b[11] == ' ' {
		comma = 1
	}
	if len(b) < 19+comma || b[4] != '-' || b[7] != '-' || (b[10] != ' ' && b[10] != 'T' && comma == 0) ||
		b[13+comma] != ':' || b[16+comma] != ':' {
		return time.Time{}, false, 0, false
	}
	var f [6]int
	for i, at := range [6]int{0, 5, 8, 11, 14, 17} {
		w := 2
		if i == 0 {
			w = 4
		}
		if i >= 3 {
			at += comma
		}
		v, good := text.Digits(b[at : at+w])
		if !good {
			return time.Time{}, false, 0, false
		}
		f[i] = v
	}
	n = 19 + comma
	nanos := 0
	if n < len(b) && (b[n] == ',' || b[n] == '.') {
		j, scale := n+1, 100000000
		for j < len(b) && j < n+10 && b[j] >= '0' && b[j] <= '9' {
			nanos += int(b[j]-'0') * scale
			scale /= 10
			j++
		}
		if j == n+1 {
			return time.Time{}, false, 0, false
		}
		n = j
	}
	if f[1] < 1 || f[1] > 12 || f[2] < 1 || f[2] > 31 || f[3] > 23 || f[4] > 59 || f[5] > 60 {
		return time.Time{}, false, 0, false
	}
	loc, m := readOffset(b[n:], zc)
	if loc != nil {
		zone, zoned, n = loc, true, n+m
	}
	if zone == nil {
		zone = time.UTC
	}
	return time.Date(f[0], time.Month(f[1]), f[2], f[3], f[4], f[5], nanos, zone), zoned, n, true
}

// zoneCache keeps the last fixed zone made: a log prints one offset (two
// across a DST change), and a new zone per line would allocate. One per
// decoder: decoders run in parallel on different inputs.
type zoneCache struct {
	off  int
	zone *time.Location
}

func (c *zoneCache) fixed(off int) *time.Location {
	if off == 0 {
		return time.UTC
	}
	if c.zone == nil || c.off != off {
		c.off, c.zone = off, time.FixedZone("", off)
	}
	return c.zone
}

// readOffset reads "Z", "+hh:mm" or "+hhmm" right after the time.
func readOffset(b []byte, zc *zoneCache) (*time.Location, int) {
	if len(b) > 0 && b[0] == 'Z' {
		return time.UTC, 1
	}
	if len(b) < 5 || (b[0] != '+' && b[0] != '-') {
		return nil, 0
	}
	hh, ok1 := text.Digits(b[1:3])
	rest, n := b[3:], 5
	if rest[0] == ':' {
		if len(b) < 6 {
			return nil, 0
		}
		rest, n = b[4:], 6
	}
	mm, ok2 := text.Digits(rest[:2])
	if !ok1 || !ok2 || hh > 23 || mm > 59 {
		return nil, 0
	}
	off := (hh*60 + mm) * 60
	if b[0] == '-' {
		off = -off
	}
	return zc.fixed(off), n
}
