package kubedescribe_test

import (
	"testing"

	"github.com/kafkadiag/kafkadiag/parsers/internal/sinktest"
	"github.com/kafkadiag/kafkadiag/parsers/kubedescribe"
)

// FuzzParse runs the parser over arbitrary input, seeded with the real
// dumps: it must not panic, and what it reports must be bounded.
func FuzzParse(f *testing.F) {
	sinktest.FuzzParse(f, kubedescribe.New(), kubedescribe.Program, "testdata/*.txt")
}

// TestLeavesOthersAlone: no fixture of another parser, and no scenario or
// incident file of the end-to-end tests, is claimed.
func TestLeavesOthersAlone(t *testing.T) {
	sinktest.LeavesOthersAlone(t, "kubedescribe", kubedescribe.New().Sniff)
}
