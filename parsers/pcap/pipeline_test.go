package pcap

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kafkadiag/kafkadiag/analyzer/flow"
)

// TestPipelineMatchesRun replays captures both ways: the two-stage
// pipeline must hand over exactly the packets and ARP records, in the same
// order, that the single-goroutine replay does, with the same counters.
// Small blocks and short reads make the classic reader hand blocks over
// often, so a block recycled too early would show as changed payloads, and
// a packet decoded into the wrong batch as a missing or changed one.
func TestPipelineMatchesRun(t *testing.T) {
	path := filepath.Join(t.TempDir(), "p.pcap")
	frames, err := writeBenchCapture(path, 3<<20)
	if err != nil {
		t.Fatal(err)
	}
	bench, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	// A lab capture (tcpdump -i any: SLL2, VXLAN twins) with ARP between
	// TCP segments.
	arp, err := os.ReadFile(filepath.Join("..", "..", "testdata", "lab", "encap", "vxlan4789-any.pcap"))
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range []struct {
		name   string
		data   []byte
		frames int
	}{
		{"bench", bench, frames},
		{"vxlan4789-any.pcap", arp, 0},
	} {
		t.Run(in.name, func(t *testing.T) {
			want := replayBothWays(t, in.data, false, 0, 0)
			if in.frames > 0 && want.Frames != in.frames || len(want.Pkts) == 0 {
				t.Fatalf("run read %d frames, %d TCP, want %d", want.Frames, len(want.Pkts), in.frames)
			}
			if in.frames == 0 && len(want.ARPs) == 0 {
				t.Fatal("no ARP record read")
			}
			for _, tc := range []struct{ blockSize, chunk int }{
				{0, 0},          // the CLI's blocks, one read per block
				{0, 32 << 10},   // a decompressor's short reads
				{4096, 0},       // a block per few packets: many hand-overs
				{1500, 1 << 10}, // records often cut across reads and blocks
				{200, 100},      // a block per record: a hand-over inside nearly every read
			} {
				got := replayBothWays(t, in.data, true, tc.blockSize, tc.chunk)
				comparePipeline(t, fmt.Sprintf("block %d, reads of %d", tc.blockSize, tc.chunk), want, got)
			}
		})
	}
}

// replayed is what a replay handed over, copied.
type replayed struct {
	Pkts   []flow.Packet
	ARPs   []flow.ARP
	Frames int
}

// replayBothWays replays data on one goroutine or pipelined, with classic
// blocks of blockSize bytes (0: the default) and reads of chunk bytes (0:
// whole).
func replayBothWays(t *testing.T, data []byte, pipelined bool, blockSize, chunk int) replayed {
	t.Helper()
	var r io.Reader = bytes.NewReader(data)
	if chunk > 0 {
		r = &chunkReader{r: r, n: chunk}
	}
	cf, err := openCapture(bufio.NewReaderSize(r, 1<<20))
	if err != nil {
		t.Fatal(err)
	}
	if cr := cf.classic; cr != nil && blockSize > 0 {
		cr.blockSize = blockSize
	}
	rp := newReplay(cf)
	var s replayed
	tcp := func(p *flow.Packet) {
		c := *p
		c.Payload, c.SrcMAC, c.DstMAC = bytes.Clone(p.Payload), bytes.Clone(p.SrcMAC), bytes.Clone(p.DstMAC)
		s.Pkts = append(s.Pkts, c)
	}
	arp := func(a *flow.ARP) { s.ARPs = append(s.ARPs, *a) }
	run := rp.run
	if pipelined {
		run = rp.pipeline
	}
	if err := run(context.Background(), tcp, arp); err != nil {
		t.Fatal(err)
	}
	s.Frames = rp.frames
	return s
}

func comparePipeline(t *testing.T, what string, want, got replayed) {
	t.Helper()
	if got.Frames != want.Frames || len(got.Pkts) != len(want.Pkts) || len(got.ARPs) != len(want.ARPs) {
		t.Errorf("%s: pipeline saw %d frames, %d TCP, %d ARP; run %d, %d, %d", what,
			got.Frames, len(got.Pkts), len(got.ARPs), want.Frames, len(want.Pkts), len(want.ARPs))
		return
	}
	addrEq := cmp.Comparer(func(a, b netip.AddrPort) bool { return a == b })
	// cmp is slow on thousands of payloads: diff the first that differs.
	for i := range want.Pkts {
		if !reflect.DeepEqual(want.Pkts[i], got.Pkts[i]) {
			t.Errorf("%s: packet %d differs (-run +pipeline):\n%s", what, i, cmp.Diff(want.Pkts[i], got.Pkts[i], addrEq))
			break
		}
	}
	if diff := cmp.Diff(want.ARPs, got.ARPs, cmp.Comparer(func(a, b netip.Addr) bool { return a == b })); diff != "" {
		t.Errorf("%s: ARP records differ (-run +pipeline):\n%s", what, diff)
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
	// Batches and blocks grow to full size within the first megabytes
	// (a small capture stays small); compare two sizes past that.
	small, smallFrames := count(16 << 20)
	big, bigFrames := count(40 << 20)
	if big > small+4 {
		t.Errorf("%d frames: %.0f allocations; %d frames: %.0f; want the same fixed setup cost", smallFrames, small, bigFrames, big)
	}
}

// TestSmallCaptureAllocatesLittle: a capture of a few packets must not
// allocate the megabytes a large one uses. On the VMs the tool runs on each
// new page costs a fault, and a few megabytes more start a collection that
// scans every global: together a third of a 60 ms run on such a capture.
func TestSmallCaptureAllocatesLittle(t *testing.T) {
	data := readFixture(t, "rej_refused.pcap")
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	rec, _, err := parseBytes(t, "rej_refused.pcap", data)
	runtime.ReadMemStats(&after)
	if err != nil || len(rec.flows) == 0 {
		t.Fatalf("parse: %d flows, %v", len(rec.flows), err)
	}
	// parseBytes' own 1 MiB bufio.Reader is counted too.
	const limit = 1<<20 + 256<<10
	if n := after.TotalAlloc - before.TotalAlloc; n > limit {
		t.Errorf("a %d-byte capture allocated %d bytes, want at most %d", len(data), n, limit)
	}
}
