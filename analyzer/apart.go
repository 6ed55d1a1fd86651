package analyzer

import (
	"fmt"
	"time"
)

// joinReach is the largest clock offset between logs and captures that the
// rules search for (rules.maxClockSkew): artifacts further apart are never
// joined.
const joinReach = 2 * time.Hour

// apartNote says when the captures and the logs cover times further apart
// than any clock offset the rules search: packets and log lines were then
// judged separately, and the reader must know why — a capture host's clock
// set wrong, or artifacts from different incidents. "" when either kind is
// missing or they come within reach of each other.
func apartNote(inc *Incident) string {
	var capFrom, capTo, logFrom, logTo time.Time
	for _, f := range inc.Flows {
		capFrom, capTo = earliest(capFrom, f.Start), latest(capTo, f.End)
	}
	for i := range inc.Events {
		if t := inc.Events[i].Time; !t.IsZero() {
			logFrom, logTo = earliest(logFrom, t), latest(logTo, t)
		}
	}
	if capFrom.IsZero() || logFrom.IsZero() {
		return ""
	}
	var gap time.Duration
	switch {
	case capTo.Before(logFrom):
		gap = logFrom.Sub(capTo)
	case logTo.Before(capFrom):
		gap = capFrom.Sub(logTo)
	}
	if gap <= joinReach {
		return ""
	}
	return fmt.Sprintf("the captures (%s to %s) and the logs (%s to %s) are %s apart: a clock was off or they come from different incidents, "+
		"so packets and log lines were not joined", stamp(capFrom), stamp(capTo), stamp(logFrom), stamp(logTo), gapWords(gap))
}

// earliest is t when from is unset or later; latest is t when to is
// earlier (an unset to is the earliest time of all).
func earliest(from, t time.Time) time.Time {
	if from.IsZero() || t.Before(from) {
		return t
	}
	return from
}

func latest(to, t time.Time) time.Time {
	if t.After(to) {
		return t
	}
	return to
}

func stamp(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05Z") }

// gapWords rounds a gap to what a reader needs: days beyond two, else hours.
func gapWords(d time.Duration) string {
	if d >= 48*time.Hour {
		return fmt.Sprintf("%d days", int(d/(24*time.Hour)))
	}
	return fmt.Sprintf("%.1f hours", d.Hours())
}
