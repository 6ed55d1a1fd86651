package flow

import (
	"net/netip"
	"time"
)

// Summary is what a consumer needs to decide whether a finished flow is
// worth building: the fields of Flow a retention policy reads, taken from
// the live replay state without allocating (every string is a constant or
// the table's capture path). Field meanings are Flow's.
type Summary struct {
	Capture              string
	Resp                 netip.AddrPort
	Start, End           time.Time
	State                string
	OrigBytes, RespBytes int64
	HandshakeDone        bool
	SYNs, SynAcks        int
	// HasRST is Flow.RST != nil.
	HasRST           bool
	RSTBy, FINBy     string
	ReplyMACMismatch bool
	ZeroWindows      [2]int
	MaxIdle          time.Duration
	// FirstPayload holds Flow.FirstPayload[i].Class.
	FirstPayload [2]string
}

// SummaryOf summarises a built flow exactly as the table summarises the
// live flow it came from, so one policy can judge both.
func SummaryOf(f *Flow) Summary {
	return Summary{
		Capture: f.Capture, Resp: f.Resp, Start: f.Start, End: f.End, State: f.State,
		OrigBytes: f.OrigBytes, RespBytes: f.RespBytes,
		HandshakeDone: f.HandshakeDone, SYNs: f.SYNs, SynAcks: f.SynAcks,
		HasRST: f.RST != nil, RSTBy: f.RSTBy, FINBy: f.FINBy,
		ReplyMACMismatch: f.ReplyMACMismatch, ZeroWindows: f.ZeroWindows, MaxIdle: f.MaxIdle,
		FirstPayload: [2]string{f.FirstPayload[0].Class, f.FirstPayload[1].Class},
	}
}

// summarise fills s from the live state as record would fill a Flow.
func (c *conn) summarise(capture string, s *Summary) {
	o, r := &c.sides[0], &c.sides[1]
	*s = Summary{
		Capture:       capture,
		Resp:          c.key.endpoint(!c.origIsA),
		Start:         time.Unix(0, c.firstNS).UTC(),
		End:           time.Unix(0, c.lastNS).UTC(),
		State:         c.connState(),
		OrigBytes:     o.bytes,
		RespBytes:     r.bytes,
		HandshakeDone: c.handshake,
		SYNs:          int(c.syns),
		SynAcks:       int(c.synAcks),
		HasRST:        c.rst != nil,
		RSTBy:         roleName(c.rstBy),
		FINBy:         roleName(c.finBy),
		ZeroWindows:   [2]int{int(o.zeroWin), int(r.zeroWin)},
		MaxIdle:       time.Duration(c.maxIdle),
	}
	for i := range c.sides {
		s.FirstPayload[i] = PayloadNone
		if box := c.sides[i].payload; box != nil {
			s.FirstPayload[i] = box.p.Class
		}
	}
	s.ReplyMACMismatch = c.l2.replyMismatch()
}

// replyMismatch reports a responder packet addressed to a MAC the
// originator never sent from (Flow.ReplyMACMismatch).
func (l *linkAddrs) replyMismatch() bool {
	if l.origSrc.n == 0 {
		return false
	}
	for i := range l.respDst.n {
		if !l.origSrc.has(l.respDst.m[i]) {
			return true
		}
	}
	return false
}
