package main

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestMemoryLimit: analyze runs under the soft memory limit and its GC
// percent, other commands do not, and GOMEMLIMIT or GOGC in the
// environment wins.
func TestMemoryLimit(t *testing.T) {
	const log = "FAKE-LOG\n2024-05-01T10:00:00Z critical broker1 refused\n"
	tests := []struct {
		name       string
		args       []string
		gomemlimit string
		gogc       string
		want       []int64
		wantGC     []int
	}{
		{"analyze", []string{"analyze", "--fail-on", "none", "-"}, "", "", []int64{analyzeMemoryLimit}, []int{analyzeGCPercent}},
		{"analyze, GOMEMLIMIT set", []string{"analyze", "--fail-on", "none", "-"}, "1GiB", "", nil, []int{analyzeGCPercent}},
		{"analyze, GOGC set", []string{"analyze", "--fail-on", "none", "-"}, "", "100", []int64{analyzeMemoryLimit}, nil},
		{"flows", []string{"flows", "-"}, "", "", nil, nil},
		{"rules", []string{"rules", "list"}, "", "", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, _, errb := testEnv(log)
			e.getenv = func(k string) string {
				switch k {
				case "GOMEMLIMIT":
					return tt.gomemlimit
				case "GOGC":
					return tt.gogc
				}
				return ""
			}
			var got []int64
			var gotGC []int
			e.setMemoryLimit = func(n int64) { got = append(got, n) }
			e.setGCPercent = func(n int) { gotGC = append(gotGC, n) }
			run(tt.args, e)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("memory limits set (-want +got):\n%s\nstderr: %s", diff, errb)
			}
			if diff := cmp.Diff(tt.wantGC, gotGC); diff != "" {
				t.Errorf("GC percents set (-want +got):\n%s\nstderr: %s", diff, errb)
			}
		})
	}
}
