package pcap

import (
	"net/netip"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"

	"github.com/kafkadiag/kafkadiag/analyzer/flow"
)

// verdict is what one frame turned out to be.
type verdict int

const (
	frameOther   verdict = iota // decoded, but neither TCP nor ARP (UDP, ICMP, LLDP ...)
	frameTCP                    // a TCP segment: the decoder's Packet is filled
	frameARP                    // an ARP packet: the decoder's ARP layer is filled
	frameBadLink                // a link type this decoder does not read
	frameDamaged                // empty, or cut inside a header it needed
	frameEnd                    // no frame: the capture ended
)

// decoder turns frames into flow.Packets without allocating: one set of
// layers, decoded in place by a DecodingLayerParser per starting layer, all
// reused from frame to frame. Nothing it fills outlives the next call.
type decoder struct {
	eth  layers.Ethernet
	vlan layers.Dot1Q
	sll  layers.LinuxSLL
	sll2 layers.LinuxSLL2
	loop layers.Loopback
	ip4  layers.IPv4
	ip6  layers.IPv6
	tcp  layers.TCP
	arp  layers.ARP

	// One parser per first layer; they share the layers above.
	byFirst map[gopacket.LayerType]*gopacket.DecodingLayerParser
	decoded []gopacket.LayerType

	pkt flow.Packet
	// referenceOnly turns the fast path off: tests compare the two.
	referenceOnly bool
}

func newDecoder() *decoder {
	d := &decoder{decoded: make([]gopacket.LayerType, 0, 8)}
	all := []gopacket.DecodingLayer{&d.eth, &d.vlan, &d.sll, &d.sll2, &d.loop, &d.ip4, &d.ip6, &d.tcp, &d.arp}
	d.byFirst = map[gopacket.LayerType]*gopacket.DecodingLayerParser{}
	for _, first := range []gopacket.LayerType{layers.LayerTypeEthernet, layers.LayerTypeLinuxSLL,
		layers.LayerTypeLinuxSLL2, layers.LayerTypeLoopback, layers.LayerTypeIPv4, layers.LayerTypeIPv6} {
		p := gopacket.NewDecodingLayerParser(first, all...)
		p.IgnoreUnsupported = true // stop quietly at UDP, ICMP, ...
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

// decode decodes one frame. For frameTCP the result is in d.pkt, whose
// slices point into data.
func (d *decoder) decode(data []byte, lt layers.LinkType) verdict {
	if len(data) == 0 {
		return frameDamaged
	}
	if lt == layers.LinkTypeEthernet && !d.referenceOnly && d.fastEthIPv4TCP(data) {
		return frameTCP
	}
	first := firstLayer(lt, data)
	p := d.byFirst[first]
	if p == nil {
		return frameBadLink
	}
	// Errors mean a header was cut short or malformed: what was decoded
	// before it is still in d.decoded.
	_ = p.DecodeLayers(data, &d.decoded)
	// ip is the innermost IP version before TCP (6in4 tunnels carry two).
	var ip int
	var sawTCP, sawARP bool
	for _, t := range d.decoded {
		switch t {
		case layers.LayerTypeIPv4:
			ip = 4
		case layers.LayerTypeIPv6:
			ip = 6
		case layers.LayerTypeTCP:
			sawTCP = true
		case layers.LayerTypeARP:
			sawARP = true
		}
	}
	switch {
	case sawTCP && ip == 4:
		d.fillTCP(first)
		d.fillIPv4()
		return frameTCP
	case sawTCP && ip == 6:
		d.fillTCP(first)
		d.fillIPv6()
		return frameTCP
	case sawARP:
		return frameARP
	case len(d.decoded) == 0, d.wantedTCP(ip):
		return frameDamaged
	}
	return frameOther
}

// fillTCP sets the link and TCP fields of d.pkt.
func (d *decoder) fillTCP(first gopacket.LayerType) {
	p := &d.pkt
	p.SrcMAC, p.DstMAC = nil, nil
	switch first {
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
	p, ip := &d.pkt, &d.ip4
	p.Src = netip.AddrPortFrom(netip.AddrFrom4([4]byte(ip.SrcIP)), uint16(d.tcp.SrcPort))
	p.Dst = netip.AddrPortFrom(netip.AddrFrom4([4]byte(ip.DstIP)), uint16(d.tcp.DstPort))
	p.TTL, p.IPID = ip.TTL, ip.Id
	// The IP header's length, not the captured bytes: snaplen-cut frames
	// still count what was sent.
	p.PayloadLen = max(int(ip.Length)-int(ip.IHL)*4-len(d.tcp.Contents), len(d.tcp.Payload))
}

func (d *decoder) fillIPv6() {
	p, ip := &d.pkt, &d.ip6
	p.Src = netip.AddrPortFrom(netip.AddrFrom16([16]byte(ip.SrcIP)), uint16(d.tcp.SrcPort))
	p.Dst = netip.AddrPortFrom(netip.AddrFrom16([16]byte(ip.DstIP)), uint16(d.tcp.DstPort))
	p.TTL, p.IPID = ip.HopLimit, 0
	// Extension headers sit between the IPv6 header and TCP.
	ext := len(ip.Payload) - len(d.tcp.Contents) - len(d.tcp.Payload)
	p.PayloadLen = max(int(ip.Length)-max(ext, 0)-len(d.tcp.Contents), len(d.tcp.Payload))
}

// wantedTCP reports whether the IP header announced a TCP segment that could
// not be decoded (cut inside the TCP header, or a bad data offset).
func (d *decoder) wantedTCP(ip int) bool {
	switch ip {
	case 4:
		return d.ip4.Protocol == layers.IPProtocolTCP && d.ip4.FragOffset == 0 && d.ip4.Flags&layers.IPv4MoreFragments == 0
	case 6:
		return d.ip6.NextHeader == layers.IPProtocolTCP
	}
	return false
}
