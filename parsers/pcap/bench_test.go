package pcap

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"

	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/analyzer/flow"
)

// BenchmarkReplay parses a generated Ethernet capture of many interleaved
// flows with mixed segment sizes, from a file, as the CLI does. Its size is
// KAFKADIAG_BENCH_BYTES (default 64 MiB); for the 1 GiB figure run
//
//	KAFKADIAG_BENCH_BYTES=1073741824 go test -run '^$' -bench Replay -benchmem ./parsers/pcap/
func BenchmarkReplay(b *testing.B) {
	size := int64(64 << 20)
	if s := os.Getenv("KAFKADIAG_BENCH_BYTES"); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			b.Fatalf("KAFKADIAG_BENCH_BYTES: %v", err)
		}
		size = n
	}
	path := filepath.Join(b.TempDir(), "bench.pcap")
	frames, err := writeBenchCapture(path, size)
	if err != nil {
		b.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(st.Size())
	b.ReportAllocs()
	start := time.Now()
	runs := 0
	for b.Loop() {
		replayFile(b, path, frames)
		runs++
	}
	b.ReportMetric(float64(frames)*float64(runs)/time.Since(start).Seconds(), "packets/s")
}

// countingSink drops everything, counting flows.
type countingSink struct{ flows, arps int }

func (c *countingSink) Event(analyzer.Event)     {}
func (c *countingSink) Flow(*flow.Flow)          { c.flows++ }
func (c *countingSink) ARP(analyzer.CapturedARP) { c.arps++ }
func (c *countingSink) Node(analyzer.Node)       {}
func (c *countingSink) Config(analyzer.Config)   {}

func replayFile(b *testing.B, path string, frames int) {
	fh, err := os.Open(path)
	if err != nil {
		b.Fatal(err)
	}
	defer fh.Close()
	sink := &countingSink{}
	src := &analyzer.Source{Path: path, R: bufio.NewReaderSize(fh, 1<<20)}
	st, err := New().Parse(context.Background(), src, sink)
	if err != nil || st.Packets != frames {
		b.Fatalf("Parse: %d of %d frames, err %v", st.Packets, frames, err)
	}
}

// benchConcurrent is how many flows are open at once in the capture.
const benchConcurrent = 512

// writeBenchCapture writes about size bytes of Ethernet/IPv4/TCP frames:
// flows of a handshake, 4 to 40 data segments of 64 to 1460 bytes each way,
// and FINs, benchConcurrent of them interleaved. It returns the frame count.
func writeBenchCapture(path string, size int64) (int, error) {
	fh, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	defer fh.Close()
	bw := bufio.NewWriterSize(fh, 1<<20)
	w := pcapgo.NewWriter(bw)
	if err := w.WriteFileHeader(65535, layers.LinkTypeEthernet); err != nil {
		return 0, err
	}
	g := &benchGen{ts: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC), frame: make([]byte, 1514)}
	for i := range g.flows {
		g.flows[i] = g.newFlow()
	}
	written, frames := int64(24), 0
	for written < size {
		f := &g.flows[frames%benchConcurrent]
		data, done := g.next(f)
		g.ts = g.ts.Add(7 * time.Microsecond)
		ci := gopacket.CaptureInfo{Timestamp: g.ts, CaptureLength: len(data), Length: len(data)}
		if err := w.WritePacket(ci, data); err != nil {
			return 0, err
		}
		written += int64(16 + len(data))
		frames++
		if done {
			*f = g.newFlow()
		}
	}
	if err := bw.Flush(); err != nil {
		return 0, err
	}
	return frames, fh.Close()
}

// benchFlow is one generated connection's progress.
type benchFlow struct {
	port     uint16
	step     int // 0 SYN, 1 SYN-ACK, 2 ACK, then data, then FINs
	segments int
	seq, ack uint32
}

type benchGen struct {
	ts    time.Time
	frame []byte
	flows [benchConcurrent]benchFlow
	n     uint32 // flows started, drives ports and sizes
}

func (g *benchGen) newFlow() benchFlow {
	g.n++
	return benchFlow{port: uint16(20000 + g.n%40000), segments: 4 + int(g.n*7919%37), seq: g.n * 2654435761, ack: g.n * 40503}
}

// next returns flow f's next frame and whether it was the flow's last.
func (g *benchGen) next(f *benchFlow) ([]byte, bool) {
	fromClient, flags, payload := true, uint8(0x10), 0
	last := 3 + f.segments
	switch {
	case f.step == 0:
		flags = 0x02
	case f.step == 1:
		fromClient, flags = false, 0x12
	case f.step == 2:
	case f.step < last:
		fromClient = f.step%2 == 1
		flags = 0x18
		payload = 64 + int((uint32(f.step)*2246822519+g.n)%1397)
	case f.step == last:
		flags = 0x11
	default:
		fromClient, flags = false, 0x11
	}
	f.step++
	return g.build(f, fromClient, flags, payload), f.step > last+1
}

