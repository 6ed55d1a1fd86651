package analyzer

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// fillDates dates the events of logs that print the time of day only
// (Event.NoDate). Each input moves as a block, so the midnights it crossed
// stay where they were:
//   - to the day that puts its first event nearest the earliest dated
//     evidence of the incident (a dated log line or a flow): the usual
//     bundle holds the client's log beside a broker log or a capture;
//   - else to the day that puts its last event at or before the file's
//     write time (a log is written as it goes, so its last line is at
//     most a little older than the file);
//   - else it stays on the placeholder day, January 1 of NoDateYear.
//
// A note names the inputs and how each was dated; the events are marked
// TimeGuessed.
func fillDates(inc *Incident, modTimes map[string]time.Time) {
	spans := datelessSpans(inc)
	if len(spans) == 0 {
		return
	}
	ref := earliestDated(inc)
	var byOthers, byFile, undated []string
	shift := make(map[string]int, len(spans))
	for _, s := range spans {
		switch m, ok := modTimes[s.path]; {
		case !ref.IsZero():
			shift[s.path] = daysNearest(s.first, ref)
			byOthers = append(byOthers, s.path)
		case ok && !m.IsZero():
			shift[s.path] = daysNotAfter(s.last, m)
			byFile = append(byFile, s.path)
		default:
			undated = append(undated, s.path)
		}
	}
	for i := range inc.Events {
		e := &inc.Events[i]
		if !e.NoDate {
			continue
		}
		if days, ok := shift[e.Source.Path]; ok {
			e.Time = e.Time.AddDate(0, 0, days)
		}
		e.NoDate, e.TimeGuessed = false, true
	}
	if len(byOthers) > 0 {
		inc.Notes = append(inc.Notes, fmt.Sprintf("%s the time of day without a date: dated by the other inputs (the first line put on the day nearest their earliest time, %s)",
			printWhich(byOthers), ref.UTC().Format("2006-01-02 15:04:05Z")))
	}
	if len(byFile) > 0 {
		inc.Notes = append(inc.Notes, fmt.Sprintf("%s the time of day without a date, and no other input is dated: dated by the file's modification time (the last line put on the day that makes it no later)",
			printWhich(byFile)))
	}
	if len(undated) > 0 {
		inc.Notes = append(inc.Notes, fmt.Sprintf("%s the time of day without a date, and nothing else tells the date: their times show the placeholder day %d-01-01",
			printWhich(undated), NoDateYear))
	}
}

// printWhich is "a.log prints" or "a.log, b.log print".
func printWhich(paths []string) string {
	if len(paths) == 1 {
		return paths[0] + " prints"
	}
	return strings.Join(paths, ", ") + " print"
}

// datelessSpan is the first and last NoDate time of one input.
type datelessSpan struct {
	path        string
	first, last time.Time
}

// datelessSpans returns the inputs that hold NoDate events, by path.
func datelessSpans(inc *Incident) []datelessSpan {
	at := map[string]int{}
	var spans []datelessSpan
	for i := range inc.Events {
		e := &inc.Events[i]
		if !e.NoDate {
			continue
		}
		j, ok := at[e.Source.Path]
		if !ok {
			j = len(spans)
			at[e.Source.Path] = j
			spans = append(spans, datelessSpan{path: e.Source.Path, first: e.Time, last: e.Time})
		}
		s := &spans[j]
		if e.Time.Before(s.first) {
			s.first = e.Time
		}
		if e.Time.After(s.last) {
			s.last = e.Time
		}
	}
	sort.Slice(spans, func(i, j int) bool { return spans[i].path < spans[j].path })
	return spans
}

// earliestDated is the earliest time an input stated in full: a log event
// with its date (a year fillYears inferred counts, its placeholder does
// not) or a flow's start; zero for none.
func earliestDated(inc *Incident) time.Time {
	var ref time.Time
	for i := range inc.Events {
		e := &inc.Events[i]
		if e.NoDate || e.NoYear || e.Time.IsZero() {
			continue
		}
		if ref.IsZero() || e.Time.Before(ref) {
			ref = e.Time
		}
	}
	for _, f := range inc.Flows {
		if ref.IsZero() || f.Start.Before(ref) {
			ref = f.Start
		}
	}
	return ref
}

// daysNearest is how many days to add to t, a time on the placeholder day
// or a few days after it, to bring it nearest target. Days are counted in
// t's zone, so the time of day is kept.
func daysNearest(t, target time.Time) int {
	best := daysApart(t, target)
	for _, d := range []int{best - 1, best + 1} {
		if absDuration(t.AddDate(0, 0, d).Sub(target)) < absDuration(t.AddDate(0, 0, best).Sub(target)) {
			best = d
		}
	}
	return best
}

// daysNotAfter is how many days to add to t to put it on the latest day
// where it is no later than target, with an hour's grace for clocks.
func daysNotAfter(t, target time.Time) int {
	days := daysApart(t, target)
	if t.AddDate(0, 0, days).After(target.Add(time.Hour)) {
		days--
	}
	return days
}

// daysApart counts the calendar days from t's date to target's, both in
// t's zone.
func daysApart(t, target time.Time) int {
	target = target.In(t.Location())
	ty, tm, td := t.Date()
	gy, gm, gd := target.Date()
	return int(time.Date(gy, gm, gd, 0, 0, 0, 0, time.UTC).Sub(time.Date(ty, tm, td, 0, 0, 0, 0, time.UTC)) / (24 * time.Hour))
}

func absDuration(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}
