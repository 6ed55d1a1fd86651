package kafkalog

import (
	"bytes"
	"fmt"
	"time"

	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/parsers/internal/timeofday"
)

const (
	// MaxLineLen caps the bytes kept of one line; the rest is dropped and
	// the line reported as cut.
	MaxLineLen = 64 << 10
	// maxKeep caps the first line kept of a pending entry: templates sit
	// at its start and Text is cut to analyzer.MaxTextLen anyway.
	maxKeep = 8 << 10
	// maxExceptions caps the exception lines (first + "Caused by") kept
	// per entry; maxExceptionLen each of them.
	maxExceptions   = 8
	maxExceptionLen = 2 << 10
	// maxProblems bounds Stats.Problems.
	maxProblems = 10
	// maxSlots bounds the interleaved compose services tracked at once.
	maxSlots = 8
)

// LineDecoder turns Kafka log lines into events. It holds one pending
// entry (a header line plus its continuation lines) and emits it when the
// next header arrives or on Flush. One decoder serves one input.
type LineDecoder struct {
	src  *analyzer.Source
	sink analyzer.Sink
	// stats is what Parse reports; LineDecoder callers may ignore it.
	stats analyzer.Stats
	// noKeyword is set by Parse while it hands over a line its reading
	// stage found no keyword in: no part of that line can be interesting,
	// so the decoder skips the scan. False for LineDecoder's own callers.
	noKeyword bool
	// noESC and noNodeString are set likewise while Parse hands over a
	// line its reading stage found no ESC byte in, or (with no ESC) no
	// keyword and no " (id: " in. False for LineDecoder's own callers.
	noESC, noNodeString bool
	// borrow is set by Parse: the lines it hands over stay valid until it
	// calls detach, so a record's first line need not be copied at once.
	borrow bool

	hdr   header
	clock minuteClock
	// slots hold the pending entries: one per docker compose service, so
	// interleaved containers keep their stack traces (slots[0] without
	// compose). cur is the entry the last line went to.
	slots  [maxSlots]entry
	nslots int
	cur    *entry
	// heard is the time of the last record that was not a JVM's startup
	// preamble (heardFrom): a "starting" record takes it as Event.Before,
	// when the previous process was last heard from. Compose logs, whose
	// records interleave services, keep none.
	heard time.Time
	// lastTime is the newest record time seen; it stands in for records
	// printed without a date when the caller gives none.
	lastTime time.Time
	// days counts the midnights a log of times of day crossed.
	days timeofday.Days
	// sawBroker is set once the input proved to be a broker's log; it
	// decides Program for lines that do not tell.
	sawBroker bool
	// brokerID is the id of the broker whose log this is, once a config
	// dump or a server log context named it.
	brokerID string
	// layout is the first layout recognised, composed whether it came
	// through docker compose.
	layout   layout
	composed bool
	// nodes remembers what Node facts were sent, so each is sent once.
	nodes map[string]struct{}
	// nodeStrings remembers the raw node strings already read, keyBuf is
	// the scratch their keys are built in.
	nodeStrings map[string]struct{}
	keyBuf      []byte
	// plain holds a line with its ANSI colour sequences removed.
	plain []byte
	// rec and ev are emitEntry's scratch, kept here so that classifying
	// a candidate does not allocate them.
	rec record
	ev  analyzer.Event
	// julRecord holds a java.util.logging record's two lines joined.
	julRecord []byte
	// cancelled is the last "Cancelled in-flight PRODUCE request" the
	// client logged: the Sender's NETWORK_EXCEPTION line that follows it
	// retells the same disconnect (see retold).
	cancelled cancelledProduce
}

// cancelledProduce is a client's cancelled in-flight produce request:
// valid iff at is not zero.
type cancelledProduce struct {
	client, node string
	at           time.Time
}

// NewLineDecoder decodes Kafka log lines one at a time, for callers that
// have already split and timestamped them (journal entries, docker logs).
func NewLineDecoder(src *analyzer.Source, sink analyzer.Sink) *LineDecoder {
	d := &LineDecoder{src: src, sink: sink, nodes: map[string]struct{}{}, nodeStrings: map[string]struct{}{}}
	d.hdr.clock = &d.clock
	return d
}

