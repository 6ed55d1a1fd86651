package synth

import (
	"bufio"
	"container/heap"
	"encoding/binary"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/netip"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// CaptureSpec describes a generated capture.
type CaptureSpec struct {
	// Bytes is the approximate file size to reach; generation stops at the
	// first flow boundary past it. Flows, if set, caps the flow count too.
	Bytes int64
	Flows int
	Seed  uint64
	// Start is the first packet's time; zero means 2026-06-29 09:00 UTC.
	Start time.Time
}

// Planted counts the flows of each kind the generator wrote.
type Planted struct {
	Flows          int
	Packets        int
	Healthy        int // SF: handshake, Kafka requests, FIN both ways
	Refused        int // REJ: SYN answered by RST+ACK
	Unanswered     int // S0: SYN retransmitted, never answered
	StaleARP       int // SYN-ACKs addressed to a MAC the client does not use
	IdleReset      int // data, a long silence, then a RST with a foreign TTL
	TLSOnPlaintext int // first client payload a TLS ClientHello, server closes
}

// Flow kinds in the mix, with their share per thousand flows.
type flowKind int

const (
	kindHealthy flowKind = iota
	kindRefused
	kindUnanswered
	kindStaleARP
	kindIdleReset
	kindTLSOnPlaintext
)

var mix = []struct {
	kind  flowKind
	perMi int
}{
	{kindRefused, 20}, {kindUnanswered, 10}, {kindStaleARP, 5},
	{kindIdleReset, 10}, {kindTLSOnPlaintext, 5}, {kindHealthy, 950},
}

// WriteCapture writes a pcap (Ethernet, microsecond) following spec and
// returns what it planted. The same spec always yields the same bytes.
func WriteCapture(w io.Writer, spec CaptureSpec) (Planted, error) {
	bw := bufio.NewWriterSize(w, 1<<20)
	pw := pcapgo.NewWriter(bw)
	if err := pw.WriteFileHeader(65535, layers.LinkTypeEthernet); err != nil {
		return Planted{}, err
	}
	g := newGenerator(spec)
	var written int64 = 24
	for {
		pkt, s, ok := g.next(written < spec.Bytes)
		if !ok {
			break
		}
		data, err := g.encode(pkt, s)
		if err != nil {
			return g.planted, err
		}
		ci := gopacket.CaptureInfo{Timestamp: pkt.at, CaptureLength: len(data), Length: len(data)}
		if err := pw.WritePacket(ci, data); err != nil {
			return g.planted, err
		}
		written += int64(16 + len(data))
		g.planted.Packets++
	}
	return g.planted, bw.Flush()
}

// segment is one packet of a scripted flow.
type segment struct {
	at      time.Time
	fromCli bool
	flags   uint8 // SYN=2 ACK=16 FIN=1 RST=4 PSH=8
	seq     uint32
	ack     uint32
	payload []byte
	ttl     uint8
	dstMAC  net.HardwareAddr // overrides the usual destination when set
	noOpts  bool             // a forged RST carries no TCP options
}

type script struct {
	cli, srv       netip.AddrPort
	cliMAC, srvMAC net.HardwareAddr
	segs           []segment
	i              int
	id             int
}

type generator struct {
	spec    CaptureSpec
	rng     *rand.Rand
	clock   time.Time
	planted Planted
	live    scriptHeap
	nextID  int
	buf     gopacket.SerializeBuffer
	eth     layers.Ethernet
	ip4     layers.IPv4
	tcp     layers.TCP
}

func newGenerator(spec CaptureSpec) *generator {
	if spec.Start.IsZero() {
		spec.Start = time.Date(2026, 6, 29, 9, 0, 0, 0, time.UTC)
	}
	return &generator{
		spec:  spec,
		rng:   rand.New(rand.NewPCG(spec.Seed, 0x6b61666b61)),
		clock: spec.Start,
		buf:   gopacket.NewSerializeBuffer(),
	}
}

// next returns the earliest pending packet, starting new flows at their
// arrival times so that flows overlap as they do on a busy broker.
func (g *generator) next(wantMore bool) (*segment, *script, bool) {
	for wantMore && (g.spec.Flows == 0 || g.nextID < g.spec.Flows) &&
		(g.live.Len() == 0 || !g.live[0].segs[g.live[0].i].at.Before(g.clock)) {
		heap.Push(&g.live, g.newScript(g.clock))
		g.clock = g.clock.Add(time.Duration(g.rng.ExpFloat64() * float64(500*time.Microsecond)))
	}
	if g.live.Len() == 0 {
		return nil, nil, false
	}
	s := g.live[0]
	seg := &s.segs[s.i]
	s.i++
	if s.i == len(s.segs) {
		heap.Pop(&g.live)
	} else {
		heap.Fix(&g.live, 0)
	}
	return seg, s, true
}

// scriptHeap orders live flows by their next packet's time, then by flow id
// so ties break the same way on every run.
type scriptHeap []*script

func (h scriptHeap) Len() int { return len(h) }
func (h scriptHeap) Less(i, j int) bool {
	a, b := h[i].segs[h[i].i].at, h[j].segs[h[j].i].at
	if !a.Equal(b) {
		return a.Before(b)
	}
	return h[i].id < h[j].id
}
func (h scriptHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *scriptHeap) Push(x any)   { *h = append(*h, x.(*script)) }
func (h *scriptHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// encode serialises one segment with gopacket, checksums included.
func (g *generator) encode(seg *segment, s *script) ([]byte, error) {
	src, dst := s.cli, s.srv
	srcMAC, dstMAC := s.cliMAC, s.srvMAC
	if !seg.fromCli {
		src, dst = dst, src
		srcMAC, dstMAC = dstMAC, srcMAC
	}
	if seg.dstMAC != nil {
		dstMAC = seg.dstMAC
	}
	g.eth = layers.Ethernet{SrcMAC: srcMAC, DstMAC: dstMAC, EthernetType: layers.EthernetTypeIPv4}
	g.ip4 = layers.IPv4{Version: 4, TTL: seg.ttl, Protocol: layers.IPProtocolTCP, Flags: layers.IPv4DontFragment,
		Id: uint16(g.planted.Packets), SrcIP: src.Addr().AsSlice(), DstIP: dst.Addr().AsSlice()}
	g.tcp = layers.TCP{SrcPort: layers.TCPPort(src.Port()), DstPort: layers.TCPPort(dst.Port()),
		Seq: seg.seq, Ack: seg.ack, Window: 64240,
		SYN: seg.flags&2 != 0, ACK: seg.flags&16 != 0, FIN: seg.flags&1 != 0, RST: seg.flags&4 != 0, PSH: seg.flags&8 != 0}
	if !seg.noOpts {
		var ts [8]byte
		binary.BigEndian.PutUint32(ts[:4], uint32(seg.at.UnixMilli()))
		g.tcp.Options = []layers.TCPOption{{OptionType: layers.TCPOptionKindNop}, {OptionType: layers.TCPOptionKindNop},
			{OptionType: layers.TCPOptionKindTimestamps, OptionLength: 10, OptionData: ts[:]}}
	}
	if err := g.tcp.SetNetworkLayerForChecksum(&g.ip4); err != nil {
		return nil, err
	}
	opts := gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}
	if err := gopacket.SerializeLayers(g.buf, opts, &g.eth, &g.ip4, &g.tcp, gopacket.Payload(seg.payload)); err != nil {
		return nil, fmt.Errorf("synth: encode: %w", err)
	}
	return g.buf.Bytes(), nil
}
