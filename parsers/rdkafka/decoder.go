package rdkafka

import (
	"bytes"
	"net/netip"
	"time"

	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/parsers/internal/lines"
)

// maxBrokers bounds the broker names remembered per input; a log naming
// more is unusual and the rest simply get no Node record.
const maxBrokers = 4096

// twinWindow is how many lines a debug FAIL line waits for its twin.
const twinWindow = 8

// LineDecoder turns librdkafka log lines into events, one line at a time.
// The file parser feeds it every line; the journal parser feeds it each
// journal message. It keeps per-input state (known brokers, the last time
// seen) and is not safe for concurrent use.
type LineDecoder struct {
	src  *analyzer.Source
	sink analyzer.Sink

	// Events counts what went to the sink; layouts how often each layout
	// was recognised.
	Events  int
	layouts [len(layoutOrder)]int

	brokers map[string]netip.AddrPort
	client  string    // last instance name, reused while unchanged
	last    time.Time // time of the last timed line, for kcat errors
	// (lines of applications that print no time stay undated: their
	// neighbours may be hours apart)
	// lastNoYear is set when last came from a stamp without a year.
	lastNoYear bool
	// localTimes is set once a wrapped line's time was read in the
	// Source's zone.
	localTimes bool
	// lines counts recognised lines; failLine is the count at the last
	// FAIL event, for matching an error callback's echo of it.
	lines, failLine int

	// pending is an event from a debug FAIL line. librdkafka ≥ 1.x logs
	// every failure at DEBUG ("… (_TRANSPORT)") and then, unless
	// suppressed, once more at its real level: the twin is merged, not
	// counted twice.
	pending     analyzer.Event
	hasPending  bool
	pendingText []byte
	pendingAge  int
	lastFail    []byte // text of the last emitted FAIL, to drop kcat's error-callback echo
}

// NewLineDecoder returns a decoder reporting to sink.
func NewLineDecoder(src *analyzer.Source, sink analyzer.Sink) *LineDecoder {
	return &LineDecoder{src: src, sink: sink, brokers: make(map[string]netip.AddrPort)}
}

// Line decodes one line. ts is the time of the record carrying it (a
// journal entry) or zero; host the machine when known. It reports whether
// the line was librdkafka output.
func (d *LineDecoder) Line(loc analyzer.Location, ts time.Time, host string, msg []byte) bool {
	msg = bytes.TrimRight(msg, "\r\n")
	r, ok := split(msg, d.zone())
	if !ok {
		return false
	}
	d.layouts[r.layout]++
	d.lines++
	d.localTimes = d.localTimes || r.local
	if d.hasPending {
		d.pendingAge++
		if d.pendingAge > twinWindow {
			d.flushPending()
		}
	}
	d.record(loc, ts, host, r, msg)
	return true
}

// Flush emits what a line still waits for; call it at the end of input.
func (d *LineDecoder) Flush() { d.flushPending() }

// Layout is the layout seen most, "" before any line was recognised.
func (d *LineDecoder) Layout() string { return lines.MostSeen(d.layouts[:], layoutOrder[:]) }

// ZoneAssumed reports whether any line printed a local time without a zone
// (dotnet, fluent-bit, application callbacks and prefixes), read in the
// Source's zone; the native layouts carry epoch seconds.
func (d *LineDecoder) ZoneAssumed() bool { return d.localTimes }

func (d *LineDecoder) zone() *time.Location { return d.src.ZoneOrUTC() }

// record handles one recognised line.
func (d *LineDecoder) record(loc analyzer.Location, ts time.Time, host string, r record, line []byte) {
	guessed := false
	switch {
	case !r.time.IsZero():
		d.last, d.lastNoYear = r.time, r.noYear
	case !ts.IsZero():
		r.time = ts
	case r.layout == idxKcatError:
		// kcat prints its error line right after the log line it echoes.
		r.time, r.noYear, guessed = d.last, d.lastNoYear, !d.last.IsZero()
	}
	m := splitText(r.text, r.client)
	if string(r.fac) == "CONF" {
		d.config(loc, r, m.body)
		return
	}
	var c classified
	if interesting(r.fac) {
		c = classify(r.fac, m.body)
	}
	if len(m.broker.name) > 0 {
		d.node(loc, m.broker, c.addr, r.fac, m.body)
	}
	if c.kind == "" {
		return
	}
	isFail := string(r.fac) == "FAIL"
	if d.isEcho(r, m.body) {
		return // an error callback repeating the FAIL line just logged
	}
	if isFail && d.hasPending && r.level < 7 && bytes.Equal(stripErrName(r.text), d.pendingText) {
		d.pending.Level = levelName(r.level)
		d.flushPending()
		return
	}
	d.flushPending()
	e := d.event(loc, host, r, m, c, line)
	e.TimeGuessed, e.NoYear = guessed, r.noYear
	if isFail {
		d.failLine = d.lines
		d.lastFail = append(d.lastFail[:0], m.body...)
		if i := bytes.LastIndex(d.lastFail, []byte(" (_")); i > 0 && r.level == 7 {
			d.lastFail = d.lastFail[:i]
		}
	}
	if isFail && r.level == 7 {
		d.pending, d.hasPending, d.pendingAge = e, true, 0
		d.pendingText = append(d.pendingText[:0], stripErrName(r.text)...)
		return
	}
	d.emit(e)
}

