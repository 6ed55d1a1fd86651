package flow_test

import (
	"net"
	"net/netip"
	"time"

	"github.com/kafkadiag/kafkadiag/analyzer/flow"
)

// A script is a conversation between a client and a server on one 5-tuple,
// written step by step; sequence and acknowledgement numbers follow the
// bytes sent unless a step sets them. It builds hand-made packets for unit
// tests of the replay state machine only.
var (
	client = netip.MustParseAddrPort("198.18.0.10:40000")
	server = netip.MustParseAddrPort("198.18.0.20:9092")
	t0     = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

	clientMAC = net.HardwareAddr{0x02, 0, 0, 0, 0, 0x0a}
	serverMAC = net.HardwareAddr{0x02, 0, 0, 0, 0, 0x14}
	staleMAC  = net.HardwareAddr{0x02, 0, 0, 0, 0, 0xee}
)

const (
	clientISN = 1000
	serverISN = 5000
	tsOpt     = 1 << 8
	synOpts   = 1<<2 | 1<<3 | 1<<4 | tsOpt // MSS, window scale, SACK permitted, timestamps
)

type step struct {
	by    byte          // 'c' client, 's' server
	at    time.Duration // since t0
	flags uint8
	n     int    // payload length the IP header claims
	data  []byte // captured payload (prefix of n bytes); zeros when nil
	seq   *uint32
	ttl   uint8 // 0: the sender's usual TTL
	win   *uint16
	opts  *uint32
	dst   net.HardwareAddr // server's destination MAC override
}

func u32(v uint32) *uint32 { return &v }
func u16(v uint16) *uint16 { return &v }

type script struct {
	from, to   netip.AddrPort
	cNext      uint32
	sNext      uint32
	frame      int
	withoutMAC bool
}

func newScript() *script {
	return &script{from: client, to: server, cNext: clientISN, sNext: serverISN}
}

// packets turns steps into packets, numbering frames from the script's
// current frame so several scripts can share one capture.
func (s *script) packets(steps ...step) []flow.Packet {
	out := make([]flow.Packet, 0, len(steps))
	for _, st := range steps {
		s.frame++
		out = append(out, s.packet(st))
	}
	return out
}

func (s *script) packet(st step) flow.Packet {
	p := flow.Packet{Frame: s.frame, Time: t0.Add(st.at), Flags: st.flags, PayloadLen: st.n, Window: 65535}
	next, peerNext := &s.cNext, &s.sNext
	p.Src, p.Dst, p.TTL = s.from, s.to, 64
	if !s.withoutMAC {
		p.SrcMAC, p.DstMAC = clientMAC, serverMAC
	}
	if st.by == 's' {
		next, peerNext = &s.sNext, &s.cNext
		p.Src, p.Dst, p.TTL = s.to, s.from, 61
		if !s.withoutMAC {
			p.SrcMAC, p.DstMAC = serverMAC, clientMAC
			if st.dst != nil {
				p.DstMAC = st.dst
			}
		}
	}
	if st.seq != nil {
		*next = *st.seq
	}
	p.Seq, p.Ack = *next, *peerNext
	if st.flags&flow.SYN == 0 {
		p.Options = tsOpt
	} else {
		p.Options = synOpts
	}
	*next += uint32(st.n)
	if st.flags&(flow.SYN|flow.FIN) != 0 {
		*next++
	}
	p.Payload = st.data
	if p.Payload == nil && st.n > 0 {
		p.Payload = make([]byte, st.n)
	}
	if st.ttl != 0 {
		p.TTL = st.ttl
	}
	if st.win != nil {
		p.Window = *st.win
	}
	if st.opts != nil {
		p.Options = *st.opts
	}
	return p
}

// Common steps.
const (
	sa  = flow.SYN | flow.ACK
	pa  = flow.PSH | flow.ACK
	fa  = flow.FIN | flow.ACK
	ra  = flow.RST | flow.ACK
	ack = flow.ACK
)

func handshake() []step {
	return []step{
		{by: 'c', flags: flow.SYN},
		{by: 's', at: time.Millisecond, flags: sa},
		{by: 'c', at: 2 * time.Millisecond, flags: ack},
	}
}

func join(parts ...[]step) []step {
	var out []step
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// replay runs packets through a fresh table and returns what it emitted.
func replay(opts flow.Options, pkts []flow.Packet) []*flow.Flow {
	var got []*flow.Flow
	t := flow.NewTable("capture.pcap", func(f *flow.Flow) { got = append(got, f) }, opts)
	for i := range pkts {
		t.Add(&pkts[i])
	}
	t.Flush()
	return got
}
