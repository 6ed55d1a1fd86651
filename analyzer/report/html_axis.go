package report

import (
	"time"
)

// axisTick is one labelled tick of a time axis.
type axisTick struct {
	X     float64
	Label string
}

// tickSteps are the spacings a time axis may use, shortest first: round
// values a person reads at a glance, from 100 ms to a week.
var tickSteps = []time.Duration{
	100 * time.Millisecond, 200 * time.Millisecond, 500 * time.Millisecond,
	time.Second, 2 * time.Second, 5 * time.Second, 10 * time.Second, 15 * time.Second, 30 * time.Second,
	time.Minute, 2 * time.Minute, 5 * time.Minute, 10 * time.Minute, 15 * time.Minute, 30 * time.Minute,
	time.Hour, 2 * time.Hour, 3 * time.Hour, 6 * time.Hour, 12 * time.Hour,
	24 * time.Hour, 2 * 24 * time.Hour, 7 * 24 * time.Hour,
}

// pickStep returns the shortest step giving at most maxTicks ticks over span.
func pickStep(span time.Duration, maxTicks int) time.Duration {
	for _, s := range tickSteps {
		if span/s < time.Duration(maxTicks) {
			return s
		}
	}
	return tickSteps[len(tickSteps)-1] * (span/tickSteps[len(tickSteps)-1]/time.Duration(maxTicks) + 1)
}

// timeTicks places ticks on [from, to] at round times of zone z: whole
// seconds, minutes, hours, and local midnights for day steps. x maps a time
// to its position. A tick label carries the date when the day changed since
// the previous tick.
func timeTicks(from, to time.Time, z *time.Location, maxTicks int, x func(time.Time) float64) []axisTick {
	step := pickStep(to.Sub(from), maxTicks)
	var out []axisTick
	prevDay := ""
	for t := firstTick(from, step, z); !t.After(to) && len(out) <= maxTicks+1; t = nextTick(t, step, z) {
		if t.Before(from) {
			continue
		}
		local := t.In(z)
		label := local.Format(tickLayout(step))
		day := local.Format("2006-01-02")
		if step < 24*time.Hour && prevDay != "" && day != prevDay {
			label = local.Format("Jan 2 ") + label
		}
		prevDay = day
		out = append(out, axisTick{X: x(t), Label: label})
	}
	return out
}

func tickLayout(step time.Duration) string {
	switch {
	case step < time.Second:
		return "15:04:05.0"
	case step < time.Minute:
		return "15:04:05"
	case step < 24*time.Hour:
		return "15:04"
	}
	return "Jan 2"
}

// firstTick is the first round time at or after from.
func firstTick(from time.Time, step time.Duration, z *time.Location) time.Time {
	local := from.In(z)
	if step >= 24*time.Hour {
		d := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, z)
		for d.Before(from) {
			d = d.AddDate(0, 0, 1)
		}
		return d
	}
	_, off := local.Zone()
	shift := time.Duration(off) * time.Second
	t := from.Add(shift).Truncate(step).Add(-shift)
	if t.Before(from) {
		t = t.Add(step)
	}
	return t
}

func nextTick(t time.Time, step time.Duration, z *time.Location) time.Time {
	if step >= 24*time.Hour {
		return t.In(z).AddDate(0, 0, int(step/(24*time.Hour)))
	}
	return t.Add(step)
}

// niceSteps are the spacings of a duration axis (the idle-gap histogram),
// in seconds.
var niceSteps = []float64{0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 14400, 28800, 86400}

// niceStep returns the smallest nice step dividing span into at most n parts.
func niceStep(span float64, n int) float64 {
	for _, s := range niceSteps {
		if span/s <= float64(n) {
			return s
		}
	}
	return niceSteps[len(niceSteps)-1]
}

// secondsLabel prints a duration axis value: "500 ms", "27 s", "9 min".
func secondsLabel(s float64) string {
	d := time.Duration(s * float64(time.Second))
	switch {
	case d <= 0:
		return "0 s"
	case d < time.Second:
		return trimFloat(s*1000) + " ms"
	case d < 2*time.Minute || d%time.Minute != 0:
		return trimFloat(s) + " s"
	case d < 2*time.Hour || d%time.Hour != 0:
		return trimFloat(s/60) + " min"
	}
	return trimFloat(s/3600) + " h"
}
