package analyzer

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kafkadiag/kafkadiag/analyzer/flow"
)

// TestFillDates: each input of time-of-day lines moves as a block to the
// day the other inputs, else its file's write time, point to; without
// either it stays on the placeholder day. Notes say which.
func TestFillDates(t *testing.T) {
	plus2 := time.FixedZone("+02", 2*3600)
	day := func(d int, hh, mm int, loc *time.Location) time.Time {
		return time.Date(NoDateYear, time.January, d, hh, mm, 0, 0, loc)
	}
	noDate := func(path string, at time.Time) Event {
		return Event{Kind: ConnectRefused, Time: at, NoDate: true, Source: Location{Path: path}}
	}
	dated := func(at time.Time) Event {
		return Event{Kind: BrokerStarted, Time: at, Source: Location{Path: "server.log"}}
	}
	utc := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		name     string
		events   []Event
		flows    []*flow.Flow
		modTimes map[string]time.Time
		want     []string // every event's time, RFC 3339 in UTC, in input order
		note     string   // words a note must hold
	}{
		{
			name:   "a dated log beside it",
			events: []Event{dated(utc("2024-03-05T10:00:00Z")), noDate("app.log", day(1, 9, 58, time.UTC)), noDate("app.log", day(1, 10, 3, time.UTC))},
			want:   []string{"2024-03-05T10:00:00Z", "2024-03-05T09:58:00Z", "2024-03-05T10:03:00Z"},
			note:   "app.log prints the time of day without a date: dated by the other inputs",
		},
		{
			name:   "a capture that starts after midnight",
			events: []Event{noDate("app.log", day(1, 23, 59, time.UTC)), noDate("app.log", day(2, 0, 2, time.UTC))},
			flows:  []*flow.Flow{{Start: utc("2024-03-05T00:01:00Z")}},
			want:   []string{"2024-03-04T23:59:00Z", "2024-03-05T00:02:00Z"},
			note:   "dated by the other inputs",
		},
		{
			name:   "days counted in the log's zone",
			events: []Event{dated(utc("2024-03-05T23:30:00Z")), noDate("app.log", day(1, 1, 29, plus2))},
			want:   []string{"2024-03-05T23:30:00Z", "2024-03-05T23:29:00Z"},
		},
		{
			name:     "the file's write time",
			events:   []Event{noDate("app.log", day(1, 6, 0, time.UTC)), noDate("app.log", day(1, 7, 30, time.UTC))},
			modTimes: map[string]time.Time{"app.log": utc("2024-03-05T08:00:00Z")},
			want:     []string{"2024-03-05T06:00:00Z", "2024-03-05T07:30:00Z"},
			note:     "dated by the file's modification time",
		},
		{
			name:     "a last line later in the day than the write time is from the day before",
			events:   []Event{noDate("app.log", day(1, 6, 0, time.UTC)), noDate("app.log", day(1, 9, 30, time.UTC))},
			modTimes: map[string]time.Time{"app.log": utc("2024-03-05T08:00:00Z")},
			want:     []string{"2024-03-04T06:00:00Z", "2024-03-04T09:30:00Z"},
		},
		{
			name:     "within the hour's grace",
			events:   []Event{noDate("app.log", day(1, 8, 30, time.UTC))},
			modTimes: map[string]time.Time{"app.log": utc("2024-03-05T08:00:00Z")},
			want:     []string{"2024-03-05T08:30:00Z"},
		},
		{
			name:   "nothing tells the date",
			events: []Event{noDate("a.log", day(1, 6, 0, time.UTC)), noDate("b.log", day(1, 7, 0, time.UTC))},
			want:   []string{"2000-01-01T06:00:00Z", "2000-01-01T07:00:00Z"},
			note:   "a.log, b.log print the time of day without a date, and nothing else tells the date: their times show the placeholder day 2000-01-01",
		},
		{
			name:   "a journal line whose year is still a placeholder dates nothing",
			events: []Event{{Kind: BrokerStarted, Time: utc("2000-03-05T10:00:00Z"), NoYear: true}, noDate("app.log", day(1, 6, 0, time.UTC))},
			want:   []string{"2000-03-05T10:00:00Z", "2000-01-01T06:00:00Z"},
			note:   "placeholder day",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			inc := &Incident{Events: tc.events, Flows: tc.flows}
			fillDates(inc, tc.modTimes)
			var got []string
			for _, e := range inc.Events {
				got = append(got, e.Time.UTC().Format(time.RFC3339))
				if e.NoDate {
					t.Errorf("%s: still NoDate", e.Source.Path)
				}
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("times (-want +got):\n%s", diff)
			}
			if tc.note != "" && !strings.Contains(strings.Join(inc.Notes, "\n"), tc.note) {
				t.Errorf("notes %q, want one saying %q", inc.Notes, tc.note)
			}
		})
	}
}

// TestFillDatesLeavesDatedLogsAlone: without a time-of-day input nothing
// changes and no note is added.
func TestFillDatesLeavesDatedLogsAlone(t *testing.T) {
	at := time.Date(2024, 3, 5, 10, 0, 0, 0, time.UTC)
	inc := &Incident{Events: []Event{{Kind: BrokerStarted, Time: at}}}
	fillDates(inc, map[string]time.Time{"x": at})
	if !inc.Events[0].Time.Equal(at) || inc.Events[0].TimeGuessed || len(inc.Notes) != 0 {
		t.Errorf("event %+v, notes %q; want both unchanged", inc.Events[0], inc.Notes)
	}
}
