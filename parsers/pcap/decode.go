package pcap

import (
	"encoding/binary"
	"net/netip"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"

	"github.com/kafkadiag/kafkadiag/analyzer/flow"
)

// verdict is what one frame turned out to be.
type verdict int

const (
	frameOther    verdict = iota // decoded, but neither TCP nor ARP (UDP, ICMP, LLDP ...)
	frameTCP                     // a TCP segment: the decoder's Packet is filled
	frameARP                     // an ARP packet: the decoder's ARP layer is filled
	frameBadLink                 // a link type this decoder does not read
	frameDamaged                 // empty, or cut inside a header it needed
	frameEnd                     // no frame: the capture ended
	frameFragment                // an IP fragment of a TCP segment (or of a tunnel packet): not reassembled
	frameCopy                    // a second copy of a TCP segment already replayed (twins.go)
)

// decoder turns frames into flow.Packets without allocating: one set of
// layers, decoded in place by a DecodingLayerParser per starting layer, all
// reused from frame to frame. Nothing it fills outlives the next call.
//
// A tunnelled frame holds the same layer type twice (outer and inner
// Ethernet, IPv4): the parser decodes both into the one struct, so after
// DecodeLayers each struct holds the innermost instance that decoded, and
// every slice in it points into the frame, never into overwritten state.
// The fill functions read only layers that decoded last of their type.
type decoder struct {
	eth    layers.Ethernet
	vlan   layers.Dot1Q
	sll    layers.LinuxSLL
	sll2   layers.LinuxSLL2
	loop   layers.Loopback
	ip4    layers.IPv4
	ip6    layers.IPv6
	ext6   layers.IPv6ExtensionSkipper
	frag6  layers.IPv6Fragment
	tcp    layers.TCP
	arp    layers.ARP
	udp    tunnelUDP
	vxlan  strictVXLAN
	geneve geneveTunnel
	gre    greTunnel
	erspan erspan
	mpls   mpls

	// One parser per first layer; they share the layers above.
	byFirst map[gopacket.LayerType]*gopacket.DecodingLayerParser
	decoded []gopacket.LayerType

	// out is where decode puts a TCP segment: pkt, or a slot the caller
	// points it at (the pipeline's batch, so the segment is not copied
	// there afterwards).
	out *flow.Packet
	pkt flow.Packet
	// encaps is what the last frame was found inside; zero for frames the
	// fast path took.
	encaps encap
	// cutHeader is the TCP header length the segment declared when the
	// snap length cut it inside its options (cutTCP); 0 otherwise.
	cutHeader  int
	cutOptions uint32
	// referenceOnly turns the fast path off: tests compare the two.
	referenceOnly bool
}

// maxLayers is how many layers a frame decodes to without d.decoded
// growing: a VLAN-tagged ERSPAN frame of a tagged TCP segment has 11.
const maxLayers = 16

func newDecoder() *decoder {
	d := &decoder{decoded: make([]gopacket.LayerType, 0, maxLayers)}
	d.out = &d.pkt
	// The extension skipper claims every IPv6 extension header; the
	// fragment header listed after it takes its own type back, so that
	// fragments stop the decoding.
	all := []gopacket.DecodingLayer{&d.eth, &d.vlan, &d.sll, &d.sll2, &d.loop, &d.ip4, &d.ip6,
		&d.ext6, &d.frag6, &d.tcp, &d.arp, &d.udp, &d.vxlan, &d.geneve, &d.gre, &d.erspan, &d.mpls}
	// One container, indexed by layer type (no map lookup per layer),
	// shared by the parsers.
	var layerSet gopacket.DecodingLayerContainer = gopacket.DecodingLayerSparse(nil)
	for _, l := range all {
		layerSet = layerSet.Put(l)
	}
	d.byFirst = map[gopacket.LayerType]*gopacket.DecodingLayerParser{}
	for _, first := range []gopacket.LayerType{layers.LayerTypeEthernet, layers.LayerTypeLinuxSLL,
		layers.LayerTypeLinuxSLL2, layers.LayerTypeLoopback, layers.LayerTypeIPv4, layers.LayerTypeIPv6} {
		p := gopacket.NewDecodingLayerParser(first)
		p.SetDecodingLayerContainer(layerSet)
		p.IgnoreUnsupported = true // stop quietly at ICMP, other UDP, ...
		d.byFirst[first] = p
	}
	return d
}

