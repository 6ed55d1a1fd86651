package rules

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kafkadiag/kafkadiag/analyzer"
)

func TestMassCloseNote(t *testing.T) {
	// consumers closes one connection per consumer at the given seconds
	// and ages; clients names the consumer of each (same index).
	consumers := func(secs []float64, ages []int64, clients []int) *analyzer.Incident {
		var events []analyzer.Event
		for i := range secs {
			e := disconnectedUp(secs[i], 10+i, ages[i])
			e.Client = fmt.Sprintf("rdkafka#consumer-%d", clients[i])
			events = append(events, e)
		}
		return incident(events, nil, node1)
	}
	five := []int{8, 25, 32, 41, 57}
	tests := []struct {
		name string
		inc  *analyzer.Incident
		want []string // each finding's summary starts with one of these, in order
	}{
		{"five consumers within a second at ages 46-48 min",
			consumers([]float64{3000, 3000.2, 3000.3, 3000.5, 3000.6}, []int64{2761000, 2790500, 2777200, 2820900, 2800100}, five),
			[]string{"At 2026-03-14 10:50:00.000, 5 connections were closed by the peer within 0.6 s, at ages from 46 min to 47 min"}},
		{"same instant, same age (could be one timer)",
			consumers([]float64{3000, 3000.2, 3000.3}, []int64{600001, 600002, 600003}, five), nil},
		{"different ages spread over minutes (not one instant)",
			consumers([]float64{3000, 3200, 3400}, []int64{2761000, 2790500, 2777200}, five), nil},
		{"one consumer repeating itself",
			consumers([]float64{3000, 3000.2, 3000.3}, []int64{2761000, 2790500, 2777200}, []int{8, 8, 8}), nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for i, f := range (BrokerRestart{}).Evaluate(tc.inc) {
				if f.Severity != analyzer.Info || f.Missing == "" {
					t.Errorf("severity %v, missing %q: want info with the artifact that settles it", f.Severity, f.Missing)
				}
				s := f.Summary
				if i < len(tc.want) && strings.HasPrefix(s, tc.want[i]) {
					s = tc.want[i]
				}
				got = append(got, s)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("findings (-want +got):\n%s", diff)
			}
		})
	}
}
