package goclient

import (
	"bytes"
	"net/netip"
	"time"

	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/parsers/internal/lines"
	"github.com/kafkadiag/kafkadiag/parsers/internal/timeofday"
)

// echoWindow is how many recognised lines after a failure a line repeating
// its error is taken as an echo of it: sarama logs "Failed to connect …"
// and then "client/metadata got error from broker -1 …" with the same
// error, and applications print the error they get back.
const echoWindow = 8

// maxNodes bounds the broker ids remembered per input.
const maxNodes = 4096

// LineDecoder turns Go Kafka client log lines into events, one line at a
// time. The file parser feeds it every line; the journal and envelope
// parsers feed it each message they unwrap. It keeps per-input state and
// is not safe for concurrent use.
type LineDecoder struct {
	src  *analyzer.Source
	sink analyzer.Sink

	// Events counts what went to the sink.
	Events  int
	layouts [len(layoutOrder)]int

	// confirmed is set once the input is known to come from a Go Kafka
	// client: the file parser's sniff said so, or a line named the client.
	// Only then does a bare Go network error ("dial tcp …: connection
	// refused" in an application's own words) count: any Go program
	// prints those.
	confirmed bool
	// program is the client the last recognised template named.
	program string
	// localTimes is set once a time without zone was read in the
	// Source's zone.
	localTimes bool

	// lines counts recognised lines; lastErr is the error text of the
	// last failure event, at line count lastErrLine; lastGiveUp the line
	// count of the last give-up event.
	lines, lastErrLine, lastGiveUp int
	lastErr                        []byte
	lastErrTime, lastGiveUpTime    time.Time

	nodes map[string]netip.AddrPort
	// days dates lines that print the time of day only.
	days timeofday.Days
}

// NewLineDecoder returns a decoder reporting to sink, for a journal or an
// envelope: bare Go errors count only after a line named a Kafka client.
func NewLineDecoder(src *analyzer.Source, sink analyzer.Sink) *LineDecoder {
	return &LineDecoder{src: src, sink: sink, nodes: make(map[string]netip.AddrPort)}
}

// Line decodes one line. ts is the time of the record carrying it (a
// journal entry, a container record) or zero; host the machine when
// known. It reports whether the line was a Go Kafka client's.
func (d *LineDecoder) Line(loc analyzer.Location, ts time.Time, host string, msg []byte) bool {
	msg = bytes.TrimRight(msg, "\r\n")
	if len(msg) == 0 {
		return false
	}
	h := splitHeader(msg, d.zone())
	m := matchMessage(&h)
	if m.role == roleNone && h.sarama {
		// sarama's chatter ("client/metadata fetching metadata …").
		m.role, m.program = roleChatter, progSarama
	}
	if m.role == roleChatter {
		d.confirmed, d.program = true, m.program
		d.layouts[h.layout]++
		return true
	}
	if m.role == roleNone || m.role == roleGeneric && !d.confirmed && !h.kafkaDial(&m) {
		return false
	}
	if m.program != progGo {
		d.confirmed, d.program = true, m.program
	}
	d.lines++
	d.layouts[h.layout]++
	if !h.time.IsZero() && !h.zoned {
		d.localTimes = true
	}
	switch {
	case !ts.IsZero() && (h.time.IsZero() || h.noDate):
		h.time, h.noDate = ts, false // the record's time is a whole one
	case h.noDate:
		h.time = d.days.Date(h.time)
	}
	d.record(loc, host, &h, &m, msg)
	return true
}

// Flush implements journal.Embedded and envelope.Embedded; the decoder
// holds nothing back.
func (d *LineDecoder) Flush() {}

// Layout is the layout seen most, "" before any line was recognised.
func (d *LineDecoder) Layout() string { return lines.MostSeen(d.layouts[:], layoutOrder[:]) }

// ZoneAssumed reports whether any time was printed without a zone and
// read in the Source's zone (Go's standard log prints local time bare).
func (d *LineDecoder) ZoneAssumed() bool { return d.localTimes }

func (d *LineDecoder) zone() *time.Location { return d.src.ZoneOrUTC() }

// record turns one recognised message into its event, if any.
func (d *LineDecoder) record(loc analyzer.Location, host string, h *header, m *match, line []byte) {
	if m.role == roleNode {
		d.node(loc, m)
		return
	}
	if len(m.target) > 0 && len(m.node) > 0 && m.node[0] != '-' {
		d.node(loc, m) // franz-go names broker id and address together
	}
	f := classifyErr(m.err, m.sasl, m.plainListener)
	switch {
	case m.role == roleGiveUp:
		if d.lastGiveUp > 0 && d.lines-d.lastGiveUp <= echoWindow && within(h.time, d.lastGiveUpTime, time.Second) {
			return // the application printing the error sarama returned
		}
		d.lastGiveUp, d.lastGiveUpTime = d.lines, h.time
		if d.giveUpCause(h, m, &f) {
			d.emit(d.event(loc, host, h, m, &f, line))
			return
		}
		f.kind, f.reason = analyzer.NodeDisconnected, []byte("client has run out of available brokers")
	case f.kind == "" && m.role == rolePrimary:
		f.kind, f.reason = analyzer.ConnectFailed, lastPart(m.err)
	case f.kind == "":
		return
	}
	if m.role != roleGiveUp {
		core := errCore(m.err)
		if core == nil {
			core = m.err
		}
		if d.isRepeat(h, m, core) {
			d.lastErrLine = d.lines // a run of echoes stays one failure
			return
		}
		d.lastErr, d.lastErrLine, d.lastErrTime = append(d.lastErr[:0], core...), d.lines, h.time
	}
	d.emit(d.event(loc, host, h, m, &f, line))
}

