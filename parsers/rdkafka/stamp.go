package rdkafka

import (
	"bytes"
	"time"

	"github.com/kafkadiag/kafkadiag/parsers/internal/text"
)

// placeholderYear is the year given to times read from a syslog-style
// "Mon DD HH:MM:SS" stamp until Analyze infers the real one (Event.NoYear),
// as the journal parser does for its short layout. A leap year, so that
// "Feb 29" survives.
const placeholderYear = 2000

// stamp is the time an application, logger or shipper printed at the start
// of a line in front of a librdkafka core.
type stamp struct {
	time   time.Time
	noYear bool // "Mon DD HH:MM:SS": the year is placeholderYear
	local  bool // printed without a zone, read in the Source's zone
}

// leadingTime reads the timestamp line starts with, optionally inside "[":
//
//	2024-09-04T11:20:10.964854Z          ISO 8601, zone Z / ±hh:mm / ±hhmm or none
//	2024-01-25 12:24:27,123 [+01:00|UTC] date and time, "." or "," fraction, optional zone
//	2022/11/14 15:31:59[.123]            slashed date, local
//	Feb 25 13:28:28[.119]                syslog, no year
//	1623456789.123                       epoch seconds
//	E, [2019-11-03T18:23:32.298450 #53262]  Ruby's Logger (rdkafka-ruby, Karafka), local
//
// A time of day alone (Serilog's console "[12:24:27 INF]") is no time: the
// date cannot be told from the line, and guessing it from other inputs is
// unsound when they span more than a day. It never allocates.
func leadingTime(line []byte, zone *time.Location) (stamp, bool) {
	if zone == nil {
		zone = time.UTC
	}
	if len(line) > 0 && line[0] == '[' {
		line = line[1:]
	} else if rubyLoggerLead(line) {
		// Ruby's Logger prints its severity letter before the bracket;
		// the " #pid]" after the time reads as no zone.
		line = line[4:]
	}
	if len(line) < 15 {
		return stamp{}, false
	}
	switch c := line[0]; {
	case isDigit(c) && len(line) >= 19 && (line[4] == '-' || line[4] == '/'):
		return dateTime(line, zone)
	case isDigit(c):
		return epochStamp(line)
	case c >= 'A' && c <= 'S':
		return syslogStamp(line, zone)
	}
	return stamp{}, false
}

// rubyLoggerLead reports whether line starts as Ruby's Logger formats a
// record, "E, [" (the severity's first letter, a comma, a space and a
// bracket), followed by a digit: the time.
func rubyLoggerLead(line []byte) bool {
	if len(line) < 5 || line[1] != ',' || line[2] != ' ' || line[3] != '[' || !isDigit(line[4]) {
		return false
	}
	switch line[0] {
	case 'D', 'I', 'W', 'E', 'F', 'A':
		return true
	}
	return false
}

// dateTime reads the dashed or slashed date-time forms and their zone.
func dateTime(b []byte, zone *time.Location) (stamp, bool) {
	sep := b[4]
	if b[7] != sep || (b[10] != ' ' && !(b[10] == 'T' && sep == '-')) || b[13] != ':' || b[16] != ':' {
		return stamp{}, false
	}
	end := 19
	if end < len(b) && (b[end] == '.' || b[end] == ',') {
		k := end + 1
		for k < len(b) && isDigit(b[k]) {
			k++
		}
		if k == end+1 || k-end-1 > 9 {
			return stamp{}, false
		}
		end = k
	}
	// parseDateTime wants "YYYY?MM?DD HH:MM:SS[.fff]": copy the clock with
	// "." for "," and " " for "T".
	var buf [29]byte
	n := copy(buf[:], b[:end])
	buf[10] = ' '
	if n > 19 {
		buf[19] = '.'
	}
	off, zoned := zoneAfter(b[end:], b[10] == 'T')
	st := stamp{local: !zoned}
	if zoned {
		zone = time.UTC
	}
	t, ok := parseDateTime(buf[:n], sep, zone)
	if !ok || t.Year() < 1970 {
		// Year 1 would read as the zero time, "no time"; no log predates 1970.
		return stamp{}, false
	}
	st.time = t.Add(-time.Duration(off) * time.Second)
	return st, true
}

