package pcap

import (
	"bytes"
	"encoding/binary"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// Hand-built headers around real frames: each test case checks one decoder
// branch. That a rule works through a tunnel is shown by the lab captures
// (encap_lab_test.go), not here.

// realFrames returns a data-carrying IPv4 TCP frame from a lab capture of
// a VXLAN inner interface, and an IPv6 one from the loopback fixtures.
func realFrames(t testing.TB) (v4, v6 []byte) {
	t.Helper()
	v4 = firstDataFrame(t, readEncap(t, "vxlan4789-inner.pcap"))
	v6 = firstDataFrame(t, readFixture(t, "sf_ipv6.pcap"))
	return v4, v6
}

func firstDataFrame(t testing.TB, capture []byte) []byte {
	t.Helper()
	r, err := pcapgo.NewReader(bytes.NewReader(capture))
	if err != nil {
		t.Fatal(err)
	}
	d := newDecoder()
	for {
		data, _, err := r.ReadPacketData()
		if err != nil {
			t.Fatal("no TCP frame with payload")
		}
		if d.decode(data, layers.LinkTypeEthernet) == frameTCP && len(d.pkt.Payload) > 0 {
			return data
		}
	}
}

var (
	outerDst = []byte{2, 0, 0xc6, 0x12, 0xee, 1}
	outerSrc = []byte{2, 0, 0xc6, 0x12, 0xee, 2}
)

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

func u16(v int) []byte { return binary.BigEndian.AppendUint16(nil, uint16(v)) }
func u32(v int) []byte { return binary.BigEndian.AppendUint32(nil, uint32(v)) }

func eth(etherType int) []byte { return cat(outerDst, outerSrc, u16(etherType)) }

// ipv4 is a 20-byte IPv4 header of protocol proto around payload.
func ipv4(proto byte, fragField int, payload []byte) []byte {
	h := make([]byte, 20)
	h[0], h[8], h[9] = 0x45, 64, proto
	binary.BigEndian.PutUint16(h[2:], uint16(20+len(payload)))
	binary.BigEndian.PutUint16(h[4:], 0x4242)
	binary.BigEndian.PutUint16(h[6:], uint16(fragField))
	copy(h[12:], []byte{198, 18, 40, 1, 198, 18, 40, 2})
	return cat(h, payload)
}

func udp(dst int, payload []byte) []byte {
	return cat(u16(50000), u16(dst), u16(8+len(payload)), u16(0), payload)
}

func vxlan(flags byte) []byte { return []byte{flags, 0, 0, 0, 0, 0, 42, 0} }

func gre(flags, proto int, extra ...[]byte) []byte { return cat(u16(flags), u16(proto), cat(extra...)) }

// erspan3 is an ERSPAN type III header of frame type ft; sub adds the
// platform-specific subheader.
func erspan3(ft int, sub bool) []byte {
	word := ft<<10 | 7<<4
	h := cat(u16(2<<12), u16(124), u32(12345), u16(0), u16(word))
	if sub {
		h[11] |= 1
		h = cat(h, make([]byte, 8))
	}
	return h
}

// withIPv6Ext inserts hop-by-hop, routing and destination options headers
// between an IPv6 header and its TCP segment.
func withIPv6Ext(frame []byte) []byte {
	ip := frame[14:]
	hbh := []byte{43, 0, 1, 4, 0, 0, 0, 0}                         // → routing; PadN
	rt := []byte{60, 0, 4, 0, 0, 0, 0, 0}                          // → destination options; type 4, no segments left
	dst := []byte{6, 1, 1, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0} // → TCP; PadN of 12
	ext := cat(hbh, rt, dst)
	hdr := append([]byte(nil), ip[:40]...)
	hdr[6] = 0 // hop-by-hop
	binary.BigEndian.PutUint16(hdr[4:], binary.BigEndian.Uint16(ip[4:])+uint16(len(ext)))
	return cat(frame[:14], hdr, ext, ip[40:])
}

// ip6in6 wraps an IPv6 packet in an outer IPv6 header and a destination
// options header.
func ip6in6(inner []byte) []byte {
	dst := []byte{41, 0, 1, 4, 0, 0, 0, 0} // → IPv6; PadN
	hdr := append([]byte(nil), inner[:40]...)
	hdr[6] = 60
	binary.BigEndian.PutUint16(hdr[4:], uint16(len(dst)+len(inner)))
	return cat(hdr, dst, inner)
}

// withIPv6Fragment inserts a fragment header with the given offset (in
// 8-byte units) and more-fragments flag.
func withIPv6Fragment(frame []byte, offset int, more bool) []byte {
	ip := frame[14:]
	field := offset << 3
	if more {
		field |= 1
	}
	frag := cat([]byte{6, 0}, u16(field), u32(7))
	hdr := append([]byte(nil), ip[:40]...)
	hdr[6] = 44
	binary.BigEndian.PutUint16(hdr[4:], binary.BigEndian.Uint16(ip[4:])+8)
	return cat(frame[:14], hdr, frag, ip[40:])
}

func TestTunnels(t *testing.T) {
	v4, v6 := realFrames(t)
	inner := v4[14:] // the IPv4 packet without its Ethernet header
	v4frag := func(field int) []byte {
		b := append([]byte(nil), v4...)
		binary.BigEndian.PutUint16(b[14+6:], uint16(field))
		return b
	}
	// macs says whose MACs the packet must carry: the inner frame's, the
	// outer header's (the only Ethernet header), or none.
	const innerMACs, outerMACs, noMACs = 0, 1, 2
	tests := []struct {
		name   string
		frame  []byte
		plain  []byte // what the tunnelled frame must decode as; nil: v4
		want   verdict
		encaps encap
		macs   int
	}{
		{"VXLAN 4789", cat(eth(0x0800), ipv4(17, 0, udp(4789, cat(vxlan(0x08), v4)))), nil, frameTCP, encapVXLAN, innerMACs},
		{"VXLAN 8472", cat(eth(0x0800), ipv4(17, 0, udp(8472, cat(vxlan(0x08), v4)))), nil, frameTCP, encapVXLAN, innerMACs},
		{"VXLAN without I flag", cat(eth(0x0800), ipv4(17, 0, udp(4789, cat(vxlan(0), v4)))), nil, frameOther, 0, 0},
		{"UDP to another port", cat(eth(0x0800), ipv4(17, 0, udp(53, cat(vxlan(0x08), v4)))), nil, frameOther, 0, 0},
		{"Geneve with an option", cat(eth(0x0800), ipv4(17, 0, udp(6081,
			cat([]byte{2, 0}, u16(0x6558), []byte{0, 0, 42, 0}, u16(0x0104), []byte{1, 1}, u32(9), v4)))), nil, frameTCP, encapGeneve, innerMACs},
		{"Geneve carrying IP", cat(eth(0x0800), ipv4(17, 0, udp(6081,
			cat([]byte{0, 0}, u16(0x0800), []byte{0, 0, 42, 0}, inner)))), nil, frameTCP, encapGeneve, noMACs},
		{"gretap with key", cat(eth(0x0800), ipv4(47, 0, gre(0x2000, 0x6558, u32(42), v4))), nil, frameTCP, encapGRE, innerMACs},
		{"GRE carrying IP", cat(eth(0x0800), ipv4(47, 0, gre(0, 0x0800, inner))), nil, frameTCP, encapGRE, noMACs},
		{"ERSPAN type I", cat(eth(0x0800), ipv4(47, 0, gre(0, 0x88be, v4))), nil, frameTCP, encapERSPANI, innerMACs},
		{"ERSPAN type II", cat(eth(0x0800), ipv4(47, 0, gre(0x1000, 0x88be, u32(1), u16(1<<12), u16(123), u32(0), v4))), nil, frameTCP, encapERSPANII, innerMACs},
		{"ERSPAN type III", cat(eth(0x0800), ipv4(47, 0, gre(0x1000, 0x22eb, u32(1), erspan3(0, false), v4))), nil, frameTCP, encapERSPANIII, innerMACs},
		{"ERSPAN type III with subheader", cat(eth(0x0800), ipv4(47, 0, gre(0x1000, 0x22eb, u32(1), erspan3(0, true), v4))), nil, frameTCP, encapERSPANIII, innerMACs},
		{"ERSPAN type III of IP", cat(eth(0x0800), ipv4(47, 0, gre(0x1000, 0x22eb, u32(1), erspan3(2, false), inner))), nil, frameTCP, encapERSPANIII, noMACs},
		{"ERSPAN type III cut", cat(eth(0x0800), ipv4(47, 0, gre(0x1000, 0x22eb, u32(1), erspan3(0, false)[:9]))), nil, frameOther, 0, 0},
		{"MPLS two labels", cat(eth(0x8847), []byte{0, 1, 0, 64, 0, 2, 1, 64}, inner), nil, frameTCP, encapMPLS, outerMACs},
		{"MPLS Ethernet pseudowire", cat(eth(0x8847), []byte{0, 1, 1, 64}, u32(0), v4), nil, frameTCP, encapMPLS, innerMACs},
		{"QinQ", cat(eth(0x88a8), u16(100), u16(0x8100), u16(200), u16(0x0800), inner), nil, frameTCP, encapQinQ, outerMACs},
		{"one VLAN tag", cat(eth(0x8100), u16(100), u16(0x0800), inner), nil, frameTCP, 0, outerMACs},
		{"IP in IP", cat(eth(0x0800), ipv4(4, 0, inner)), nil, frameTCP, encapIPinIP, noMACs},
		{"IPv6 in IPv6 after a destination options header", cat(v6[:14], ip6in6(v6[14:])), v6, frameTCP, encapIPinIP, noMACs},
		{"6in4", cat(eth(0x0800), ipv4(41, 0, v6[14:])), v6, frameTCP, encapIPinIP, noMACs},
		{"VXLAN of VLAN-tagged IPv6", cat(eth(0x0800), ipv4(17, 0, udp(4789, cat(vxlan(0x08), v6[:12], u16(0x8100), u16(5), v6[12:])))), v6, frameTCP, encapVXLAN, innerMACs},
		{"IPv6 extension headers", withIPv6Ext(v6), v6, frameTCP, 0, innerMACs},
		{"IPv6 atomic fragment", withIPv6Fragment(v6, 0, false), v6, frameTCP, 0, innerMACs},
		{"IPv6 first fragment", withIPv6Fragment(v6, 0, true), v6, frameFragment, 0, 0},
		{"IPv6 later fragment", withIPv6Fragment(v6, 10, false), v6, frameFragment, 0, 0},
		{"IPv4 first fragment", v4frag(0x2000), nil, frameFragment, 0, 0},
		{"IPv4 later fragment", v4frag(0x0010), nil, frameFragment, 0, 0},
		{"IPv4 fragment in VXLAN", cat(eth(0x0800), ipv4(17, 0, udp(4789, cat(vxlan(0x08), v4frag(0x0010))))), nil, frameFragment, encapVXLAN, 0},
		{"GRE in an IPv4 fragment", cat(eth(0x0800), ipv4(47, 0x0010, gre(0, 0x0800, inner))), nil, frameFragment, 0, 0},
		{"UDP in an IPv4 fragment", cat(eth(0x0800), ipv4(17, 0x0010, udp(4789, nil))), nil, frameOther, 0, 0},
		{"VXLAN in a first IPv4 fragment", cat(eth(0x0800), ipv4(17, 0x2000, udp(4789, cat(vxlan(0x08), v4)))), nil, frameFragment, 0, 0},
		{"DNS in a first IPv4 fragment", cat(eth(0x0800), ipv4(17, 0x2000, udp(53, cat(vxlan(0x08), v4)))), nil, frameOther, 0, 0},
		{"VXLAN cut inside the inner TCP", cat(eth(0x0800), ipv4(17, 0, udp(4789, cat(vxlan(0x08), v4[:14+20+10])))), nil, frameDamaged, encapVXLAN, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newDecoder()
			got := d.decode(tt.frame, layers.LinkTypeEthernet)
			if got != tt.want || d.encaps != tt.encaps {
				t.Fatalf("decode = %d, encaps %b; want %d, %b", got, d.encaps, tt.want, tt.encaps)
			}
			if got != frameTCP {
				return
			}
			plain := tt.plain
			if plain == nil {
				plain = v4
			}
			ref := newDecoder()
			ref.referenceOnly = true
			if ref.decode(plain, layers.LinkTypeEthernet) != frameTCP {
				t.Fatal("the plain frame is not TCP")
			}
			want := ref.pkt
			switch tt.macs {
			case outerMACs:
				want.DstMAC, want.SrcMAC = outerDst, outerSrc
			case noMACs:
				want.DstMAC, want.SrcMAC = nil, nil
			}
			if diff := cmp.Diff(want, d.pkt, addrPortEq); diff != "" {
				t.Errorf("packet (-plain +tunnelled):\n%s", diff)
			}
		})
	}
}

