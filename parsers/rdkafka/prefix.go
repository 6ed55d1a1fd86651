package rdkafka

import (
	"bytes"

	"github.com/kafkadiag/kafkadiag/parsers/internal/text"
)

// What a wrapper's prefix tells besides the time (stamp.go): the level
// word it printed, whether the core sits inside a JSON string, and the
// tails shippers append.

// prefixLevel is the level of the first level word in an application's
// prefix: "ERROR", "[error]", Serilog's "INF", Python's "WARNING".
func prefixLevel(prefix []byte) int {
	for len(prefix) > 0 {
		i := 0
		for i < len(prefix) && !isLetter(prefix[i]) {
			i++
		}
		j := i
		for j < len(prefix) && isLetter(prefix[j]) {
			j++
		}
		if j > i {
			if l := levelWord(prefix[i:j]); l >= 0 {
				return l
			}
		}
		prefix = prefix[j:]
	}
	return -1
}

// levelWord maps the level words loggers print, in either case
// (log4net/NLog/Python words, Serilog's three letters, MEL's four).
func levelWord(w []byte) int {
	if len(w) < 3 || len(w) > 8 {
		return -1
	}
	var up [8]byte
	for i, c := range w {
		if c >= 'a' && c <= 'z' {
			c -= 'a' - 'A'
		}
		up[i] = c
	}
	switch string(up[:len(w)]) {
	case "FATAL", "FTL", "CRITICAL", "CRIT":
		return 2
	case "ERROR", "ERR", "EROR", "FAIL": // "fail:" is Microsoft.Extensions.Logging's Error
		return 3
	case "WARN", "WARNING", "WRN":
		return 4
	case "NOTICE":
		return 5
	case "INFO", "INF":
		return 6
	case "DEBUG", "DBG", "DBUG", "TRACE", "TRC", "TRCE", "VRB", "VERBOSE":
		return 7
	}
	return -1
}

// inString reports whether the prefix ends inside a JSON string: an odd
// number of unescaped quotes.
func inString(prefix []byte) bool {
	n := 0
	for i := 0; i < len(prefix); i++ {
		switch prefix[i] {
		case '\\':
			i++
		case '"':
			n++
		}
	}
	return n%2 == 1
}

// cutString ends text at the first unescaped quote: the end of the JSON
// string the core was printed in. Escapes inside are left as printed.
func cutString(text []byte) []byte {
	for i := 0; i < len(text); i++ {
		switch text[i] {
		case '\\':
			i++
		case '"':
			return text[:i]
		}
	}
	return text
}

// trimRsyslogTail drops the " [v8.25.0 try https://www.rsyslog.com/e/2422 ]"
// rsyslog appends to the errors it logs.
func trimRsyslogTail(text []byte) []byte {
	t := bytes.TrimRight(text, " ")
	if len(t) == 0 || t[len(t)-1] != ']' {
		return text
	}
	i := bytes.LastIndex(t, []byte(" [v"))
	if i < 0 || !bytes.Contains(t[i:], []byte(" try http")) {
		return text
	}
	return t[:i]
}

// jsonString is the string value after key ("fac":") in b, escapes left as
// printed.
func jsonString(b []byte, key string) ([]byte, bool) {
	i := bytes.Index(b, []byte(key))
	if i < 0 {
		return nil, false
	}
	v := b[i+len(key):]
	j := bytes.IndexByte(v, '"')
	if j < 0 {
		return nil, false
	}
	return v[:j], true
}

// jsonNumber is the small non-negative integer after key in b.
func jsonNumber(b []byte, key string) (int64, bool) {
	i := bytes.Index(b, []byte(key))
	if i < 0 {
		return 0, false
	}
	v := b[i+len(key):]
	j := 0
	for j < len(v) && j < 3 && isDigit(v[j]) {
		j++
	}
	return text.Atoi(v[:j])
}
