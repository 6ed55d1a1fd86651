package kafkalog

import "time"

// readAkka reads Akka's layout at p: "[LEVEL] [MM/dd/yyyy HH:mm:ss.SSS]",
// then the source in brackets, a Java class full or bare ("[Selector]"),
// maybe after the thread's brackets, then a space and the message. The
// source must be a class: Akka's own actor paths ("[akka://sys/user/a]")
// name no logger. The date is read month first, as Akka prints it, so
// only this layout reads it.
func readAkka(line []byte, p int, zone *time.Location, h *header) bool {
	if p >= len(line) || line[p] != '[' {
		return false
	}
	lvl, n := looseLevel(line[p:])
	q := p + n
	if n == 0 || q+1 >= len(line) || line[q] != ' ' || line[q+1] != '[' {
		return false
	}
	t, tn, ok := parseUSDateTime(line[q+2:], zone, h.clock)
	q += 2 + tn
	if !ok || q >= len(line) || line[q] != ']' {
		return false
	}
	q++
	for groups := 0; groups < 2; groups++ {
		if q+1 >= len(line) || line[q] != ' ' || line[q+1] != '[' {
			return false
		}
		end := matchBracket(line, q+1)
		if end < 0 {
			return false
		}
		ls, le := q+2, end
		q = end + 1
		if q < len(line) && line[q] != ' ' {
			return false
		}
		if isBareClass(line[ls:le]) || isJavaLogger(line[ls:le]) {
			h.level, h.layout, h.loggerStart, h.loggerEnd = lvl, layoutAkka, ls, le
			h.time, h.hasTime = t, true
			h.msgStart = skipSpaces(line, q)
			h.msgEnd = max(h.msgStart, trimRightEnd(line, len(line)))
			return true
		}
	}
	return false
}

// isBareClass reports a class name as "%c{1}" prints it: a capital letter,
// then letters, digits, "_" and "$".
func isBareClass(b []byte) bool {
	if len(b) == 0 || len(b) > 128 || b[0] < 'A' || b[0] > 'Z' {
		return false
	}
	for _, c := range b {
		if !isClassByte(c) {
			return false
		}
	}
	return true
}
