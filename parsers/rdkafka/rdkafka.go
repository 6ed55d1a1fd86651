// Package rdkafka reads librdkafka logs (kcat, confluent-kafka-python/-go/
// -dotnet, rust-rdkafka, node-rdkafka, fluent-bit, rsyslog omkafka) in the
// native stderr layout `%7|1623456789.123|FAIL|rdkafka#producer-1| [thrd:…]: …`,
// the fixed wrapper layouts (layout.go) and, for any other application
// prefix, a librdkafka core found behind it (wrapped.go), and turns the
// connection-relevant lines into analyzer events.
//
// Mapping choices worth knowing:
//   - librdkafka ≥ 1.x logs each broker failure twice when debug is on: at
//     DEBUG with an error name ("… (_TRANSPORT)") and at its real level. The
//     pair is one event with the real level; a DEBUG line without a twin
//     (suppressed repeats, idle closes) is an event of its own.
//   - Connected is emitted for "Broker changed state X -> UP" only, the
//     moment the connection (and any TLS/SASL handshake) is usable. The TCP
//     "Connected (#N)"/"Connecting to ipv4#…" lines just teach the node's
//     address.
//   - "%i/%i brokers are down" is a NodeDisconnected symptom with the
//     ratio as Reason: it is a summary, never a cause.
//   - The "Timed out N in-flight, …" REQTMOUT summary is not an event: the
//     per-request "Timed out XRequest in flight" lines are.
//   - An error callback's echo of a FAIL line just logged (kcat's
//     "% ERROR:", "(Local: …): ", KafkaError{…}) is dropped.
//   - Times: a wrapped line takes the core's epoch or the timestamp its
//     prefix starts with; a syslog-style stamp has no year (Event.NoYear);
//     a line with neither stays undated (zero Time) — never the time of a
//     neighbouring line, except kcat's error line right after its FAIL.
package rdkafka

import (
	"bytes"
	"context"

	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/parsers/internal/lines"
)

// MaxLineLen bounds one line; longer lines are read past and counted as
// unparsed.
const MaxLineLen = 64 << 10

// Parser reads librdkafka log files.
type Parser struct{}

// New returns the librdkafka parser.
func New() *Parser { return &Parser{} }

// Format implements analyzer.Parser.
func (*Parser) Format() string { return "librdkafka" }

// sniffLines is how many leading lines Sniff looks at: applications log
// their own start-up lines before the client's first, as many as the
// Kafka log parser allows for Java logs.
const sniffLines = 64

// Sniff accepts an input when one of its first lines is a librdkafka line
// that names itself: a fixed layout, or a wrapped core with an instance
// name, a thread tag or an error string — with or without a time. kcat's
// "% ERROR:" lines count only with librdkafka's own wording in them;
// KafkaError{…} objects and omkafka messages alone are not enough: other
// programs print such text too.
func (*Parser) Sniff(head []byte) bool {
	for line := range lines.Leading(head, sniffLines) {
		if r, ok := split(line, nil); ok && (r.layout != idxKcatError && looksRdkafka(r) || r.layout == idxKcatError && kcatNamesItself(line)) {
			return true
		}
	}
	return false
}

// kcatNamesItself accepts a kcat "% ERROR:" line only with librdkafka's
// own wording in it: a local error string ("Local: Broker transport
// failure") or a broker state ("after 0ms in state CONNECT"). A kcat run
// pasted alone, as users post it, has no other line to go by.
func kcatNamesItself(line []byte) bool {
	return bytes.HasPrefix(line, []byte("% ERROR: Local: ")) || bytes.Contains(line, []byte("ms in state "))
}

// looksRdkafka rejects layouts loose enough to match other programs unless
// the line names a librdkafka instance or facility.
func looksRdkafka(r record) bool {
	switch layoutOrder[r.layout] {
	case LayoutNative, LayoutJournal, LayoutSyslogStyle, LayoutDotnet:
		return true
	}
	return r.errStr || bytes.Contains(r.client, []byte("#producer-")) || bytes.Contains(r.client, []byte("#consumer-")) ||
		bytes.Contains(r.text, []byte("[thrd:")) || bytes.Contains(r.text, []byte("ms in state "))
}

// Parse implements analyzer.Parser.
func (p *Parser) Parse(ctx context.Context, src *analyzer.Source, sink analyzer.Sink) (st analyzer.Stats, err error) {
	d := NewLineDecoder(src, sink)
	defer func() {
		d.Flush()
		st.Events, st.Layout, st.ZoneAssumed = d.Events, d.Layout(), d.ZoneAssumed()
	}()
	lr := lines.Reader{R: src.R, Max: MaxLineLen}
	err = lines.Feed(ctx, src.Path, MaxLineLen, lr.Next, d, &st)
	return st, err
}
