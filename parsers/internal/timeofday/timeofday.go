// Package timeofday reads times printed without a date ("15:46:17.808")
// and dates them the way analyzer.Event.NoDate asks: on January 1 of
// analyzer.NoDateYear, plus a day for each midnight the log crossed.
// Analyze later moves each input's block of such times to its real day.
package timeofday

import (
	"time"

	"github.com/kafkadiag/kafkadiag/analyzer"
)

// Len is the length of "HH:mm:ss" with an optional fraction of 1 to 9
// digits after '.' or ',' at the start of b; ok is false when b starts
// with no such time.
func Len(b []byte) (n int, ok bool) {
	if len(b) < 8 || b[2] != ':' || b[5] != ':' {
		return 0, false
	}
	hh, ok1 := twoDigits(b[0], b[1])
	mm, ok2 := twoDigits(b[3], b[4])
	ss, ok3 := twoDigits(b[6], b[7])
	if !ok1 || !ok2 || !ok3 || hh > 23 || mm > 59 || ss > 60 {
		return 0, false
	}
	n = 8
	if n < len(b) && (b[n] == '.' || b[n] == ',') {
		k := n + 1
		for k < len(b) && k-n <= 9 && b[k] >= '0' && b[k] <= '9' {
			k++
		}
		if k == n+1 {
			return 0, false
		}
		n = k
	}
	return n, true
}

// At is the time of day b holds, as Len accepted it, on the placeholder
// day in zone.
func At(b []byte, zone *time.Location) time.Time {
	hh, _ := twoDigits(b[0], b[1])
	mm, _ := twoDigits(b[3], b[4])
	ss, _ := twoDigits(b[6], b[7])
	nsec, scale := 0, 100000000
	for _, c := range b[min(len(b), 9):] {
		nsec += int(c-'0') * scale
		scale /= 10
	}
	return time.Date(analyzer.NoDateYear, time.January, 1, hh, mm, ss, nsec, zone)
}

// Days dates the times of day of one log: a time more than twelve hours
// before the one before it is on the next day. A log is written in order,
// so only midnight turns its clock back that far; threads print a few
// milliseconds out of order, and a daylight saving change turns it back an
// hour. The zero value is ready for a log's first line.
type Days struct {
	days int
	last time.Time // the last time of day, on the placeholder day
}

// Date returns tod, a time of day on the placeholder day, moved by the
// midnights crossed so far.
func (c *Days) Date(tod time.Time) time.Time {
	if !c.last.IsZero() && c.last.Sub(tod) > 12*time.Hour {
		c.days++
	}
	c.last = tod
	if c.days == 0 {
		return tod
	}
	return tod.AddDate(0, 0, c.days)
}

func twoDigits(a, b byte) (int, bool) {
	if a < '0' || a > '9' || b < '0' || b > '9' {
		return 0, false
	}
	return int(a-'0')*10 + int(b-'0'), true
}
