package batch

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The collision suffixes are the SHA-256 of the cleaned path, as in
// printf %s a/case.tgz | sha256sum | cut -c1-8
func TestReportNames(t *testing.T) {
	tests := []struct {
		name  string
		paths []string
		want  []string
	}{
		{"archive ending dropped", []string{"cases/case-4411.tgz", "b/x.tar.gz", "c/y.TAR.ZST", "d/z.zip"},
			[]string{"case-4411", "x", "y", "z"}},
		{"folder, trailing slash", []string{"cases/host-a/"}, []string{"host-a"}},
		{"unsafe characters", []string{"cases/tick et#1 ü.tar.gz"}, []string{"tick_et_1__"}},
		{"no hidden file, no option", []string{"../.hidden.tgz", "-rf.zip", "--x"}, []string{"hidden", "rf", "x"}},
		{"only an ending", []string{"a/.tgz"}, []string{"tgz"}},
		{"nothing left", []string{"a/..."}, []string{"incident"}},
		{"summary is taken", []string{"a/summary.tgz"}, []string{"incident-summary"}},
		{"current folder", []string{"."}, []string{"batch"}},
		{"same name in two folders", []string{"a/case.tgz", "b/case.zip", "c/other.tgz"},
			[]string{"case-0fecabb1", "case-24292b94", "other"}},
		{"names differing in case only", []string{"a/CASE.tgz", "b/case.tgz"},
			[]string{"CASE-b3245d9a", "case-0c196e2b"}},
		{"same path twice", []string{"a/case.tgz", "a/case.tgz", "a/./case.tgz"},
			[]string{"case-0fecabb1", "case-0fecabb1-2", "case-0fecabb1-3"}},
		{"suffix taken by another name", []string{"a/case.tgz", "a/case.tgz", "case-0fecabb1-2.tgz"},
			[]string{"case-0fecabb1", "case-0fecabb1-2", "case-0fecabb1-2-2"}},
		{"long name cut", []string{strings.Repeat("x", 300) + ".tgz"}, []string{strings.Repeat("x", maxNameLen)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if d := cmp.Diff(tt.want, ReportNames(tt.paths)); d != "" {
				t.Errorf("ReportNames(%q) (-want +got):\n%s", tt.paths, d)
			}
		})
	}
}

// FuzzReportNames checks the properties every name must have, whatever
// the paths: a plain file name, not hidden, unique without regard to
// case, and the same for the same list.
func FuzzReportNames(f *testing.F) {
	f.Add("a/case.tgz", "b/case.zip", "case-0fecabb1")
	f.Add(".", "..", "/")
	f.Add("-", "summary.tgz", "../\x00\n.tgz")
	f.Fuzz(func(t *testing.T, a, b, c string) {
		paths := []string{a, b, c, a}
		names := ReportNames(paths)
		if d := cmp.Diff(names, ReportNames(paths)); d != "" {
			t.Fatalf("two calls differ:\n%s", d)
		}
		seen := map[string]bool{}
		for i, n := range names {
			if n == "" || strings.HasPrefix(n, ".") || strings.HasPrefix(n, "-") || strings.ContainsAny(n, "/\\\x00") {
				t.Errorf("name %q for %q", n, paths[i])
			}
			if len(n) > maxNameLen+16 {
				t.Errorf("name %q for %q is %d bytes long", n, paths[i], len(n))
			}
			if seen[strings.ToLower(n)] {
				t.Errorf("name %q given twice in %q", n, names)
			}
			seen[strings.ToLower(n)] = true
		}
	})
}