// TestTunnelFramesFastPath: the fast path leaves every tunnelled frame to
// gopacket, and both agree on it.
func TestTunnelFramesFastPath(t *testing.T) {
	for _, s := range tunnelSeeds(t) {
		if checkSame(t, s.frame) {
			t.Errorf("%s: fast path taken", s.name)
		}
	}
}

// tunnelSeed is a tunnelled frame for the fuzz corpora.
type tunnelSeed struct {
	name  string
	frame []byte
}

func tunnelSeeds(t testing.TB) []tunnelSeed {
	v4, v6 := realFrames(t)
	return []tunnelSeed{
		{"VXLAN", cat(eth(0x0800), ipv4(17, 0, udp(4789, cat(vxlan(0x08), v4))))},
		{"Geneve", cat(eth(0x0800), ipv4(17, 0, udp(6081, cat([]byte{2, 0}, u16(0x6558), []byte{0, 0, 42, 0}, u16(0x0104), []byte{1, 1}, u32(9), v4))))},
		{"gretap", cat(eth(0x0800), ipv4(47, 0, gre(0x3000, 0x6558, u32(42), u32(7), v4)))},
		{"ERSPAN II", cat(eth(0x0800), ipv4(47, 0, gre(0x1000, 0x88be, u32(1), u16(1<<12), u16(123), u32(0), v4)))},
		{"ERSPAN III", cat(eth(0x0800), ipv4(47, 0, gre(0x1000, 0x22eb, u32(1), erspan3(0, true), v4)))},
		{"MPLS", cat(eth(0x8847), []byte{0, 1, 0, 64, 0, 2, 1, 64}, v4[14:])},
		{"QinQ", cat(eth(0x88a8), u16(100), u16(0x8100), u16(200), u16(0x0800), v4[14:])},
		{"IP in IP", cat(eth(0x0800), ipv4(4, 0, v4[14:]))},
		{"hop-by-hop", withIPv6Ext(v6)},
		{"IPv6 fragment", withIPv6Fragment(v6, 10, false)},
	}
}