// Line decodes one message; ts is the caller's timestamp (used when the message has none),
// host the machine. Continuation lines (stack frames arriving as separate entries) attach to
// the previous entry. It reports whether the line was understood as Kafka's.
//
// A message holding several lines (a journal entry with a whole stack
// trace) is decoded line by line, all at loc.
func (d *LineDecoder) Line(loc analyzer.Location, ts time.Time, host string, msg []byte) bool {
	understood := false
	for len(msg) > 0 {
		line := msg
		if i := bytes.IndexByte(msg, '\n'); i >= 0 {
			line, msg = msg[:i], msg[i+1:]
		} else {
			msg = nil
		}
		if len(line) > MaxLineLen {
			d.problem(loc, "line longer than %d bytes, cut", MaxLineLen)
			line = line[:MaxLineLen]
		}
		if d.line(loc, ts, host, line) {
			understood = true
		}
	}
	return understood
}

// Flush emits the pending multi-line entry.
func (d *LineDecoder) Flush() {
	for i := 0; i < d.nslots; i++ {
		d.finish(&d.slots[i])
	}
}

// nodeStringMark starts the "(id: 1 rack: r)" of a node string.
var nodeStringMark = []byte("(id: ")

// line decodes one physical line.
func (d *LineDecoder) line(loc analyzer.Location, ts time.Time, host string, line []byte) bool {
	d.stats.Lines++
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	stable := d.borrow
	if !d.noESC && bytes.IndexByte(line, 0x1b) >= 0 { // colours from a terminal capture
		d.plain = stripANSI(d.plain[:0], line)
		line, stable = d.plain, false
	}
	if parseHeader(line, d.src.ZoneOrUTC(), &d.hdr) && !d.strayNoTime() {
		e := d.slot(line[:d.hdr.composeName])
		d.finish(e)
		d.cur = e
		d.start(loc, ts, host, line)
		if !stable {
			e.detach()
		}
		return true
	}
	return d.continuation(loc, line)
}

// strayNoTime reports a header in the no-time layout inside a log that
// prints times: in such a log it is a line of a message, not a record.
func (d *LineDecoder) strayNoTime() bool {
	return d.hdr.layout == layoutJavaNoTime && d.layout != layoutNone && d.layout != layoutJavaNoTime
}

// slot finds the pending entry of a compose service (name empty: none),
// taking a free slot or, when all are busy, the first one.
func (d *LineDecoder) slot(name []byte) *entry {
	for i := 0; i < d.nslots; i++ {
		if bytes.Equal(d.slots[i].compose(), name) {
			return &d.slots[i]
		}
	}
	if d.nslots < maxSlots {
		d.nslots++
		return &d.slots[d.nslots-1]
	}
	d.finish(&d.slots[0])
	return &d.slots[0]
}

// slotOf returns the pending entry a compose service's continuation line
// belongs to, or nil.
func (d *LineDecoder) slotOf(name []byte) *entry {
	for i := 0; i < d.nslots; i++ {
		if d.slots[i].active && bytes.Equal(d.slots[i].compose(), name) {
			return &d.slots[i]
		}
	}
	return nil
}