// firstLayer is the layer a link type starts with; LayerTypeZero for link
// types this decoder does not read. Raw IP picks the version from the
// first nibble.
func firstLayer(lt layers.LinkType, data []byte) gopacket.LayerType {
	switch lt {
	case layers.LinkTypeEthernet:
		return layers.LayerTypeEthernet
	case layers.LinkTypeLinuxSLL:
		return layers.LayerTypeLinuxSLL
	case layers.LinkTypeLinuxSLL2:
		return layers.LayerTypeLinuxSLL2
	case layers.LinkTypeNull, layers.LinkTypeLoop:
		return layers.LayerTypeLoopback
	case layers.LinkTypeIPv4:
		return layers.LayerTypeIPv4
	case layers.LinkTypeIPv6:
		return layers.LayerTypeIPv6
	case layers.LinkTypeRaw, 12, 14:
		if data[0]>>4 == 6 {
			return layers.LayerTypeIPv6
		}
		return layers.LayerTypeIPv4
	}
	return gopacket.LayerTypeZero
}

// decode decodes one frame. For frameTCP the result is in *d.out, whose
// slices point into data; every field but Frame and Time is set.
func (d *decoder) decode(data []byte, lt layers.LinkType) verdict {
	d.encaps, d.cutHeader = 0, 0
	if len(data) == 0 {
		return frameDamaged
	}
	if !d.referenceOnly {
		switch {
		case lt == layers.LinkTypeEthernet && d.fastEthIPv4TCP(data),
			lt == layers.LinkTypeLinuxSLL2 && d.fastSLL2IPv4TCP(data):
			return frameTCP
		}
	}
	p := d.byFirst[firstLayer(lt, data)]
	if p == nil {
		return frameBadLink
	}
	// Errors mean a header was cut short or malformed: what was decoded
	// before it is still in d.decoded.
	_ = p.DecodeLayers(data, &d.decoded)
	st := d.walk()
	d.encaps = st.encaps
	switch {
	case st.tcp && st.ip != 0:
		d.fillTCP(st.ipLink)
		if st.ip == 4 {
			d.fillIPv4()
		} else {
			d.fillIPv6()
		}
		return frameTCP
	case st.arp:
		return frameARP
	case len(d.decoded) == 0:
		return frameDamaged
	}
	return d.unfinished()
}

// stack is what walk found in the decoded layers.
type stack struct {
	ip       int                // innermost IP version, 0 for none
	ipLink   gopacket.LayerType // link layer right below the innermost IP, LayerTypeZero for none
	tcp, arp bool
	encaps   encap
}

// walk reads d.decoded from the outside in.
func (d *decoder) walk() stack {
	var st stack
	link, prev := gopacket.LayerTypeZero, gopacket.LayerTypeZero
	vlans := 0
	for _, t := range d.decoded {
		switch t {
		case layers.LayerTypeEthernet, layers.LayerTypeLinuxSLL, layers.LayerTypeLinuxSLL2, layers.LayerTypeLoopback:
			link = t
		case layers.LayerTypeIPv4, layers.LayerTypeIPv6:
			if ipHeader(prev) {
				st.encaps |= encapIPinIP
			}
			st.ip, st.ipLink, link = 4, link, gopacket.LayerTypeZero
			if t == layers.LayerTypeIPv6 {
				st.ip = 6
			}
		case layers.LayerTypeTCP:
			st.tcp = true
		case layers.LayerTypeARP:
			st.arp = true
		case layers.LayerTypeDot1Q:
			if vlans++; vlans == 2 {
				st.encaps |= encapQinQ
			}
		default:
			st.encaps |= d.tunnel(t)
		}
		prev = t
	}
	return st
}

// ipHeader reports whether t is an IP header or an IPv6 extension header.
func ipHeader(t gopacket.LayerType) bool {
	switch t {
	case layers.LayerTypeIPv4, layers.LayerTypeIPv6, layers.LayerTypeIPv6HopByHop,
		layers.LayerTypeIPv6Routing, layers.LayerTypeIPv6Destination, layers.LayerTypeIPv6Fragment:
		return true
	}
	return false
}

