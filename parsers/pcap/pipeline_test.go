package pcap

import (
	"bufio"
	"bytes"
	"context"
	"net/netip"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kafkadiag/kafkadiag/analyzer/flow"
)

// TestPipelineMatchesRun replays one capture both ways: the two-stage
// pipeline must hand over exactly the packets, in the same order, that the
// single-goroutine replay does, with the same counters.
func TestPipelineMatchesRun(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.pcap")
	frames, err := writeBenchCapture(path, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	type seen struct {
		Pkts   []flow.Packet
		Frames int
	}
	replayWith := func(pipelined bool) seen {
		cf, err := openCapture(bufio.NewReaderSize(bytes.NewReader(data), 1<<20))
		if err != nil {
			t.Fatal(err)
		}
		rp := newReplay(cf)
		var s seen
		tcp := func(p *flow.Packet) {
			c := *p
			c.Payload, c.SrcMAC, c.DstMAC = bytes.Clone(p.Payload), bytes.Clone(p.SrcMAC), bytes.Clone(p.DstMAC)
			s.Pkts = append(s.Pkts, c)
		}
		run := rp.run
		if pipelined {
			run = rp.pipeline
		}
		if err := run(context.Background(), tcp, func(*flow.ARP) {}); err != nil {
			t.Fatal(err)
		}
		s.Frames = rp.frames
		return s
	}
	want, got := replayWith(false), replayWith(true)
	if want.Frames != frames || len(want.Pkts) == 0 {
		t.Fatalf("run read %d frames, %d TCP, want %d", want.Frames, len(want.Pkts), frames)
	}
	if diff := cmp.Diff(want, got, cmp.Comparer(func(a, b netip.AddrPort) bool { return a == b })); diff != "" {
		t.Errorf("pipeline differs from run (-run +pipeline):\n%s", diff)
	}
}

// TestPipelineAllocs: the pipeline's batches are allocated once per
// capture, not per frame.
func TestPipelineAllocs(t *testing.T) {
	count := func(size int64) (float64, int) {
		path := filepath.Join(t.TempDir(), "a.pcap")
		frames, err := writeBenchCapture(path, size)
		if err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return testing.AllocsPerRun(3, func() {
			cf, err := openCapture(bufio.NewReaderSize(bytes.NewReader(data), 1<<20))
			if err != nil {
				t.Fatal(err)
			}
			rp := newReplay(cf)
			if err := rp.pipeline(context.Background(), func(*flow.Packet) {}, func(*flow.ARP) {}); err != nil || rp.frames != frames {
				t.Fatalf("read %d of %d frames: %v", rp.frames, frames, err)
			}
		}), frames
	}
	small, smallFrames := count(1 << 20)
	big, bigFrames := count(8 << 20)
	if big > small+4 {
		t.Errorf("%d frames: %.0f allocations; %d frames: %.0f; want the same fixed setup cost", smallFrames, small, bigFrames, big)
	}
}
