package systemctl

import (
	"strconv"
	"strings"
	"time"

	"github.com/kafkadiag/kafkadiag/parsers/internal/text"
)

// since reads the unit's Active time, "Thu 2021-05-27 16:57:53 IST"
// (microseconds after the seconds when systemctl was asked for them): in
// the zone it names when that is exact (UTC, GMT, a numeric abbreviation),
// else in Source.Zone, noting the assumption. Zero when there is none or
// it does not read.
func (d *decoder) since(u *unit) time.Time {
	if u.since == "" {
		return time.Time{}
	}
	t, abbr, exact, ok := parseSince(u.since, d.src.ZoneOrUTC())
	if !ok {
		d.problem(d.src.Path + ": line " + strconv.Itoa(u.activeLine) + ": the time " + strconv.Quote(u.since) +
			" is not systemd's \"Day YYYY-MM-DD HH:MM:SS ZONE\": the state is not dated")
		return time.Time{}
	}
	if exact {
		return t
	}
	d.st.ZoneAssumed = true
	if name, _ := t.Zone(); name != abbr && !d.zoneNoted {
		d.zoneNoted = true
		d.problem(d.src.Path + ": line " + strconv.Itoa(u.activeLine) + ": systemd printed the zone as " + strconv.Quote(abbr) +
			", an abbreviation that may name several zones; its times were read in " + t.Location().String() + " (--tz names the machine's zone)")
	}
	return t
}

// parseSince reads "Thu 2021-05-27 16:57:53[.123456] ZONE". exact is set
// when ZONE is UTC, GMT or a numeric abbreviation ("+04", "-0330"), which
// name one offset; otherwise the time is read in zone and abbr is the
// abbreviation printed.
func parseSince(s string, zone *time.Location) (t time.Time, abbr string, exact, ok bool) {
	f := strings.Fields(s)
	if len(f) == 4 && len(f[0]) == 3 {
		f = f[1:] // the weekday
	}
	if len(f) != 3 {
		return time.Time{}, "", false, false
	}
	date, clock, abbr := f[0], f[1], f[2]
	if len(date) != 10 || date[4] != '-' || date[7] != '-' || len(clock) < 8 || clock[2] != ':' || clock[5] != ':' {
		return time.Time{}, "", false, false
	}
	y, ok1 := text.Digits([]byte(date[:4]))
	mo, ok2 := text.Digits([]byte(date[5:7]))
	dd, ok3 := text.Digits([]byte(date[8:]))
	hh, ok4 := text.Digits([]byte(clock[:2]))
	mm, ok5 := text.Digits([]byte(clock[3:5]))
	ss, ok6 := text.Digits([]byte(clock[6:8]))
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) || y < 1970 || mo < 1 || mo > 12 || dd < 1 || dd > 31 || hh > 23 || mm > 59 || ss > 60 {
		return time.Time{}, "", false, false
	}
	ns := 0
	if frac := clock[8:]; frac != "" {
		digits, okf := text.Digits([]byte(frac[1:]))
		if frac[0] != '.' || !okf || len(frac) > 10 {
			return time.Time{}, "", false, false
		}
		ns = digits
		for i := len(frac) - 1; i < 9; i++ {
			ns *= 10
		}
	}
	loc, exact := zone, false
	switch {
	case abbr == "UTC" || abbr == "GMT" || abbr == "UCT" || abbr == "Z":
		loc, exact = time.UTC, true
	case abbr[0] == '+' || abbr[0] == '-':
		off, okz := numericZone(abbr[1:])
		if !okz {
			return time.Time{}, "", false, false
		}
		if abbr[0] == '-' {
			off = -off
		}
		loc, exact = time.FixedZone(abbr, off), true
	}
	return time.Date(y, time.Month(mo), dd, hh, mm, ss, ns, loc), abbr, exact, true
}

// numericZone reads the "04", "0330" of a numeric zone abbreviation as
// seconds east of UTC.
func numericZone(s string) (int, bool) {
	if len(s) != 2 && len(s) != 4 {
		return 0, false
	}
	h, ok := text.Digits([]byte(s[:2]))
	m := 0
	if len(s) == 4 {
		var okm bool
		m, okm = text.Digits([]byte(s[2:]))
		ok = ok && okm && m < 60
	}
	if !ok || h > 14 {
		return 0, false
	}
	return h*3600 + m*60, true
}