// tunnel names the encapsulation a tunnel layer stands for.
func (d *decoder) tunnel(t gopacket.LayerType) encap {
	switch t {
	case layers.LayerTypeVXLAN:
		return encapVXLAN
	case layers.LayerTypeGeneve:
		return encapGeneve
	case layers.LayerTypeGRE:
		if d.gre.Protocol == greERSPANII && d.gre.NextLayerType() == layers.LayerTypeEthernet {
			return encapERSPANI // no ERSPAN header follows
		}
		if d.gre.Protocol != greERSPANII && d.gre.Protocol != greERSPANIII {
			return encapGRE // ERSPAN II and III name themselves
		}
	case layers.LayerTypeERSPANII:
		if d.erspan.v3 {
			return encapERSPANIII
		}
		return encapERSPANII
	case layers.LayerTypeMPLS:
		return encapMPLS
	}
	return 0
}

// unfinished classifies a frame whose decoding stopped before TCP or ARP
// by its last decoded layer: an IP header that announced TCP means the
// segment was cut (frameDamaged) or is in fragments (frameFragment).
func (d *decoder) unfinished() verdict {
	var proto layers.IPProtocol
	var rest []byte // what follows the last header, for fragments
	fragment, first := false, false
	last := d.decoded[len(d.decoded)-1]
	switch last {
	case layers.LayerTypeIPv4:
		proto, rest = d.ip4.Protocol, d.ip4.Payload
		fragment = d.ip4.FragOffset != 0 || d.ip4.Flags&layers.IPv4MoreFragments != 0
		first = d.ip4.FragOffset == 0
	case layers.LayerTypeIPv6:
		proto, rest = d.ip6.NextHeader, d.ip6.Payload
		if d.ip6.HopByHop != nil {
			proto = d.ip6.HopByHop.NextHeader
		}
	case layers.LayerTypeIPv6HopByHop, layers.LayerTypeIPv6Routing, layers.LayerTypeIPv6Destination:
		proto, rest = d.ext6.NextHeader, d.ext6.Payload
	case layers.LayerTypeIPv6Fragment:
		proto, rest = d.frag6.NextHeader, d.frag6.Payload
		fragment = d.frag6.FragmentOffset != 0 || d.frag6.MoreFragments
		first = d.frag6.FragmentOffset == 0
	default:
		return frameOther
	}
	switch {
	case fragment && (carriesTCP(proto) || first && proto == layers.IPProtocolUDP && toTunnelPort(rest)):
		return frameFragment
	case !fragment && proto == layers.IPProtocolTCP:
		if d.cutTCP(rest) {
			st := d.walk()
			d.encaps = st.encaps
			d.fillTCP(st.ipLink)
			d.out.Options = d.cutOptions
			if last == layers.LayerTypeIPv4 {
				d.fillIPv4()
			} else {
				d.fillIPv6()
			}
			return frameTCP
		}
		return frameDamaged
	}
	return frameOther
}

// cutTCP reads a segment the snap length cut inside its options, which
// gopacket refuses ("TCP data offset greater than packet length"): at
// tcpdump's old -s 68, or -s 96 over IPv6 and cooked headers, every SYN and
// SYN-ACK is cut so. The fixed 20 bytes hold what a flow needs — ports,
// sequence numbers, flags, window — so d.tcp is filled from them, the
// options that were captured whole are kept in d.cutOptions, and
// d.cutHeader keeps the declared header length so payload lengths come
// out right. A segment whose header is whole but malformed stays damaged.
func (d *decoder) cutTCP(seg []byte) bool {
	if len(seg) < tcpMinHeader {
		return false
	}
	hdr := int(seg[12]>>4) * 4
	if hdr <= len(seg) || hdr < tcpMinHeader {
		return false
	}
	t := &d.tcp
	t.SrcPort = layers.TCPPort(binary.BigEndian.Uint16(seg[0:]))
	t.DstPort = layers.TCPPort(binary.BigEndian.Uint16(seg[2:]))
	t.Seq, t.Ack = binary.BigEndian.Uint32(seg[4:]), binary.BigEndian.Uint32(seg[8:])
	t.Window = binary.BigEndian.Uint16(seg[14:])
	t.Contents, t.Payload, t.Options = seg, nil, t.Options[:0]
	d.cutOptions = cutOptionBits(seg[tcpMinHeader:])
	d.cutHeader = hdr
	return true
}

