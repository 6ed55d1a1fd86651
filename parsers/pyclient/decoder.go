package pyclient

import (
	"bytes"
	"net/netip"
	"time"

	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/parsers/internal/lines"
)

// Program is Event.Program for every event of this package.
const Program = "kafka-python"

// echoWindow is how many client lines after a failure its "Closing
// connection." echo may come.
const echoWindow = 3

// maxNodes bounds the nodes remembered per input.
const maxNodes = 4096

// LineDecoder turns kafka-python (and aiokafka) log lines into events, one
// line at a time. The file parser feeds it every line; the journal and
// envelope parsers feed it each message. It keeps per-input state and is
// not safe for concurrent use.
type LineDecoder struct {
	src  *analyzer.Source
	sink analyzer.Sink
	zc   zoneCache

	// Events counts what went to the sink.
	Events  int
	layouts [len(layoutOrder)]int
	// localTimes is set once a time without offset was read in the
	// Source's zone.
	localTimes bool

	nodes map[string]bool // node ids reported, true once with an address

	// lines counts client lines; entry is the time of the last one (a
	// traceback belongs to it) and owned says the last header line was a
	// client's, so its traceback is too.
	lines  int
	entry  time.Time
	entryT bool
	owned  bool

	// pending is a failure held for its "Closing connection." echo or for
	// the traceback that gives its cause; pendingAt is lines when it came.
	pending    analyzer.Event
	hasPending bool
	pendingAt  int
	// lastNode and lastAt are the node of the last failure emitted and
	// lines then, so a late echo is dropped.
	lastNode string
	lastAt   int

	// handshake is the last connection seen in TLS handshake state and
	// handshakeAt lines then: an SSL error raised to the application
	// (a traceback, no connection named) is about it.
	handshake   analyzer.Event
	handshakeAt int

	// inTrace is set inside a traceback; clientTrace once a frame of the
	// client library or a pending failure made it the client's.
	inTrace, clientTrace bool
}

// NewLineDecoder returns a decoder reporting to sink.
func NewLineDecoder(src *analyzer.Source, sink analyzer.Sink) *LineDecoder {
	return &LineDecoder{src: src, sink: sink, nodes: make(map[string]bool), lastAt: -echoWindow - 1}
}

// Line decodes one line. ts is the time of the record carrying it (a
// journal entry, a container record) or zero; host the machine when known.
// It reports whether the line was the client's output: a line of a
// kafka-python or aiokafka logger, or a traceback line after one.
func (d *LineDecoder) Line(loc analyzer.Location, ts time.Time, host string, msg []byte) bool {
	msg = bytes.TrimRight(msg, "\r\n")
	h, ok := splitHeader(msg, d.zone(), &d.zc)
	if !ok {
		return d.continuation(loc, host, msg)
	}
	d.owned = true
	return d.record(loc, ts, host, h, msg)
}

// Record implements the envelope's RecordDecoder for JSON records whose
// logger field names a client logger; others are declined so the next
// decoder gets them.
func (d *LineDecoder) Record(loc analyzer.Location, ts time.Time, host, level string, logger, msg []byte) bool {
	if !clientLogger(logger) {
		return false
	}
	h := header{layout: "", time: ts, zoned: true, level: recordLevel(level), logger: logger, msg: msg}
	d.owned = true
	return d.record(loc, ts, host, h, msg)
}

// Flush emits what a line still waits for; call it at the end of input.
func (d *LineDecoder) Flush() { d.flushPending() }

// Layout is the layout seen most, "" before any line was recognised.
func (d *LineDecoder) Layout() string { return lines.MostSeen(d.layouts[:], layoutOrder[:]) }

// ZoneAssumed reports whether any time was printed without an offset and
// read in the Source's zone.
func (d *LineDecoder) ZoneAssumed() bool { return d.localTimes }

func (d *LineDecoder) zone() *time.Location { return d.src.ZoneOrUTC() }

// record handles one client line.
func (d *LineDecoder) record(loc analyzer.Location, ts time.Time, host string, h header, line []byte) bool {
	d.lines++
	d.inTrace, d.clientTrace = false, false
	for i, l := range layoutOrder {
		if h.layout == l {
			d.layouts[i]++
		}
	}
	d.localTimes = d.localTimes || !h.time.IsZero() && !h.zoned
	t := h.time
	if t.IsZero() {
		t = ts
	}
	d.entry, d.entryT = t, !t.IsZero()
	c := classify(h.level, h.msg)
	if len(c.conn.node) > 0 {
		d.node(loc, c.conn)
		if c.conn.handshake {
			d.handshake, d.handshakeAt = analyzer.Event{Node: nodeID(c.conn.node), NodeHost: string(c.conn.host), Addr: connAddr(c.conn)}, d.lines
		}
	}
	if c.act == actClosing && d.isEcho(c) {
		d.mergeEcho(c)
		return true
	}
	d.flushPending()
	if c.kind == "" {
		return true
	}
	e := d.event(loc, host, t, h.level, c, line)
	if c.kind == analyzer.Connected {
		d.emit(e)
		return true
	}
	d.pending, d.hasPending, d.pendingAt = e, true, d.lines
	return true
}

// isEcho reports whether a "Closing connection." line repeats the failure
// pending or just emitted on the same node.
func (d *LineDecoder) isEcho(c classified) bool {
	if c.kind == analyzer.ResolveFailed {
		return d.hasPending && d.lines-d.pendingAt <= echoWindow && d.pending.Kind == analyzer.ResolveFailed &&
			d.pending.NodeHost == string(c.nodeHost)
	}
	node := nodeID(c.conn.node)
	if d.hasPending && d.lines-d.pendingAt <= echoWindow && (d.pending.Node == "" || d.pending.Node == node) {
		return true
	}
	return node != "" && node == d.lastNode && d.lines-d.lastAt <= echoWindow
}

