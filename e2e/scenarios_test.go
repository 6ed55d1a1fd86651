package e2e

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/kafkadiag/kafkadiag/analyzer/report"
)

// TestScenarios analyses every lab scenario (real captures and real client
// and broker logs) and every hand-written incident as a whole folder, the
// way a support engineer runs kafkadiag on what a customer sent.
func TestScenarios(t *testing.T) {
	t.Chdir(repoRoot(t))
	for _, set := range []struct{ dir, golden string }{
		{"testdata/scenarios", ""},
		{"testdata/incidents", "incidents"},
	} {
		dirs := caseDirs(t, set.dir)
		if len(dirs) < 8 {
			t.Errorf("%s holds %d cases, want at least 8", set.dir, len(dirs))
		}
		for _, dir := range dirs {
			name := filepath.Base(dir)
			t.Run(name, func(t *testing.T) {
				want := readExpectation(t, dir)
				r := report.Build(analyze(t, dir), report.Options{})
				checkInputs(t, r)
				checkExpectation(t, r, want)
				checkGolden(t, filepath.Join(set.golden, name), r)
			})
		}
	}
}

// caseDirs lists the case folders under root: each holds an expected.json.
func caseDirs(t *testing.T, root string) []string {
	t.Helper()
	entries, err := os.ReadDir(root)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		dir := filepath.Join(root, e.Name())
		if _, err := os.Stat(filepath.Join(dir, "expected.json")); e.IsDir() && err == nil {
			out = append(out, dir)
		}
	}
	slices.Sort(out)
	return out
}
