package pcap

import (
	"net/netip"
	"time"

	"github.com/kafkadiag/kafkadiag/analyzer/flow"
)

// A capture of every interface of a host (`tcpdump -i any`, or a pcapng of
// several interfaces) holds some packets twice: a tunnel endpoint (a
// Kubernetes node with a VXLAN overlay) sees each one inside the tunnel on
// its uplink and plain on the tunnel device; a router sees it on the way in
// and on the way out. Replaying both copies would double every count and
// read as retransmissions. twins remembers the last packets and drops a
// copy: same addresses, ports, sequence and acknowledgement numbers, flags,
// window, IP ID and payload length, seen at another place (interface or
// tunnel depth) within twinWindow. TTL and MACs are left out: a router
// changes them.

// twinWindow bounds how far apart two copies of one packet are; a TCP
// retransmission comes 200 ms or more after the original.
const twinWindow = 50 * time.Millisecond

// twinSlots is how many recent packets are remembered: the copies of one
// packet are a few frames apart.
const twinSlots = 32

// copyPlace is where one copy was captured.
type copyPlace struct {
	iface  int   // pcapng interface or SLL2 interface index; 0 when unknown
	encaps encap // the tunnels around it
}

type twinKey struct {
	src, dst     netip.AddrPort
	seq, ack     uint32
	ipid, window uint16
	flags        uint8
	payloadLen   int
}

type twinEntry struct {
	key   twinKey
	place copyPlace
	at    time.Time
}

// twins is a ring of the last packets. sums holds a hash of each entry's
// key: scanning 32 words is what keeps the check cheap.
type twins struct {
	sums [twinSlots]uint64
	ring [twinSlots]twinEntry
	next int
}

// copyOf reports whether p, captured at place, is a copy of a packet
// remembered from another place; otherwise it remembers p.
func (tw *twins) copyOf(p *flow.Packet, place copyPlace) bool {
	sum := twinSum(p)
	for i, s := range tw.sums {
		if s != sum {
			continue
		}
		e := &tw.ring[i]
		if e.key == keyOf(p) && e.place != place && within(p.Time.Sub(e.at), twinWindow) {
			return true
		}
	}
	tw.sums[tw.next] = sum
	tw.ring[tw.next] = twinEntry{key: keyOf(p), place: place, at: p.Time}
	tw.next = (tw.next + 1) % twinSlots
	return false
}

func keyOf(p *flow.Packet) twinKey {
	return twinKey{src: p.Src, dst: p.Dst, seq: p.Seq, ack: p.Ack, ipid: p.IPID, window: p.Window,
		flags: p.Flags, payloadLen: p.PayloadLen}
}

// twinSum hashes the TCP and IP fields of a key (not the addresses: the
// full comparison checks those).
func twinSum(p *flow.Packet) uint64 {
	a := uint64(p.Seq)<<32 | uint64(p.Ack)
	b := uint64(p.Src.Port())<<48 | uint64(p.Dst.Port())<<32 | uint64(p.IPID)<<16 | uint64(p.Window)
	c := uint64(p.Flags) | uint64(p.PayloadLen)<<8
	return a*0x9e3779b97f4a7c15 ^ b*0xc2b2ae3d27d4eb4f ^ c*0x165667b19e3779f9
}

func within(d, limit time.Duration) bool { return d <= limit && d >= -limit }
