package report

import (
	"testing"

	"github.com/kafkadiag/kafkadiag/internal/golden"
)

// checkGolden compares got with the golden file at path, rewriting the file
// first under -update (internal/golden declares the flag).
func checkGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	golden.Check(t, path, got)
}
