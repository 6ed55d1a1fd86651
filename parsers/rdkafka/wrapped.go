package rdkafka

import (
	"bytes"
	"time"

	"github.com/kafkadiag/kafkadiag/parsers/internal/text"
)

// Applications, loggers and shippers re-print librdkafka's log and error
// callbacks behind prefixes of their own, and their layouts are too many to
// list one by one. splitWrapped instead looks for a librdkafka core — a
// shape no other program prints — somewhere in the first maxPrefix bytes of
// the line, in this order:
//
//	%6|1666077427.328|FAIL|name| …            native line behind a prefix (time from the epoch)
//	RDKAFKA-3-FAIL: name: …                   C loggers printing the syslog-style tag
//	Debug || FAIL || name || …                confluent-kafka-dotnet log handlers
//	FAIL [name] …, name: FAC - …, name: …     an instance name <id>#producer-N / #consumer-N
//	FAIL [thrd:…]: …, "fac":"FAIL" … [thrd:   a thread tag (rust-rdkafka, node-rdkafka JSON)
//	(Local: Broker transport failure): …      an error callback printing the error string
//	KafkaError{code=…,val=…,str="…"}          confluent-kafka-python's error object
//	omkafka: kafka message …                  rsyslog's omkafka
//	… b:9092/1: … (after 0ms in state CONNECT)  an error handler's text, by librdkafka's suffix
//
// The time is the core's own (native) or the timestamp the line starts
// with (see leadingTime); lines without one have no time. The level is the
// core's own or the first level word of the prefix.

// maxPrefix bounds how far into a line a core may start: prefixes are a
// time, a level, a logger name, perhaps a JSON key or two.
const maxPrefix = 512

// splitWrapped recognises a librdkafka core behind an arbitrary prefix.
func splitWrapped(line []byte, zone *time.Location) (record, bool) {
	r, at, ok := findCore(line)
	if !ok {
		return record{}, false
	}
	prefix := line[:at]
	if bytes.IndexByte(prefix, '`') >= 0 {
		// Quoted in Markdown (a ticket, a README, a kafkadiag report): a
		// copy of a log line, not the log.
		return record{}, false
	}
	r.layout = idxWrapped
	if r.time.IsZero() {
		if st, ok := leadingTime(prefix, zone); ok {
			r.time, r.noYear, r.local = st.time, st.noYear, st.local
		}
	}
	if r.level < 0 {
		r.level = prefixLevel(prefix)
	}
	if inString(prefix) {
		r.text = cutString(r.text)
	}
	r.text = trimRsyslogTail(r.text)
	return r, true
}

// findCore returns the core's record and where it starts.
func findCore(line []byte) (record, int, bool) {
	head := line[:min(len(line), maxPrefix)]
	if i, ok := nativeAt(line, head); ok {
		r, ok := splitNative(line[i:])
		return r, i, ok
	}
	if i := wordIndex(head, "RDKAFKA-"); i >= 0 {
		if r, ok := splitSyslogTag(line[i:]); ok {
			return r, i, true
		}
	}
	if r, at, ok := pipesCore(line, head); ok {
		return r, at, true
	}
	if r, at, ok := instanceCore(line, head); ok {
		return r, at, true
	}
	if r, at, ok := threadCore(line, head); ok {
		return r, at, true
	}
	if r, at, ok := errStrCore(line, head); ok {
		return r, at, true
	}
	if r, at, ok := kafkaErrorCore(line, head); ok {
		return r, at, true
	}
	if i := bytes.Index(head, []byte("omkafka: kafka message ")); i >= 0 {
		return record{level: -1, text: line[i+len("omkafka: kafka message "):]}, i, true
	}
	return suffixCore(line)
}

// suffixCore finds a broker failure by the suffix only librdkafka writes,
// "(after Nms in state S", and starts the text at the broker name before
// it: what error handlers print (dotnet's Error.Reason, a Go kafka.Error,
// str() of a Python KafkaError) after any words of their own.
func suffixCore(line []byte) (record, int, bool) {
	i := bytes.Index(line, []byte("ms in state "))
	if i < 0 {
		return record{}, 0, false
	}
	j := bytes.LastIndex(line[:i], []byte("(after "))
	if j < 0 {
		return record{}, 0, false
	}
	if _, ok := text.Atoi(line[j+len("(after ") : i]); !ok {
		return record{}, 0, false
	}
	at, ok := brokerStart(line[:j])
	if !ok {
		return record{}, 0, false
	}
	return record{level: -1, text: line[at:], callback: true}, at, true
}

// maxBrokerTries bounds the ": " separators brokerStart looks behind.
const maxBrokerTries = 16

