package analyzer

import "fmt"

// dropDuplicateEvents removes events that are the same record read twice
// from different inputs: bundles often carry one journal in two export
// formats (`-o export` and `-o json`), or a log both loose and inside an
// archive. Two events are the same record when time, kind, host and text
// agree exactly and they come from different files; lines repeated inside
// one file are real repetitions and stay. Events must be sorted by time.
// It returns how many were dropped.
func dropDuplicateEvents(events []Event) ([]Event, int) {
	type key struct {
		kind EventKind
		host string
		text string
	}
	out := events[:0]
	dropped := 0
	for i := 0; i < len(events); {
		// One run of equal times at a time keeps the set small.
		j := i
		for j < len(events) && events[j].Time.Equal(events[i].Time) {
			j++
		}
		var firstPath map[key]string
		if j-i > 1 {
			firstPath = make(map[key]string, j-i)
		}
		for _, e := range events[i:j] {
			if firstPath != nil && !e.Time.IsZero() {
				k := key{e.Kind, e.Host, e.Text}
				if p, seen := firstPath[k]; seen && p != e.Source.Path {
					dropped++
					continue
				}
				if _, seen := firstPath[k]; !seen {
					firstPath[k] = e.Source.Path
				}
			}
			out = append(out, e)
		}
		i = j
	}
	return out, dropped
}

func duplicateNote(n int) string {
	return fmt.Sprintf("%d log events appeared in more than one input (the same journal or log exported twice, say) and were counted once", n)
}