// cutOptionBits is tcpOptionBits for options the capture cut: the options
// read whole count, the one the cut went through does not.
func cutOptionBits(b []byte) uint32 {
	var bits uint32
	for len(b) > 0 {
		kind := b[0]
		if kind == tcpOptEnd {
			break
		}
		if kind == tcpOptNOP {
			bits |= 1 << kind
			b = b[1:]
			continue
		}
		if len(b) < 2 || b[1] < 2 || int(b[1]) > len(b) {
			break
		}
		if kind < 32 {
			bits |= 1 << kind
		}
		b = b[b[1]:]
	}
	return bits
}

// carriesTCP reports whether an IP fragment of this protocol may hold a
// TCP segment: TCP itself, or a tunnel that is not recognised by port.
func carriesTCP(p layers.IPProtocol) bool {
	switch p {
	case layers.IPProtocolTCP, layers.IPProtocolGRE, layers.IPProtocolIPv4, layers.IPProtocolIPv6:
		return true
	}
	return false
}

// toTunnelPort reports whether a UDP header is addressed to a tunnel port:
// a VXLAN or Geneve packet larger than the underlay's MTU arrives in
// fragments, and its first one still names the port. Later fragments of
// UDP are not counted: nothing says what they carry.
func toTunnelPort(udp []byte) bool {
	if len(udp) < 4 {
		return false
	}
	switch binary.BigEndian.Uint16(udp[2:4]) {
	case portVXLAN, portVXLANLinux, portGeneve:
		return true
	}
	return false
}

// fillTCP sets the link and TCP fields of d.out. link is the layer right
// below the innermost IP header: only its MACs belong to the flow's hosts
// (a tunnel's outer Ethernet header names the tunnel endpoints).
func (d *decoder) fillTCP(link gopacket.LayerType) {
	p := d.out
	p.SrcMAC, p.DstMAC = nil, nil
	switch link {
	case layers.LayerTypeEthernet:
		p.SrcMAC, p.DstMAC = d.eth.SrcMAC, d.eth.DstMAC
	case layers.LayerTypeLinuxSLL:
		if d.sll.AddrType == 1 && len(d.sll.Addr) == 6 { // ARPHRD_ETHER
			p.SrcMAC = d.sll.Addr
		}
	case layers.LayerTypeLinuxSLL2:
		if d.sll2.ARPHardwareType == layers.ARPHardwareTypeEthernet && len(d.sll2.Addr) == 6 {
			p.SrcMAC = d.sll2.Addr
		}
	}
	t := &d.tcp
	p.Flags = t.Contents[13]
	p.Seq, p.Ack, p.Window = t.Seq, t.Ack, uint16(t.Window)
	var opts uint32
	for i := range t.Options {
		if k := t.Options[i].OptionType; k < 32 {
			opts |= 1 << k
		}
	}
	p.Options = opts
	p.Payload = t.Payload
}

func (d *decoder) fillIPv4() {
	p, ip := d.out, &d.ip4
	p.Src = netip.AddrPortFrom(netip.AddrFrom4([4]byte(ip.SrcIP)), uint16(d.tcp.SrcPort))
	p.Dst = netip.AddrPortFrom(netip.AddrFrom4([4]byte(ip.DstIP)), uint16(d.tcp.DstPort))
	p.TTL, p.IPID = ip.TTL, ip.Id
	// The IP header's length, not the captured bytes: snaplen-cut frames
	// still count what was sent.
	p.PayloadLen = max(int(ip.Length)-int(ip.IHL)*4-d.tcpHeaderLen(), len(d.tcp.Payload))
}

func (d *decoder) fillIPv6() {
	p, ip := d.out, &d.ip6
	p.Src = netip.AddrPortFrom(netip.AddrFrom16([16]byte(ip.SrcIP)), uint16(d.tcp.SrcPort))
	p.Dst = netip.AddrPortFrom(netip.AddrFrom16([16]byte(ip.DstIP)), uint16(d.tcp.DstPort))
	p.TTL, p.IPID = ip.HopLimit, 0
	// Extension headers (hop-by-hop included, which gopacket folds into
	// the IPv6 layer) sit between the fixed header and TCP; both slices
	// run to the end of the frame, so their capacities give the distance.
	ext := cap(ip.Contents) - cap(d.tcp.Contents) - len(ip.Contents)
	p.PayloadLen = max(int(ip.Length)-max(ext, 0)-d.tcpHeaderLen(), len(d.tcp.Payload))
}

// tcpHeaderLen is the TCP header's length as sent.
func (d *decoder) tcpHeaderLen() int {
	if d.cutHeader > 0 {
		return d.cutHeader
	}
	return len(d.tcp.Contents)
}
