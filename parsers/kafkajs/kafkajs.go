// Package kafkajs reads the logs of KafkaJS, the pure-JavaScript Kafka
// client for Node.js, and turns its connection failures into analyzer
// events.
//
// KafkaJS's default logger prints one JSON object a line to the console:
//
//	{"level":"ERROR","timestamp":"2026-11-23T17:11:59.924Z","logger":"kafkajs","message":"[Connection] Connection error: connect ECONNREFUSED 127.0.0.1:9092","broker":"127.0.0.1:9092","clientId":"app","stack":"Error: …"}
//
// Such a file is claimed by the envelope parser (a structured JSON log),
// which hands each record to this package's decoder through
// envelope.ClientRecordDecoder with its broker and clientId fields; the
// same lines inside a journal or a Docker/CRI record reach it as well
// (parsers/list.go). Applications that route KafkaJS through pino or
// winston (a logCreator) keep "logger":"kafkajs" and the fields, at the
// top or under "extra"; those that print text get "[Namespace] message"
// behind their own prefix, which Line and the Parser read, as they read
// pino-pretty's blocks (pretty.go) and the boxes of KafkaJS's example
// PrettyConsoleLogger (boxed.go).
//
// Templates are those of kafkajs 2.2.4 as captured from real runs
// (testdata/capture/capture.sh):
//   - "[Connection] Connection error: <Node.js error>": the syscall error
//     decides the kind (ECONNREFUSED refused, ETIMEDOUT timeout,
//     EHOSTUNREACH/ENETUNREACH no route, ECONNRESET reset, EPIPE broken
//     pipe, getaddrinfo ENOTFOUND/EAI_AGAIN resolve failure with NodeHost,
//     OpenSSL/Node TLS text a handshake failure); "Connection timeout" is
//     a connect timeout.
//   - "[BrokerPool] Failed to connect to seed broker, trying another
//     broker from the list: <cause>" and "[BrokerPool] Closed connection"
//     retell the Connection entry logged just before: they are events only
//     when that entry is missing (another level, filtered namespace). The
//     seed-broker retelling marks the failed broker as a bootstrap entry:
//     its event gets Node "-1" and the broker a bootstrap Node record.
//     KafkaJS prints no node ids, so other brokers' events have none.
//   - "Request X(key: …) timed out" is a RequestTimeout with Reason X.
//   - "SASL <MECH> authentication failed: …" is SASLAuthFailed.
//   - A consumer crash on KafkaJSNumberOfRetriesExceeded or a connection
//     error, "Failed to connect to broker, reconnecting" and "No broker
//     available" are NodeDisconnected: give-ups, as librdkafka's "N/N
//     brokers are down".
//
// Times: KafkaJS prints toISOString() (UTC, exact); a text prefix's time
// without zone is read in Source.Zone (ZoneAssumed). Entries without any
// time (a winston record without a timestamp format) keep a zero time
// unless their envelope gives one.
//
// Cost: a line of another program, and a KafkaJS line that means nothing
// (INFO, DEBUG request chatter), allocate nothing (TestNoAllocsPerLine);
// an 8 MiB text log with one KafkaJS failure in 100 lines reads at about
// 1 GB/s on a shared 2-CPU box, about 5 allocations per event
// (BenchmarkParse).
package kafkajs

import (
	"bufio"
	"bytes"
	"context"
	"errors"

	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/parsers/internal/lines"
)

// MaxLineLen bounds one line; longer lines are read past and counted as
// unparsed.
const MaxLineLen = 64 << 10

// sniffLines is how many leading lines Sniff looks at.
const sniffLines = 64

// Parser reads files of KafkaJS output: JSON lines when no structured
// parser came first, and text lines of a logCreator.
type Parser struct{}

// New returns the KafkaJS parser.
func New() *Parser { return &Parser{} }

// Format implements analyzer.Parser.
func (*Parser) Format() string { return "kafkajs" }

// Sniff accepts an input when one of its first lines is a KafkaJS entry
// the decoder reads: a JSON line of logger "kafkajs", or a printed
// "[Namespace] message" whose message KafkaJS logs on a failure.
func (*Parser) Sniff(head []byte) bool {
	var buf [512]byte
	for line := range lines.Leading(head, sniffLines) {
		if len(line) > 0 && line[0] == '{' {
			if _, _, ok := jsonLine(line, buf[:0], nil); ok {
				return true
			}
			continue
		}
		if _, ok := printedLine(line, nil); ok {
			return true
		}
		if bytes.HasPrefix(line, []byte("    ")) && string(bytes.TrimSpace(line)) == `logger: "kafkajs"` {
			return true // a pino-pretty block's field
		}
	}
	return false
}

// Parse implements analyzer.Parser.
func (p *Parser) Parse(ctx context.Context, src *analyzer.Source, sink analyzer.Sink) (st analyzer.Stats, err error) {
	d := NewLineDecoder(src, sink)
	defer func() {
		d.Flush()
		st.Events, st.ZoneAssumed, st.Layout = d.Events, d.ZoneAssumed(), "kafkajs"
	}()
	lr := lineReader{r: src.R}
	err = lines.Feed(ctx, src.Path, MaxLineLen, lr.next, d, &st)
	return st, err
}

// lineReader yields lines without their newline, up to MaxLineLen bytes
// (a line longer than the bufio buffer is joined in scratch); a longer
// line is read past and reported as long.
type lineReader struct {
	r       *bufio.Reader
	scratch []byte
}

// next returns the next line, valid until the following call. err is
// io.EOF after the last line (which may come with it).
func (l *lineReader) next() (line []byte, long bool, err error) {
	line, err = l.r.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		l.scratch = append(l.scratch[:0], line...)
		for errors.Is(err, bufio.ErrBufferFull) {
			line, err = l.r.ReadSlice('\n')
			if len(l.scratch) <= MaxLineLen {
				l.scratch = append(l.scratch, line...)
			}
		}
		line = l.scratch
	}
	if len(line) > MaxLineLen+1 {
		return nil, true, err
	}
	return bytes.TrimRight(line, "\r\n"), false, err
}
