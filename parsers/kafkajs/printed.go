package kafkajs

import (
	"bytes"
	"time"
)

// maxPrefix bounds how far into a printed line the "[Namespace] " is
// looked for: a logCreator's own prefix (time, level, app name) is short.
const maxPrefix = 160

// printedLine reads a KafkaJS entry printed as text by an application's
// logCreator or a pretty-printer: "<prefix>[Namespace] message", the
// prefix optionally starting with an ISO time ("2026-11-23T17:12:04.793Z
// ERROR [Connection] Connection error: …", "[2026-11-23 17:12:04] …").
// Only a known namespace followed by a message KafkaJS classifies counts:
// a bracketed word alone is far too common.
func printedLine(line []byte, zone *time.Location) (e entry, ok bool) {
	limit := min(len(line), maxPrefix)
	for i := 0; i < limit; {
		j := bytes.IndexByte(line[i:limit], '[')
		if j < 0 {
			return seedLine(line, zone)
		}
		i += j
		if ns, rest, found := cutNamespace(line[i:]); found {
			body := line[i:]
			if j := bytes.LastIndex(rest, []byte(` {"`)); j > 0 && rest[len(rest)-1] == '}' {
				// A logCreator's extra fields printed after the message.
				e.broker, e.client = quotedField(rest[j:], `"broker":"`), quotedField(rest[j:], `"clientId":"`)
				body, rest = body[:len(body)-len(rest)+j], rest[:j]
			}
			if classify(firstLine(rest)).kind == "" {
				return entry{}, false
			}
			e.namespace, e.body, e.logger = ns, body, []byte("kafkajs")
			e.time, e.zoned = leadingTime(line[:i], zone)
			e.level = prefixLevel(line[:i])
			return e, true
		}
		i++
	}
	return seedLine(line, zone)
}

// seedLine reads a printed BrokerPool give-up whose namespace a
// pretty-printer moved elsewhere (pino-pretty prints it on a line of its
// own): "Failed to connect to seed broker, trying another broker from the
// list: <cause>" is KafkaJS's wording alone.
func seedLine(line []byte, zone *time.Location) (e entry, ok bool) {
	i := bytes.Index(line[:min(len(line), maxPrefix+len(seedFailed))], []byte(seedFailed))
	if i < 0 || classify(firstLine(line[i:])).kind == "" {
		return e, false
	}
	e.body, e.logger = line[i:], []byte("kafkajs")
	e.time, e.zoned = leadingTime(line[:i], zone)
	e.level = prefixLevel(line[:i])
	return e, true
}

func firstLine(b []byte) []byte {
	l, _, _ := bytes.Cut(b, []byte{'\n'})
	return l
}

// leadingTime reads an ISO time at the start of the prefix, bare or in
// brackets; zero when none.
func leadingTime(prefix []byte, zone *time.Location) (time.Time, bool) {
	p := bytes.TrimLeft(prefix, "[ ")
	t, zoned, n := parseTime(p, zone)
	if n == 0 {
		return time.Time{}, false
	}
	return t, zoned
}

// prefixLevel finds a level word in the prefix ("ERROR", "error:").
func prefixLevel(prefix []byte) string {
	for len(prefix) > 0 {
		var tok []byte
		tok, prefix, _ = bytes.Cut(prefix, []byte{' '})
		tok = bytes.Trim(tok, "[]():")
		if l := levelWord(tok); l != "" && len(tok) > 2 {
			return l
		}
	}
	return ""
}

// quotedField is the value of a JSON string field without escapes (a
// "host:port", a client id) in tail; nil when absent.
func quotedField(tail []byte, key string) []byte {
	i := bytes.Index(tail, []byte(key))
	if i < 0 {
		return nil
	}
	v := tail[i+len(key):]
	j := bytes.IndexAny(v, `"\\`)
	if j < 0 || v[j] != '"' {
		return nil
	}
	return v[:j]
}