// brokerStart is where the first `broker: ` token of b starts: a broker
// name (`[proto://]host:port/id`) or a logical "GroupCoordinator".
func brokerStart(b []byte) (int, bool) {
	off := 0
	for n := 0; n < maxBrokerTries && off < len(b) && off < maxPrefix; n++ {
		k := bytes.Index(b[off:], []byte(": "))
		if k < 0 {
			return 0, false
		}
		k += off
		s := k
		for s > 0 && !isTokenEdge(b[s-1]) {
			s--
		}
		if tok := b[s:k]; string(tok) == "GroupCoordinator" {
			return s, true
		} else if _, ok := parseBroker(tok); ok {
			return s, true
		}
		off = k + 2
	}
	return 0, false
}

// isTokenEdge ends a broker token on its left: a space or the quote,
// bracket or sign a logger put before the error text.
func isTokenEdge(c byte) bool {
	switch c {
	case ' ', '\t', '"', '\'', '=', '(', '{', ',':
		return true
	}
	return false
}

// nativeAt finds "%N|" followed by a native line.
func nativeAt(line, head []byte) (int, bool) {
	for off := 0; off < len(head); {
		i := bytes.IndexByte(head[off:], '%')
		if i < 0 {
			return 0, false
		}
		i += off
		if i+3 < len(line) && isDigit(line[i+1]) && line[i+2] == '|' {
			if _, ok := splitNative(line[i:]); ok {
				return i, true
			}
		}
		off = i + 1
	}
	return 0, false
}

// pipesCore reads confluent-kafka-dotnet handlers printing
// `{Level} || {Facility} || {Name} || {Message}`.
func pipesCore(line, head []byte) (record, int, bool) {
	// "||" first: a search led by the space byte stops at every word.
	i := bytes.Index(head, []byte("|| ")) - 1
	if i <= 0 || line[i] != ' ' {
		return record{}, 0, false
	}
	s := i
	for s > 0 && isLetter(line[s-1]) {
		s--
	}
	r := record{level: dotnetLevel(line[s:i])}
	if r.level < 0 {
		return record{}, 0, false
	}
	rest := line[i+4:]
	var ok bool
	if r.fac, rest, ok = bytes.Cut(rest, []byte(" || ")); !ok || !isFacility(r.fac) {
		return record{}, 0, false
	}
	if r.client, rest, ok = bytes.Cut(rest, []byte(" || ")); !ok || len(r.client) == 0 || bytes.IndexByte(r.client, ' ') >= 0 {
		return record{}, 0, false
	}
	r.text = rest
	return r, s, true
}

// dotnetLevel maps confluent-kafka-dotnet's SyslogLevel names.
func dotnetLevel(w []byte) int {
	for i, name := range [...]string{"Emergency", "Alert", "Critical", "Error", "Warning", "Notice", "Info", "Debug"} {
		if string(w) == name {
			return i
		}
	}
	return -1
}

// instanceCore finds an instance name `<client.id>#producer-N` (or
// consumer) and reads the shapes loggers print it in:
//
//	FAIL [rdkafka#producer-1] text        confluent-kafka-python's logger ("%s [%s] %s")
//	[rdkafka#producer-1][FAIL][3]text     confluent-kafka-go's LogEvent.String()
//	rdkafka#producer-1: REQTMOUT - text   Serilog / MEL adapters
//	rdkafka#producer-1: text              anything else naming the instance first
func instanceCore(line, head []byte) (record, int, bool) {
	j := bytes.Index(head, []byte("#producer-"))
	if j < 0 {
		j = bytes.Index(head, []byte("#consumer-"))
	}
	if j <= 0 {
		return record{}, 0, false
	}
	s := j
	for s > 0 && isNameByte(line[s-1]) {
		s--
	}
	e := j + len("#producer-")
	d := e
	for e < len(line) && isDigit(line[e]) {
		e++
	}
	if s == j || e == d || e+1 >= len(line) {
		return record{}, 0, false
	}
	r := record{level: -1, client: line[s:e]}
	switch {
	case line[e] == ']' && s > 0 && line[s-1] == '[' && line[e+1] == '[':
		return goLogEvent(r, line, e+1, s-1)
	case line[e] == ']' && s > 0 && line[s-1] == '[' && line[e+1] == ' ':
		r.text = line[e+2:]
		if fac, at := wordBefore(line, s-1); isFacility(fac) {
			r.fac = fac
			return r, at, true
		}
		return r, s - 1, true
	case line[e] == ':' && line[e+1] == ' ':
		r.text = line[e+2:]
		if fac, rest, ok := bytes.Cut(r.text, []byte(" - ")); ok && isFacility(fac) {
			r.fac, r.text = fac, rest
		}
		return r, s, true
	}
	return record{}, 0, false
}

