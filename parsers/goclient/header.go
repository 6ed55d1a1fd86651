package goclient

import (
	"bytes"
	"time"

	"github.com/kafkadiag/kafkadiag/parsers/internal/timeofday"
)

// Layout names reported in Stats.Layout: how the line's time and level were
// printed, whichever client wrote the message.
const (
	// LayoutStdlog is Go's standard log ("2006/01/02 15:04:05 msg"), with
	// the logger's prefix before the time ("[sarama] 2006/…", "SARAMA:
	// 2006/…", any other of up to maxGoPrefix bytes) or after it
	// (log.Lmsgprefix), microseconds and "file.go:N:" optional: sarama's
	// and kafka-go's loggers as their READMEs and users set them up.
	LayoutStdlog = "go-log"
	// LayoutBracketTime is "[2006-01-02 15:04:05.999] [WARN] msg; k: v":
	// franz-go's BasicLogger with the time prefix of its README; also the
	// time of day alone, "[15:04:05.999]  WARN name: msg k=v", as
	// applications' adapters of franz-go's Logger print it.
	LayoutBracketTime = "bracket-time"
	// LayoutLogfmt is key=value: log/slog's TextHandler (franz-go's kslog),
	// logrus' text formatter, go-kit log.
	LayoutLogfmt = "logfmt"
	// LayoutISO is an RFC 3339 time, then the level, space or tab
	// separated: zap's console encoder and similar.
	LayoutISO = "iso-time"
	// LayoutBare is a line without a time: franz-go's BasicLogger without
	// prefix ("[WARN] msg; k: v") or an error printed with fmt.
	LayoutBare = "bare"
)

// layoutOrder indexes the layouts for the per-input counters.
var layoutOrder = [...]string{LayoutStdlog, LayoutBracketTime, LayoutLogfmt, LayoutISO, LayoutBare}

const (
	idxStdlog = iota
	idxBracketTime
	idxLogfmt
	idxISO
	idxBare
)

// header is one line taken apart. Byte fields are sub-slices of the line:
// valid until the next line is read.
type header struct {
	layout int
	// time is zero when the line printed none (or only a date); zoned
	// says it carried a zone (else it was read in the Source's zone).
	// noDate says it printed the time of day only: time is then on the
	// placeholder day (analyzer.Event.NoDate).
	time          time.Time
	zoned, noDate bool
	level         string // normalised, "" when not printed
	// sarama is set when the line carried a logger prefix naming sarama
	// ("[sarama] ", "[Sarama]", "SARAMA: ") before or after the time, or
	// sarama's tag at its end.
	sarama bool
	// service is the docker compose service of a "name  | " prefix, nil
	// when the line has none.
	service []byte
	// msg is the message; err, addr and broker are the key/value fields
	// of franz-go's loggers ("err: …", err="…"), nil when absent.
	msg, err, addr, broker []byte
}

// splitHeader takes a line apart. It never fails: a line without a known
// time is LayoutBare with the whole line as message.
func splitHeader(line []byte, zone *time.Location) header {
	h := header{layout: idxBare}
	rest := line
	if name, after := cutCompose(rest); name != nil {
		h.service, rest = name, after
	}
	rest = h.cutSaramaTag(rest)
	if isLogfmt(rest) {
		h.layout = idxLogfmt
		h.readLogfmt(rest, zone)
		return h
	}
	rest = h.readTime(rest, zone)
	rest = h.cutSaramaTag(rest) // log.Lmsgprefix: the prefix after the time
	rest = h.readLevel(rest)
	if h.layout == idxISO {
		rest = h.cutZapCaller(rest)
	}
	h.msg = h.cutSaramaSuffix(rest)
	h.readKeyVals()
	return h
}

