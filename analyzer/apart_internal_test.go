package analyzer

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kafkadiag/kafkadiag/analyzer/flow"
)

// The note speaks only when captures and logs are further apart than the
// rules' clock search reaches.
func TestApartNote(t *testing.T) {
	t0 := time.Date(2026, 11, 23, 12, 45, 0, 0, time.UTC)
	flows := func(from time.Time) []*flow.Flow {
		return []*flow.Flow{
			{Start: from, End: from.Add(10 * time.Second)},
			{Start: from.Add(5 * time.Second), End: from.Add(30 * time.Second)},
		}
	}
	events := []Event{{Time: t0.Add(2 * time.Second)}, {}, {Time: t0.Add(20 * time.Second)}}
	years := t0.Add((3*365+41)*24*time.Hour + 7*time.Hour)
	tests := []struct {
		name   string
		flows  []*flow.Flow
		events []Event
		want   string
	}{
		{"overlapping", flows(t0), events, ""},
		{"37 s off", flows(t0.Add(37 * time.Second)), events, ""},
		{"within two hours", flows(t0.Add(2 * time.Hour)), events, ""},
		{"years later", flows(years), events, "the captures (2030-01-02 19:45:00Z to 2030-01-02 19:45:30Z) and the logs " +
			"(2026-11-23 12:45:02Z to 2026-11-23 12:45:20Z) are 1136 days apart: a clock was off or they come from different incidents, " +
			"so packets and log lines were not joined"},
		{"hours earlier", flows(t0.Add(-5 * time.Hour)), events, "the captures (2026-11-23 07:45:00Z to 2026-11-23 07:45:30Z) and the logs " +
			"(2026-11-23 12:45:02Z to 2026-11-23 12:45:20Z) are 5.0 hours apart: a clock was off or they come from different incidents, " +
			"so packets and log lines were not joined"},
		{"captures only", flows(years), nil, ""},
		{"logs only", nil, events, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := apartNote(&Incident{Flows: tc.flows, Events: tc.events})
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}
