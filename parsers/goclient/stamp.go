package goclient

import (
	"time"

	"github.com/kafkadiag/kafkadiag/parsers/internal/text"
)

// stamp is a time read from the start of a line.
type stamp struct {
	t time.Time
	n int // bytes consumed
	// zoned is set when a zone was printed ("Z", "+02:00", "+0200");
	// slash when the date was Go's standard log "2006/01/02".
	zoned, slash bool
}

// parseStamp reads "2006-01-02 15:04:05", "2006/01/02 15:04:05" or
// "2006-01-02T15:04:05", each with an optional fraction and zone, from the
// start of b. A time without zone is read in zone. It allocates nothing.
func parseStamp(b []byte, zone *time.Location) (stamp, bool) {
	var s stamp
	if len(b) < 19 || (b[4] != '-' && b[4] != '/') || b[7] != b[4] || (b[10] != ' ' && b[10] != 'T') || b[13] != ':' || b[16] != ':' {
		return s, false
	}
	s.slash = b[4] == '/'
	year, ok1 := text.Digits(b[0:4])
	month, ok2 := text.Digits(b[5:7])
	day, ok3 := text.Digits(b[8:10])
	hour, ok4 := text.Digits(b[11:13])
	minute, ok5 := text.Digits(b[14:16])
	sec, ok6 := text.Digits(b[17:19])
	if !ok1 || !ok2 || !ok3 || !ok4 || !ok5 || !ok6 || month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || sec > 60 {
		return s, false
	}
	n, nanos := 19, 0
	if n < len(b) && (b[n] == '.' || b[n] == ',') {
		scale := 100000000
		n++
		start := n
		for n < len(b) && isDigit(b[n]) {
			if scale > 0 {
				nanos += int(b[n]-'0') * scale
				scale /= 10
			}
			n++
		}
		if n == start {
			return s, false
		}
	}
	offset, zn, zoned := text.ZoneOffset(b[n:])
	s.n, s.zoned = n+zn, zoned
	if zoned {
		s.t = time.Date(year, time.Month(month), day, hour, minute, sec, nanos, time.UTC).Add(-time.Duration(offset) * time.Second)
	} else {
		s.t = time.Date(year, time.Month(month), day, hour, minute, sec, nanos, zone)
	}
	return s, true
}
