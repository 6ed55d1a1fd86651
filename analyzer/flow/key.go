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

// keyOf returns p's canonical key and whether p's source is the key's a side.
func keyOf(p *Packet) (flowKey, bool) {
	if s, d := p.Src.Addr(), p.Dst.Addr(); s.Is4() && d.Is4() {
		return keyOf4(s.As4(), p.Src.Port(), d.As4(), p.Dst.Port())
	}
	src, dst := p.Src.Addr().Unmap(), p.Dst.Addr().Unmap()
	sa, da := src.As16(), dst.As16()
	sp, dp := p.Src.Port(), p.Dst.Port()
	k := flowKey{family: 6}
	if src.Is4() && dst.Is4() {
		k.family = 4
	}
	if less(sa, sp, da, dp) {
		k.a, k.aPort, k.b, k.bPort = sa, sp, da, dp
		return k, true
	}
	k.a, k.aPort, k.b, k.bPort = da, dp, sa, sp
	return k, false
}

// keyOf4 is keyOf for two IPv4 endpoints, the common case: the addresses
// compare as big-endian integers, and are stored IPv4-mapped.
func keyOf4(s [4]byte, sp uint16, d [4]byte, dp uint16) (flowKey, bool) {
	si, di := binary.BigEndian.Uint32(s[:]), binary.BigEndian.Uint32(d[:])
	k := flowKey{family: 4}
	srcIsA := si < di || si == di && sp < dp
	if !srcIsA {
		s, d, sp, dp = d, s, dp, sp
	}
	k.a[10], k.a[11], k.b[10], k.b[11] = 0xff, 0xff, 0xff, 0xff
	copy(k.a[12:], s[:])
	copy(k.b[12:], d[:])
	k.aPort, k.bPort = sp, dp
	return k, srcIsA
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