// TestFragmentsReported: IP fragments of TCP segments are counted as
// unparsed and named among the capture's problems, and make no flow.
func TestFragmentsReported(t *testing.T) {
	v4, v6 := realFrames(t)
	frag := append([]byte(nil), v4...)
	binary.BigEndian.PutUint16(frag[14+6:], 0x0010)
	var buf bytes.Buffer
	w := pcapgo.NewWriter(&buf)
	if err := w.WriteFileHeader(65535, layers.LinkTypeEthernet); err != nil {
		t.Fatal(err)
	}
	for _, fr := range [][]byte{frag, withIPv6Fragment(v6, 0, true), cat(eth(0x0800), ipv4(17, 0x0010, udp(4789, nil)))} {
		if err := w.WritePacket(gopacket.CaptureInfo{CaptureLength: len(fr), Length: len(fr)}, fr); err != nil {
			t.Fatal(err)
		}
	}
	rec, st, err := parseBytes(t, "fragments.pcap", buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"2 frames are IP fragments of TCP segments (or of tunnel packets): not reassembled, so flows miss those segments"}
	if diff := cmp.Diff(want, st.Problems); diff != "" || st.Unparsed != 2 || len(rec.flows) != 0 {
		t.Errorf("unparsed %d, %d flows, problems (-want +got):\n%s", st.Unparsed, len(rec.flows), diff)
	}
}

