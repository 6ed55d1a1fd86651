package kafkalog

import (
	"time"

	"github.com/kafkadiag/kafkadiag/parsers/internal/text"
)

// levels maps printed level words to the normalised ones Event.Level uses.
var levels = [...]struct{ word, norm string }{
	{"INFO", "INFO"}, {"WARN", "WARN"}, {"ERROR", "ERROR"}, {"DEBUG", "DEBUG"},
	{"TRACE", "TRACE"}, {"WARNING", "WARN"}, {"FATAL", "ERROR"}, {"SEVERE", "ERROR"},
}

// parseLevel reads a level word at the start of b.
func parseLevel(b []byte) (string, int) {
	// Nearly every line says INFO or WARN: those cost one compare.
	if len(b) > 4 && b[4] == ' ' {
		switch string(b[:4]) {
		case "INFO":
			return "INFO", 4
		case "WARN":
			return "WARN", 4
		}
	}
	n := 0
	for n < len(b) && n < 8 && b[n] >= 'A' && b[n] <= 'Z' {
		n++
	}
	if n == len(b) || (n < len(b) && b[n] != ' ') {
		return "", 0
	}
	for _, l := range levels {
		if string(b[:n]) == l.word {
			return l.norm, n
		}
	}
	return "", 0
}

// skipLevelDash passes the "-" that the pattern "-%5p" prints before the
// level: glued to a five-letter level ("-DEBUG"), padded before a
// four-letter one ("- INFO"). It returns where the level starts, or p
// when line[p:] is not such a level.
func skipLevelDash(line []byte, p int) int {
	if p >= len(line) || line[p] != '-' {
		return p
	}
	q := p + 1
	for q < len(line) && line[q] == ' ' {
		q++
	}
	if _, n := parseLevel(line[q:]); n == 0 || q-p-1+n != 5 {
		return p
	}
	return q
}

// parseDateTime reads "yyyy-MM-dd HH:mm:ss[,.]SSS" or the ISO form with
// "T", a fraction of 1-9 digits and an optional zone (Z, +hh:mm, +hhmm).
// Times without a zone are in zone. iso reports the "T" form.
// clock, when not nil, remembers the last minute converted.
func parseDateTime(b []byte, zone *time.Location, clock *minuteClock) (t time.Time, n int, iso, zoned, ok bool) {
	if len(b) < 19 || b[4] != '-' || b[7] != '-' || b[13] != ':' || b[16] != ':' {
		return time.Time{}, 0, false, false, false
	}
	iso = b[10] == 'T'
	if !iso && b[10] != ' ' {
		return time.Time{}, 0, false, false, false
	}
	cent, ok0 := twoDigits(b[0], b[1])
	yy, ok1 := twoDigits(b[2], b[3])
	mon, ok2 := twoDigits(b[5], b[6])
	day, ok3 := twoDigits(b[8], b[9])
	hh, ok4 := twoDigits(b[11], b[12])
	mm, ok5 := twoDigits(b[14], b[15])
	ss, ok6 := twoDigits(b[17], b[18])
	year := cent*100 + yy
	if !(ok0 && ok1 && ok2 && ok3 && ok4 && ok5 && ok6) || mon < 1 || mon > 12 || day < 1 || day > 31 || hh > 23 || mm > 59 || ss > 60 {
		return time.Time{}, 0, false, false, false
	}
	n = 19
	nsec := 0
	if n < len(b) && (b[n] == ',' || b[n] == '.') {
		k := n + 1
		scale := 100000000
		for k < len(b) && k-n <= 9 && isDigit(b[k]) {
			nsec += int(b[k]-'0') * scale
			scale /= 10
			k++
		}
		if k == n+1 {
			return time.Time{}, 0, false, false, false
		}
		n = k
	}
	if zone == nil {
		zone = time.UTC
	}
	if iso {
		if off, k, zoned := text.ZoneOffset(b[n:]); zoned {
			t = clock.date(year, mon, day, hh, mm, ss, nsec, time.UTC).Add(-time.Duration(off) * time.Second)
			return t, n + k, true, true, true
		}
	}
	return clock.date(year, mon, day, hh, mm, ss, nsec, zone), n, iso, false, true
}

