package flow

import (
	"encoding/binary"
	"hash/fnv"
	"net"
	"time"
)

// record builds the finished Flow from a conn's replay state.
func (c *conn) record(capture string) *Flow {
	o, r := &c.sides[0], &c.sides[1]
	f := &Flow{
		Capture:       capture,
		Orig:          c.key.endpoint(c.origIsA),
		Resp:          c.key.endpoint(!c.origIsA),
		Start:         time.Unix(0, c.firstNS).UTC(),
		End:           time.Unix(0, c.lastNS).UTC(),
		State:         c.connState(),
		History:       string(c.hist[:c.histLen]),
		OrigBytes:     o.bytes,
		RespBytes:     r.bytes,
		OrigPkts:      int(o.pkts),
		RespPkts:      int(r.pkts),
		HandshakeDone: c.handshake,
		OrigISN:       o.isn,
		RespISN:       r.isn,
		SYNs:          int(c.syns),
		SynAcks:       int(c.synAcks),
		SynFrame:      int(c.synFrame),
		SynAckFrame:   int(c.synAckFrame),
		MaxIdle:       time.Duration(c.maxIdle),
		IdleBeforeEnd: time.Duration(c.idleBeforeEnd),
		RSTBy:         roleName(c.rstBy),
		RST:           c.rst,
		FINBy:         roleName(c.finBy),
		FINFrame:      int(c.finFrame),
		ZeroWindows:   [2]int{int(o.zeroWin), int(r.zeroWin)},
		FirstFrame:    int(c.firstFrame),
		LastFrame:     int(c.lastFrame),
		Truncated:     c.truncated,
	}
	if c.times != nil {
		f.SynTimes, f.SynAckTimes = compactTimes(c.times.syn, c.times.synAck)
	}
	for i := range c.sides {
		f.FirstPayload[i] = Payload{Class: PayloadNone}
		if box := c.sides[i].payload; box != nil {
			f.FirstPayload[i] = compactPayload(&box.p)
		}
	}
	c.recordMACs(f)
	f.UID = flowUID(capture, f.Orig.Addr().As16(), f.Orig.Port(), f.Resp.Addr().As16(), f.Resp.Port(), f.FirstFrame)
	return f
}

// recordMACs copies the MACs into one small array of the Flow's own: the
// Flow outlives the conn, which is reused once the flow is built.
func (c *conn) recordMACs(f *Flow) {
	l := &c.l2
	if l.origSrc.n == 0 && !l.hasRespSrc && l.respDst.n == 0 {
		return
	}
	macs := make([]byte, 0, 3*len(mac{})) // one allocation for the three
	take := func(m *mac) net.HardwareAddr {
		macs = append(macs, m[:]...)
		return net.HardwareAddr(macs[len(macs)-len(m) : len(macs) : len(macs)])
	}
	if l.origSrc.n > 0 {
		f.OrigMAC = take(&l.origSrc.m[0])
	}
	if l.hasRespSrc {
		f.RespMAC = take(&l.respSrc)
	}
	if l.respDst.n > 0 {
		f.RespDstMAC = take(&l.respDst.m[0])
	}
	f.ReplyMACMismatch = l.replyMismatch()
}

// compactTimes copies the SYN and SYN-ACK times into one exactly sized
// array: the live slices have spare capacity and point into the conn's
// handshakeTimes, which a kept Flow must not hold. "None seen" stays nil;
// each slice's capacity ends at its length, so an append by a reader
// cannot overwrite the other.
func compactTimes(syn, synAck []time.Time) ([]time.Time, []time.Time) {
	n := len(syn) + len(synAck)
	if n == 0 {
		return nil, nil
	}
	all := make([]time.Time, n)
	copy(all, syn)
	copy(all[len(syn):], synAck)
	a, b := all[:len(syn):len(syn)], all[len(syn):]
	if len(a) == 0 {
		a = nil
	}
	if len(b) == 0 {
		b = nil
	}
	return a, b
}

// payloadTail is what a kept Payload points to, without the payloadBox's
// own copy of the Payload: the box is sized for the hot path, a kept Flow
// holds the Payload by value already.
type payloadTail struct {
	kafka KafkaRequest
	head  [headLen]byte
}

// compactPayload returns a copy of p whose Kafka header and leading bytes
// live in a payloadTail of their own, so the payloadBox p came from is
// freed with the conn. The TLS record is shared: it is allocated on its own.
func compactPayload(p *Payload) Payload {
	out := *p
	if p.Kafka == nil && len(p.Head) == 0 {
		return out
	}
	t := new(payloadTail)
	if p.Kafka != nil {
		t.kafka = *p.Kafka
		out.Kafka = &t.kafka
	}
	if p.Head != nil {
		n := copy(t.head[:], p.Head)
		out.Head = t.head[:n:n]
	}
	return out
}

func roleName(d int8) string {
	switch d {
	case 0:
		return "orig"
	case 1:
		return "resp"
	}
	return ""
}

// flowUID is "C" and 17 base62 digits of two FNV-64a hashes over the capture
// path, the 5-tuple and the first frame: the same capture bytes always give
// the same UID, and it looks like Zeek's.
func flowUID(capture string, orig [16]byte, op uint16, resp [16]byte, rp uint16, frame int) string {
	var tuple [16 + 2 + 16 + 2 + 8]byte
	copy(tuple[:16], orig[:])
	binary.BigEndian.PutUint16(tuple[16:], op)
	copy(tuple[18:34], resp[:])
	binary.BigEndian.PutUint16(tuple[34:], rp)
	binary.BigEndian.PutUint64(tuple[36:], uint64(frame))
	h := fnv.New64a()
	h.Write([]byte(capture))
	h.Write(tuple[:])
	lo := h.Sum64()
	h.Write([]byte{0x5a})
	hi := h.Sum64()
	uid := make([]byte, 0, 18)
	uid = append(uid, 'C')
	uid = appendBase62(uid, lo, 11)
	uid = appendBase62(uid, hi, 6)
	return string(uid)
}

const base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// appendBase62 appends the n lowest base62 digits of v, least significant
// first (fixed width keeps every UID 18 characters long).
func appendBase62(b []byte, v uint64, n int) []byte {
	for range n {
		b = append(b, base62[v%62])
		v /= 62
	}
	return b
}
