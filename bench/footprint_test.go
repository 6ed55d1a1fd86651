package bench

import (
	"context"
	"runtime"
	"testing"

	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/parsers"
)

// maxKeptFlowBytes bounds the heap one kept flow costs once its capture is
// read: the Flow (640 bytes with its size class) and what it alone points
// to (UID, history, handshake times, MACs, first payloads, RST): about
// 880 bytes on the generated capture. A Flow that pins the conn's handshake,
// MAC and payload blocks instead costs about 1,070, and a 10 GiB capture
// keeps some 150,000 flows.
const maxKeptFlowBytes = 920

// TestKeptFlowFootprint measures the live heap an incident holds per kept
// flow on a generated capture small enough that every flow is kept.
func TestKeptFlowFootprint(t *testing.T) {
	path, planted := writeCapture(t, 32<<20)
	if planted.Flows > analyzer.RetainAllFlows {
		t.Fatalf("capture has %d flows, more than are kept unconditionally", planted.Flows)
	}
	collect := func() *analyzer.Incident {
		inc, err := analyzer.Collect(context.Background(), []string{path}, analyzer.Options{}, parsers.All())
		if err != nil {
			t.Fatal(err)
		}
		return inc
	}
	// A first run fills what the readers pool and keep between runs.
	collect()
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	inc := collect()
	runtime.GC()
	runtime.ReadMemStats(&after)
	per := (int64(after.HeapAlloc) - int64(before.HeapAlloc)) / int64(len(inc.Flows))
	t.Logf("%d flows kept, %d bytes each", len(inc.Flows), per)
	if per > maxKeptFlowBytes {
		t.Errorf("a kept flow costs %d bytes of live heap, want <= %d", per, maxKeptFlowBytes)
	}
	runtime.KeepAlive(inc)
}