// build writes Ethernet + IPv4 + TCP (20-byte header) + payload.
func (g *benchGen) build(f *benchFlow, fromClient bool, flags uint8, payload int) []byte {
	b := g.frame[:14+20+20+payload]
	client, server := []byte{10, 0, 0, 1}, []byte{10, 0, 0, 2}
	sport, dport, seq, ack := f.port, uint16(9092), f.seq, f.ack
	if !fromClient {
		client, server = server, client
		sport, dport, seq, ack = dport, sport, ack, seq
	}
	copy(b[0:6], []byte{2, 0, 0, 0, 0, 2})
	copy(b[6:12], []byte{2, 0, 0, 0, 0, 1})
	binary.BigEndian.PutUint16(b[12:], 0x0800)
	ip := b[14:]
	ip[0], ip[1] = 0x45, 0
	binary.BigEndian.PutUint16(ip[2:], uint16(40+payload))
	binary.BigEndian.PutUint32(ip[4:], 0x40000000)
	ip[8], ip[9] = 64, 6
	copy(ip[12:16], client)
	copy(ip[16:20], server)
	tcp := ip[20:]
	binary.BigEndian.PutUint16(tcp[0:], sport)
	binary.BigEndian.PutUint16(tcp[2:], dport)
	binary.BigEndian.PutUint32(tcp[4:], seq)
	binary.BigEndian.PutUint32(tcp[8:], ack)
	tcp[12], tcp[13] = 5<<4, flags
	binary.BigEndian.PutUint16(tcp[14:], 65000)
	for i := range payload {
		tcp[20+i] = byte(i)
	}
	grow := uint32(payload)
	if flags&0x03 != 0 {
		grow = 1
	}
	if fromClient {
		f.seq += grow
	} else {
		f.ack += grow
	}
	return b
}

// TestReplayAllocs proves the per-frame path (read, decode, hand over)
// allocates nothing: replaying many times the frames into no-op callbacks
// costs the same fixed setup allocations. What the flow table allocates per
// flow is the table's business and shows in BenchmarkReplay.
func TestReplayAllocs(t *testing.T) {
	smallAllocs, smallFrames := replayAllocs(t, 1<<20)
	bigAllocs, bigFrames := replayAllocs(t, 8<<20)
	if bigFrames < 3*smallFrames {
		t.Fatalf("capture sizes: %d and %d frames", smallFrames, bigFrames)
	}
	t.Logf("%d frames: %.0f allocations; %d frames: %.0f", smallFrames, smallAllocs, bigFrames, bigAllocs)
	if bigAllocs > smallAllocs+2 {
		t.Errorf("%d frames: %.0f allocations; %d frames: %.0f; want the same fixed setup cost",
			smallFrames, smallAllocs, bigFrames, bigAllocs)
	}
}

func replayAllocs(t *testing.T, size int64) (allocs float64, frames int) {
	path := filepath.Join(t.TempDir(), "allocs.pcap")
	frames, err := writeBenchCapture(path, size)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	tcp, arp := func(*flow.Packet) {}, func(*flow.ARP) {}
	allocs = testing.AllocsPerRun(3, func() {
		cf, err := openCapture(bufio.NewReaderSize(bytes.NewReader(data), 1<<20))
		if err != nil {
			t.Fatal(err)
		}
		rp := newReplay(cf)
		if err := rp.run(context.Background(), tcp, arp); err != nil || rp.frames != frames {
			t.Fatalf("read %d of %d frames: %v", rp.frames, frames, err)
		}
	})
	return allocs, frames
}

// BenchmarkDecode decodes one frame: plain Ethernet/IPv4/TCP through the
// fast path and through gopacket, and the same frame inside VXLAN.
func BenchmarkDecode(b *testing.B) {
	plain := ethIPv4TCP([]byte{1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2}, make([]byte, 100), 0)
	vx := cat(eth(0x0800), ipv4(17, 0, udp(4789, cat(vxlan(0x08), plain))))
	for _, c := range []struct {
		name      string
		frame     []byte
		reference bool
	}{{"fast", plain, false}, {"reference", plain, true}, {"vxlan", vx, false}} {
		b.Run(c.name, func(b *testing.B) {
			d := newDecoder()
			d.referenceOnly = c.reference
			b.ReportAllocs()
			for b.Loop() {
				if d.decode(c.frame, layers.LinkTypeEthernet) != frameTCP {
					b.Fatal("not TCP")
				}
			}
		})
	}
}
