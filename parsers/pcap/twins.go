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

type twins struct {
	ring [twinSlots]twinEntry
	next int
}

// copyOf reports whether p, captured at place, is a copy of a packet
// remembered from another place; otherwise it remembers p.
func (tw *twins) copyOf(p *flow.Packet, place copyPlace) bool {
	k := twinKey{src: p.Src, dst: p.Dst, seq: p.Seq, ack: p.Ack, ipid: p.IPID, window: p.Window,
		flags: p.Flags, payloadLen: p.PayloadLen}
	for i := range tw.ring {
		e := &tw.ring[i]
		if e.key == k && e.place != place && within(p.Time.Sub(e.at), twinWindow) {
			return true
		}
	}
	tw.ring[tw.next] = twinEntry{key: k, place: place, at: p.Time}
	tw.next = (tw.next + 1) % twinSlots
	return false
}

func within(d, limit time.Duration) bool { return d <= limit && d >= -limit }
