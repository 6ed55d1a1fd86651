// Package pyclient reads the logs of Python's pure-Python Kafka clients,
// kafka-python and aiokafka, as Python's logging module prints them:
// basicConfig's default "ERROR:kafka.conn:message" (LayoutBasic), the
// asctime layouts applications configure — "%(asctime)s %(levelname)s
// %(name)s %(message)s", "%(asctime)s - %(name)s - %(levelname)s -
// %(message)s" and their bracketed variants (LayoutTimed) —, pytest's
// "ERROR    kafka.conn:conn.py:798 message" (LayoutUntimed), and a
// client's message with no logger name at all, bare or after a time and
// a level (LayoutMessage; also Airflow's task log "[time] {conn.py:419}
// ERROR - message"), with the tracebacks log.exception appends, and
// turns the connection failures into the event kinds the Java and
// librdkafka parsers use for the same failure. confluent-kafka-python logs
// librdkafka's lines and is read by parsers/rdkafka.
//
// The templates come from kafka-python 2.0.2 (Debian's python3-kafka),
// made to fail for real by testdata/capture.sh:
//
//	Connect attempt to <conn> returned error 111. Disconnecting.   ConnectRefused (110 ConnectTimeout, 113/101 ConnectNoRoute)
//	Connection attempt to <conn> timed out                         ConnectTimeout
//	DNS lookup failed for host:port, exception was [Errno -2] …    ResolveFailed (NodeHost)
//	<conn> timed out after N ms. Closing connection.               RequestTimeout
//	<conn>: socket disconnected                                    Disconnected
//	Error sending request data to <conn> + traceback               ConnectionReset / BrokenPipe by the exception
//	SSL connection closed by server during handshake.              SSLHandshakeFailed
//	<conn>: Error receiving reply from server + traceback          SASLAuthFailed (the broker closed during SASL auth)
//	<conn>: Connection complete.                                   Connected
//	Closing idle connection N, last active X ms ago                Disconnected (the client's own idle close)
//	traceback ending in kafka.errors.NoBrokersAvailable            NodeDisconnected (a give-up, like librdkafka's "N/N brokers are down")
//	aiokafka KafkaConnectionError "Unable to bootstrap from …"    NodeDisconnected (the same give-up)
//	traceback through kafka/ ending in ssl.SSLError: [SSL: X] why  SSLHandshakeFailed, Reason "why"
//
// where <conn> is "<BrokerConnection node_id=bootstrap-0 host=kafka:9092
// <connecting> [IPv4 ('10.0.0.5', 9092)]>": Node is the node id
// (bootstrap-K becomes -(K+1), as the Java client numbers bootstrap
// entries), NodeHost the host, Addr the socket address, Client the
// client_id when the connection prints one (2.0.2's does not).
//
// kafka-python 2.2 and later put the connection first ("<conn>: Connect
// attempt returned error 111. …", "<conn>: Connection attempt timed out",
// "<conn>: DNS lookup failed for h:p (0)", "<conn>: Error sending request
// data"); since 2.1 it reads the broker's SaslAuthenticate answer:
//
//	<conn>: SaslAuthenticate error: <Error> (<why>)                SASLAuthFailed, Reason "<Error> (<why>)"
//	<conn>: Error receiving sasl auth bytes from server            SASLAuthFailed (as "Error receiving reply" above)
//
// An errno is Linux's, macOS's or Windows' ("returned error 61" is
// ECONNREFUSED on macOS, 10061 on Windows).
//
// aiokafka (not packaged in Debian, so not captured here) logs
//
//	Unable connect to node with id 1: [Errno 111] Connect call failed ('127.0.0.1', 9092)   ConnectRefused, Node 1, Addr
//	Unable connect to "kafka:9092": <error>                                                 by the error, Node -1 (a bootstrap server), NodeHost
//
// mapped by the error: an OSError's errno as above, an SSL error
// (SSLHandshakeFailed), a SASL failure (SASLAuthFailed); anything else,
// a timeout printed as nothing among them, is ConnectFailed. Both are
// worded as only aiokafka words them, so they are read without a logger
// name too, as applications print them with "%(asctime)s %(message)s" or
// bare.
//
// Mapping choices worth knowing:
//   - every failure is followed by "<conn>: Closing connection. <error>"
//     (INFO): that echo is merged into the failure before it (giving the
//     SSL warning its node), and is an event of its own only when the
//     failure line is missing;
//   - "DNS lookup failed for h:p (0)" after the warning with the resolver's
//     text is the same failure, dropped the same way;
//   - a traceback counts only when it passes through the client's code, its
//     exception is the client's (kafka.errors.*), or it explains a failure
//     just logged; its event takes the time of the entry it belongs to, and
//     a pasted traceback without any header stays undated;
//   - aiokafka's other warnings and errors are read by their loggers and
//     mapped only by the errno they carry;
//   - a line without a logger name counts only when its message is a
//     client's template (a kafka-python "<BrokerConnection …>" or
//     aiokafka's words above): "ERROR app Unable connect to …" is another
//     logger's.
//
// Times: asctime is local time without a zone unless the format added an
// offset; it is read in Source.Zone and sets ZoneAssumed. basicConfig's
// and pytest's default print no time: such events keep a zero time unless
// a journal or container record gives one.
//
// Cost: a line that is not a failure allocates nothing
// (TestNoAllocsPerLine); the allocations left are the events' strings.
// On a generated 16 MiB log, one failure and its echo in 100 lines
// (BenchmarkParse, 2-CPU box at load ~11): 185 MB/s wall, about 230 MB
// per CPU-second (20 runs in 1.46 s user+sys, setup included), 3.9 MB and
// 18.5k allocations per run for ~2,400 events, measured with
//
//	go test -c -o /tmp/pyclient.test ./parsers/pyclient/
//	/usr/bin/time /tmp/pyclient.test -test.run '^$' -test.bench BenchmarkParse -test.benchmem -test.benchtime=20x
package pyclient

import (
	"context"

	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/parsers/internal/lines"
)

// MaxLineLen bounds one line; longer lines are read past and counted as
// unparsed.
const MaxLineLen = 64 << 10

// sniffLines is how many leading lines Sniff looks at: applications log
// their own start-up lines before the client's first.
const sniffLines = 64

// Parser reads kafka-python and aiokafka log files.
type Parser struct{}

// New returns the parser.
func New() *Parser { return &Parser{} }

// Format implements analyzer.Parser.
func (*Parser) Format() string { return "kafka-python" }

// Sniff accepts an input when one of its first lines is a client logger's
// line, or the exception line of a client traceback pasted alone
// ("kafka.errors.NoBrokersAvailable: NoBrokersAvailable").
func (*Parser) Sniff(head []byte) bool {
	var zc zoneCache
	for line := range lines.Leading(head, sniffLines) {
		if _, ok := splitHeader(line, nil, &zc); ok {
			return true
		}
		if isExceptionLine(line) && clientException(exceptionName(line)) {
			return true
		}
	}
	return false
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