// minuteClock turns civil times into instants like time.Date, remembering
// the last minute it converted: time.Date (calendar arithmetic and a zone
// look-up) is the dearest part of a header, and consecutive records nearly
// always share their minute. A nil clock remembers nothing.
type minuteClock struct {
	// key packs the civil minute of base; 0 means none.
	key  uint64
	zone *time.Location
	// base is the minute's second 0, valid iff key != 0; the zone's offset
	// is the same all through that minute (checked when it was stored).
	base time.Time
}

// date returns time.Date(year, mon, day, hh, mm, ss, nsec, zone).
func (c *minuteClock) date(year, mon, day, hh, mm, ss, nsec int, zone *time.Location) time.Time {
	if c == nil || ss > 59 || year < 0 {
		return time.Date(year, time.Month(mon), day, hh, mm, ss, nsec, zone)
	}
	key := (((uint64(year)<<4|uint64(mon))<<5|uint64(day))<<5|uint64(hh))<<6 | uint64(mm) | 1<<63
	if key != c.key || zone != c.zone {
		base := time.Date(year, time.Month(mon), day, hh, mm, 0, 0, zone)
		if time.Date(year, time.Month(mon), day, hh, mm, 59, 0, zone).Sub(base) != 59*time.Second {
			// The zone's offset changes within this minute.
			return time.Date(year, time.Month(mon), day, hh, mm, ss, nsec, zone)
		}
		c.key, c.zone, c.base = key, zone, base
	}
	return c.base.Add(time.Duration(ss)*time.Second + time.Duration(nsec))
}

// twoDigits reads the number hi lo; a byte below '0' wraps past 9.
func twoDigits(hi, lo byte) (int, bool) {
	hi, lo = hi-'0', lo-'0'
	return int(hi)*10 + int(lo), hi <= 9 && lo <= 9
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func skipSpaces(b []byte, p int) int {
	for p < len(b) && (b[p] == ' ' || b[p] == '\t') {
		p++
	}
	return p
}

func trimRightEnd(b []byte, end int) int {
	for end > 0 && (b[end-1] == ' ' || b[end-1] == '\t') {
		end--
	}
	return end
}

func trimBracket(b []byte) []byte {
	if len(b) > 0 && b[0] == '[' {
		return b[1:]
	}
	return b
}

// matchBracket returns the index of the "]" closing the "[" at p, honouring
// nesting, or -1.
func matchBracket(b []byte, p int) int {
	depth := 0
	for i := p; i < len(b); i++ {
		switch b[i] {
		case '[':
			depth++
		case ']':
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}

// matchBracketBack returns the index of the "[" opening the "]" at end,
// not looking before lo, or -1.
func matchBracketBack(b []byte, lo, end int) int {
	depth := 0
	for i := end; i >= lo; i-- {
		switch b[i] {
		case ']':
			depth++
		case '[':
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}

// threadEnd returns where the level after a thread group at p starts,
// for patterns that print the thread before the level: "[thread] LEVEL",
// or "[thread} LEVEL" as a pattern with a typo prints it ("[%t}", seen in
// a Confluent REST Proxy setup). level reads the level word. It returns 0
// when line[p:] holds no thread group followed by a level.
func threadEnd(line []byte, p int, level func([]byte) (string, int)) int {
	if p >= len(line) || line[p] != '[' {
		return 0
	}
	if end := matchBracket(line, p); end > 0 {
		if q := skipSpaces(line, end+1); q > end+1 {
			if _, n := level(line[q:]); n > 0 {
				return q
			}
		}
	}
	for i := p + 1; i < len(line) && i-p < 256; i++ {
		switch line[i] {
		case '[', ']':
			return 0
		case '}':
			if q := skipSpaces(line, i+1); q > i+1 {
				if _, n := level(line[q:]); n > 0 {
					return q
				}
			}
			return 0
		}
	}
	return 0
}
