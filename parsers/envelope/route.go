package envelope

import (
	"bytes"
	"strconv"
	"time"

	"github.com/kafkadiag/kafkadiag/analyzer"
)

// Embedded decodes program output found inside an envelope, one message at
// a time: the same contract as the journal's embedded decoders.
type Embedded interface {
	Line(loc analyzer.Location, ts time.Time, host string, msg []byte) bool
	Flush()
}

// RecordDecoder is an Embedded that also takes a record whose parts came
// as separate JSON fields; kafkalog classifies by logger and text together,
// so the logger must travel with the message.
type RecordDecoder interface {
	Record(loc analyzer.Location, ts time.Time, host, level string, logger, msg []byte) bool
}

// ClientRecord is a structured record with the fields a client library's
// own logger prints beside the message: KafkaJS's entries carry the
// broker ("host:port") and clientId of the connection, and its namespace
// when a logCreator keeps it as a field. Byte fields are valid for the
// call only.
type ClientRecord struct {
	Level                                    string
	Logger, Msg, Namespace, Broker, ClientID []byte
}

// ClientRecordDecoder is an Embedded that reads such records; it is
// offered every record with a logger (or none) before any RecordDecoder,
// and takes only its client's.
type ClientRecordDecoder interface {
	ClientRecord(loc analyzer.Location, ts time.Time, host string, rec *ClientRecord) bool
}

// decoders is one set of embedded decoders: one per input, or one per pod
// of a kubectl --prefix log so interleaved pods keep their stack traces.
type decoders struct {
	list []Embedded
	// last is the decoder that took the previous message, -1 none: a
	// structured record's stack lines go to it.
	last int
}

func newDecoders(src *analyzer.Source, sink analyzer.Sink, factories []func(*analyzer.Source, analyzer.Sink) Embedded) *decoders {
	ds := &decoders{last: -1}
	for _, f := range factories {
		if d := f(src, sink); d != nil {
			ds.list = append(ds.list, d)
		}
	}
	return ds
}

func (ds *decoders) flush() {
	for _, d := range ds.list {
		d.Flush()
	}
}

// zoneAssumed asks the decoders that can tell whether they read a time
// without zone (a log4j line inside a CRI record).
func (ds *decoders) zoneAssumed() bool {
	for _, d := range ds.list {
		switch z := d.(type) {
		case interface{ ZoneAssumed() bool }:
			if z.ZoneAssumed() {
				return true
			}
		case interface{ Stats() analyzer.Stats }:
			if z.Stats().ZoneAssumed {
				return true
			}
		}
	}
	return false
}

// line offers one printed line (a container record's text) to the
// decoders in order, as the journal does with a message; ts is the
// envelope's time, used when the line prints none.
func (ds *decoders) line(loc analyzer.Location, ts time.Time, host string, text []byte) bool {
	ds.last = -1
	for i, d := range ds.list {
		if d.Line(loc, ts, host, text) {
			ds.last = i
			return true
		}
	}
	return false
}

// router hands inner text to the decoders: printed lines as they are,
// structured JSON objects taken apart first.
type router struct {
	// zone is the Source's zone, for JSON times printed without one.
	zone *time.Location
	flat flattener
	rec  jsonRecord
	// native is scratch for a librdkafka line rebuilt from JSON fields.
	native []byte
	// innerLayout is the first structured layout seen inside a container
	// envelope, for Stats.Layout.
	innerLayout string
	zoneAssumed bool
	// client is scratch for the record handed to ClientRecordDecoders
	// (reused: no allocation per record).
	client ClientRecord
	// withErr is scratch for a message with its error field appended.
	withErr []byte
}

// text routes a container record's text: a JSON object goes through the
// structured path, a ClickHouse server log line is taken apart, anything
// else goes to the decoders as a printed line.
func (r *router) text(ds *decoders, loc analyzer.Location, ts time.Time, host string, text []byte) {
	if len(text) > 1 && text[0] == '{' && r.rec.readObject(&r.flat, text, r.zone) {
		if r.innerLayout == "" {
			r.innerLayout = r.rec.layoutName()
		}
		r.structured(ds, loc, ts, host, &r.rec)
		return
	}
	if len(text) > 4 && text[4] == '.' {
		if l, ok := cutClickHouse(text, r.zone); ok {
			if r.innerLayout == "" {
				r.innerLayout = LayoutClickHouse
			}
			r.clickHouse(ds, loc, host, &l)
			return
		}
	}
	ds.line(loc, ts, host, text)
}

