package flow

// This file mirrors Zeek's TCP analyzer: the endpoint state machine
// (TCPSessionAdapter::UpdateStateMachine), the history letters
// (update_history) and conn_state (base/protocols/conn/main.zeek), so our
// flows read like the conn.log support engineers already know.

// Once-only history letters, per side.
const (
	histSYN uint8 = 1 << iota
	histFIN
	histRST
	histData
	histACK
	histFinRst
	histMulti
)

// recordHistory adds the packet's letters. S, H, F and R repeat only when the
// sequence number differs from the last such packet (so a retransmitted SYN
// adds nothing); D, A, I and Q are recorded once per side; W is recorded at
// the 1st, 10th, 100th ... zero-window advertisement.
func (c *conn) recordHistory(p *Packet, d int) {
	s := &c.sides[d]
	switch n := countBits(p.Flags & (SYN | FIN | RST)); {
	case n > 1 && p.Has(FIN|RST):
		c.letterOnce('I', histFinRst, d)
	case n > 1:
		c.letterOnce('Q', histMulti, d)
	case p.Has(SYN):
		code := byte('S')
		if p.Has(ACK) {
			code = 'H'
		}
		c.letterRepeat(code, histSYN, d, p.Seq, &s.lastSYN)
	case p.Has(FIN):
		c.letterRepeat('F', histFIN, d, p.Seq+uint32(p.PayloadLen), &s.lastFIN)
	case p.Has(RST):
		c.letterRepeat('R', histRST, d, p.Seq, &s.lastRST)
	case p.PayloadLen > 0:
		c.letterOnce('D', histData, d)
	case p.Has(ACK):
		c.letterOnce('A', histACK, d)
	}
	if p.Window == 0 && p.Flags&(SYN|RST) == 0 {
		s.zeroWin++
		if powerOf10(s.zeroWin) {
			c.addLetter('W', d)
		}
	}
}

func countBits(f uint8) int {
	n := 0
	for ; f != 0; f &= f - 1 {
		n++
	}
	return n
}

// letterOnce records code the first time side d shows it.
func (c *conn) letterOnce(code byte, bit uint8, d int) bool {
	s := &c.sides[d]
	if s.histSeen&bit != 0 {
		return false
	}
	s.histSeen |= bit
	c.addLetter(code, d)
	return true
}

// letterRepeat records code the first time, and again whenever seq differs
// from the last packet of the same kind.
func (c *conn) letterRepeat(code byte, bit uint8, d int, seq uint32, last *uint32) {
	if !c.letterOnce(code, bit, d) && seq != *last {
		c.addLetter(code, d)
	}
	*last = seq
}

// addLetter appends code in upper case for the originator, lower case for
// the responder.
func (c *conn) addLetter(code byte, d int) {
	if d == 1 {
		code += 'a' - 'A'
	}
	c.addHistory(code)
}

func (c *conn) addHistory(b byte) {
	if int(c.histLen) < len(c.hist) {
		c.hist[c.histLen] = b
		c.histLen++
	}
}

func (s *side) setState(st endpointState) {
	s.prevState, s.state = s.state, st
}

// updateState advances side d's endpoint state for packet p.
func (c *conn) updateState(p *Packet, d int) {
	s, peer := &c.sides[d], &c.sides[1-d]
	switch s.state {
	case stInactive:
		c.fromInactive(p, d, s, peer)
	case stSynSent, stSynAckSent:
		if p.Has(FIN) {
			s.setState(stClosed)
		}
		if p.Has(RST) {
			s.setState(stReset)
		}
	case stEstablished, stPartial:
		if p.Has(SYN) && !p.Has(ACK) && s.state == stPartial && peer.state == stInactive {
			s.setState(stSynSent) // Zeek's SYN_after_partial
		}
		if p.Has(FIN) && !p.Has(RST) {
			s.setState(stClosed)
			if peer.state == stReset && peer.prevState == stClosed {
				// FIN then RST from the peer, then our FIN: a normal close.
				peer.setState(stClosed)
			}
		}
		if p.Has(RST) {
			s.setState(stReset)
		}
	case stClosed:
		if p.Has(RST) {
			s.setState(stReset)
		}
	}
}

func (c *conn) fromInactive(p *Packet, d int, s, peer *side) {
	if p.Has(SYN) {
		switch {
		case d == 0 && p.Has(ACK):
			s.setState(stSynAckSent)
		case d == 0:
			s.setState(stSynSent)
		default:
			if peer.state == stSynSent {
				peer.setState(stEstablished)
			}
			s.setState(stEstablished)
		}
	}
	if p.Has(FIN) {
		s.setState(stClosed)
	}
	if p.Has(RST) {
		s.setState(stReset)
	}
	if s.state != stInactive {
		return
	}
	// Some stacks ACK a SYN before answering it: such an ACK does not
	// make the responder a partial endpoint.
	if d == 1 && p.PayloadLen == 0 && c.sides[0].state == stSynSent {
		return
	}
	s.setState(stPartial)
}

// connState is Zeek's conn_state for the flow as replayed so far.
func (c *conn) connState() string {
	os, rs := c.sides[0].state, c.sides[1].state
	oInactive := os == stInactive || os == stPartial
	rInactive := rs == stInactive || rs == stPartial
	switch {
	case rs == stReset:
		if os == stSynSent || os == stSynAckSent ||
			(os == stReset && c.sides[0].bytes == 0 && c.sides[1].bytes == 0) {
			return "REJ"
		}
		if oInactive {
			return "RSTRH"
		}
		return "RSTR"
	case os == stReset:
		if !rInactive {
			return "RSTO"
		}
		if synThenOrigRST(c.hist[:c.histLen]) {
			return "RSTOS0"
		}
		return "OTH"
	case rs == stClosed && os == stClosed:
		return "SF"
	case os == stClosed:
		if rInactive {
			return "SH"
		}
		return "S2"
	case rs == stClosed:
		if oInactive {
			return "SHR"
		}
		return "S3"
	case os == stSynSent && rs == stInactive:
		return "S0"
	case os == stEstablished && rs == stEstablished:
		return "S1"
	}
	return "OTH"
}

// synThenOrigRST matches Zeek's /^\^?S[^HAFGIQ]*R.*/: the originator sent a
// SYN and later an RST, with no originator handshake, ACK, FIN, gap or odd
// flags between.
func synThenOrigRST(h []byte) bool {
	if len(h) > 0 && h[0] == '^' {
		h = h[1:]
	}
	if len(h) == 0 || h[0] != 'S' {
		return false
	}
	for _, b := range h[1:] {
		switch b {
		case 'R':
			return true
		case 'H', 'A', 'F', 'G', 'I', 'Q':
			return false
		}
	}
	return false
}
