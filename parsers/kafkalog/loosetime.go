package kafkalog

import (
	"time"

	"github.com/kafkadiag/kafkadiag/parsers/internal/timeofday"
)

// timeKind is the form of a time the general reader found.
type timeKind uint8

const (
	timeNone timeKind = iota
	// timeDated is any form parseDateTime reads, bare or in brackets.
	timeDated
	// timeOfDay is "HH:mm:ss[.,]SSS" with no date: the time is that time
	// of day on January 1 of analyzer.NoDateYear (see Event.NoDate).
	timeOfDay
	// timeJUL is java.util.logging's "Mar 02, 2024 10:15:02 AM".
	timeJUL
	// timeShortYear is Spark's "yy/MM/dd HH:mm:ss".
	timeShortYear
)

// readTime reads a record time at the start of b in any form the package
// knows and returns it with its length.
func readTime(b []byte, zone *time.Location, clock *minuteClock) (t time.Time, n int, kind timeKind, zoned bool) {
	if len(b) < 8 {
		return time.Time{}, 0, timeNone, false
	}
	switch c := b[0]; {
	case c == '[':
		t, n, _, zoned, ok := parseDateTime(b[1:], zone, clock)
		if !ok || 1+n >= len(b) || b[1+n] != ']' {
			return time.Time{}, 0, timeNone, false
		}
		return t, n + 2, timeDated, zoned
	case isDigit(c):
		if t, n, _, zoned, ok := parseDateTime(b, zone, clock); ok {
			return t, n, timeDated, zoned
		}
		if n, ok := timeofday.Len(b); ok {
			return timeofday.At(b[:n], zone), n, timeOfDay, false
		}
		if t, n, ok := parseLog4jDate(b, zone, clock); ok {
			return t, n, timeDated, false
		}
		if t, n, ok := parseShortYearDate(b, zone, clock); ok {
			return t, n, timeShortYear, false
		}
	case c >= 'A' && c <= 'Z':
		if t, n, ok := parseJULTime(b, zone, clock); ok {
			return t, n, timeJUL, false
		}
	}
	return time.Time{}, 0, timeNone, false
}

// parseLog4jDate reads log4j's "%d{DATE}", "09 Jun 2023 08:18:58,118",
// in zone.
func parseLog4jDate(b []byte, zone *time.Location, clock *minuteClock) (time.Time, int, bool) {
	if len(b) < 20 || b[2] != ' ' || b[6] != ' ' || b[11] != ' ' {
		return time.Time{}, 0, false
	}
	day, ok1 := twoDigits(b[0], b[1])
	mon := monthOf(b[3:6])
	year, _, ok2 := number(b[7:11], 0, 4)
	n, ok3 := timeofday.Len(b[12:])
	if !ok1 || !ok2 || !ok3 || mon == 0 || day < 1 || day > 31 || year < 1000 {
		return time.Time{}, 0, false
	}
	hh, _ := twoDigits(b[12], b[13])
	mm, _ := twoDigits(b[15], b[16])
	ss, _ := twoDigits(b[18], b[19])
	nsec, scale := 0, 100000000
	for _, c := range b[20 : 12+n] {
		if isDigit(c) {
			nsec += int(c-'0') * scale
			scale /= 10
		}
	}
	if zone == nil {
		zone = time.UTC
	}
	return clock.date(year, mon, day, hh, mm, ss, nsec, zone), 12 + n, true
}

// parseShortYearDate reads "yy/MM/dd HH:mm:ss", Apache Spark's default
// ("%d{yy/MM/dd HH:mm:ss}"), in zone; the year is taken in this century.
func parseShortYearDate(b []byte, zone *time.Location, clock *minuteClock) (time.Time, int, bool) {
	if len(b) < 17 || b[2] != '/' || b[5] != '/' || b[8] != ' ' {
		return time.Time{}, 0, false
	}
	yy, ok1 := twoDigits(b[0], b[1])
	mon, ok2 := twoDigits(b[3], b[4])
	day, ok3 := twoDigits(b[6], b[7])
	n, ok4 := timeofday.Len(b[9:])
	if !ok1 || !ok2 || !ok3 || !ok4 || n != 8 || mon < 1 || mon > 12 || day < 1 || day > 31 {
		return time.Time{}, 0, false
	}
	hh, _ := twoDigits(b[9], b[10])
	mm, _ := twoDigits(b[12], b[13])
	ss, _ := twoDigits(b[15], b[16])
	if zone == nil {
		zone = time.UTC
	}
	return clock.date(2000+yy, mon, day, hh, mm, ss, 0, zone), 17, true
}