// TestTunnelDecodeAllocs: a tunnelled frame decodes without allocating, as
// a plain one does (IPv6 hop-by-hop options aside: gopacket allocates each).
func TestTunnelDecodeAllocs(t *testing.T) {
	d := newDecoder()
	for _, s := range tunnelSeeds(t) {
		if s.name == "hop-by-hop" {
			continue
		}
		if n := testing.AllocsPerRun(200, func() { d.decode(s.frame, layers.LinkTypeEthernet) }); n != 0 {
			t.Errorf("%s: decode allocates %.1f times per frame, want 0", s.name, n)
		}
	}
}

// TestTunnelsUnderOtherLinks: a tunnel captured with `tcpdump -i any`
// (Linux cooked headers) or on a raw-IP link still yields the inner flow,
// with the inner Ethernet header's MACs, never the cooked header's.
func TestTunnelsUnderOtherLinks(t *testing.T) {
	v4, _ := realFrames(t)
	vx := ipv4(17, 0, udp(4789, cat(vxlan(0x08), v4)))
	greIP := ipv4(47, 0, gre(0, 0x0800, v4[14:]))
	tests := []struct {
		name  string
		link  layers.LinkType
		frame []byte
		macs  bool
	}{
		{"SLL VXLAN", layers.LinkTypeLinuxSLL, cat(sllHeader(layers.EthernetTypeIPv4), vx), true},
		{"SLL2 VXLAN", layers.LinkTypeLinuxSLL2, cat(sll2Header(layers.EthernetTypeIPv4), vx), true},
		{"raw IP VXLAN", layers.LinkTypeRaw, vx, true},
		{"SLL2 GRE of IP", layers.LinkTypeLinuxSLL2, cat(sll2Header(layers.EthernetTypeIPv4), greIP), false},
	}
	ref := newDecoder()
	ref.referenceOnly = true
	if ref.decode(v4, layers.LinkTypeEthernet) != frameTCP {
		t.Fatal("the plain frame is not TCP")
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newDecoder()
			if v := d.decode(tt.frame, tt.link); v != frameTCP {
				t.Fatalf("decode = %d, want frameTCP", v)
			}
			want := ref.pkt
			if !tt.macs {
				want.SrcMAC, want.DstMAC = nil, nil
			}
			if diff := cmp.Diff(want, d.pkt, addrPortEq); diff != "" {
				t.Errorf("packet (-plain +tunnelled):\n%s", diff)
			}
		})
	}
}