// isEcho reports whether an error callback's line (see record.callback)
// repeats the text of a FAIL line logged a few lines before: librdkafka
// raises an error event for every FAIL at level ERR or worse, and
// applications print both. Without an error callback librdkafka logs the
// event itself, under facility ERROR: `%3|…|ERROR|…| [thrd:…]: <the FAIL
// line's text>`, one failure counted twice unless dropped.
func (d *LineDecoder) isEcho(r record, body []byte) bool {
	if !r.callback && string(r.fac) != "ERROR" {
		return false
	}
	return len(d.lastFail) > 0 && d.lines-d.failLine <= twinWindow && bytes.HasSuffix(d.lastFail, body)
}

// interesting says whether lines of facility fac can carry an event:
// failures are logged under FAIL (ERROR before v0.11), request timeouts
// under REQTMOUT, state changes under STATE. Debug chatter (CONNECT, SEND,
// RECV, METADATA …) is skipped unread. Wrapper layouts without a facility
// are always read.
func interesting(fac []byte) bool {
	switch string(fac) {
	case "", "FAIL", "ERROR", "REQTMOUT", "STATE", "SASL", "SSL", "TERMINATE", "BRKFAIL", "PRODUCE", "MSGTIMEOUT", "TIMEOUT":
		return true
	}
	return false
}

// stripErrName drops the debug FAIL line's " (_TRANSPORT)[: identical …]" tail.
func stripErrName(text []byte) []byte {
	if i := bytes.LastIndex(text, []byte(" (_")); i > 0 {
		return text[:i]
	}
	return text
}

func (d *LineDecoder) flushPending() {
	if d.hasPending {
		d.hasPending = false
		d.emit(d.pending)
	}
}

func (d *LineDecoder) emit(e analyzer.Event) {
	d.Events++
	d.sink.Event(e)
}

// event builds the event of a classified line; only interesting lines get
// here, so the string copies are fine.
func (d *LineDecoder) event(loc analyzer.Location, host string, r record, m message, c classified, line []byte) analyzer.Event {
	e := analyzer.Event{
		Kind:    c.kind,
		Time:    r.time,
		Source:  loc,
		Level:   levelName(r.level),
		Program: "librdkafka",
		Host:    host,
		Client:  d.clientName(r.client),
		Reason:  string(c.reason),
		State:   string(c.state),
		AfterMs: c.afterMs,
		Addr:    parseAddr(c.addr),
		Text:    string(line[:min(len(line), analyzer.MaxTextLen)]),
	}
	if len(m.broker.name) > 0 {
		e.Node, e.NodeHost = nodeID(m.broker.id), string(m.broker.host)
	} else if len(m.broker.host) > 0 {
		e.NodeHost = string(m.broker.host) // a logical broker (GroupCoordinator)
	} else if c.kind == analyzer.ResolveFailed {
		// Old kcat errors name the broker only inside the quotes.
		if q := reasonAfterQuote(m.body); len(q) > 0 {
			e.NodeHost = string(q)
		}
	}
	if c.kind == analyzer.BatchExpired {
		e.Count = 1
	}
	return e
}

// reasonAfterQuote is "host" in "Failed to resolve 'host:9092': …".
func reasonAfterQuote(body []byte) []byte {
	rest := bytes.TrimPrefix(body, []byte("Failed to resolve '"))
	if i := bytes.IndexByte(rest, '\''); i > 0 {
		rest = rest[:i]
		if j := bytes.LastIndexByte(rest, ':'); j > 0 {
			return rest[:j]
		}
		return rest
	}
	return nil
}

func (d *LineDecoder) clientName(b []byte) string {
	if string(b) != d.client {
		d.client = string(b)
	}
	return d.client
}

// nodeID is the analyzer's node id: "-1" for bootstrap entries.
func nodeID(id []byte) string {
	if string(id) == "bootstrap" {
		return "-1"
	}
	return string(id)
}

// node reports a broker the first time it is named and again when its
// address is first learned ("Connecting to ipv4#…", "Connect to ipv4#… failed").
func (d *LineDecoder) node(loc analyzer.Location, b brokerRef, addrTok, fac, body []byte) {
	if len(addrTok) == 0 && (bytes.HasPrefix(body, []byte("Connecting to ")) || bytes.HasPrefix(body, []byte("Connected to "))) {
		addrTok = addrToken(body)
	}
	known, seen := d.brokers[string(b.name)]
	if seen && (known.IsValid() || len(addrTok) == 0) {
		return
	}
	if !seen && len(d.brokers) >= maxBrokers {
		return
	}
	addr := parseAddr(addrTok)
	if seen && !addr.IsValid() {
		return
	}
	d.brokers[string(b.name)] = addr
	d.sink.Node(analyzer.Node{
		ID:        nodeID(b.id),
		Host:      string(b.host),
		Addr:      addr,
		Bootstrap: string(b.id) == "bootstrap" || (len(b.id) > 0 && b.id[0] == '-'),
		Source:    loc,
	})
}

// config reports one "  key = value" line of a `debug=conf` dump.
func (d *LineDecoder) config(loc analyzer.Location, r record, body []byte) {
	if len(body) < 3 || body[0] != ' ' {
		return
	}
	key, value, ok := bytes.Cut(bytes.TrimSpace(body), []byte(" = "))
	if !ok || len(key) == 0 || bytes.IndexByte(key, ' ') >= 0 {
		return
	}
	d.sink.Config(analyzer.Config{
		Scope:  "librdkafka",
		Client: d.clientName(r.client),
		Key:    string(key),
		Value:  string(value),
		Source: loc,
	})
}
