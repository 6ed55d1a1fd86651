package envelope

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kafkadiag/kafkadiag/analyzer"
)

// TestLearnZone: the offset between a record's runtime time and its
// printed local time becomes the zone; a difference that is no whole
// quarter hour within zoneSlack, or beyond UTC±14, teaches nothing.
func TestLearnZone(t *testing.T) {
	utc := time.Date(2024, 3, 5, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name  string
		ts    time.Time
		text  string
		zone  string // "" nothing learned
		shift time.Duration
	}{
		{"utc", utc.Add(40 * time.Millisecond), "[2024-03-05 10:00:00,000] INFO x (a.B)", "UTC", 0},
		{"india", utc, "2024-03-05 15:30:00.000  INFO 1 --- [main] a.B : x", "UTC+05:30", 5*time.Hour + 30*time.Minute},
		{"brazil", utc.Add(2 * time.Second), "[2024-03-05 07:00:00,000] INFO x (a.B)", "UTC-03:00", -3 * time.Hour},
		{"kiribati", utc, "[2024-03-06 00:00:00,000] INFO x (a.B)", "UTC+14:00", 14 * time.Hour},
		{"written late", utc.Add(7 * time.Minute), "[2024-03-05 10:00:00,000] INFO x (a.B)", "", 0},
		{"zoned inner time", utc, "2024-03-05T11:00:00.000+01:00 INFO x", "", 0},
		{"no time", utc, "\tat a.B.c(B.java:1)", "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := &analyzer.Source{Path: "p.log", Zone: time.UTC}
			rd := &reader{src: src, decSrc: sourceFor(src), route: router{zone: time.UTC}}
			rd.learnZone(tt.ts, []byte(tt.text))
			got := ""
			if rd.zone.learned {
				got = rd.decSrc.Zone.String()
				if _, off := time.Date(2024, 3, 5, 0, 0, 0, 0, rd.decSrc.Zone).Zone(); time.Duration(off)*time.Second != tt.shift {
					t.Errorf("offset %ds, want %v", off, tt.shift)
				}
				if rd.route.zone != rd.decSrc.Zone {
					t.Error("structured reader zone not set")
				}
			}
			if diff := cmp.Diff(tt.zone, got); diff != "" {
				t.Errorf("zone (-want +got):\n%s", diff)
			}
			if src.Zone != time.UTC {
				t.Error("the input's own Source changed")
			}
		})
	}
}
