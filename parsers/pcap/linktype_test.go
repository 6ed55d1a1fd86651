package pcap

import (
	"bytes"
	"encoding/binary"
	"net"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// TestLayout checks the layout the parser reports for each real fixture.
func TestLayout(t *testing.T) {
	tests := []struct {
		file, layout string
	}{
		{"sf_loopback.pcap", "pcap/EN10MB"},
		{"sf_loopback.pcap.gz", "pcap/EN10MB"},
		{"sf_loopback.pcapng", "pcapng/EN10MB"},
		{"sf_dumpcap.pcapng", "pcapng/EN10MB"},
		{"sf_any_sll2.pcap", "pcap/LINUX_SLL2"},
		{"veth_ether.pcap", "pcap/EN10MB"},
		{"mixed_linktypes.pcapng", "pcapng/LINUX_SLL2+EN10MB"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			_, st, err := parseBytes(t, tt.file, readFixture(t, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			if st.Layout != tt.layout {
				t.Errorf("Layout = %q, want %q", st.Layout, tt.layout)
			}
			if st.Unparsed != 0 || len(st.Problems) != 0 {
				t.Errorf("Unparsed %d, Problems %q; want none", st.Unparsed, st.Problems)
			}
		})
	}
}

// packetView is the part of a decoded Packet a link-type test checks.
type packetView struct {
	Src, Dst         string
	SrcMAC, DstMAC   string
	Flags, TTL       uint8
	IPID             uint16
	PayloadLen, Capt int
	Options          uint32
}

var (
	macA = net.HardwareAddr{0x02, 0, 0, 0, 0, 0x0a}
	macB = net.HardwareAddr{0x02, 0, 0, 0, 0, 0x0b}
	ip4A = net.IP{198, 18, 0, 1}
	ip4B = net.IP{198, 18, 0, 2}
	ip6A = net.ParseIP("2001:db8::1")
	ip6B = net.ParseIP("2001:db8::2")
)

// TestLinkTypes runs one hand-built SYN with 10 payload bytes through each
// link type the decoder reads, for the branches no real fixture covers.
func TestLinkTypes(t *testing.T) {
	v4 := packetView{Src: "198.18.0.1:40000", Dst: "198.18.0.2:9092", Flags: 0x02, TTL: 61, IPID: 7, PayloadLen: 10, Capt: 10, Options: 1 << 2}
	v6 := packetView{Src: "[2001:db8::1]:40000", Dst: "[2001:db8::2]:9092", Flags: 0x02, TTL: 61, PayloadLen: 10, Capt: 10, Options: 1 << 2}
	withMACs := func(v packetView, src, dst string) packetView { v.SrcMAC, v.DstMAC = src, dst; return v }
	tests := []struct {
		name string
		link layers.LinkType
		l2   []gopacket.SerializableLayer
		v6   bool
		want packetView
	}{
		{"ethernet", layers.LinkTypeEthernet, []gopacket.SerializableLayer{&layers.Ethernet{SrcMAC: macA, DstMAC: macB, EthernetType: layers.EthernetTypeIPv4}}, false, withMACs(v4, macA.String(), macB.String())},
		{"ethernet vlan", layers.LinkTypeEthernet, []gopacket.SerializableLayer{
			&layers.Ethernet{SrcMAC: macA, DstMAC: macB, EthernetType: layers.EthernetTypeDot1Q},
			&layers.Dot1Q{VLANIdentifier: 42, Type: layers.EthernetTypeIPv6}}, true, withMACs(v6, macA.String(), macB.String())},
		{"linux sll", layers.LinkTypeLinuxSLL, []gopacket.SerializableLayer{rawLayer(sllHeader(layers.EthernetTypeIPv4))}, false, withMACs(v4, macA.String(), "")},
		{"linux sll2", layers.LinkTypeLinuxSLL2, []gopacket.SerializableLayer{rawLayer(sll2Header(layers.EthernetTypeIPv6))}, true, withMACs(v6, macA.String(), "")},
		{"raw ipv4", layers.LinkTypeRaw, nil, false, v4},
		{"raw ipv6", layers.LinkTypeRaw, nil, true, v6},
		{"raw 12 (OpenBSD DLT_RAW)", 12, nil, false, v4},
		{"raw 14", 14, nil, true, v6},
		{"ipv4", layers.LinkTypeIPv4, nil, false, v4},
		{"ipv6", layers.LinkTypeIPv6, nil, true, v6},
		{"null little-endian", layers.LinkTypeNull, []gopacket.SerializableLayer{rawLayer(binary.LittleEndian.AppendUint32(nil, 2))}, false, v4},
		{"null ipv6 (BSD 30)", layers.LinkTypeNull, []gopacket.SerializableLayer{rawLayer(binary.LittleEndian.AppendUint32(nil, 30))}, true, v6},
		{"6in4 tunnel: the inner addresses", layers.LinkTypeRaw, []gopacket.SerializableLayer{
			&layers.IPv4{Version: 4, IHL: 5, TTL: 9, Protocol: layers.IPProtocolIPv6, SrcIP: net.IP{192, 0, 2, 1}, DstIP: net.IP{192, 0, 2, 2}}}, true, v6},
		{"loop big-endian", layers.LinkTypeLoop, []gopacket.SerializableLayer{rawLayer(binary.BigEndian.AppendUint32(nil, 2))}, false, v4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			frame := buildFrame(t, tt.l2, tt.v6, 10)
			d := newDecoder()
			if got := d.decode(frame, tt.link); got != frameTCP {
				t.Fatalf("decode = %v, want frameTCP", got)
			}
			p := &d.pkt
			got := packetView{Src: p.Src.String(), Dst: p.Dst.String(), Flags: p.Flags, TTL: p.TTL, IPID: p.IPID,
				PayloadLen: p.PayloadLen, Capt: len(p.Payload), Options: p.Options}
			if len(p.SrcMAC) > 0 {
				got.SrcMAC = p.SrcMAC.String()
			}
			if len(p.DstMAC) > 0 {
				got.DstMAC = p.DstMAC.String()
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("packet (-want +got):\n%s", diff)
			}
		})
	}
}

// TestSnaplenCut checks that a frame cut inside its payload still counts
// the bytes its IP header claims.
func TestSnaplenCut(t *testing.T) {
	frame := buildFrame(t, nil, false, 1000)
	d := newDecoder()
	if got := d.decode(frame[:60], layers.LinkTypeRaw); got != frameTCP {
		t.Fatalf("decode = %v, want frameTCP", got)
	}
	if d.pkt.PayloadLen != 1000 || len(d.pkt.Payload) != 60-20-24 {
		t.Errorf("PayloadLen %d, captured %d; want 1000, 16", d.pkt.PayloadLen, len(d.pkt.Payload))
	}
	if got := d.decode(frame[:30], layers.LinkTypeRaw); got != frameDamaged {
		t.Errorf("cut inside the TCP header: decode = %v, want frameDamaged", got)
	}
	if got := d.decode(nil, layers.LinkTypeRaw); got != frameDamaged {
		t.Errorf("empty frame: decode = %v, want frameDamaged", got)
	}
	if got := d.decode(frame, layers.LinkTypeIEEE802_11); got != frameBadLink {
		t.Errorf("802.11: decode = %v, want frameBadLink", got)
	}
}

// TestDecodeAllocs proves the per-frame path allocates nothing.
func TestDecodeAllocs(t *testing.T) {
	frame := buildFrame(t, []gopacket.SerializableLayer{&layers.Ethernet{SrcMAC: macA, DstMAC: macB, EthernetType: layers.EthernetTypeIPv4}}, false, 200)
	d := newDecoder()
	if n := testing.AllocsPerRun(1000, func() { d.decode(frame, layers.LinkTypeEthernet) }); n != 0 {
		t.Errorf("decode allocates %.1f times per frame, want 0", n)
	}
}

// TestMixedLinkTypesPcapng writes a pcapng whose two interfaces have
// different link types and checks no record is lost and frames count from 1.
func TestMixedLinkTypesPcapng(t *testing.T) {
	var buf bytes.Buffer
	w, err := pcapgo.NewNgWriterInterface(&buf, pcapgo.NgInterface{LinkType: layers.LinkTypeRaw, SnapLength: 65535}, pcapgo.NgWriterOptions{})
	if err != nil {
		t.Fatal(err)
	}
	eth, err := w.AddInterface(pcapgo.NgInterface{LinkType: layers.LinkTypeEthernet, SnapLength: 65535})
	if err != nil {
		t.Fatal(err)
	}
	// Three different segments (payload lengths differ): identical ones
	// on two interfaces would be one packet captured twice (twins.go).
	ether := buildFrame(t, []gopacket.SerializableLayer{&layers.Ethernet{SrcMAC: macA, DstMAC: macB, EthernetType: layers.EthernetTypeIPv4}}, false, 6)
	base := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for i, rec := range []struct {
		iface int
		data  []byte
	}{{0, buildFrame(t, nil, false, 5)}, {eth, ether}, {0, buildFrame(t, nil, false, 7)}} {
		ci := gopacket.CaptureInfo{Timestamp: base.Add(time.Duration(i) * time.Millisecond), CaptureLength: len(rec.data), Length: len(rec.data), InterfaceIndex: rec.iface}
		if err := w.WritePacket(ci, rec.data); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.WriteInterfaceStats(eth, pcapgo.NgInterfaceStatistics{PacketsReceived: 10, PacketsDropped: 3}); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	rec, st, err := parseBytes(t, "mixed.pcapng", buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if st.Packets != 3 || st.Layout != "pcapng/RAW+EN10MB" {
		t.Errorf("Packets %d, Layout %q; want 3, pcapng/RAW+EN10MB", st.Packets, st.Layout)
	}
	wantProblems := []string{"interface 1: the capture dropped 3 packets (pcapng statistics): flows may miss packets"}
	if diff := cmp.Diff(wantProblems, st.Problems); diff != "" {
		t.Errorf("Problems (-want +got):\n%s", diff)
	}
	if len(rec.flows) != 1 || rec.flows[0].OrigPkts != 3 || rec.flows[0].FirstFrame != 1 || rec.flows[0].LastFrame != 3 {
		t.Errorf("want one flow of 3 packets, frames 1-3; got %d flows %+v", len(rec.flows), rec.flows)
	}
}

type rawLayer []byte

func (r rawLayer) SerializeTo(b gopacket.SerializeBuffer, _ gopacket.SerializeOptions) error {
	bytes, err := b.PrependBytes(len(r))
	copy(bytes, r)
	return err
}
func (rawLayer) LayerType() gopacket.LayerType { return gopacket.LayerTypePayload }

// sllHeader is a Linux cooked v1 header of an Ethernet interface, from macA.
func sllHeader(proto layers.EthernetType) []byte {
	h := make([]byte, 16)
	binary.BigEndian.PutUint16(h[0:], 0) // to us
	binary.BigEndian.PutUint16(h[2:], 1) // ARPHRD_ETHER
	binary.BigEndian.PutUint16(h[4:], 6)
	copy(h[6:], macA)
	binary.BigEndian.PutUint16(h[14:], uint16(proto))
	return h
}

// sll2Header is a Linux cooked v2 header of an Ethernet interface, from macA.
func sll2Header(proto layers.EthernetType) []byte {
	h := make([]byte, 20)
	binary.BigEndian.PutUint16(h[0:], uint16(proto))
	binary.BigEndian.PutUint32(h[4:], 2) // ifindex
	binary.BigEndian.PutUint16(h[8:], 1) // ARPHRD_ETHER
	h[10], h[11] = 4, 6                  // outgoing, address length
	copy(h[12:], macA)
	return h
}

// buildFrame serialises l2 + IPv4/IPv6 + a TCP SYN with an MSS option and
// n payload bytes.
func buildFrame(t testing.TB, l2 []gopacket.SerializableLayer, v6 bool, n int) []byte {
	t.Helper()
	tcp := &layers.TCP{SrcPort: 40000, DstPort: 9092, Seq: 1000, SYN: true, Window: 65535,
		Options: []layers.TCPOption{{OptionType: layers.TCPOptionKindMSS, OptionLength: 4, OptionData: []byte{0x05, 0xb4}}}}
	var ip gopacket.SerializableLayer
	if v6 {
		ip6 := &layers.IPv6{Version: 6, HopLimit: 61, NextHeader: layers.IPProtocolTCP, SrcIP: ip6A, DstIP: ip6B}
		tcp.SetNetworkLayerForChecksum(ip6)
		ip = ip6
	} else {
		ip4 := &layers.IPv4{Version: 4, IHL: 5, TTL: 61, Id: 7, Protocol: layers.IPProtocolTCP, SrcIP: ip4A, DstIP: ip4B}
		tcp.SetNetworkLayerForChecksum(ip4)
		ip = ip4
	}
	all := append(append([]gopacket.SerializableLayer{}, l2...), ip, tcp, gopacket.Payload(bytes.Repeat([]byte{'k'}, n)))
	buf := gopacket.NewSerializeBuffer()
	if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, all...); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestARPRecords checks the ARP exchange of the real veth capture: a
// request from 198.18.0.1 for 198.18.0.2 and the reply, whose MACs are the
// ones the TCP flows of the same capture carry.
func TestARPRecords(t *testing.T) {
	rec, _, err := parseBytes(t, "veth_ether.pcap", readFixture(t, "veth_ether.pcap"))
	if err != nil {
		t.Fatal(err)
	}
	if len(rec.flows) == 0 || rec.flows[0].OrigMAC == nil || rec.flows[0].RespMAC == nil {
		t.Fatalf("want flows with MACs, got %+v", rec.flows)
	}
	client, server := rec.flows[0].OrigMAC.String(), rec.flows[0].RespMAC.String()
	type arpView struct {
		Frame     int
		Op        uint16
		SenderMAC string
		SenderIP  string
		TargetIP  string
	}
	want := []arpView{
		{1, 1, client, "198.18.0.1", "198.18.0.2"},
		{2, 2, server, "198.18.0.2", "198.18.0.1"},
	}
	var got []arpView
	for _, a := range rec.arps {
		got = append(got, arpView{a.Frame, a.Operation, a.SenderMAC.String(), a.SenderIP.String(), a.TargetIP.String()})
		if a.Capture != "veth_ether.pcap" || a.Time.IsZero() {
			t.Errorf("ARP record without capture or time: %+v", a)
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ARP (-want +got):\n%s", diff)
	}
}

// TestCutInOptions: a SYN the snap length cut inside its TCP options
// (tcpdump's old -s 68; -s 96 over SLL2 and IPv6) is still a SYN: the
// fixed header is read, the whole options before the cut count, the
// payload length comes from the declared header length. A segment cut
// inside its fixed 20 bytes stays damaged.
func TestCutInOptions(t *testing.T) {
	syn := func(v6 bool, l2 []gopacket.SerializableLayer) []byte {
		tcp := &layers.TCP{SrcPort: 40000, DstPort: 9092, Seq: 1000, SYN: true, Window: 64240, Options: []layers.TCPOption{
			{OptionType: layers.TCPOptionKindMSS, OptionLength: 4, OptionData: []byte{0x05, 0xb4}},
			{OptionType: layers.TCPOptionKindSACKPermitted, OptionLength: 2},
			{OptionType: layers.TCPOptionKindTimestamps, OptionLength: 10, OptionData: make([]byte, 8)},
			{OptionType: layers.TCPOptionKindNop},
			{OptionType: layers.TCPOptionKindWindowScale, OptionLength: 3, OptionData: []byte{7}},
		}}
		var ip gopacket.SerializableLayer
		if v6 {
			ip6 := &layers.IPv6{Version: 6, HopLimit: 64, NextHeader: layers.IPProtocolTCP, SrcIP: ip6A, DstIP: ip6B}
			tcp.SetNetworkLayerForChecksum(ip6)
			ip = ip6
		} else {
			ip4 := &layers.IPv4{Version: 4, IHL: 5, TTL: 64, Id: 9, Protocol: layers.IPProtocolTCP, SrcIP: ip4A, DstIP: ip4B}
			tcp.SetNetworkLayerForChecksum(ip4)
			ip = ip4
		}
		buf := gopacket.NewSerializeBuffer()
		if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true},
			append(append([]gopacket.SerializableLayer{}, l2...), ip, tcp)...); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	eth4 := []gopacket.SerializableLayer{&layers.Ethernet{SrcMAC: macA, DstMAC: macB, EthernetType: layers.EthernetTypeIPv4}}
	sll26 := []gopacket.SerializableLayer{rawLayer(sll2Header(layers.EthernetTypeIPv6))}
	const mss, sack, ts, nop = 1 << 2, 1 << 4, 1 << 8, 1 << 1
	tests := []struct {
		name    string
		frame   []byte
		link    layers.LinkType
		snap    int
		want    verdict
		options uint32
	}{
		{"-s 68 over Ethernet and IPv4", syn(false, eth4), layers.LinkTypeEthernet, 68, frameTCP, mss | sack},
		{"-s 96 over SLL2 and IPv6: the timestamps option ends at the cut", syn(true, sll26), layers.LinkTypeLinuxSLL2, 96, frameTCP, mss | sack | ts},
		{"cut right after the fixed header", syn(false, eth4), layers.LinkTypeEthernet, 14 + 20 + 20, frameTCP, 0},
		{"cut inside the fixed header", syn(false, eth4), layers.LinkTypeEthernet, 14 + 20 + 19, frameDamaged, 0},
		{"whole", syn(false, eth4), layers.LinkTypeEthernet, 1500, frameTCP, mss | sack | ts | nop | 1<<3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, ref := range []bool{false, true} {
				d := newDecoder()
				d.referenceOnly = ref
				got := d.decode(tc.frame[:min(tc.snap, len(tc.frame))], tc.link)
				if got != tc.want {
					t.Fatalf("reference=%v: verdict %v, want %v", ref, got, tc.want)
				}
				if got != frameTCP {
					continue
				}
				p := d.pkt
				if p.Flags != 0x02 || p.Seq != 1000 || p.Window != 64240 || p.Dst.Port() != 9092 || p.PayloadLen != 0 || p.Options != tc.options {
					t.Errorf("reference=%v: packet flags %#x seq %d window %d dst %v payload %d options %#b, want a SYN to 9092 with options %#b",
						ref, p.Flags, p.Seq, p.Window, p.Dst, p.PayloadLen, p.Options, tc.options)
				}
			}
		})
	}
}