// structured hands one JSON log record to the decoders. A librdkafka
// message (native "%3|…" or a log callback's "[thrd:…]: …" with its
// facility) goes to whichever decoder reads librdkafka lines; a message
// without a logger is first offered as a printed line; any other message
// goes with its logger to the first RecordDecoder. Further lines
// of the message and the stack trace follow to the decoder that took it.
func (r *router) structured(ds *decoders, loc analyzer.Location, envTime time.Time, host string, rec *jsonRecord) {
	ts := rec.time
	if ts.IsZero() {
		ts = envTime
	} else if !rec.zoned {
		r.zoneAssumed = true
	}
	first, rest, _ := bytes.Cut(rec.msg, []byte{'\n'})
	first = bytes.TrimRight(first, "\r")
	if len(rec.errText) > 0 && !bytes.Contains(first, rec.errText) {
		// The reason sits in its own field: the decoders read it where a
		// printed line carries it, after the message.
		r.withErr = append(append(append(r.withErr[:0], first...), ": "...), rec.errText...)
		first = r.withErr
	}
	ds.last = -1
	switch {
	case isNative(first):
		ds.line(loc, ts, host, first)
	case bytes.HasPrefix(first, []byte("[thrd:")) && isFacility(rec.facility) && !ts.IsZero():
		ds.line(loc, ts, host, r.nativeLine(rec, ts, first))
	case len(rec.logger) == 0 && ds.line(loc, ts, host, first):
		// A shipper's record ({"log": "…"} of fluent-bit, Vector) holds the
		// printed line, header and all.
	case r.clientRecord(ds, loc, ts, host, rec):
	default:
		for i, d := range ds.list {
			if rd, ok := d.(RecordDecoder); ok && rd.Record(loc, ts, host, rec.level, rec.logger, first) {
				ds.last = i
				break
			}
		}
		if ds.last < 0 {
			ds.line(loc, ts, host, first)
		}
	}
	if ds.last < 0 {
		return
	}
	d := ds.list[ds.last]
	for _, more := range [2][]byte{rest, rec.stack} {
		for len(more) > 0 {
			var l []byte
			l, more, _ = bytes.Cut(more, []byte{'\n'})
			d.Line(loc, ts, host, bytes.TrimRight(l, "\r"))
		}
	}
}

// clientRecord offers rec to the ClientRecordDecoders; it reports whether
// one took it (then ds.last names it).
func (r *router) clientRecord(ds *decoders, loc analyzer.Location, ts time.Time, host string, rec *jsonRecord) bool {
	cr := &r.client
	*cr = ClientRecord{Level: rec.level, Logger: rec.logger, Msg: rec.msg, Namespace: rec.namespace, Broker: rec.broker, ClientID: rec.clientID}
	for i, d := range ds.list {
		if cd, ok := d.(ClientRecordDecoder); ok && cd.ClientRecord(loc, ts, host, cr) {
			ds.last = i
			return true
		}
	}
	return false
}

// nativeLine rebuilds librdkafka's own "%L|secs.nanos|FAC|name| text" from
// a log callback's fields, so the librdkafka decoder reads it as usual.
func (r *router) nativeLine(rec *jsonRecord, ts time.Time, text []byte) []byte {
	r.native = appendNative(r.native[:0], syslogLevel(rec.level), ts, rec.facility, rec.client, text)
	return r.native
}

// appendNative appends librdkafka's native line for a log callback's
// level (a syslog digit), time, facility, instance name and text. A name
// holding '|' is left out: it would break the line's fields.
func appendNative(b []byte, level byte, ts time.Time, facility, name, text []byte) []byte {
	b = append(b, '%', level, '|')
	b = strconv.AppendInt(b, ts.Unix(), 10)
	b = append(b, '.')
	ns := ts.Nanosecond()
	for div := 100000000; div > 0; div /= 10 {
		b = append(b, byte('0'+ns/div%10))
	}
	b = append(b, '|')
	b = append(b, facility...)
	b = append(b, '|')
	if bytes.IndexByte(name, '|') < 0 {
		b = append(b, name...)
	}
	b = append(b, "| "...)
	return append(b, text...)
}

// isNative reports librdkafka's own "%L|" line start.
func isNative(b []byte) bool {
	return len(b) > 3 && b[0] == '%' && b[1] >= '0' && b[1] <= '7' && b[2] == '|'
}

// isFacility accepts librdkafka facility names: 1-16 upper-case letters,
// digits or underscores.
func isFacility(b []byte) bool {
	if len(b) == 0 || len(b) > 16 {
		return false
	}
	for _, c := range b {
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// layoutName is the record's structured layout, LayoutJSON when no key
// named a specific encoder.
func (r *jsonRecord) layoutName() string {
	if r.layout == "" {
		return LayoutJSON
	}
	return r.layout
}