// mergeEcho completes the pending failure from its echo: the node of an
// "SSL connection closed …" warning, the cause of an "Error sending
// request data" whose traceback was not logged.
func (d *LineDecoder) mergeEcho(c classified) {
	if !d.hasPending {
		return
	}
	p := &d.pending
	if p.Node == "" && len(c.conn.node) > 0 {
		p.Node, p.NodeHost, p.Addr = nodeID(c.conn.node), string(c.conn.host), connAddr(c.conn)
	}
	if p.Kind == analyzer.Disconnected && c.kind != analyzer.Disconnected {
		p.Kind, p.Reason = c.kind, string(c.reason)
	}
	d.flushPending()
}

// continuation handles a line without a client header: a traceback line
// after a client line (or a pasted traceback ending in a client
// exception), anything else is not the client's.
func (d *LineDecoder) continuation(loc analyzer.Location, host string, line []byte) bool {
	tl := kindOfTraceLine(line, d.inTrace)
	switch tl {
	case notTrace:
		// Another logger's entry: a traceback after it is its own, and
		// takes its time.
		d.owned, d.inTrace = false, false
		d.entry, d.entryT = d.lineTime(line)
		return false
	case traceStart:
		d.inTrace, d.clientTrace = true, d.hasPending
		return d.owned
	case traceBody:
		d.clientTrace = d.clientTrace || clientFrame(line)
		return d.owned
	}
	// traceEnd
	wasOwned := d.owned || clientException(exceptionName(line))
	dated := d.inTrace && d.entryT
	client := d.clientTrace || d.hasPending || clientException(exceptionName(line))
	d.inTrace, d.clientTrace = false, false
	if !client {
		return wasOwned
	}
	kind, reason := exceptionKind(line)
	if d.hasPending && d.lines-d.pendingAt <= echoWindow {
		if kind != "" && d.pending.Kind == analyzer.Disconnected {
			d.pending.Kind, d.pending.Reason = kind, string(reason)
		}
		d.flushPending()
		return true
	}
	d.flushPending()
	if kind == "" {
		return true
	}
	t := time.Time{}
	if dated {
		t = d.entry // the exception belongs to the entry that logged it
	}
	e := d.event(loc, host, t, "ERROR", classified{kind: kind, reason: reason}, line)
	if kind == analyzer.SSLHandshakeFailed && d.handshakeAt > 0 && d.lines-d.handshakeAt <= echoWindow {
		e.Node, e.NodeHost, e.Addr = d.handshake.Node, d.handshake.NodeHost, d.handshake.Addr
	}
	d.emit(e)
	return true
}

// lineTime reads the asctime a line of any logger starts with, so a
// traceback after it gets its time; zero when it has none.
func (d *LineDecoder) lineTime(line []byte) (time.Time, bool) {
	if len(line) > 0 && line[0] == '[' {
		line = line[1:]
	}
	t, zoned, _, ok := readTime(line, d.zone(), &d.zc)
	if ok && !zoned {
		d.localTimes = true
	}
	return t, ok
}

// event builds the event of a classified line; only failures get here,
// so the string copies are fine.
func (d *LineDecoder) event(loc analyzer.Location, host string, t time.Time, level string, c classified, line []byte) analyzer.Event {
	e := analyzer.Event{
		Kind:    c.kind,
		Time:    t,
		Source:  loc,
		Level:   level,
		Program: Program,
		Host:    host,
		Reason:  string(c.reason),
		Addr:    c.addr,
		Text:    string(line[:min(len(line), analyzer.MaxTextLen)]),
	}
	switch {
	case len(c.conn.node) > 0:
		e.Node, e.NodeHost, e.Client = nodeID(c.conn.node), string(c.conn.host), string(c.conn.client)
		if a := connAddr(c.conn); a.IsValid() {
			e.Addr = a
		}
	default:
		if len(c.nodeID) > 0 {
			e.Node = nodeID(c.nodeID)
		}
		if len(c.nodeHost) > 0 {
			e.NodeHost = string(c.nodeHost)
		}
	}
	return e
}

// connAddr is the connection's socket address, or its host when that is
// an IP literal.
func connAddr(c brokerConn) netip.AddrPort {
	if a := addrPort(c.addr, c.addrPort); a.IsValid() {
		return a
	}
	return addrPort(c.host, c.port)
}

func (d *LineDecoder) flushPending() {
	if d.hasPending {
		d.hasPending = false
		d.lastNode, d.lastAt = d.pending.Node, d.lines
		d.emit(d.pending)
	}
}

func (d *LineDecoder) emit(e analyzer.Event) {
	d.Events++
	d.sink.Event(e)
}

// node reports a node the first time it is named and again when its
// address is first learned.
func (d *LineDecoder) node(loc analyzer.Location, c brokerConn) {
	known, seen := d.nodes[string(c.node)]
	if seen && known {
		return
	}
	addr := connAddr(c)
	if seen && !addr.IsValid() {
		return
	}
	if !seen && len(d.nodes) >= maxNodes {
		return
	}
	d.nodes[string(c.node)] = addr.IsValid()
	id := nodeID(c.node)
	d.sink.Node(analyzer.Node{
		ID:        id,
		Host:      string(c.host),
		Addr:      addr,
		Bootstrap: len(id) > 0 && id[0] == '-',
		Source:    loc,
	})
}

// recordLevel normalises a JSON record's level word.
func recordLevel(level string) string {
	if l := levelName([]byte(level)); l != "" {
		return l
	}
	return level
}