// start opens a new pending entry from the header in d.hdr.
func (d *LineDecoder) start(loc analyzer.Location, ts time.Time, host string, line []byte) {
	h := &d.hdr
	if d.layout == layoutNone {
		d.layout, d.composed = h.layout, h.composeEnd > 0
	}
	e := d.cur
	e.reset()
	e.active = true
	e.loc, e.host, e.level, e.layout = loc, host, h.level, h.layout
	switch {
	case h.hasTime:
		e.time = h.time
		if !h.zoned {
			d.stats.ZoneAssumed = true
		}
	case h.hasDocker:
		e.time = h.dockerTime
	case !ts.IsZero():
		e.time = ts
	case h.timeOfDay:
		e.time, e.noDate = d.days.Date(h.time), true
		d.stats.ZoneAssumed = true
	case h.layout == layoutJavaNoTime:
		// No time at all: the event stays undated, off the timeline.
	default:
		e.time, e.timeGuessed = d.lastTime, true
	}
	if e.time.After(d.lastTime) {
		d.lastTime = e.time
	}
	heard := d.heard
	e.line, e.borrowed = line, true
	if h.indented {
		e.indent = h.lead
	}
	e.composeEnd, e.loggerStart, e.loggerEnd = h.composeName, h.loggerStart, h.loggerEnd
	e.textEnd, e.msgStart, e.msgEnd = textCut(line), h.msgStart, min(h.msgEnd, h.msgStart+maxKeep)
	if host == "" && e.composeEnd > 0 {
		e.hostFromCompose = true // the service names the container; Host is set on emit
	}
	logger, msg := e.logger(), e.msg()
	if !d.composed && heardFrom(logger) {
		e.before, d.heard = heard, e.time
	}
	kafka, known := kafkaLoggerOf(logger)
	if !kafka && h.layout.bareClass() {
		// Spark and Gearpump print the class alone ("NetworkClient").
		known = classOnly(logger)
		kafka = known != 0
	}
	if kafka {
		e.kafkaOrigin = true
		if known != 0 {
			e.canon, logger = known, known.name()
		}
		if !d.sawBroker && isBrokerLogger(logger) {
			d.sawBroker = true
		}
	}
	// "(id: " rather than " (id: ": IndexByte on a space stops at every word.
	if !d.noNodeString && bytes.Contains(msg, nodeStringMark) {
		d.learnNodeStrings(msg, loc)
	}
	if scope, ok := configDumpScope(msg); ok {
		e.dump = scope
		return
	}
	// The server lifecycle loggers print a handful of short lines, some
	// ("starting") with no keyword at all: keep them all.
	e.candidate = (!d.noKeyword && interesting(msg)) || (bytes.HasPrefix(logger, []byte("kafka.server.")) && bytes.HasSuffix(logger, []byte("Server")))
}

// continuation attaches a non-header line to the pending entry.
func (d *LineDecoder) continuation(loc analyzer.Location, line []byte) bool {
	e := d.cur
	if name, end, ok := cutCompose(line); ok && e != nil && e.composeEnd > 0 {
		// A compose log: the line belongs to its service's entry, if any.
		c := d.slotOf(line[:name])
		if c == nil {
			if looksLikeRecord(line[end:]) {
				d.unparsed(loc)
			}
			return false
		}
		e, line = c, line[end:]
	}
	if e == nil || !e.active {
		if looksLikeRecord(line) {
			d.unparsed(loc)
		}
		return false
	}
	if e.indent > 0 && len(line) > e.indent && bytes.Equal(line[:e.indent], e.line[:e.indent]) {
		line = line[e.indent:] // a log pasted indented: as it was printed
	}
	if e.layout == layoutJUL && e.level == "" && d.julMessage(e, line) {
		return true
	}
	t := line[skipSpaces(line, 0):]
	switch {
	case bytes.HasPrefix(t, []byte("at ")):
		if e.candidate && !e.kafkaOrigin && bytes.Contains(t, []byte("org.apache.kafka.")) {
			e.kafkaOrigin = true
		}
		if e.candidate && !e.receiveFrame && (bytes.Contains(t, []byte("network.NetworkReceive.read")) ||
			bytes.Contains(t, []byte("kafka.common.memory.MemoryPool"))) {
			e.receiveFrame = true
		}
		return true
	case bytes.HasPrefix(t, []byte("... ")):
		return true
	case e.dump != "" && len(t) < len(line) && bytes.Contains(t, []byte(" = ")):
		e.configLine(t)
		return true
	case bytes.HasPrefix(t, []byte("Caused by: ")):
		e.exception(t[len("Caused by: "):], !d.noKeyword)
		return true
	case len(t) == len(line) && isExceptionLine(t):
		e.exception(t, !d.noKeyword)
		return true
	case looksLikeRecord(line):
		d.finish(e)
		d.unparsed(loc)
		return false
	}
	// Other text continues a multi-line message (log-cleaner stats, the
	// " (logger)" line closing a dump); it is kept with the entry but not
	// claimed as Kafka's, so a journal caller still sees its own lines.
	return false
}

// finish emits the pending entry e, if active, and clears it.
func (d *LineDecoder) finish(e *entry) {
	if !e.active {
		return
	}
	switch {
	case e.dump != "":
		d.emitConfig(e)
	case e.candidate:
		d.emitEntry(e)
	}
	e.active = false
}