// zoneAfter reads the zone after a date-time: attached ("+01:00",
// "+0100", and "Z" in the ISO "T" form) or after one space ("+01:00",
// "UTC", "CEST"). Abbreviations that name more than one zone (CST, IST,
// BST …) are not read: the time is then taken as local.
func zoneAfter(b []byte, iso bool) (off int, ok bool) {
	if len(b) == 0 {
		return 0, false
	}
	if b[0] == '+' || b[0] == '-' || iso && b[0] == 'Z' {
		return numericZone(b)
	}
	if b[0] != ' ' || len(b) < 2 {
		return 0, false
	}
	b = b[1:]
	if b[0] == '+' || b[0] == '-' {
		return numericZone(b)
	}
	w := b
	if i := bytes.IndexAny(b, " ]"); i >= 0 {
		w = b[:i]
	}
	for _, z := range zoneNames {
		if string(w) == z.name {
			return z.off, true
		}
	}
	return 0, false
}

// zoneNames are abbreviations that name one offset only.
var zoneNames = [...]struct {
	name string
	off  int
}{
	{"UTC", 0}, {"GMT", 0}, {"Z", 0}, {"WET", 0}, {"WEST", 3600}, {"CET", 3600}, {"CEST", 7200},
	{"EET", 7200}, {"EEST", 10800}, {"MSK", 10800}, {"EST", -5 * 3600}, {"EDT", -4 * 3600},
	{"MST", -7 * 3600}, {"MDT", -6 * 3600}, {"PST", -8 * 3600}, {"PDT", -7 * 3600}, {"JST", 9 * 3600},
}

// numericZone reads "Z", "±hh:mm" or "±hhmm" as an offset in seconds.
func numericZone(b []byte) (int, bool) {
	if b[0] == 'Z' {
		return 0, len(b) == 1 || !isLetter(b[1])
	}
	if len(b) < 5 {
		return 0, false
	}
	mm := b[3:5]
	if b[3] == ':' {
		if len(b) < 6 {
			return 0, false
		}
		mm = b[4:6]
	}
	h, ok1 := text.Atoi(b[1:3])
	m, ok2 := text.Atoi(mm)
	if !ok1 || !ok2 || h > 23 || m > 59 {
		return 0, false
	}
	off := int(h*3600 + m*60)
	if b[0] == '-' {
		off = -off
	}
	return off, true
}

// epochStamp reads "1623456789[.123]" followed by a space or "]".
func epochStamp(b []byte) (stamp, bool) {
	end := 0
	for end < len(b) && end < 24 && (isDigit(b[end]) || b[end] == '.') {
		end++
	}
	if end < 10 || end == len(b) || (b[end] != ' ' && b[end] != ']') || b[10] != '.' && end != 10 {
		return stamp{}, false
	}
	t, ok := parseEpoch(b[:end])
	return stamp{time: t}, ok
}

var months = [...]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}

// syslogStamp reads "Feb 25 13:28:28[.119]" (day space-padded or not),
// which carries no year and no zone.
func syslogStamp(b []byte, zone *time.Location) (stamp, bool) {
	mon := 0
	for i, m := range months {
		if string(b[:3]) == m {
			mon = i + 1
		}
	}
	if mon == 0 || b[3] != ' ' || b[6] != ' ' || b[9] != ':' || b[12] != ':' {
		return stamp{}, false
	}
	day := b[4:6]
	if day[0] == ' ' {
		day = day[1:]
	}
	d, ok1 := text.Atoi(day)
	h, ok2 := text.Atoi(b[7:9])
	mi, ok3 := text.Atoi(b[10:12])
	s, ok4 := text.Atoi(b[13:15])
	if !(ok1 && ok2 && ok3 && ok4) || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60 {
		return stamp{}, false
	}
	var ns int64
	if len(b) > 16 && b[15] == '.' {
		k := 16
		for i := 0; i < 9; i++ {
			ns *= 10
			if k < len(b) && isDigit(b[k]) {
				ns += int64(b[k] - '0')
				k++
			}
		}
	}
	t := time.Date(placeholderYear, time.Month(mon), int(d), int(h), int(mi), int(s), int(ns), zone)
	return stamp{time: t, noYear: true, local: true}, true
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
