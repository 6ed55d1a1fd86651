package envelope

import (
	"time"

	"github.com/kafkadiag/kafkadiag/parsers/internal/text"
)

// parseISOTime reads "YYYY-MM-DD[T ]HH:MM:SS[.,fraction][Z|±HH:MM|±HHMM|±HH]"
// at the start of b: RFC 3339 as Docker, CRI and most JSON encoders print
// it, and the space-separated form without a zone. A time without a zone is
// read in zone and zoned is false. n is the bytes taken. It never
// allocates: offsets are applied by hand rather than through FixedZone.
func parseISOTime(b []byte, zone *time.Location) (t time.Time, n int, zoned, ok bool) {
	f, nsec, n, ok := parseCivil(b, '-')
	if !ok {
		return time.Time{}, 0, false, false
	}
	off, m, zoned := parseOffset(b[n:])
	n += m
	if !zoned {
		return time.Date(f[0], time.Month(f[1]), f[2], f[3], f[4], f[5], nsec, zone), n, false, true
	}
	t = time.Date(f[0], time.Month(f[1]), f[2], f[3], f[4], f[5], nsec, time.UTC)
	return t.Add(-time.Duration(off) * time.Second), n, true, true
}

// parseTimeValue reads a whole JSON time string: RFC 3339 or its
// space-separated form (parseISOTime), or that with the zone after one
// space, "2021-09-07 23:49:44 +0000" — Ruby's Time#to_s, which fluentd's
// JSON logs print. The space is read only here, where nothing follows the
// zone: after a time in a line prefix, "+0000" may be the message.
func parseTimeValue(s []byte, zone *time.Location) (t time.Time, zoned, ok bool) {
	t, n, zoned, ok := parseISOTime(s, zone)
	if !ok || n == len(s) {
		return t, zoned, ok && n == len(s)
	}
	if zoned || s[n] != ' ' || n+1 == len(s) || (s[n+1] != '+' && s[n+1] != '-') {
		return time.Time{}, false, false
	}
	off, m, good := parseOffset(s[n+1:])
	if !good || n+1+m != len(s) {
		return time.Time{}, false, false
	}
	u := time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), time.UTC)
	return u.Add(-time.Duration(off) * time.Second), true, true
}

// parseClickHouseTime reads "YYYY.MM.DD HH:MM:SS[.fraction]", the
// server's local time ClickHouse prints without a zone, in zone.
func parseClickHouseTime(b []byte, zone *time.Location) (t time.Time, n int, ok bool) {
	f, nsec, n, ok := parseCivil(b, '.')
	if !ok || b[10] != ' ' {
		return time.Time{}, 0, false
	}
	return time.Date(f[0], time.Month(f[1]), f[2], f[3], f[4], f[5], nsec, zone), n, true
}

// parseCivil reads "YYYY<sep>MM<sep>DD[Tt ]HH:MM:SS[.,fraction]": the
// date and time of day, f holding year, month, day, hour, minute and
// second. n is the bytes taken.
func parseCivil(b []byte, sep byte) (f [6]int, nsec, n int, ok bool) {
	if len(b) < 19 || b[4] != sep || b[7] != sep || (b[10] != 'T' && b[10] != 't' && b[10] != ' ') || b[13] != ':' || b[16] != ':' {
		return f, 0, 0, false
	}
	for k, at := range [6]int{0, 5, 8, 11, 14, 17} {
		width := 2
		if k == 0 {
			width = 4
		}
		v, good := text.Digits(b[at : at+width])
		if !good {
			return f, 0, 0, false
		}
		f[k] = v
	}
	if f[1] < 1 || f[1] > 12 || f[2] < 1 || f[2] > 31 || f[3] > 23 || f[4] > 59 || f[5] > 60 {
		return f, 0, 0, false
	}
	n = 19
	if n < len(b) && (b[n] == '.' || b[n] == ',') {
		j, scale := n+1, 100000000
		for j < len(b) && b[j] >= '0' && b[j] <= '9' {
			nsec += int(b[j]-'0') * scale
			scale /= 10
			j++
		}
		if j == n+1 {
			return f, 0, 0, false
		}
		n = j
	}
	return f, nsec, n, true
}

// parseOffset reads a zone designator: Z, ±HH:MM, ±HHMM or ±HH. off is in
// seconds east of UTC.
func parseOffset(b []byte) (off, n int, ok bool) {
	if len(b) == 0 {
		return 0, 0, false
	}
	if b[0] == 'Z' || b[0] == 'z' {
		return 0, 1, true
	}
	if b[0] != '+' && b[0] != '-' || len(b) < 3 {
		return 0, 0, false
	}
	h, good := text.Digits(b[1:3])
	if !good || h > 23 {
		return 0, 0, false
	}
	n, m := 3, 0
	switch {
	case len(b) >= 6 && b[3] == ':':
		if m, good = text.Digits(b[4:6]); !good {
			return 0, 0, false
		}
		n = 6
	case len(b) >= 5 && b[3] >= '0' && b[3] <= '9':
		if m, good = text.Digits(b[3:5]); !good {
			return 0, 0, false
		}
		n = 5
	}
	off = h*3600 + m*60
	if b[0] == '-' {
		off = -off
	}
	return off, n, true
}

// parseEpoch reads a Unix time printed as a number: seconds with an
// optional fraction (zap "ts", librdkafka), or whole milliseconds
// (Log4j2 "timeMillis", pino "time"), microseconds or nanoseconds,
// told apart by magnitude: a whole number above 10^11 is not seconds
// (10^11 s is the year 5138).
func parseEpoch(b []byte) (time.Time, bool) {
	var whole int64
	i := 0
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		if i >= 19 {
			return time.Time{}, false
		}
		whole = whole*10 + int64(b[i]-'0')
		i++
	}
	if i == 0 {
		return time.Time{}, false
	}
	if i == len(b) {
		switch {
		case whole < 1e11:
			return time.Unix(whole, 0).UTC(), true
		case whole < 1e14:
			return time.UnixMilli(whole).UTC(), true
		case whole < 1e17:
			return time.UnixMicro(whole).UTC(), true
		}
		return time.Unix(0, whole).UTC(), true
	}
	if b[i] != '.' || whole >= 1e11 {
		return time.Time{}, false
	}
	var nsec int64
	scale := int64(100000000)
	for j := i + 1; j < len(b); j++ {
		c := b[j]
		if c == 'e' || c == 'E' || c < '0' || c > '9' {
			return time.Time{}, false
		}
		nsec += int64(c-'0') * scale
		scale /= 10
	}
	return time.Unix(whole, nsec).UTC(), true
}
