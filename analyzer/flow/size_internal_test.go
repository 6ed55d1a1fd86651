package flow

import (
	"testing"
	"unsafe"
)

// TestConnSize keeps the per-flow live state small: a table holds up to a
// million of them. The MACs are inline (33 bytes): on Ethernet, where every
// flow has them, that is less than the separate 48-byte object they were.
func TestConnSize(t *testing.T) {
	const limit = 352
	if n := unsafe.Sizeof(conn{}); n > limit {
		t.Errorf("conn is %d bytes, want <= %d", n, limit)
	}
	t.Logf("conn: %d bytes, side: %d bytes", unsafe.Sizeof(conn{}), unsafe.Sizeof(side{}))
}
