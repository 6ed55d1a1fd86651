package systemctl_test

import (
	"testing"

	"github.com/kafkadiag/kafkadiag/parsers/internal/sinktest"
)

// FuzzParse runs the parser, as parsers.All() wires it, over arbitrary
// input seeded with the dumps: it must not panic, and what it reports
// must be bounded.
func FuzzParse(f *testing.F) {
	sinktest.FuzzParse(f, parser(f), "", "testdata/*.txt")
}

// TestLeavesOthersAlone: no fixture of another parser, and no scenario or
// incident file of the end-to-end tests, is claimed.
func TestLeavesOthersAlone(t *testing.T) {
	sinktest.LeavesOthersAlone(t, "systemctl", parser(t).Sniff)
}
