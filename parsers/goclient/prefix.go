package goclient

import (
	"bytes"
	"time"
)

// What stands around a Go client's message besides the time: Go's
// log.Logger header (its prefix, Lshortfile), sarama's own tag, and the
// docker compose service name in front of a container's line.
//
// Go's standard logger writes prefix + "2006/01/02" + " 15:04:05[.micro]"
// (Ltime, Lmicroseconds) + " file.go:N:" (Lshortfile, Llongfile) + " " +
// message; with Lmsgprefix the prefix comes after the header instead. The
// prefix is whatever the application passed to log.New: "[sarama] " in
// sarama's README, "[Sarama] " in its early default, "[sarama]" without
// the space, "SARAMA: ", an application's own name. Only one naming sarama
// says which client wrote the line; any other is read past, and the line
// counts only by its message.

// maxGoPrefix bounds the log.New prefix read before a Go date: a tag or a
// program name, not a sentence.
const maxGoPrefix = 32

// readGoLog reads Go's standard-log header at the start of rest, after a
// prefix of at most maxGoPrefix bytes, and returns the rest of the line.
// ok is false when rest has no such header. A prefix naming sarama sets
// h.sarama. A date without the time of day (log.Ldate alone) leaves
// h.time zero: the line is read undated rather than put at midnight.
func (h *header) readGoLog(rest []byte, zone *time.Location) ([]byte, bool) {
	p := 0
	if !isGoDate(rest) {
		if p = goDateAt(rest); p < 0 {
			return rest, false
		}
		if namesSarama(rest[:p]) {
			h.sarama = true
		}
		rest = rest[p:]
	}
	n := 10 // "2006/01/02"
	if s, ok := parseStamp(rest, zone); ok && s.slash && s.n < len(rest) && (rest[s.n] == ' ' || rest[s.n] == '\t') {
		h.time, h.zoned, n = s.t, s.zoned, s.n
	}
	h.layout = idxStdlog
	return cutGoFile(trimSpace(rest[n:])), true
}

// isGoDate reports whether b starts with "2006/01/02 ".
func isGoDate(b []byte) bool {
	if len(b) < 11 || b[4] != '/' || b[7] != '/' || b[10] != ' ' {
		return false
	}
	for _, i := range [...]int{0, 1, 2, 3, 5, 6, 8, 9} {
		if !isDigit(b[i]) {
			return false
		}
	}
	month := int(b[5]-'0')*10 + int(b[6]-'0')
	day := int(b[8]-'0')*10 + int(b[9]-'0')
	return month >= 1 && month <= 12 && day >= 1 && day <= 31
}

// goDateAt is where a Go date starts after a prefix of 1 to maxGoPrefix
// bytes, -1 if none does. The byte before the date must not be a digit: a
// longer number is no date.
func goDateAt(b []byte) int {
	end := min(len(b), maxGoPrefix+5)
	for off := 0; off < end; {
		i := bytes.IndexByte(b[off:end], '/')
		if i < 0 {
			return -1
		}
		if p := off + i - 4; p >= 1 && !isDigit(b[p-1]) && isGoDate(b[p:]) {
			return p
		}
		off += i + 1
	}
	return -1
}

// cutGoFile drops the "file.go:N: " log.Lshortfile prints after the time
// ("/path/to/file.go:N: " for Llongfile).
func cutGoFile(b []byte) []byte {
	i := bytes.IndexByte(b, ' ')
	if i < 6 || b[i-1] != ':' {
		return b
	}
	word := b[:i-1] // "client.go:620"
	j := bytes.LastIndex(word, []byte(".go:"))
	if j < 1 || j+4 == len(word) {
		return b
	}
	for _, c := range word[j+4:] {
		if !isDigit(c) {
			return b
		}
	}
	return trimSpace(b[i:])
}

