package flow

import "time"

// endpointState is Zeek's per-endpoint TCP state (TCP_ENDPOINT_*), the input
// of its conn_state decision.
type endpointState uint8

const (
	stInactive endpointState = iota
	stSynSent
	stSynAckSent
	stPartial
	stEstablished
	stClosed
	stReset
)

// mac is a 6-byte link-layer address; other lengths are not tracked.
type mac [6]byte

// macSet holds up to len(macSet.m) distinct MACs: enough for a host and its
// gateway, bounded so a hostile capture cannot grow a flow.
type macSet struct {
	m [2]mac
	n uint8
}

func (s *macSet) add(b []byte) {
	if len(b) != len(mac{}) {
		return
	}
	m := mac(b)
	for i := range s.n {
		if s.m[i] == m {
			return
		}
	}
	if int(s.n) < len(s.m) {
		s.m[s.n] = m
		s.n++
	}
}

func (s *macSet) has(m mac) bool {
	for i := range s.n {
		if s.m[i] == m {
			return true
		}
	}
	return false
}

// linkAddrs are the MACs a flow's packets carried.
type linkAddrs struct {
	origSrc, respDst macSet
	respSrc          mac
	hasRespSrc       bool
}

// side is what one endpoint of a connection did. Index 0 is the originator,
// 1 the responder.
type side struct {
	state, prevState endpointState
	// histSeen marks which once-only history letters were recorded.
	histSeen uint8
	hasISN   bool
	seqValid bool // nextSeq is set
	finSent  bool
	finAcked bool // the peer acknowledged this side's FIN
	allACK   bool // every non-SYN packet so far carried ACK
	allTS    bool // every non-SYN packet so far carried TCP timestamps
	nonSYN   bool // a packet without SYN was sent
	minTTL   uint8
	maxTTL   uint8
	isn      uint32
	// lastSYN, lastFIN and lastRST are the sequence numbers Zeek compares to
	// decide whether a repeated S/H, F or R letter is recorded again.
	// lastFIN+1 is also what the peer's ACK of our FIN carries.
	lastSYN, lastFIN, lastRST uint32
	nextSeq                   uint32 // one past the highest payload byte seen
	lastOpts                  uint32 // options of the last non-SYN packet
	pkts                      int32
	retrans                   int32
	zeroWin                   int32
	bytes                     int64
	payload                   *payloadBox // the first payload's class, nil until one is sent
}

// handshakeTimes holds the bounded SYN and SYN-ACK times; allocated on the
// first SYN so flows without one do not pay for it.
type handshakeTimes struct {
	syn, synAck []time.Time
	// first holds the first SYN and SYN-ACK time: most flows see one of
	// each, and then the slices need no allocation of their own.
	first [2]time.Time
}

// conn is the live replay state of one flow. It is kept small (no Flow
// inside): the Flow is built once, when the conn is finalised.
type conn struct {
	key        flowKey
	prev, next *conn // LRU list, most recently touched at the head
	origIsA    bool
	ended      bool // RST seen, or both FINs acknowledged
	handshake  bool
	truncated  bool
	finBy      int8 // -1 none, else side index
	rstBy      int8
	histLen    uint8
	hist       [maxHistory]byte

	firstNS, lastNS int64
	maxIdle         int64
	// gaps holds the silences before the last two packets, newest first:
	// IdleBeforeEnd looks past the packet that provoked an RST.
	gaps          [2]int64
	idleBeforeEnd int64

	firstFrame, lastFrame uint32
	synFrame, synAckFrame uint32
	finFrame              uint32
	syns, synAcks         int32
	times                 *handshakeTimes
	rst                   *RSTInfo
	// l2 is inline: it is read on every packet that carries MACs, and a
	// pointer would cost a cache miss there.
	l2    linkAddrs
	sides [2]side
}

// maxHistory bounds the history string; letters past it are dropped.
const maxHistory = 24

// newConn starts the replay state of a flow in c, which must be zeroed.
func newConn(c *conn, k flowKey, origIsA, flipped bool, p *Packet) *conn {
	c.key, c.origIsA, c.finBy, c.rstBy = k, origIsA, -1, -1
	c.firstNS = p.Time.UnixNano()
	c.lastNS = c.firstNS
	c.firstFrame = uint32(p.Frame)
	for i := range c.sides {
		c.sides[i].allACK, c.sides[i].allTS = true, true
	}
	if flipped {
		c.addHistory('^')
	}
	return c
}

// dir maps a packet's source side of the key to 0 (originator) or 1.
func (c *conn) dir(srcIsA bool) int {
	if srcIsA == c.origIsA {
		return 0
	}
	return 1
}

