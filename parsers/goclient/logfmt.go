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

// readEqTrailer splits "msg addr=a broker=2 err=dial tcp …: i/o timeout":
// a message followed by key=value pairs, as applications' adapters of
// franz-go's Logger (a message, then keyvals) print it when they write
// neither logfmt's msg= nor BasicLogger's "; k: v". The pairs start at the
// first " key=" (see keyAt); a value runs to the next " key=" or the end
// of the line, unquoted unless printed quoted. Only a trailer naming an
// address, a broker or an error is taken: a message with a stray "x=y"
// among its words stays whole.
func (h *header) readEqTrailer() {
	start := nextKey(h.msg)
	if start < 0 {
		return
	}
	var addr, broker, err []byte
	for rest := h.msg[start+1:]; len(rest) > 0; {
		eq := keyAt(rest)
		if eq < 0 {
			break
		}
		key := rest[:eq]
		var val []byte
		rest = rest[eq+1:]
		if len(rest) > 0 && rest[0] == '"' {
			val, rest = logfmtValue(rest)
			rest = trimSpace(rest)
		} else if j := nextKey(rest); j >= 0 {
			val, rest = rest[:j], rest[j+1:]
		} else {
			val, rest = rest, nil
		}
		switch string(key) {
		case "addr":
			addr = val
		case "broker", "id": // franz-go before 1.0 said "id"
			broker = val
		case "err", "error", "request_error":
			err = val
		}
	}
	if addr == nil && broker == nil && err == nil {
		return
	}
	h.msg, h.addr, h.broker, h.err = h.msg[:start], addr, broker, err
}

// nextKey is the index of the space before the first " key=" in b, -1
// when there is none.
func nextKey(b []byte) int {
	for i := 0; i < len(b); {
		j := bytes.IndexByte(b[i:], ' ')
		if j < 0 {
			return -1
		}
		i += j + 1
		if keyAt(b[i:]) > 0 {
			return i - 1
		}
	}
	return -1
}

// keyAt is the index of the '=' ending the key b starts with, -1 when b
// starts with none: a lower-case letter, then lower-case letters, digits
// or '_' (franz-go's keys: addr, broker, err, request_error …), and a
// value after the '='.
func keyAt(b []byte) int {
	if len(b) < 3 || b[0] < 'a' || b[0] > 'z' {
		return -1
	}
	for i := 1; i < len(b) && i <= 32; i++ {
		switch c := b[i]; {
		case c == '=':
			if i+1 < len(b) && b[i+1] != ' ' {
				return i
			}
			return -1
		case c >= 'a' && c <= 'z', isDigit(c), c == '_':
		default:
			return -1
		}
	}
	return -1
}
