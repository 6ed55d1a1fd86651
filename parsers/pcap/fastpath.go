package pcap

import (
	"encoding/binary"
	"net"
	"net/netip"

	"github.com/gopacket/gopacket/layers"
)

// The fast path decodes the frames nearly every capture is made of,
// Ethernet II or Linux cooked v2 (tcpdump -i any) / IPv4 without options
// or fragmentation / TCP, straight from the bytes, and gives up (returns
// false) on anything else: VLAN tags, IP options, fragments, cut or
// malformed headers, MPTCP or malformed TCP options. Those take the
// gopacket DecodingLayerParser path, which stays the reference:
// FuzzFastPath and FuzzFastPathSLL2 check that both fill the same Packet.

// Header sizes and fields the fast path reads.
const (
	ethHeaderLen  = 14
	ipv4MinHeader = 20
	tcpMinHeader  = 20
	etherTypeIPv4 = 0x0800
	ipProtoTCP    = 6
	tcpOptEnd     = 0
	tcpOptNOP     = 1
	tcpOptMPTCP   = 30
)

// fastEthIPv4TCP fills *d.out from an Ethernet/IPv4/TCP frame and reports
// true, or reports false without touching *d.out's meaning.
func (d *decoder) fastEthIPv4TCP(data []byte) bool {
	if len(data) < ethHeaderLen || binary.BigEndian.Uint16(data[12:]) != etherTypeIPv4 || !d.fastIPv4TCP(data[ethHeaderLen:]) {
		return false
	}
	d.out.DstMAC, d.out.SrcMAC = net.HardwareAddr(data[0:6]), net.HardwareAddr(data[6:12])
	return true
}

// SLL2 header fields the fast path reads (tcpdump -i any).
const (
	sll2HeaderLen   = 20
	arphrdEther     = 1
	arphrdFRAD      = 770 // the protocol field is ignored: gopacket stops
	arphrdIPGRE     = 778 // an Ethernet header follows
	arphrdRadiotap  = 803
	sll2MaxAddrLen  = 8
	sll2AddrOffset  = 12
	sll2ifaceOffset = 4
)

// fastSLL2IPv4TCP is fastEthIPv4TCP for LINUX_SLL2 (tcpdump -i any):
// the interface index goes to d.sll2, where the check for second copies
// reads it (replay.place), and the sender's MAC, when the link is
// Ethernet, to *d.out as gopacket's path sets it.
func (d *decoder) fastSLL2IPv4TCP(data []byte) bool {
	if len(data) < sll2HeaderLen || binary.BigEndian.Uint16(data[0:]) != etherTypeIPv4 {
		return false
	}
	hw := binary.BigEndian.Uint16(data[8:])
	addrLen := int(data[11])
	if hw == arphrdFRAD || hw == arphrdIPGRE || hw == arphrdRadiotap || addrLen > sll2MaxAddrLen ||
		!d.fastIPv4TCP(data[sll2HeaderLen:]) {
		return false
	}
	addr := data[sll2AddrOffset : sll2AddrOffset+addrLen]
	d.sll2.InterfaceIndex = binary.BigEndian.Uint32(data[sll2ifaceOffset:])
	d.sll2.ARPHardwareType, d.sll2.Addr = layers.ARPHardwareType(hw), addr
	d.out.SrcMAC, d.out.DstMAC = nil, nil
	if hw == arphrdEther && addrLen == macLen {
		d.out.SrcMAC = net.HardwareAddr(addr)
	}
	return true
}

// fastIPv4TCP fills *d.out, but for its MACs, from an IPv4 packet without
// options or fragmentation that holds a whole TCP header, and reports
// true; else it reports false without touching *d.out's meaning.
func (d *decoder) fastIPv4TCP(ip []byte) bool {
	if len(ip) < ipv4MinHeader+tcpMinHeader {
		return false
	}
	ipLen := int(binary.BigEndian.Uint16(ip[2:]))
	if ip[0] != 0x45 || ip[9] != ipProtoTCP || ipLen < ipv4MinHeader+tcpMinHeader || ipLen > len(ip) ||
		binary.BigEndian.Uint16(ip[6:])&0x3fff != 0 { // more-fragments flag or an offset
		return false
	}
	tcp := ip[ipv4MinHeader:ipLen]
	hdr := int(tcp[12]>>4) * 4
	if hdr < tcpMinHeader || hdr > len(tcp) {
		return false
	}
	opts, ok := tcpOptionBits(tcp[tcpMinHeader:hdr])
	if !ok {
		return false
	}
	p := d.out
	p.Src = netip.AddrPortFrom(netip.AddrFrom4([4]byte(ip[12:16])), binary.BigEndian.Uint16(tcp[0:]))
	p.Dst = netip.AddrPortFrom(netip.AddrFrom4([4]byte(ip[16:20])), binary.BigEndian.Uint16(tcp[2:]))
	p.TTL, p.IPID = ip[8], binary.BigEndian.Uint16(ip[4:])
	p.Flags = tcp[13]
	p.Seq, p.Ack = binary.BigEndian.Uint32(tcp[4:]), binary.BigEndian.Uint32(tcp[8:])
	p.Window = binary.BigEndian.Uint16(tcp[14:])
	p.Options = opts
	p.Payload = tcp[hdr:]
	p.PayloadLen = len(p.Payload)
	return true
}

// tcpOptionBits walks TCP options as gopacket does and returns the
// Packet.Options signature; ok is false for MPTCP options (gopacket decodes
// their subtypes, with its own rules) and for malformed ones.
func tcpOptionBits(b []byte) (bits uint32, ok bool) {
	for len(b) > 0 {
		kind := b[0]
		if kind < 32 {
			bits |= 1 << kind
		}
		switch kind {
		case tcpOptEnd:
			return bits, true
		case tcpOptNOP:
			b = b[1:]
			continue
		case tcpOptMPTCP:
			return 0, false
		}
		if len(b) < 2 || b[1] < 2 || int(b[1]) > len(b) {
			return 0, false
		}
		b = b[b[1]:]
	}
	return bits, true
}
