package flow

import (
	"testing"
	"unsafe"
)

// TestConnSize keeps the per-flow live state small: a table holds up to a
// million of them.
func TestConnSize(t *testing.T) {
	const limit = 320
	if n := unsafe.Sizeof(conn{}); n > limit {
		t.Errorf("conn is %d bytes, want <= %d", n, limit)
	}
	t.Logf("conn: %d bytes, side: %d bytes", unsafe.Sizeof(conn{}), unsafe.Sizeof(side{}))
}
