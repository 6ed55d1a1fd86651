package e2e

import (
	"bytes"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// Packet transforms rewrite Ethernet frames (addresses, ports, IP version)
// or capture records (times, snap length). Each returns a func(*capture)
// error so cases compose them in a list.

// toPcapNG writes the capture as pcapng (see encodeNg).
func toPcapNG(c *capture) error { c.format = pcapNG; return nil }

// toBigEndian writes classic pcap from a big-endian host (see
// encodeBigEndian).
func toBigEndian(c *capture) error { c.format = pcapBigEndian; return nil }

// toNanos writes nanosecond stamps: the pcap nanosecond magic, or pcapng
// with if_tsresol 9 (pcapgo's NgWriter always writes that). The lab's
// stamps are microseconds; a nanosecond part is added so the reader's
// scaling is exercised, not only the magic.
func toNanos(c *capture) error {
	if c.format != pcapNG {
		c.format = pcapNano
	}
	for i := range c.frames {
		c.frames[i].ci.Timestamp = c.frames[i].ci.Timestamp.Add(time.Duration(i%997) * time.Nanosecond)
	}
	return nil
}

// snapTo cuts every record to n bytes, as `tcpdump -s n` would have.
func snapTo(n int) func(*capture) error {
	return func(c *capture) error {
		for i := range c.frames {
			f := &c.frames[i]
			if len(f.data) > n {
				f.data = f.data[:n]
				f.ci.CaptureLength = n
			}
		}
		c.snap = min(c.snap, uint32(n))
		return nil
	}
}

// shiftClock moves every record's time by d: a capture host whose clock
// was set wrong, or a capture replayed years later.
func shiftClock(d time.Duration) func(*capture) error {
	return func(c *capture) error {
		for i := range c.frames {
			c.frames[i].ci.Timestamp = c.frames[i].ci.Timestamp.Add(d)
		}
		return nil
	}
}

// stretchGaps multiplies every gap between records by k (a slower path, a
// longer device timeout), keeping the earliest record's time. All captures
// of a case stretch from that one moment, so the client's and the broker's
// copies of a packet stay together.
func stretchGaps(k float64) func([]*capture) error {
	return func(cs []*capture) error {
		var start time.Time
		for _, c := range cs {
			if len(c.frames) > 0 && (start.IsZero() || c.frames[0].ci.Timestamp.Before(start)) {
				start = c.frames[0].ci.Timestamp
			}
		}
		for _, c := range cs {
			for i := range c.frames {
				off := c.frames[i].ci.Timestamp.Sub(start)
				c.frames[i].ci.Timestamp = start.Add(time.Duration(float64(off) * k))
			}
		}
		return nil
	}
}

// addrMap rewrites lab addresses: IPv4 to IPv4 or to IPv6, and ports.
type addrMap struct {
	ip   func(netip.Addr) netip.Addr
	port map[uint16]uint16
}

func (m addrMap) mapPort(p layers.TCPPort) layers.TCPPort {
	if q, ok := m.port[uint16(p)]; ok {
		return layers.TCPPort(q)
	}
	return p
}

func (m addrMap) mapIP(ip net.IP) net.IP {
	a, ok := netip.AddrFromSlice(ip)
	if !ok {
		return ip
	}
	return net.IP(m.ip(a.Unmap()).AsSlice())
}

// remap rewrites every IPv4 address (IP and ARP) and port of a capture
// and re-serialises the frames with fresh checksums. Lengths are fixed only
// for whole frames: a snaplen-cut frame keeps the length its IP header
// announced, as the wire had it. When m.ip maps into IPv6, IPv4 frames
// become IPv6 (hop limit = TTL) and ARP frames are dropped: IPv6 has
// neighbour discovery instead, which the lab never captured. The link
// header is kept, with its EtherType updated.
func remap(m addrMap) func(*capture) error {
	return func(c *capture) error {
		kept := c.frames[:0]
		for _, f := range c.frames {
			data, keep, err := remapFrame(c.link, f, m)
			if err != nil {
				return fmt.Errorf("%s: frame from %s: %w", c.name, f.origin, err)
			}
			if !keep {
				continue
			}
			f.ci.Length += len(data) - len(f.data)
			f.data = data
			f.ci.CaptureLength = len(data)
			kept = append(kept, f)
		}
		c.frames = kept
		return nil
	}
}

func remapFrame(lt layers.LinkType, f frame, m addrMap) ([]byte, bool, error) {
	l, err := splitLink(lt, f.data)
	if err != nil {
		return nil, false, err
	}
	buf := gopacket.NewSerializeBuffer()
	inner := f.data[len(l.header):]
	switch l.etherType {
	case layers.EthernetTypeARP:
		var arp layers.ARP
		if err := arp.DecodeFromBytes(inner, gopacket.NilDecodeFeedback); err != nil {
			return nil, false, err
		}
		src, dst := m.mapIP(arp.SourceProtAddress), m.mapIP(arp.DstProtAddress)
		if len(src) != 4 || len(dst) != 4 {
			return nil, false, nil // no ARP in IPv6
		}
		arp.SourceProtAddress, arp.DstProtAddress = src, dst
		// Ethernet padding after the ARP body stays.
		err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{}, &arp, gopacket.Payload(arp.Payload))
		return append(bytes.Clone(l.header), buf.Bytes()...), true, err
	case layers.EthernetTypeIPv4:
	default:
		return nil, false, fmt.Errorf("EtherType %s: neither ARP nor IPv4", l.etherType)
	}
	pkt := gopacket.NewPacket(inner, layers.LayerTypeIPv4, gopacket.Default)
	ip4, _ := pkt.Layer(layers.LayerTypeIPv4).(*layers.IPv4)
	tcp, _ := pkt.Layer(layers.LayerTypeTCP).(*layers.TCP)
	if ip4 == nil || tcp == nil {
		return nil, false, fmt.Errorf("not TCP over IPv4 (%v)", pkt.Layers())
	}
	tcp.SrcPort, tcp.DstPort = m.mapPort(tcp.SrcPort), m.mapPort(tcp.DstPort)
	src, dst := m.mapIP(ip4.SrcIP), m.mapIP(ip4.DstIP)
	var ip gopacket.NetworkLayer
	et := layers.EthernetTypeIPv4
	if len(src) == 4 {
		ip4.SrcIP, ip4.DstIP = src, dst
		ip = ip4
	} else {
		et = layers.EthernetTypeIPv6
		ip = &layers.IPv6{
			Version:      6,
			TrafficClass: ip4.TOS,
			HopLimit:     ip4.TTL,
			NextHeader:   layers.IPProtocolTCP,
			SrcIP:        src,
			DstIP:        dst,
			// What the IPv4 header announced, less its own header.
			Length: ip4.Length - uint16(ip4.IHL)*4,
		}
	}
	if err := tcp.SetNetworkLayerForChecksum(ip); err != nil {
		return nil, false, err
	}
	whole := f.ci.CaptureLength == f.ci.Length
	opts := gopacket.SerializeOptions{ComputeChecksums: true, FixLengths: whole}
	if err := gopacket.SerializeLayers(buf, opts, ip.(gopacket.SerializableLayer), tcp, gopacket.Payload(tcp.Payload)); err != nil {
		return nil, false, err
	}
	return append(l.withEtherType(et), buf.Bytes()...), true, nil
}

