package sinktest

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kafkadiag/kafkadiag/analyzer"
)

// LeavesOthersAlone fails the test for every file that sniff claims among
// the other parsers' fixtures (parsers/*/testdata, own package excepted)
// and the end-to-end scenarios and incidents. It runs from a package
// directory under parsers/; own names that package.
func LeavesOthersAlone(t *testing.T, own string, sniff func(head []byte) bool) {
	t.Helper()
	var roots []string
	dirs, _ := filepath.Glob("../*/testdata")
	for _, d := range dirs {
		if !strings.Contains(d, own) {
			roots = append(roots, d)
		}
	}
	roots = append(roots, "../../testdata", "../../e2e/testdata")
	n := 0
	head := make([]byte, analyzer.SniffLen)
	for _, root := range roots {
		filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return nil
			}
			f, err := os.Open(path)
			if err != nil {
				return nil
			}
			defer f.Close()
			m, _ := f.Read(head)
			n++
			if sniff(head[:m]) {
				t.Errorf("%s: claimed", path)
			}
			return nil
		})
	}
	if n < 100 {
		t.Fatalf("only %d files looked at", n)
	}
}
