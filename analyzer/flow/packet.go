package flow

import (
	"net"
	"net/netip"
	"time"
)

// TCP flag bits, as they appear in the TCP header's flags byte.
const (
	FIN uint8 = 1 << iota
	SYN
	RST
	PSH
	ACK
	URG
	ECE
	CWR
)

// Packet is one decoded TCP segment, as a parser hands it to Table.Add.
//
// Ownership: Payload and the MAC slices point into the parser's reusable
// buffer and are valid only during the call to Add; the table copies what it
// keeps.
type Packet struct {
	// Frame is the 1-based frame number in its capture, as Wireshark counts
	// frames (every record counts, including ones that are not TCP).
	Frame int
	Time  time.Time

	// SrcMAC and DstMAC are set iff the link layer carried them (Ethernet;
	// SLL/SLL2 carry only the source). Empty otherwise.
	SrcMAC, DstMAC net.HardwareAddr

	Src, Dst netip.AddrPort

	// TTL is the IPv4 TTL or the IPv6 hop limit.
	TTL uint8
	// IPID is the IPv4 identification field; valid iff Src is IPv4.
	IPID uint16

	Flags  uint8
	Seq    uint32
	Ack    uint32
	Window uint16
	// Options is a compact signature of the TCP options present: one bit per
	// option kind below 32 (bit 8 = timestamps, bit 2 = MSS, ...).
	Options uint32

	// PayloadLen is the TCP payload length the IP header claims, even when the
	// capture was cut by the snaplen; Payload holds only the captured bytes.
	PayloadLen int
	Payload    []byte
}

// Has reports whether every flag in f is set.
func (p *Packet) Has(f uint8) bool { return p.Flags&f == f }

// ARP is one ARP packet: who claimed which IP at which MAC. A run of these is
// the neighbour history a stale-ARP diagnosis needs.
type ARP struct {
	Frame     int
	Time      time.Time
	Operation uint16 // 1 request, 2 reply
	SenderMAC net.HardwareAddr
	SenderIP  netip.Addr
	TargetMAC net.HardwareAddr
	TargetIP  netip.Addr
}
