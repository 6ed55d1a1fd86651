package flow

// spares recycles the memory of finished flows. A busy capture opens and
// finishes hundreds of thousands of flows; allocating each conn, payload
// class and handshake-time record anew, and collecting them again, was a
// fifth of the replay's time (profile of a 1 GiB capture). The lists are
// bounded, so a burst of flows does not keep its memory for the rest of
// the capture.
type spares struct {
	conns []*conn
	times []*handshakeTimes
	boxes []*payloadBox
}

// maxSpares bounds each list: enough to absorb the finish-then-open churn
// of a busy capture.
const maxSpares = 4096

// conn returns a zeroed conn (recycle zeroes them).
func (sp *spares) conn() *conn {
	if n := len(sp.conns); n > 0 {
		c := sp.conns[n-1]
		sp.conns = sp.conns[:n-1]
		return c
	}
	return new(conn)
}

// handshakeTimes returns an empty record of handshake times.
func (sp *spares) handshakeTimes() *handshakeTimes {
	var h *handshakeTimes
	if n := len(sp.times); n > 0 {
		h = sp.times[n-1]
		sp.times = sp.times[:n-1]
		*h = handshakeTimes{}
	} else {
		h = new(handshakeTimes)
	}
	// Most flows see one SYN and one SYN-ACK: their times fit in first.
	h.syn, h.synAck = h.first[0:0:1], h.first[1:1:2]
	return h
}

// box returns a payload box for classify to fill.
func (sp *spares) box() *payloadBox {
	if n := len(sp.boxes); n > 0 {
		b := sp.boxes[n-1]
		sp.boxes = sp.boxes[:n-1]
		return b // classify overwrites every field it reports
	}
	return new(payloadBox)
}

// recycle takes back a finalised conn and the parts it allocated on
// demand. A built Flow owns copies of what it needs (record), so nothing
// here is shared with one; the RST record is handed over, not recycled.
func (sp *spares) recycle(c *conn) {
	sp.strip(c)
	if len(sp.conns) < maxSpares {
		sp.conns = append(sp.conns, c)
	}
}

// strip takes the parts c allocated on demand into sp and zeroes c, which
// drops the pointers the GC would follow.
func (sp *spares) strip(c *conn) {
	if c.times != nil && len(sp.times) < maxSpares {
		sp.times = append(sp.times, c.times)
	}
	for i := range c.sides {
		if b := c.sides[i].payload; b != nil && len(sp.boxes) < maxSpares {
			sp.boxes = append(sp.boxes, b)
		}
	}
	*c = conn{}
}

// absorb moves o's spares into sp, up to maxSpares of each.
func (sp *spares) absorb(o *spares) {
	sp.conns = appendSome(sp.conns, o.conns)
	sp.times = appendSome(sp.times, o.times)
	sp.boxes = appendSome(sp.boxes, o.boxes)
}

// appendSome appends to dst what of src fits under maxSpares.
func appendSome[T any](dst, src []T) []T {
	return append(dst, src[:min(len(src), max(maxSpares-len(dst), 0))]...)
}