// labToRange maps 198.18.a.b into prefix, keeping the host part: a.b for a
// /16, b alone for a /24.
func labToRange(prefix netip.Prefix) func(netip.Addr) netip.Addr {
	return func(a netip.Addr) netip.Addr {
		if !labNet.Contains(a) {
			return a
		}
		lab, out := a.As4(), prefix.Addr().As4()
		switch prefix.Bits() {
		case 16:
			out[2], out[3] = lab[2], lab[3]
		default:
			// The lab's hosts differ in both octets (198.18.1.1,
			// 198.18.2.2): fold the third into the host part.
			out[3] = lab[2]*16 + lab[3]
		}
		return netip.AddrFrom4(out)
	}
}

// labToIPv6 maps 198.18.a.b to 2001:db8::a:b.
func labToIPv6(a netip.Addr) netip.Addr {
	if !labNet.Contains(a) {
		return a
	}
	lab := a.As4()
	var out [16]byte
	copy(out[:], []byte{0x20, 0x01, 0x0d, 0xb8})
	out[13], out[15] = lab[2], lab[3]
	return netip.AddrFrom16(out)
}

// labNet is the lab's address range (RFC 2544 benchmarking).
var labNet = netip.MustParsePrefix("198.18.0.0/15")

// onSide applies step only to the captures taken on side.
func onSide(side string, step func(*capture) error) func(*capture) error {
	return func(c *capture) error {
		if c.side != side {
			return nil
		}
		return step(c)
	}
}

// fixedAddrs maps the listed addresses and keeps every other.
func fixedAddrs(m map[netip.Addr]netip.Addr) func(netip.Addr) netip.Addr {
	return func(a netip.Addr) netip.Addr {
		if b, ok := m[a]; ok {
			return b
		}
		return a
	}
}

// vlanTag inserts an 802.1Q tag into every Ethernet frame, as a capture on
// a trunk port or a SPAN session shows them.
func vlanTag(id uint16) func(*capture) error {
	return func(c *capture) error {
		if c.link != layers.LinkTypeEthernet {
			return nil
		}
		for i := range c.frames {
			f := &c.frames[i]
			if len(f.data) < 14 {
				return fmt.Errorf("%s: frame from %s: shorter than an Ethernet header", c.name, f.origin)
			}
			tagged := make([]byte, 0, len(f.data)+4)
			tagged = append(tagged, f.data[:12]...)
			tagged = append(tagged, 0x81, 0x00, byte(id>>8)&0x0f, byte(id))
			tagged = append(tagged, f.data[12:]...)
			f.data = tagged
			f.ci.CaptureLength += 4
			f.ci.Length += 4
		}
		c.snap += 4
		return nil
	}
}

// startLate drops every record in the first d of the case's captures (from
// the earliest record of any): tcpdump started after the connections were
// up, so their handshakes are missing.
func startLate(d time.Duration) func([]*capture) error {
	return func(cs []*capture) error {
		var start time.Time
		for _, c := range cs {
			if len(c.frames) > 0 && (start.IsZero() || c.frames[0].ci.Timestamp.Before(start)) {
				start = c.frames[0].ci.Timestamp
			}
		}
		cut := start.Add(d)
		for _, c := range cs {
			c.frames = slices.DeleteFunc(c.frames, func(f frame) bool { return f.ci.Timestamp.Before(cut) })
		}
		return nil
	}
}