// monthOf returns 1-12 for an English month abbreviation, else 0.
func monthOf(b []byte) int {
	for i, m := range months {
		if string(b) == m {
			return i + 1
		}
	}
	return 0
}

// months are the English abbreviations SimpleFormatter's "%tb" prints
// in the default locale.
var months = [...]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}

// parseJULTime reads SimpleFormatter's default date, "Mar 02, 2024
// 10:15:02 AM" (day and hour with one or two digits), in zone.
func parseJULTime(b []byte, zone *time.Location, clock *minuteClock) (time.Time, int, bool) {
	if len(b) < 22 || b[3] != ' ' {
		return time.Time{}, 0, false
	}
	mon := monthOf(b[:3])
	if mon == 0 {
		return time.Time{}, 0, false
	}
	p := 4
	day, p, ok := number(b, p, 2)
	if !ok || day < 1 || day > 31 || p+2 > len(b) || b[p] != ',' || b[p+1] != ' ' {
		return time.Time{}, 0, false
	}
	year, q, ok := number(b, p+2, 4)
	if !ok || q-(p+2) != 4 || q >= len(b) || b[q] != ' ' {
		return time.Time{}, 0, false
	}
	hh, p, ok := number(b, q+1, 2)
	if !ok || hh < 1 || hh > 12 || p+9 > len(b) || b[p] != ':' || b[p+3] != ':' || b[p+6] != ' ' {
		return time.Time{}, 0, false
	}
	mm, ok1 := twoDigits(b[p+1], b[p+2])
	ss, ok2 := twoDigits(b[p+4], b[p+5])
	if !ok1 || !ok2 || mm > 59 || ss > 59 {
		return time.Time{}, 0, false
	}
	switch string(b[p+7 : p+9]) {
	case "AM":
		hh %= 12
	case "PM":
		hh = hh%12 + 12
	default:
		return time.Time{}, 0, false
	}
	if zone == nil {
		zone = time.UTC
	}
	return clock.date(year, mon, day, hh, mm, ss, 0, zone), p + 9, true
}

// number reads up to most digits at b[p:], at least one.
func number(b []byte, p, most int) (v, end int, ok bool) {
	end = p
	for end < len(b) && end-p < most && isDigit(b[end]) {
		v = v*10 + int(b[end]-'0')
		end++
	}
	return v, end, end > p
}

// parseUSDateTime reads "MM/dd/yyyy HH:mm:ss" with an optional fraction
// of 1-9 digits, Akka's "%d{MM/dd/yyyy HH:mm:ss.SSS}", in zone.
func parseUSDateTime(b []byte, zone *time.Location, clock *minuteClock) (time.Time, int, bool) {
	if len(b) < 19 || b[2] != '/' || b[5] != '/' || b[10] != ' ' {
		return time.Time{}, 0, false
	}
	mon, ok1 := twoDigits(b[0], b[1])
	day, ok2 := twoDigits(b[3], b[4])
	year, end, ok3 := number(b[6:10], 0, 4)
	n, ok4 := timeofday.Len(b[11:])
	if !ok1 || !ok2 || !ok3 || end != 4 || !ok4 || mon < 1 || mon > 12 || day < 1 || day > 31 {
		return time.Time{}, 0, false
	}
	hh, _ := twoDigits(b[11], b[12])
	mm, _ := twoDigits(b[14], b[15])
	ss, _ := twoDigits(b[17], b[18])
	nsec, scale := 0, 100000000
	for _, c := range b[min(11+n, 20) : 11+n] {
		nsec += int(c-'0') * scale
		scale /= 10
	}
	if zone == nil {
		zone = time.UTC
	}
	return clock.date(year, mon, day, hh, mm, ss, nsec, zone), 11 + n, true
}