// giveUpCause reports whether a give-up is the only report of the attempt
// whose error it wraps, and then keeps that error as the last failure.
// sarama since 1.40 wraps the last attempt's error into ErrOutOfBrokers
// ("… to talk to: dial tcp h:p: connect: connection refused"), and its
// Logger discards the "Failed to connect" line unless the application set
// one: telegraf, kafka_exporter and most tools print only the give-up. Where
// the client's own line with the same error came just before, the give-up
// stays a give-up, so one attempt is not counted twice. A bare "EOF" names
// no cause and stays a give-up too.
func (d *LineDecoder) giveUpCause(h *header, m *match, f *failure) bool {
	core := errCore(m.err)
	if f.kind == "" || core == nil || d.isRepeat(h, m, core) {
		return false
	}
	d.lastErr, d.lastErrLine, d.lastErrTime = append(d.lastErr[:0], core...), d.lines, h.time
	return true
}

// isRepeat reports whether a failure repeats the last one: an echo or an
// application's line with the same error a few lines and less than a
// second after it (Go's log prints whole seconds, so a line a second or
// more later is another attempt). A primary line is never a repeat: each
// is one attempt.
func (d *LineDecoder) isRepeat(h *header, m *match, core []byte) bool {
	if m.role == rolePrimary || d.lastErrLine == 0 || d.lines-d.lastErrLine > echoWindow || !bytes.Equal(core, d.lastErr) {
		return false
	}
	return within(h.time, d.lastErrTime, time.Second)
}

// within reports whether a and b are less than d apart, or either is
// unknown.
func within(a, b time.Time, d time.Duration) bool {
	if a.IsZero() || b.IsZero() {
		return true
	}
	gap := a.Sub(b)
	return gap > -d && gap < d
}

// event builds the event of a failure; only failures get here, so the
// string copies are fine.
func (d *LineDecoder) event(loc analyzer.Location, host string, h *header, m *match, f *failure, line []byte) analyzer.Event {
	program := m.program
	if program == progGo && d.program != "" {
		program = d.program
	}
	if host == "" && len(h.service) > 0 {
		host = string(h.service) // the compose service names the container
	}
	e := analyzer.Event{
		Kind:    f.kind,
		Time:    h.time,
		NoDate:  h.noDate,
		Source:  loc,
		Level:   h.level,
		Program: program,
		Host:    host,
		Node:    string(m.node),
		Reason:  string(f.reason[:min(len(f.reason), analyzer.MaxTextLen)]),
		Text:    string(line[:min(len(line), analyzer.MaxTextLen)]),
	}
	targetHost := hostOf(m.target)
	switch {
	case len(f.host) > 0:
		e.NodeHost = string(f.host)
	case len(targetHost) > 0:
		e.NodeHost = string(targetHost)
	}
	if a, err := netip.ParseAddrPort(string(f.addr)); err == nil {
		e.Addr = a
	} else if a, err := netip.ParseAddrPort(string(m.target)); err == nil {
		e.Addr = a
	}
	return e
}

// node reports a broker whose id and address a line gave together
// (sarama "Connected to broker at h:p (registered as #N)", franz-go's
// broker and addr fields) the first time it is seen.
func (d *LineDecoder) node(loc analyzer.Location, m *match) {
	if len(m.node) == 0 {
		return
	}
	key := string(m.node) + "@" + string(m.target)
	if _, seen := d.nodes[key]; seen || len(d.nodes) >= maxNodes {
		return
	}
	addr, _ := netip.ParseAddrPort(string(m.target))
	d.nodes[key] = addr
	d.sink.Node(analyzer.Node{ID: string(m.node), Host: string(hostOf(m.target)), Addr: addr, Source: loc})
}

func (d *LineDecoder) emit(e analyzer.Event) {
	d.Events++
	d.sink.Event(e)
}

// hostOf is the host of "host:port" or "[v6]:port", b itself without a
// port.
func hostOf(b []byte) []byte {
	i := bytes.LastIndexByte(b, ':')
	if i < 0 || bytes.IndexByte(b[i:], ']') >= 0 {
		return b
	}
	return bytes.Trim(b[:i], "[]")
}
