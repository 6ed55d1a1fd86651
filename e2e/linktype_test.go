package e2e

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"net"

	"github.com/gopacket/gopacket/layers"
)

// Link transforms turn the lab's Ethernet frames into what other capture
// points write: `tcpdump -i any` (Linux cooked v1 and v2), a tunnel or
// WireGuard interface (raw IP), BSD or macOS loopback (NULL). They run last:
// packet rewrites expect Ethernet.

// The Linux packet types a cooked header carries (PACKET_* in
// linux/if_packet.h).
const (
	packetHost      = 0 // addressed to this host
	packetBroadcast = 1
	packetMulticast = 2
	packetOtherHost = 3 // seen in promiscuous mode, to another host
	packetOutgoing  = 4 // sent by this host
)

// ethFrame is a frame's Ethernet header, read without gopacket so
// snaplen-cut frames still split.
type ethFrame struct {
	dst, src  net.HardwareAddr
	etherType layers.EthernetType
	payload   []byte
}

func splitEthernet(data []byte) (ethFrame, error) {
	if len(data) < 14 {
		return ethFrame{}, fmt.Errorf("frame of %d bytes is shorter than an Ethernet header", len(data))
	}
	return ethFrame{
		dst:       net.HardwareAddr(data[0:6]),
		src:       net.HardwareAddr(data[6:12]),
		etherType: layers.EthernetType(binary.BigEndian.Uint16(data[12:14])),
		payload:   data[14:],
	}, nil
}

// ownMACs are the MAC addresses of the host the capture was taken on: the
// source MACs of what it sent. The host is the client (sender of the first
// SYN) on the client side and the broker (its receiver) on the other.
func ownMACs(c *capture) [][]byte {
	host := hostIP(c)
	if host == nil {
		return nil
	}
	var own [][]byte
	for _, f := range c.frames {
		e, err := splitEthernet(f.data)
		if err != nil {
			continue
		}
		var sender []byte
		switch {
		case e.etherType == layers.EthernetTypeIPv4 && len(e.payload) >= 20:
			sender = e.payload[12:16]
		case e.etherType == layers.EthernetTypeIPv6 && len(e.payload) >= 40:
			sender = e.payload[8:24]
		case e.etherType == layers.EthernetTypeARP && len(e.payload) >= 28:
			sender = e.payload[14:18]
		}
		if bytes.Equal(sender, host) && !containsMAC(own, e.src) {
			own = append(own, bytes.Clone(e.src))
		}
	}
	return own
}

// hostIP is the capture host's IP address, nil when no SYN shows it.
func hostIP(c *capture) []byte {
	for _, f := range c.frames {
		e, err := splitEthernet(f.data)
		if err != nil {
			continue
		}
		var src, dst, tcp []byte
		switch {
		case e.etherType == layers.EthernetTypeIPv4 && len(e.payload) >= 20 && e.payload[9] == 6:
			ihl := int(e.payload[0]&0x0f) * 4
			src, dst, tcp = e.payload[12:16], e.payload[16:20], e.payload[min(ihl, len(e.payload)):]
		case e.etherType == layers.EthernetTypeIPv6 && len(e.payload) >= 40 && e.payload[6] == 6:
			src, dst, tcp = e.payload[8:24], e.payload[24:40], e.payload[40:]
		default:
			continue
		}
		if len(tcp) < 14 || tcp[13]&0x12 != 0x02 { // SYN without ACK
			continue
		}
		if c.side == "broker" {
			return dst
		}
		return src
	}
	return nil
}

func containsMAC(list [][]byte, mac []byte) bool {
	for _, m := range list {
		if bytes.Equal(m, mac) {
			return true
		}
	}
	return false
}

// packetType is the cooked header's packet type of an Ethernet frame seen
// on a host whose own MACs are own.
func packetType(e ethFrame, own [][]byte) uint16 {
	switch {
	case containsMAC(own, e.src):
		return packetOutgoing
	case bytes.Equal(e.dst, layers.EthernetBroadcast):
		return packetBroadcast
	case e.dst[0]&1 == 1:
		return packetMulticast
	case containsMAC(own, e.dst):
		return packetHost
	}
	return packetOtherHost
}

// cookedIfIndex is the interface index written into SLL2 headers: the
// lab's veth, as `ip link` would number it in a fresh namespace.
const cookedIfIndex = 2

// toSLL2 rewrites Ethernet frames as `tcpdump -i any` does on Linux ≥ 3.x
// with libpcap ≥ 1.10 (LINUX_SLL2, link type 276): protocol, reserved,
// interface index, ARPHRD_ETHER, packet type, address length, the source
// MAC padded to 8 bytes. The destination MAC is lost, as in the real thing.
func toSLL2(c *capture) error {
	return cook(c, layers.LinkTypeLinuxSLL2, func(e ethFrame, pt uint16) []byte {
		h := make([]byte, 20, 20+len(e.payload))
		binary.BigEndian.PutUint16(h[0:2], uint16(e.etherType))
		binary.BigEndian.PutUint32(h[4:8], cookedIfIndex)
		binary.BigEndian.PutUint16(h[8:10], uint16(layers.ARPHardwareTypeEthernet))
		h[10] = byte(pt)
		h[11] = 6
		copy(h[12:18], e.src)
		return append(h, e.payload...)
	})
}

