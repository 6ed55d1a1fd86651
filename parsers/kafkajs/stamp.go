package kafkajs

import (
	"bytes"
	"time"

	"github.com/kafkadiag/kafkadiag/parsers/internal/text"
)

// parseTime reads an ISO 8601 time as JavaScript's toISOString prints it
// ("2026-11-23T17:12:04.793Z") and the zoneless or offset variants
// logging wrappers print ("2026-11-23 17:12:04.793", "…+01:00"). n is how
// many bytes it used; zoned is false when no zone was printed (read in
// zone).
func parseTime(b []byte, zone *time.Location) (t time.Time, zoned bool, n int) {
	if len(b) < 19 || b[4] != '-' || b[7] != '-' || (b[10] != 'T' && b[10] != ' ') || b[13] != ':' || b[16] != ':' {
		return time.Time{}, false, 0
	}
	year, ok1 := text.Atoi(b[0:4])
	mon, ok2 := text.Atoi(b[5:7])
	day, ok3 := text.Atoi(b[8:10])
	hh, ok4 := text.Atoi(b[11:13])
	mm, ok5 := text.Atoi(b[14:16])
	ss, ok6 := text.Atoi(b[17:19])
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) || mon < 1 || mon > 12 || day < 1 || day > 31 || hh > 23 || mm > 59 || ss > 60 {
		return time.Time{}, false, 0
	}
	n = 19
	var nanos int64
	if n < len(b) && (b[n] == '.' || b[n] == ',') {
		scale := int64(100000000)
		n++
		for n < len(b) && b[n] >= '0' && b[n] <= '9' {
			nanos += int64(b[n]-'0') * scale
			scale /= 10
			n++
		}
	}
	loc := zone
	switch {
	case n < len(b) && b[n] == 'Z':
		loc, zoned = time.UTC, true
		n++
	case n+6 <= len(b) && (b[n] == '+' || b[n] == '-') && b[n+3] == ':':
		oh, ok1 := text.Atoi(b[n+1 : n+3])
		om, ok2 := text.Atoi(b[n+4 : n+6])
		if ok1 && ok2 && oh < 24 && om < 60 {
			off := int(oh*3600 + om*60)
			if b[n] == '-' {
				off = -off
			}
			loc, zoned = time.FixedZone("", off), true
			n += 6
		}
	}
	if loc == nil {
		loc = time.UTC
	}
	t = time.Date(int(year), time.Month(mon), int(day), int(hh), int(mm), int(ss), int(nanos), loc)
	if zoned {
		t = t.UTC()
	}
	return t, zoned, n
}

// levels maps the level words and pino numbers KafkaJS entries carry:
// KafkaJS's "ERROR", winston's "error", pino's 10 (trace) … 60 (fatal).
var levels = [...]struct{ word, num, name string }{
	{"error", "50", "ERROR"}, {"warn", "40", "WARN"}, {"warning", "", "WARN"},
	{"info", "30", "INFO"}, {"debug", "20", "DEBUG"}, {"trace", "10", "TRACE"}, {"fatal", "60", "FATAL"},
}

// levelWord normalises a level; "" when unknown. It does not allocate.
func levelWord(b []byte) string {
	for _, l := range levels {
		if bytes.EqualFold(b, []byte(l.word)) || l.num != "" && string(b) == l.num {
			return l.name
		}
	}
	return ""
}
