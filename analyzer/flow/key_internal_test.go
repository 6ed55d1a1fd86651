package flow

import (
	"net/netip"
	"testing"
)

// TestKeyOf4MatchesGeneral checks the IPv4 fast path against the general
// key construction, both directions and equal addresses included.
func TestKeyOf4MatchesGeneral(t *testing.T) {
	eps := []string{"10.0.0.1:9092", "10.0.0.1:40000", "10.0.0.2:1", "192.168.1.1:9092", "0.0.0.0:0", "255.255.255.255:65535"}
	for _, a := range eps {
		for _, b := range eps {
			p := &Packet{Src: netip.MustParseAddrPort(a), Dst: netip.MustParseAddrPort(b)}
			got, gotA := keyOf(p)
			// The general path, as for IPv4-mapped IPv6 input.
			p6 := &Packet{Src: netip.AddrPortFrom(netip.AddrFrom16(p.Src.Addr().As16()), p.Src.Port()),
				Dst: netip.AddrPortFrom(netip.AddrFrom16(p.Dst.Addr().As16()), p.Dst.Port())}
			want, wantA := keyOf(p6)
			if got != want || (gotA != wantA && a != b) || got.short().full() != got {
				t.Errorf("%s → %s: keyOf4 = %v/%v, general = %v/%v", a, b, got, gotA, want, wantA)
			}
		}
	}
}
