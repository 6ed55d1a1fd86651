package flow

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"net/netip"
)

// flowKey is the table's map key: both endpoints of a TCP connection packed
// into comparable, pointer-free bytes, so hashing it costs no allocation and
// the garbage collector never scans the map's keys. The endpoints are stored
// in canonical order (lower address, then lower port, first), so both
// directions of a connection hit the same entry.
type flowKey struct {
	a, b         [16]byte // IPv4 addresses are stored IPv4-mapped
	aPort, bPort uint16
	// family is 4 when both addresses were IPv4 (or IPv4-mapped), else 6.
	// A uint16, not a bool: the struct then has no padding and the map
	// hashes it as one block of memory.
	family uint16
}

// key4 is the table's key for a flow between two IPv4 endpoints, by far
// the common case: 12 bytes hash and compare at a fraction of flowKey's 38
// (the map lookup was half of a packet's replay). Canonical order as in
// flowKey: a is the lower address, then the lower port.
type key4 struct {
	a, b         uint32 // addresses, big-endian: they order as flowKey's bytes do
	aPort, bPort uint16
}

// full is the flowKey of the same flow.
func (k key4) full() flowKey {
	f := flowKey{family: 4, aPort: k.aPort, bPort: k.bPort}
	f.a[10], f.a[11], f.b[10], f.b[11] = 0xff, 0xff, 0xff, 0xff
	binary.BigEndian.PutUint32(f.a[12:], k.a)
	binary.BigEndian.PutUint32(f.b[12:], k.b)
	return f
}

// short is the key4 of an IPv4 flowKey (family 4).
func (k *flowKey) short() key4 {
	return key4{binary.BigEndian.Uint32(k.a[12:]), binary.BigEndian.Uint32(k.b[12:]), k.aPort, k.bPort}
}

// place is where a packet's flow lives in the table: under a key4 when v4,
// else under k6. srcIsA says whether the packet's source is side a.
type place struct {
	v4     bool
	k4     key4
	k6     flowKey
	srcIsA bool
}

// key is the place's canonical flowKey.
func (pl *place) key() flowKey {
	if pl.v4 {
		return pl.k4.full()
	}
	return pl.k6
}

// placeOf finds p's place. IPv4-mapped IPv6 addresses count as IPv4, so a
// capture that mixes both forms keeps one flow.
func placeOf(p *Packet) place {
	s, d := p.Src.Addr(), p.Dst.Addr()
	if !s.Is4() || !d.Is4() {
		s, d = s.Unmap(), d.Unmap()
	}
	if s.Is4() && d.Is4() {
		k, srcIsA := keyOf4(s.As4(), p.Src.Port(), d.As4(), p.Dst.Port())
		return place{v4: true, k4: k, srcIsA: srcIsA}
	}
	sa, da := s.As16(), d.As16()
	sp, dp := p.Src.Port(), p.Dst.Port()
	k := flowKey{family: 6}
	if less(sa, sp, da, dp) {
		k.a, k.aPort, k.b, k.bPort = sa, sp, da, dp
		return place{k6: k, srcIsA: true}
	}
	k.a, k.aPort, k.b, k.bPort = da, dp, sa, sp
	return place{k6: k}
}

// keyOf returns p's canonical key and whether p's source is the key's a side.
func keyOf(p *Packet) (flowKey, bool) {
	pl := placeOf(p)
	return pl.key(), pl.srcIsA
}

// keyOf4 orders two IPv4 endpoints canonically: the addresses compare as
// big-endian integers.
func keyOf4(s [4]byte, sp uint16, d [4]byte, dp uint16) (key4, bool) {
	si, di := binary.BigEndian.Uint32(s[:]), binary.BigEndian.Uint32(d[:])
	if si < di || si == di && sp < dp {
		return key4{si, di, sp, dp}, true
	}
	return key4{di, si, dp, sp}, false
}

func less(a [16]byte, ap uint16, b [16]byte, bp uint16) bool {
	for i := range a {
		if a[i] != b[i] {
			return a[i] < b[i]
		}
	}
	return ap < bp
}

// endpoint rebuilds side a (isA) or b of the key as an address and port.
func (k *flowKey) endpoint(isA bool) netip.AddrPort {
	ip, port := k.b, k.bPort
	if isA {
		ip, port = k.a, k.aPort
	}
	addr := netip.AddrFrom16(ip)
	if k.family == 4 {
		addr = addr.Unmap()
	}
	return netip.AddrPortFrom(addr, port)
}

// compareKeys orders keys by their bytes: a deterministic tie-break.
func compareKeys(x, y *flowKey) int {
	if c := bytes.Compare(x.a[:], y.a[:]); c != 0 {
		return c
	}
	if c := bytes.Compare(x.b[:], y.b[:]); c != 0 {
		return c
	}
	return cmp.Or(cmp.Compare(x.aPort, y.aPort), cmp.Compare(x.bPort, y.bPort))
}
