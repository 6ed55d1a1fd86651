package kafkajs

import (
	"bytes"
	"time"

	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/parsers/envelope"
	"github.com/kafkadiag/kafkadiag/parsers/internal/text"
)

// echoWindow is how many entries after a Connection line a BrokerPool
// line repeating its cause is taken for its echo.
const echoWindow = 8

// LineDecoder turns KafkaJS log entries into events, one at a time: JSON
// lines (the file parser, a journal message, a container record's text),
// printed lines carrying a "[Namespace] message" and records the envelope
// parser took apart (ClientRecord). It keeps per-input state and is not
// safe for concurrent use.
type LineDecoder struct {
	src  *analyzer.Source
	sink analyzer.Sink

	// Events counts what went to the sink, Lines the entries recognised.
	Events, Lines int
	// zoneAssumed is set once an entry's time was read in the Source's
	// zone.
	zoneAssumed bool

	buf []byte // unescaped JSON strings of the current line
	// lastCause is the socket error or close of the last Connection
	// entry, lastAt the Lines count then: a BrokerPool entry repeating
	// it within echoWindow is the same failure told twice.
	lastCause []byte
	lastAt    int
	client    string // last clientId, reused while unchanged
	// pretty is a pino-pretty block waiting for its fields (pretty.go).
	pretty prettyBlock
	// held is a Connection failure waiting one entry to learn whether it
	// was a seed broker's (see entry); seeds the seed brokers reported.
	held    analyzer.Event
	hasHeld bool
	seeds   map[string]bool
}

// NewLineDecoder returns a decoder reporting to sink.
func NewLineDecoder(src *analyzer.Source, sink analyzer.Sink) *LineDecoder {
	return &LineDecoder{src: src, sink: sink}
}

// Flush implements journal.Embedded and envelope.Embedded: a pino-pretty
// block still open is finished.
func (d *LineDecoder) Flush() {
	d.closePretty()
	d.release()
}

// ZoneAssumed reports whether any entry printed a time without a zone.
func (d *LineDecoder) ZoneAssumed() bool { return d.zoneAssumed }

func (d *LineDecoder) zone() *time.Location { return d.src.ZoneOrUTC() }

// Line decodes one line; ts is the time of the record carrying it (a
// journal entry, a container record) or zero, host the machine when known.
// It reports whether the line was KafkaJS output.
func (d *LineDecoder) Line(loc analyzer.Location, ts time.Time, host string, line []byte) bool {
	line = bytes.TrimRight(line, "\r\n")
	if d.boxedLine(loc, ts, host, line) || d.prettyLine(loc, ts, host, line) {
		return true
	}
	var e entry
	switch {
	case len(line) > 0 && line[0] == '{':
		if !text.Has(line, `"kafkajs"`) {
			return false
		}
		var ok bool
		if e, d.buf, ok = jsonLine(line, d.buf, d.zone()); !ok {
			return false
		}
	default:
		var ok bool
		if e, ok = printedLine(line, d.zone()); !ok {
			return false
		}
	}
	if e.time.IsZero() {
		e.time, e.zoned = ts, true
	}
	d.entry(loc, host, &e, line)
	return true
}

// ClientRecord implements envelope.ClientRecordDecoder: a structured
// record (a KafkaJS JSON line read by the envelope parser, pino or winston
// output of a logCreator) whose logger is "kafkajs", or whose message is
// one of KafkaJS's own.
func (d *LineDecoder) ClientRecord(loc analyzer.Location, ts time.Time, host string, r *envelope.ClientRecord) bool {
	e := entry{time: ts, zoned: true, level: r.Level, logger: r.Logger, namespace: r.Namespace, body: r.Msg, broker: r.Broker, client: r.ClientID}
	if string(r.Logger) != "kafkajs" {
		if len(r.Logger) > 0 || !ownMessage(r.Msg) {
			return false
		}
	}
	if len(e.body) == 0 {
		return false
	}
	d.entry(loc, host, &e, r.Msg)
	return true
}

// ownMessage accepts a message without logger only when it is a failure
// KafkaJS logs in words of its own: behind a KafkaJS namespace, the
// seed-broker give-up, or "Connection error: " with a Node.js socket error.
func ownMessage(msg []byte) bool {
	if _, rest, ok := cutNamespace(msg); ok {
		return classify(firstLine(rest)).kind != ""
	}
	return bytes.HasPrefix(msg, []byte(seedFailed)) ||
		bytes.HasPrefix(msg, []byte(connError)) && socketError(msg[len(connError):]).kind != analyzer.ConnectFailed
}

