package envelope

import (
	"bytes"
	"time"

	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/parsers/internal/lines"
)

// LayoutLambda is an AWS Lambda function's log as CloudWatch holds it:
//
//	2020-10-20T09:36:22.149Z	792bad59-e2e3-43de-a089-46b2b98bf354	ERROR	{"level":"ERROR","logger":"kafkajs",…}
//	2022-10-27T12:17:54.580Z	undefined	ERROR	Cannot find module …
//	2019-02-15T12:01:38.743Z	7a111162-fe11-4eee-a5f8-0651a0691b8f	TypeError: …
//	[ERROR]	2021-05-06T10:06:12.451Z	3bf6616c-1a25-4f55-8047-09cb748b4ddf	(1045, "Access denied …")
//
// The Node.js runtime's "<RFC 3339> <request id> <LEVEL> text" ("undefined"
// for the id outside an invocation, no level before Node.js 10), the
// Python runtime's "[LEVEL] <RFC 3339> <request id> text"; the fields are
// tab-separated, spaces once copied from the console. A message's further
// lines come without the prefix and go on as printed; the platform's own
// lines (START/END/REPORT RequestId, INIT_START …) are skipped.
const LayoutLambda = "lambda"

// cutLambda splits one function log line into its time and the text the
// function printed.
func cutLambda(line []byte) (ts time.Time, text []byte, ok bool) {
	b := line
	if len(b) > 0 && b[0] == '[' {
		end := bytes.IndexByte(b[:min(len(b), 12)], ']')
		if end < 0 || !isLambdaLevel(b[1:end]) || skipBlanks(b, end+1) == end+1 {
			return time.Time{}, nil, false
		}
		b = b[skipBlanks(b, end+1):]
	}
	ts, n, zoned, ok := parseISOTime(b, time.UTC)
	if !ok || !zoned || skipBlanks(b, n) == n {
		return time.Time{}, nil, false
	}
	b = b[skipBlanks(b, n):]
	id := b[:wordEnd(b)]
	if !isRequestID(id) {
		return time.Time{}, nil, false
	}
	b = b[skipBlanks(b, len(id)):]
	if w := wordEnd(b); w < len(b) && isLambdaLevel(b[:w]) {
		b = b[skipBlanks(b, w):]
	}
	return ts, b, true
}

// wordEnd is the index of the first blank in b, len(b) if none.
func wordEnd(b []byte) int {
	if i := bytes.IndexAny(b, " \t"); i >= 0 {
		return i
	}
	return len(b)
}

// isRequestID accepts a Lambda request id, a UUID, or the Node.js
// runtime's "undefined" outside an invocation. Any letter passes where a
// hex digit belongs: AWS's own examples print ids like
// "1c8df7d3-xmpl-46da-9778-518e6eca8125".
func isRequestID(b []byte) bool {
	if string(b) == "undefined" {
		return true
	}
	if len(b) != 36 {
		return false
	}
	for i, c := range b {
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
				return false
			}
		}
	}
	return true
}

// isLambdaLevel accepts the level words the runtimes print.
func isLambdaLevel(b []byte) bool {
	switch string(b) {
	case "TRACE", "DEBUG", "INFO", "WARN", "WARNING", "ERROR", "FATAL", "CRITICAL":
		return true
	}
	return false
}

// isLambdaPlatform reports the platform's own lines, which carry no time.
func isLambdaPlatform(line []byte) bool {
	for _, p := range [...]string{"START RequestId:", "END RequestId:", "REPORT RequestId:", "RequestId:", "INIT_START ", "INIT_REPORT ", "RESTORE_START ", "RESTORE_REPORT ", "XRAY TraceId:"} {
		if len(line) >= len(p) && string(line[:len(p)]) == p {
			return true
		}
	}
	return false
}

// sniffLambda accepts a head whose first line, after the platform's
// lines, is a function log line.
func sniffLambda(head []byte) bool {
	for line := range lines.Leading(head, sniffLines) {
		if len(bytes.TrimSpace(line)) == 0 || isLambdaPlatform(line) {
			continue
		}
		_, _, ok := cutLambda(line)
		return ok
	}
	return false
}

// lambda handles one line of a function log.
func (rd *reader) lambda(loc analyzer.Location, line []byte) {
	ts, text, ok := cutLambda(line)
	switch {
	case ok:
		rd.learnZone(ts, text)
		rd.route.text(rd.ds, loc, ts, rd.host, text)
	case isLambdaPlatform(line):
	default:
		rd.route.text(rd.ds, loc, time.Time{}, rd.host, line)
	}
}