// goLogEvent reads the `[FAC][level]text` after the instance name of
// confluent-kafka-go's LogEvent ("[%v][%s][%s][%d]%s": time, name, tag,
// level, message); b is where "[FAC" starts, at where the name's "[" is.
func goLogEvent(r record, line []byte, b, at int) (record, int, bool) {
	fac, rest, ok := bracket(line[b:])
	if !ok || !isFacility(fac) || len(rest) < 3 || rest[0] != '[' || !isDigit(rest[1]) || rest[2] != ']' {
		return record{}, 0, false
	}
	r.fac, r.level, r.text = fac, int(rest[1]-'0'), rest[3:]
	return r, at, true
}

// threadCore finds a thread tag "[thrd:NAME]" with the facility printed
// before it ("FAIL [thrd:…]", rust-rdkafka) or in a JSON field before the
// message ("fac":"FAIL", node-rdkafka's log event).
func threadCore(line, head []byte) (record, int, bool) {
	i := bytes.Index(head, []byte("[thrd:"))
	if i < 0 || !isThreadTag(line[i:]) {
		return record{}, 0, false
	}
	r := record{level: -1, text: line[i:]}
	if fac, at := wordBefore(line, i); isFacility(fac) {
		r.fac = fac
		return r, at, true
	}
	if fac, ok := jsonString(line[:i], `"fac":"`); ok && isFacility(fac) {
		r.fac = fac
	}
	if n, ok := jsonNumber(line[:i], `"severity":`); ok && n <= 7 {
		r.level = int(n)
	}
	return r, i, true
}

// isThreadTag reports whether b starts with librdkafka's "[thrd:NAME]: ":
// a name without spaces, then the colon (prose quoting "[thrd:…]" lacks it).
func isThreadTag(b []byte) bool {
	i := bytes.IndexByte(b, ']')
	if i <= len("[thrd:") || i+2 >= len(b) || b[i+1] != ':' || b[i+2] != ' ' {
		return false
	}
	return bytes.IndexByte(b[:i], ' ') < 0
}

// errStrCore finds an error callback's "(Local: <error string>): text".
func errStrCore(line, head []byte) (record, int, bool) {
	i := bytes.Index(head, []byte("(Local: "))
	if i < 0 {
		return record{}, 0, false
	}
	j := bytes.Index(line[i:], []byte("): "))
	if j < 0 {
		return record{}, 0, false
	}
	return record{level: -1, text: line[i+j+3:], errStr: true, callback: true}, i, true
}

// kafkaErrorCore reads confluent-kafka-python's KafkaError as applications
// print it from their error callback:
// `KafkaError{code=_TRANSPORT,val=-195,str="b:9092/1: Connect to … failed: …"}`.
// Python prints the same object for exceptions ("Failed to get metadata:
// Local: …"), so this core alone does not make Sniff accept an input.
func kafkaErrorCore(line, head []byte) (record, int, bool) {
	i := bytes.Index(head, []byte("KafkaError{code="))
	if i < 0 {
		return record{}, 0, false
	}
	j := bytes.Index(line[i:], []byte(`,str="`))
	if j < 0 {
		return record{}, 0, false
	}
	text := line[i+j+len(`,str="`):]
	if k := bytes.LastIndex(text, []byte(`"}`)); k >= 0 {
		text = text[:k]
	}
	return record{level: -1, text: text, callback: true}, i, true
}

// wordBefore is the word ending one space (or ": ", as in a handler's
// "{Facility}: {Message}") before at, and where it starts.
func wordBefore(line []byte, at int) ([]byte, int) {
	if at < 2 || line[at-1] != ' ' {
		return nil, at
	}
	e := at - 1
	if line[e-1] == ':' {
		e--
	}
	s := e
	for s > 0 && line[s-1] != ' ' && line[s-1] != ']' && line[s-1] != ':' {
		s--
	}
	return line[s:e], s
}

// wordIndex is the index of w in b where it starts a word.
func wordIndex(b []byte, w string) int {
	for off := 0; off < len(b); {
		i := bytes.Index(b[off:], []byte(w))
		if i < 0 {
			return -1
		}
		i += off
		if i == 0 || !isNameByte(b[i-1]) {
			return i
		}
		off = i + 1
	}
	return -1
}

// isNameByte accepts the bytes of a client.id as people write them.
func isNameByte(c byte) bool {
	return isLetter(c) || isDigit(c) || c == '-' || c == '_' || c == '.'
}
