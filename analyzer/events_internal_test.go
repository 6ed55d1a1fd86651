package analyzer

import "testing"

// TestEventChunksKeepOrder adds events across several chunk boundaries and
// checks that all returns every one, in order.
func TestEventChunksKeepOrder(t *testing.T) {
	for _, n := range []int{0, 1, firstEventChunk, firstEventChunk + 1, 3 * maxEventChunk, 3*maxEventChunk + 7, 2*parallelCopyEvents + 1} {
		for _, workers := range []int{1, 2} {
			var ec eventChunks
			for i := range n {
				ec.add(Event{Source: Location{Line: i + 1}})
			}
			all := ec.all(workers)
			if len(all) != n || (n == 0 && all != nil) {
				t.Fatalf("%d events added, all(%d) returned %d (nil %v)", n, workers, len(all), all == nil)
			}
			for i, e := range all {
				if e.Source.Line != i+1 {
					t.Fatalf("%d events, all(%d): event %d is line %d", n, workers, i, e.Source.Line)
				}
			}
		}
	}
}