// namesSarama reports whether a log.New prefix names sarama: "[sarama] ",
// "[Sarama]", "SARAMA: ", "sarama:", in any case, with or without the
// brackets.
func namesSarama(p []byte) bool {
	p = bytes.TrimRight(p, " \t")
	p = bytes.TrimSuffix(p, []byte{':'})
	if len(p) > 2 && (p[0] == '[' && p[len(p)-1] == ']' || p[0] == '(' && p[len(p)-1] == ')') {
		p = p[1 : len(p)-1]
	}
	return eqFold(p, "SARAMA")
}

// cutSaramaTag drops sarama's "[sarama]" tag (any case, spaces after it)
// from the start of b and sets h.sarama: sarama's prefix before the time,
// after it (log.Lmsgprefix), or on a logger printing no time at all.
func (h *header) cutSaramaTag(b []byte) []byte {
	if len(b) < 8 || b[0] != '[' || b[7] != ']' || !eqFold(b[1:7], "SARAMA") {
		return b
	}
	h.sarama = true
	return trimSpace(b[8:])
}

// cutSaramaSuffix drops a " [sarama]" tag ending the message, where
// Hyperledger Fabric 1.1 moved sarama's prefix ("… dial tcp: i/o timeout
// [sarama] "), and sets h.sarama.
func (h *header) cutSaramaSuffix(msg []byte) []byte {
	m := bytes.TrimRight(msg, " ")
	if len(m) < 9 || m[len(m)-9] != ' ' || m[len(m)-8] != '[' || m[len(m)-1] != ']' || !eqFold(m[len(m)-7:len(m)-1], "SARAMA") {
		return msg
	}
	h.sarama = true
	return bytes.TrimRight(m[:len(m)-9], " ")
}

// cutCompose cuts docker compose's "service  | " from the start of a line
// (v1 "name_1", v2 "name-1"; the padding is at least one space). name is
// nil when the line has none.
func cutCompose(line []byte) (name, rest []byte) {
	i := 0
	for i < len(line) && i < 96 && isNameByte(line[i]) {
		i++
	}
	if i == 0 || i >= len(line) || line[i] != ' ' {
		return nil, line
	}
	j := i
	for j < len(line) && line[j] == ' ' {
		j++
	}
	if j >= len(line) || line[j] != '|' || (j+1 < len(line) && line[j+1] != ' ') {
		return nil, line
	}
	return line[:i], trimSpace(line[j+1:])
}

func isNameByte(c byte) bool {
	return c == '-' || c == '_' || c == '.' || isDigit(c) || c|0x20 >= 'a' && c|0x20 <= 'z'
}

// cutZapCaller drops the caller field zap's console encoder prints after
// the level ("kafka/log.go:53\t"), after the logger name when there is one
// ("[kafka]\t"). The caller kafka/log.go is libbeat's sarama logger (the
// Kafka output of Filebeat and the other Beats): it sets h.sarama and
// drops the "kafka message: " that adapter puts before what sarama prints
// with Print and Println.
func (h *header) cutZapCaller(b []byte) []byte {
	rest := b
	if name, after, ok := cutField(rest); ok && len(name) > 2 && name[0] == '[' && name[len(name)-1] == ']' {
		rest = after
	}
	caller, after, ok := cutField(rest)
	if !ok || !isCaller(caller) {
		return b
	}
	if bytes.HasSuffix(caller[:bytes.LastIndexByte(caller, ':')], []byte("kafka/log.go")) {
		h.sarama = true
		after, _ = cutPrefix(after, "kafka message: ")
	}
	return after
}

// cutField cuts the tab-separated field b starts with; ok is false when no
// tab ends one within a caller's length.
func cutField(b []byte) (field, rest []byte, ok bool) {
	i := bytes.IndexByte(b[:min(len(b), 128)], '\t')
	if i <= 0 {
		return nil, b, false
	}
	return b[:i], b[i+1:], true
}

// isCaller accepts zap's short caller "dir/file.go:53".
func isCaller(b []byte) bool {
	i := bytes.LastIndexByte(b, ':')
	if i < 4 || i == len(b)-1 || !bytes.HasSuffix(b[:i], []byte(".go")) || bytes.IndexByte(b, ' ') >= 0 {
		return false
	}
	for _, c := range b[i+1:] {
		if !isDigit(c) {
			return false
		}
	}
	return true
}