func (d *LineDecoder) unparsed(loc analyzer.Location) {
	d.stats.Unparsed++
	d.problem(loc, "not a Kafka log record in any known layout")
}

func (d *LineDecoder) problem(loc analyzer.Location, format string, args ...any) {
	if len(d.stats.Problems) >= maxProblems {
		return
	}
	d.stats.Problems = append(d.stats.Problems, fmt.Sprintf("%s: line %d: ", loc.Path, loc.Line)+fmt.Sprintf(format, args...))
}

// entry is the pending record. Its buffers are reused from one record to
// the next, so an uninteresting record costs no allocation.
type entry struct {
	active bool
	loc    analyzer.Location
	host   string
	// hostFromCompose is set when Host should be the compose service name
	// because the caller knew no host.
	hostFromCompose bool
	time            time.Time
	timeGuessed     bool
	noDate          bool // time is a time of day on the placeholder day
	level           string
	layout          layout
	// line is the record's first line: the caller's bytes while borrowed
	// (valid until detach), else a copy in own. The spans below index it:
	// compose is line[:composeEnd], Text line[:textEnd], the message
	// line[msgStart:msgEnd] (cut to maxKeep), the logger
	// line[loggerStart:loggerEnd].
	line                   []byte
	own                    []byte
	borrowed               bool
	composeEnd, textEnd    int
	msgStart, msgEnd       int
	loggerStart, loggerEnd int
	// indent is the length of the blanks the first line was indented
	// with (0: none); continuation lines that start with the same blanks
	// are read without them.
	indent int
	// canon, when set, is the known logger the printed one abbreviates
	// (canonicalLogger): logger() returns its full name, not the span.
	canon knownLogger
	// candidate is set when the first line or an exception line passed the
	// keyword pre-filter; only candidates are classified.
	candidate bool
	// kafkaOrigin is set when the logger or a stack frame is Kafka's.
	kafkaOrigin bool
	// receiveFrame is set when a stack frame is Kafka's NetworkReceive
	// reading a size-prefixed receive, or the MemoryPool it allocates the
	// receive from: an OutOfMemoryError there was the allocation of a size
	// read off the wire (KAFKA-4493).
	receiveFrame bool
	// excs holds up to maxExceptions exception lines, excEnds their ends.
	excs    []byte
	excEnds []int
	// dump is the Config scope when the entry is a config dump.
	dump     string
	settings []setting
	// before is the time of the record before this one, startup
	// preamble skipped (LineDecoder.heard).
	before time.Time
}

// preambleLoggers print the first records of a starting broker JVM,
// before its "starting": they tell nothing of the process before it.
var preambleLoggers = [...]string{
	"kafka.utils.Log4jControllerRegistration$", "org.apache.zookeeper.common.X509Util",
	"org.apache.kafka.common.utils.LoggingSignalHandler",
}

// heardFrom reports whether a record of this logger counts as a sign of
// life of the process: any but a startup preamble's.
func heardFrom(logger []byte) bool {
	for _, p := range preambleLoggers {
		if len(logger) == len(p) && string(logger) == p {
			return false
		}
	}
	return true
}

func (e *entry) reset() {
	// Field by field rather than through a copy of the whole entry: this
	// runs once per record, and the entry is a few hundred bytes.
	e.active, e.loc, e.host, e.hostFromCompose = false, analyzer.Location{}, "", false
	e.time, e.timeGuessed, e.noDate, e.level, e.layout = time.Time{}, false, false, "", layoutNone
	e.line, e.borrowed, e.canon, e.indent = nil, false, 0, 0
	e.composeEnd, e.textEnd, e.msgStart, e.msgEnd, e.loggerStart, e.loggerEnd = 0, 0, 0, 0, 0, 0
	e.candidate, e.kafkaOrigin, e.receiveFrame, e.before = false, false, false, time.Time{}
	e.excs, e.excEnds, e.dump, e.settings = e.excs[:0], e.excEnds[:0], "", e.settings[:0]
}