// readTime reads the time a line starts with, sets the layout and
// returns the rest: franz-go's "[2006-01-02 15:04:05.999]" or a bracketed
// time of day, an RFC 3339 or "2006-01-02 15:04:05" time, or Go's
// standard-log header.
func (h *header) readTime(rest []byte, zone *time.Location) []byte {
	switch {
	case len(rest) > 20 && rest[0] == '[' && isDigit(rest[1]):
		if s, ok := parseStamp(rest[1:], zone); ok && s.n+1 < len(rest) && rest[s.n+1] == ']' {
			h.layout, h.time, h.zoned = idxBracketTime, s.t, s.zoned
			return trimSpace(rest[s.n+2:])
		}
		if n, ok := timeofday.Len(rest[1:]); ok && n+1 < len(rest) && rest[n+1] == ']' {
			h.layout, h.time, h.noDate = idxBracketTime, timeofday.At(rest[1:n+1], zone), true
			return trimSpace(rest[n+2:])
		}
	case len(rest) > 19 && isDigit(rest[0]) && rest[4] == '-':
		if s, ok := parseStamp(rest, zone); ok && s.n < len(rest) && (rest[s.n] == ' ' || rest[s.n] == '\t') {
			h.layout, h.time, h.zoned = idxISO, s.t, s.zoned
			return trimSpace(rest[s.n:])
		}
	}
	rest, _ = h.readGoLog(rest, zone)
	return rest
}

// readLevel strips a "[WARN] " or, after an ISO or a bracketed time, a
// bare "WARN\t" level word.
func (h *header) readLevel(rest []byte) []byte {
	if len(rest) > 2 && rest[0] == '[' {
		if i := bytes.IndexByte(rest[:min(len(rest), 9)], ']'); i > 0 {
			if lv := levelName(rest[1:i]); lv != "" {
				h.level = lv
				return trimSpace(rest[i+1:])
			}
		}
		return rest
	}
	if h.layout != idxISO && h.layout != idxBracketTime {
		return rest
	}
	i := bytes.IndexAny(rest[:min(len(rest), 8)], " \t")
	if i > 0 {
		if lv := levelName(rest[:i]); lv != "" {
			h.level = lv
			return trimSpace(rest[i:])
		}
	}
	return rest
}

// readKeyVals splits franz-go BasicLogger's "msg; addr: a, broker: b,
// err: e". err is its last key, so its value runs to the end of the line.
// Other adapters print the pairs as "msg addr=a broker=b err=e"
// (readEqTrailer).
func (h *header) readKeyVals() {
	i := bytes.Index(h.msg, []byte("; "))
	if i < 0 {
		h.readEqTrailer()
		return
	}
	kv := h.msg[i+2:]
	if !bytes.HasPrefix(kv, []byte("addr: ")) && !bytes.HasPrefix(kv, []byte("broker: ")) &&
		!bytes.HasPrefix(kv, []byte("req: ")) && !bytes.HasPrefix(kv, []byte("err: ")) {
		h.readEqTrailer()
		return
	}
	h.msg = h.msg[:i]
	if j := bytes.Index(kv, []byte("err: ")); j >= 0 && (j == 0 || kv[j-2] == ',') {
		h.err, kv = kv[j+5:], kv[:j]
	}
	h.addr = kvValue(kv, "addr: ")
	h.broker = kvValue(kv, "broker: ")
}

// kvValue is the value of key in "k: v, k: v, ", up to the next comma.
func kvValue(kv []byte, key string) []byte {
	for len(kv) > 0 {
		item := kv
		if i := bytes.Index(kv, []byte(", ")); i >= 0 {
			item, kv = kv[:i], kv[i+2:]
		} else {
			kv = nil
		}
		if v, ok := cutPrefix(item, key); ok {
			return bytes.TrimRight(v, ", ")
		}
	}
	return nil
}

// levelName normalises a printed level; "" for a word that is none.
func levelName(b []byte) string {
	switch {
	case len(b) == 0 || len(b) > 7:
		return ""
	case eqFold(b, "ERROR"), eqFold(b, "ERR"), eqFold(b, "FATAL"), eqFold(b, "PANIC"), eqFold(b, "DPANIC"):
		return "ERROR"
	case eqFold(b, "WARN"), eqFold(b, "WARNING"):
		return "WARN"
	case eqFold(b, "INFO"):
		return "INFO"
	case eqFold(b, "DEBUG"):
		return "DEBUG"
	case eqFold(b, "TRACE"):
		return "TRACE"
	}
	return ""
}

// eqFold is bytes.EqualFold against an upper-case ASCII word, without the
// conversion to []byte.
func eqFold(b []byte, word string) bool {
	if len(b) != len(word) {
		return false
	}
	for i := range b {
		if b[i]&^0x20 != word[i] {
			return false
		}
	}
	return true
}

func cutPrefix(b []byte, p string) ([]byte, bool) {
	if len(b) >= len(p) && string(b[:len(p)]) == p {
		return b[len(p):], true
	}
	return b, false
}

func trimSpace(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t') {
		b = b[1:]
	}
	return b
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
