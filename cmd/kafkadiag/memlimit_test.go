package main

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestMemoryLimit: analyze runs under the soft memory limit, other
// commands do not, and GOMEMLIMIT in the environment wins.
func TestMemoryLimit(t *testing.T) {
	const log = "FAKE-LOG\n2024-05-01T10:00:00Z critical broker1 refused\n"
	tests := []struct {
		name       string
		args       []string
		gomemlimit string
		want       []int64
	}{
		{"analyze", []string{"analyze", "--fail-on", "none", "-"}, "", []int64{analyzeMemoryLimit}},
		{"analyze, GOMEMLIMIT set", []string{"analyze", "--fail-on", "none", "-"}, "1GiB", nil},
		{"flows", []string{"flows", "-"}, "", nil},
		{"rules", []string{"rules", "list"}, "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, _, errb := testEnv(log)
			e.getenv = func(k string) string {
				if k == "GOMEMLIMIT" {
					return tt.gomemlimit
				}
				return ""
			}
			var got []int64
			e.setMemoryLimit = func(n int64) { got = append(got, n) }
			run(tt.args, e)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("memory limits set (-want +got):\n%s\nstderr: %s", diff, errb)
			}
		})
	}
}