// toSLL rewrites Ethernet frames as older `tcpdump -i any` did (LINUX_SLL,
// link type 113): packet type, ARPHRD_ETHER, address length, source MAC
// padded to 8 bytes, protocol.
func toSLL(c *capture) error {
	return cook(c, layers.LinkTypeLinuxSLL, func(e ethFrame, pt uint16) []byte {
		h := make([]byte, 16, 16+len(e.payload))
		binary.BigEndian.PutUint16(h[0:2], pt)
		binary.BigEndian.PutUint16(h[2:4], uint16(layers.ARPHardwareTypeEthernet))
		binary.BigEndian.PutUint16(h[4:6], 6)
		copy(h[6:12], e.src)
		binary.BigEndian.PutUint16(h[14:16], uint16(e.etherType))
		return append(h, e.payload...)
	})
}

// cook replaces each frame's Ethernet header with a cooked one.
func cook(c *capture, lt layers.LinkType, header func(ethFrame, uint16) []byte) error {
	if c.link != layers.LinkTypeEthernet {
		return nil // already cooked (the lab's -i any capture): leave it
	}
	own := ownMACs(c)
	for i := range c.frames {
		f := &c.frames[i]
		e, err := splitEthernet(f.data)
		if err != nil {
			return fmt.Errorf("%s: frame from %s: %w", c.name, f.origin, err)
		}
		data := header(e, packetType(e, own))
		f.ci.Length += len(data) - len(f.data)
		f.data = data
		f.ci.CaptureLength = len(data)
	}
	c.link = lt
	c.snap += 6 // tcpdump counts the cooked header against -s as well
	return nil
}

// toRawIP strips the link layer (LINKTYPE_RAW 101, IPV4 228, IPV6 229): what
// a capture on a tun, WireGuard or IPsec interface holds. ARP cannot be
// written without a link layer; those frames are dropped.
func toRawIP(lt layers.LinkType) func(*capture) error {
	return func(c *capture) error {
		return stripLink(c, lt, func(layers.EthernetType) []byte { return nil })
	}
}

// toNull writes BSD loopback (DLT_NULL, link type 0): a 4-byte address
// family in the capturing host's byte order (little-endian here), as a
// capture on macOS lo0 holds. AF_INET6 is 30, macOS's value.
func toNull(c *capture) error {
	return stripLink(c, layers.LinkTypeNull, func(et layers.EthernetType) []byte {
		h := make([]byte, 4)
		family := uint32(layers.ProtocolFamilyIPv4)
		if et == layers.EthernetTypeIPv6 {
			family = uint32(layers.ProtocolFamilyIPv6Darwin)
		}
		binary.LittleEndian.PutUint32(h, family)
		return h
	})
}

// stripLink drops the link header of IP frames, prepending what header
// returns, and drops every non-IP frame.
func stripLink(c *capture, lt layers.LinkType, header func(layers.EthernetType) []byte) error {
	kept := c.frames[:0]
	for _, f := range c.frames {
		l, err := splitLink(c.link, f.data)
		if err != nil {
			return fmt.Errorf("%s: frame from %s: %w", c.name, f.origin, err)
		}
		if l.etherType != layers.EthernetTypeIPv4 && l.etherType != layers.EthernetTypeIPv6 {
			continue
		}
		if lt == layers.LinkTypeIPv4 && l.etherType != layers.EthernetTypeIPv4 ||
			lt == layers.LinkTypeIPv6 && l.etherType != layers.EthernetTypeIPv6 {
			return fmt.Errorf("%s: frame from %s is %s, not allowed in link type %s", c.name, f.origin, l.etherType, lt)
		}
		data := append(header(l.etherType), f.data[len(l.header):]...)
		f.ci.Length += len(data) - len(f.data)
		f.data = data
		f.ci.CaptureLength = len(data)
		kept = append(kept, f)
	}
	c.frames = kept
	c.link = lt
	return nil
}

// linkHeader is a frame's link-layer header, split from what it carries.
type linkHeader struct {
	header    []byte
	etherType layers.EthernetType
	// typeAt is the offset of the EtherType field in header.
	typeAt int
}

// splitLink splits the link header the lab's captures use: Ethernet, or
// the cooked headers of a `tcpdump -i any` capture.
func splitLink(lt layers.LinkType, data []byte) (linkHeader, error) {
	var size, typeAt int
	switch lt {
	case layers.LinkTypeEthernet:
		size, typeAt = 14, 12
	case layers.LinkTypeLinuxSLL2:
		size, typeAt = 20, 0
	case layers.LinkTypeLinuxSLL:
		size, typeAt = 16, 14
	default:
		return linkHeader{}, fmt.Errorf("link type %s: not a link type these transforms rewrite", lt)
	}
	if len(data) < size {
		return linkHeader{}, fmt.Errorf("frame of %d bytes is shorter than its %s header", len(data), lt)
	}
	return linkHeader{
		header:    data[:size],
		etherType: layers.EthernetType(binary.BigEndian.Uint16(data[typeAt:])),
		typeAt:    typeAt,
	}, nil
}

// withEtherType is the header with its EtherType field set to et.
func (l linkHeader) withEtherType(et layers.EthernetType) []byte {
	h := bytes.Clone(l.header)
	binary.BigEndian.PutUint16(h[l.typeAt:], uint16(et))
	return h
}