// entry classifies one recognised entry and emits its event. A
// Connection failure is held until the next entry: when that is the
// BrokerPool's "Failed to connect to seed broker" retelling it, the
// failed broker was a seed (bootstrap) broker, node "-1" as the Java
// client calls it.
func (d *LineDecoder) entry(loc analyzer.Location, host string, e *entry, line []byte) {
	d.Lines++
	if !e.zoned && !e.time.IsZero() {
		d.zoneAssumed = true
	}
	body := e.body
	if ns, rest, ok := cutNamespace(body); ok {
		if len(e.namespace) == 0 {
			e.namespace = ns
		}
		body = rest
	}
	body, _, _ = bytes.Cut(body, []byte{'\n'})
	c := classify(body)
	if c.echo && d.isEcho(c) {
		if d.hasHeld && bytes.HasPrefix(body, []byte(seedFailed)) {
			d.seed(loc)
		}
		d.release()
		return // the BrokerPool retelling a Connection failure just logged
	}
	d.release()
	if c.kind == "" {
		return
	}
	ev := d.event(loc, host, e, c, line)
	if c.echo {
		d.emit(ev)
		return
	}
	d.lastCause = append(d.lastCause[:0], bytes.TrimRight(body, "\n ")...)
	if c.kind == analyzer.Disconnected {
		d.lastCause = append(d.lastCause[:0], "Closed connection"...)
	}
	d.lastAt = d.Lines
	d.held, d.hasHeld = ev, true
}

// isEcho reports whether a BrokerPool entry repeats the cause of the
// Connection entry logged just before.
func (d *LineDecoder) isEcho(c classified) bool {
	return len(d.lastCause) > 0 && d.Lines-d.lastAt <= echoWindow && bytes.Equal(bytes.TrimRight(c.cause, "\n "), d.lastCause)
}

// seed marks the held event as a seed broker's and reports that broker
// once as a bootstrap node.
func (d *LineDecoder) seed(loc analyzer.Location) {
	ev := &d.held
	if ev.NodeHost == "" && !ev.Addr.IsValid() {
		return
	}
	ev.Node = "-1"
	key := ev.NodeHost + "|" + ev.Addr.String()
	if d.seeds[key] || len(d.seeds) >= maxSeeds {
		return
	}
	if d.seeds == nil {
		d.seeds = make(map[string]bool)
	}
	d.seeds[key] = true
	d.sink.Node(analyzer.Node{ID: "-1", Host: ev.NodeHost, Addr: ev.Addr, Bootstrap: true, Source: ev.Source})
}

// maxSeeds bounds the seed brokers remembered per input.
const maxSeeds = 1024

// release emits the held event, if any.
func (d *LineDecoder) release() {
	if d.hasHeld {
		d.hasHeld = false
		d.emit(d.held)
	}
}

func (d *LineDecoder) event(loc analyzer.Location, host string, e *entry, c classified, line []byte) analyzer.Event {
	ev := analyzer.Event{
		Kind:    c.kind,
		Time:    e.time,
		Source:  loc,
		Level:   e.level,
		Program: "kafkajs",
		Host:    host,
		Client:  d.clientName(e.client),
		Reason:  string(bytes.TrimSpace(c.reason)),
		Addr:    parseAddr(c.addr),
		Text:    string(line[:min(len(line), analyzer.MaxTextLen)]),
	}
	bh, bp := splitBroker(e.broker)
	switch {
	case len(c.host) > 0:
		ev.NodeHost = string(c.host)
	case len(bh) > 0:
		ev.NodeHost = string(bh)
	}
	if !ev.Addr.IsValid() && len(bh) > 0 && len(bp) > 0 {
		// A broker given as an IP literal is the address connected to.
		ev.Addr = parseAddr(e.broker)
	}
	return ev
}

func (d *LineDecoder) clientName(b []byte) string {
	if string(b) != d.client {
		d.client = string(b)
	}
	return d.client
}

func (d *LineDecoder) emit(e analyzer.Event) {
	d.Events++
	d.sink.Event(e)
}

// namespaces are the loggers KafkaJS 2.x creates with logger.namespace();
// "Fetcher <node>" and "SaslAuthenticator-<MECHANISM>" carry a suffix.
var namespaces = [...]string{
	"Connection", "BrokerPool", "Broker", "Cluster", "ConnectionPool", "Consumer", "ConsumerGroup",
	"Runner", "Producer", "Admin", "RequestQueue", "FetchManager",
}

// cutNamespace takes the default logger's "[Namespace] " off a message.
func cutNamespace(msg []byte) (ns, rest []byte, ok bool) {
	if len(msg) < 3 || msg[0] != '[' {
		return nil, msg, false
	}
	end := bytes.IndexByte(msg, ']')
	if end < 2 || end > 40 || end+1 >= len(msg) || msg[end+1] != ' ' {
		return nil, msg, false
	}
	name := msg[1:end]
	if bytes.HasPrefix(name, []byte("Fetcher ")) || bytes.HasPrefix(name, []byte("SaslAuthenticator-")) {
		return name, msg[end+2:], true
	}
	for _, n := range namespaces {
		if string(name) == n {
			return name, msg[end+2:], true
		}
	}
	return nil, msg, false
}
