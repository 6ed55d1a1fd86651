package goclient

import (
	"bytes"
	"time"
)

// isLogfmt accepts a line starting with the time, level or message key of
// a key=value logger: slog's TextHandler ("time=… level=… msg=…"), logrus
// (`time="…" level=…`), go-kit ("ts=… level=…").
func isLogfmt(b []byte) bool {
	for _, k := range [...]string{"time=", "ts=", "level=", "msg="} {
		if _, ok := cutPrefix(b, k); ok {
			return true
		}
	}
	return false
}

// readLogfmt fills h from key=value pairs. Quoted values keep their
// escapes: the classifiers look for plain words inside them.
func (h *header) readLogfmt(b []byte, zone *time.Location) {
	for len(b) > 0 {
		b = trimSpace(b)
		eq := bytes.IndexByte(b, '=')
		if eq <= 0 {
			return
		}
		key := b[:eq]
		if bytes.IndexByte(key, ' ') >= 0 {
			return // not key=value any more: stop rather than guess
		}
		var val []byte
		val, b = logfmtValue(b[eq+1:])
		switch string(key) {
		case "time", "ts":
			if s, ok := parseStamp(val, zone); ok && s.n == len(val) {
				h.time, h.zoned = s.t, s.zoned
			}
		case "level", "lvl":
			h.level = levelName(val)
		case "msg":
			h.msg = val
		case "err", "error":
			h.err = val
		case "addr":
			h.addr = val
		case "broker":
			h.broker = val
		}
	}
}

// logfmtValue cuts one value, quoted or up to the next space, and returns
// it (without quotes) and the rest.
func logfmtValue(b []byte) (val, rest []byte) {
	if len(b) == 0 || b[0] != '"' {
		if i := bytes.IndexByte(b, ' '); i >= 0 {
			return b[:i], b[i+1:]
		}
		return b, nil
	}
	for i := 1; i < len(b); i++ {
		switch b[i] {
		case '\\':
			i++
		case '"':
			// sarama's Printf templates end in "\n", which logrus keeps
			// escaped inside the quotes.
			return bytes.TrimSuffix(b[1:i], []byte(`\n`)), b[i+1:]
		}
	}
	return b[1:], nil // unterminated: the rest of the line
}