// add replays one packet sent by side d; sp supplies the parts a flow
// allocates on demand.
func (c *conn) add(p *Packet, d int, sp *spares) {
	c.clock(p)
	s := &c.sides[d]
	s.pkts++
	if p.PayloadLen > len(p.Payload) {
		c.truncated = true
	}
	c.recordHistory(p, d)
	c.trackSeq(p, d)
	c.trackHandshake(p, d, sp)
	c.updateState(p, d)
	c.trackEnd(p, d)
	c.trackFingerprint(p, s)
	c.trackMACs(p, d)
	if s.payload == nil && p.PayloadLen > 0 {
		s.payload = firstPayload(p, d == 0, sp.box())
	}
}

// clock updates frames, idle gaps and the last-seen time.
func (c *conn) clock(p *Packet) {
	ns := p.Time.UnixNano()
	gap := ns - c.lastNS
	if gap < 0 {
		gap = 0
	}
	if gap > c.maxIdle {
		c.maxIdle = gap
	}
	c.gaps[1], c.gaps[0] = c.gaps[0], gap
	if ns > c.lastNS {
		c.lastNS = ns
	}
	c.lastFrame = uint32(p.Frame)
}

// trackSeq counts each payload byte once per sequence range: a segment whose
// end is not past the highest byte already seen is a retransmission (Zeek's
// 't' letter, recorded at the 1st, 10th, 100th ... occurrence).
func (c *conn) trackSeq(p *Packet, d int) {
	s := &c.sides[d]
	if p.Has(SYN) {
		n := max(p.PayloadLen, 0) // TCP Fast Open carries data on the SYN
		if end := p.Seq + 1 + uint32(n); !s.seqValid || seqLT(s.nextSeq, end) {
			s.nextSeq, s.seqValid = end, true
			s.bytes += int64(n)
		}
		return
	}
	if p.PayloadLen <= 0 {
		return
	}
	n := uint32(p.PayloadLen)
	end := p.Seq + n
	switch {
	case !s.seqValid:
		s.bytes += int64(n)
	case seqLT(s.nextSeq, end):
		if seqLT(p.Seq, s.nextSeq) {
			s.bytes += int64(end - s.nextSeq)
		} else {
			s.bytes += int64(n)
		}
	default:
		s.retrans++
		if powerOf10(s.retrans) {
			c.addLetter('T', d)
		}
		return
	}
	s.nextSeq, s.seqValid = end, true
}

// trackHandshake counts SYNs and SYN-ACKs and notes the ISNs and the
// originator's completing ACK.
func (c *conn) trackHandshake(p *Packet, d int, sp *spares) {
	switch {
	case p.Has(SYN | ACK):
		c.synAcks++
		if c.synAckFrame == 0 {
			c.synAckFrame = uint32(p.Frame)
		}
		c.noteTime(&c.handshakeTimes(sp).synAck, p.Time)
	case p.Has(SYN):
		c.syns++
		if c.synFrame == 0 {
			c.synFrame = uint32(p.Frame)
		}
		c.noteTime(&c.handshakeTimes(sp).syn, p.Time)
	case d == 0 && p.Has(ACK) && !c.handshake && c.syns > 0 && c.sides[1].hasISN:
		c.handshake = seqLEQ(c.sides[1].isn+1, p.Ack)
	}
	s := &c.sides[d]
	if p.Has(SYN) && !s.hasISN && (d == 0) != p.Has(ACK) {
		s.isn, s.hasISN = p.Seq, true
	}
}

func (c *conn) handshakeTimes(sp *spares) *handshakeTimes {
	if c.times == nil {
		c.times = sp.handshakeTimes()
	}
	return c.times
}

func (c *conn) noteTime(ts *[]time.Time, t time.Time) {
	if len(*ts) < MaxHandshakeTimes {
		*ts = append(*ts, t)
	}
}

// trackMACs keeps the originator's source MACs and the responder's source
// and destination MACs; a responder packet addressed to a MAC the originator
// never sent from is the stale-neighbour-entry signature.
func (c *conn) trackMACs(p *Packet, d int) {
	if d == 0 {
		c.l2.origSrc.add(p.SrcMAC)
		return
	}
	if len(p.SrcMAC) == len(mac{}) && !c.l2.hasRespSrc {
		c.l2.respSrc, c.l2.hasRespSrc = mac(p.SrcMAC), true
	}
	c.l2.respDst.add(p.DstMAC)
}

// seqLT compares TCP sequence numbers modulo 2^32.
func seqLT(a, b uint32) bool  { return int32(a-b) < 0 }
func seqLEQ(a, b uint32) bool { return int32(a-b) <= 0 }

// powerOf10 reports whether n is 1, 10, 100 ...: where Zeek records its
// logarithmically scaled history letters again.
func powerOf10(n int32) bool {
	for n >= 10 && n%10 == 0 {
		n /= 10
	}
	return n == 1
}