func (e *entry) compose() []byte { return e.line[:e.composeEnd] }
func (e *entry) text() []byte    { return e.line[:e.textEnd] }
func (e *entry) msg() []byte     { return e.line[e.msgStart:e.msgEnd] }
func (e *entry) logger() []byte {
	if e.canon != 0 {
		return e.canon.name()
	}
	return e.line[e.loggerStart:e.loggerEnd]
}

// detach copies a borrowed first line into the entry's own buffer, as
// far as the spans reach.
func (e *entry) detach() {
	if !e.borrowed {
		return
	}
	n := max(e.composeEnd, e.textEnd, e.msgEnd, e.loggerEnd, e.indent)
	e.own = append(e.own[:0], e.line[:n]...)
	e.line, e.borrowed = e.own, false
}

// detach copies every borrowed line the decoder still holds: Parse calls
// it before the buffer its lines came from is reused.
func (d *LineDecoder) detach() {
	for i := 0; i < d.nslots; i++ {
		d.slots[i].detach()
	}
}

// exception keeps an exception line ("java.io.IOException: msg").
// scan is false when the line is known to hold no keyword.
func (e *entry) exception(t []byte, scan bool) {
	if scan && interesting(t) {
		e.candidate = true
	}
	if bytes.HasPrefix(t, []byte("org.apache.kafka.")) {
		e.kafkaOrigin = true
	}
	if len(e.excEnds) >= maxExceptions {
		return
	}
	e.excs = append(e.excs, t[:min(len(t), maxExceptionLen)]...)
	e.excEnds = append(e.excEnds, len(e.excs))
}

// isExceptionLine accepts "pkg.SomeException: msg", "pkg.SomeError" at
// the start of a line.
func isExceptionLine(t []byte) bool {
	end := bytes.IndexByte(t, ':')
	if end < 0 {
		end = len(t)
	}
	name := t[:end]
	if len(name) < 5 || bytes.IndexByte(name, '.') < 0 || !isLoggerToken(name) {
		return false
	}
	return bytes.HasSuffix(name, []byte("Exception")) || bytes.HasSuffix(name, []byte("Error")) ||
		bytes.HasSuffix(name, []byte("Throwable")) || bytes.Contains(name, []byte("Exception$"))
}

// looksLikeRecord reports lines that start like a log record (a date or
// a bracket) and carry a level word early, but that no layout accepted.
// A record may start after other text (a lead, see lead.go, or words
// typed at a console prompt): then a time must open it.
func looksLikeRecord(line []byte) bool {
	if len(line) > 0 && line[0] != '[' && !isDigit(line[0]) {
		k, _ := leadEnd(line)
		if k == 0 {
			k = bytes.IndexByte(line[:min(len(line), maxLead)], '[') // "hello world[2024-…"
		}
		if k <= 0 {
			return false
		}
		if _, _, kind, _ := readTime(line[k:], time.UTC, nil); kind == timeNone {
			return false
		}
		line = line[k:]
	}
	if len(line) == 0 || !(line[0] == '[' || isDigit(line[0])) {
		return false
	}
	head := line[:min(len(line), 100)]
	for _, l := range [...]string{" INFO ", " WARN ", " ERROR ", " DEBUG ", " TRACE ", " FATAL "} {
		if bytes.Contains(head, []byte(l)) {
			return true
		}
	}
	return false
}

// textCut is where Text is cut: at MaxTextLen, backed off to the start of
// a UTF-8 sequence so a cut never splits a character.
func textCut(line []byte) int {
	n := len(line)
	if n <= analyzer.MaxTextLen {
		return n
	}
	n = analyzer.MaxTextLen
	for i := 0; i < 3 && n > 0 && line[n]&0xC0 == 0x80; i++ {
		n--
	}
	return n
}

// stripANSI appends line to dst without ANSI escape sequences (Spring
// Boot and docker compose colour their output on a terminal).
func stripANSI(dst, line []byte) []byte {
	for i := 0; i < len(line); i++ {
		c := line[i]
		if c != 0x1b {
			dst = append(dst, c)
			continue
		}
		if i+1 < len(line) && line[i+1] == '[' {
			j := i + 2
			for j < len(line) && line[j] >= 0x20 && line[j] <= 0x3f {
				j++
			}
			i = j // the final byte, skipped by the loop
			continue
		}
		i++ // ESC and one byte
	}
	return dst
}
