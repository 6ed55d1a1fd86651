package flow

import (
	"fmt"
	"strings"
)

// optTimestamps is Packet.Options' bit for the TCP timestamps option (kind 8).
const optTimestamps = 1 << 8

// trackEnd notes FINs, the first RST and the end of the connection: an RST,
// or each side's FIN acknowledged by the other.
func (c *conn) trackEnd(p *Packet, d int) {
	s, peer := &c.sides[d], &c.sides[1-d]
	if peer.finSent && !peer.finAcked && p.Has(ACK) && seqLEQ(peer.lastFIN+1, p.Ack) {
		peer.finAcked = true
	}
	if p.Flags&(FIN|RST) != 0 && c.finBy < 0 && c.rstBy < 0 {
		c.idleBeforeEnd = max(c.gaps[0], c.gaps[1])
	}
	if p.Has(RST) && c.rstBy < 0 {
		c.rstBy = int8(d)
		c.rst = rstInfo(p, s, d)
	}
	if p.Has(FIN) {
		if !s.finSent {
			s.finSent, s.lastFIN = true, p.Seq+uint32(p.PayloadLen)
		}
		if c.finBy < 0 {
			c.finBy, c.finFrame = int8(d), uint32(p.Frame)
		}
	}
	if p.Has(RST) || (c.sides[0].finAcked && c.sides[1].finAcked) {
		c.ended = true
	}
}

// trackFingerprint folds a packet into its sender's baseline: the TTLs it
// used and whether its non-SYN packets carried ACK and timestamps. It runs
// after trackEnd, so an RST is compared with earlier packets only.
func (c *conn) trackFingerprint(p *Packet, s *side) {
	if s.pkts == 1 || p.TTL < s.minTTL {
		s.minTTL = p.TTL
	}
	if s.pkts == 1 || p.TTL > s.maxTTL {
		s.maxTTL = p.TTL
	}
	if p.Has(SYN) {
		return
	}
	s.nonSYN = true
	s.allACK = s.allACK && p.Has(ACK)
	s.allTS = s.allTS && p.Options&optTimestamps != 0
	s.lastOpts = p.Options
}

// rstInfo compares an RST with the earlier packets of its sender s. A TTL
// outside the range the sender used so far means another device in the path
// sent it. A missing ACK flag or timestamps option is noted in Why but is no
// proof alone: kernels send such RSTs too.
func rstInfo(p *Packet, s *side, d int) *RSTInfo {
	r := &RSTInfo{
		Frame: p.Frame, Time: p.Time, HasACK: p.Has(ACK),
		TTL: p.TTL, IPID: p.IPID, Options: p.Options,
		SenderPkts: int(s.pkts - 1),
	}
	who := sideName(d)
	if r.SenderPkts == 0 {
		r.Why = fmt.Sprintf("RST TTL %d; no earlier packet from the %s to compare with", p.TTL, who)
		return r
	}
	// The highest TTL is the packet that crossed the fewest hops.
	r.SenderTTL, r.SenderOptions = s.maxTTL, s.lastOpts
	var why strings.Builder
	if p.TTL < s.minTTL || p.TTL > s.maxTTL {
		r.FingerprintMismatch = true
		fmt.Fprintf(&why, "RST TTL %d; the %s's %s had TTL %s", p.TTL, who, packetsWord(r.SenderPkts), ttlRange(s))
	} else {
		fmt.Fprintf(&why, "RST TTL %d matches the %s's %s", p.TTL, who, packetsWord(r.SenderPkts))
	}
	if !r.HasACK && s.nonSYN && s.allACK {
		fmt.Fprintf(&why, "; it lacks the ACK flag the %s's packets carried", who)
	}
	if p.Options&optTimestamps == 0 && s.nonSYN && s.allTS {
		fmt.Fprintf(&why, "; it lacks the TCP timestamps the %s's packets carried", who)
	}
	r.Why = why.String()
	return r
}

func packetsWord(n int) string {
	if n == 1 {
		return "1 earlier packet"
	}
	return fmt.Sprintf("%d earlier packets", n)
}

func ttlRange(s *side) string {
	if s.minTTL == s.maxTTL {
		return fmt.Sprint(s.minTTL)
	}
	return fmt.Sprintf("%d-%d", s.minTTL, s.maxTTL)
}

func sideName(d int) string {
	if d == 0 {
		return "originator"
	}
	return "responder"
}
