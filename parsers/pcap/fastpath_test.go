package pcap

import (
	"bytes"
	"encoding/binary"
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/gopacket/gopacket/layers"

	"github.com/kafkadiag/kafkadiag/analyzer/flow"
)

// decodeBoth decodes one frame of link type lt (Ethernet or SLL2) with the
// fast path on and off; fastIface and refIface are the SLL2 interface
// indexes each left for the check for second copies.
func decodeBoth(data []byte, lt layers.LinkType) (fast, ref verdict, fastPkt, refPkt flow.Packet, tookFast bool, fastIface, refIface uint32) {
	f, r := newDecoder(), newDecoder()
	r.referenceOnly = true
	if lt == layers.LinkTypeEthernet {
		tookFast = newDecoder().fastEthIPv4TCP(bytes.Clone(data))
	} else {
		tookFast = newDecoder().fastSLL2IPv4TCP(bytes.Clone(data))
	}
	fast, ref = f.decode(data, lt), r.decode(data, lt)
	return fast, ref, f.pkt, r.pkt, tookFast, f.sll2.InterfaceIndex, r.sll2.InterfaceIndex
}

var addrPortEq = cmp.Comparer(func(a, b netip.AddrPort) bool { return a == b })

func checkSame(t *testing.T, data []byte) bool {
	t.Helper()
	return checkSameLink(t, data, layers.LinkTypeEthernet)
}

func checkSameLink(t *testing.T, data []byte, lt layers.LinkType) bool {
	t.Helper()
	fast, ref, fp, rp, took, fi, ri := decodeBoth(data, lt)
	if fast != ref {
		t.Fatalf("verdict: fast path %d, gopacket %d", fast, ref)
	}
	if fast == frameTCP {
		if diff := cmp.Diff(rp, fp, addrPortEq); diff != "" {
			t.Fatalf("packet (-gopacket +fast):\n%s", diff)
		}
		if fi != ri {
			t.Fatalf("SLL2 interface index: fast path %d, gopacket %d", fi, ri)
		}
	}
	return took
}

// toSLL2 rewrites an Ethernet frame as tcpdump -i any captures it: the
// 20-byte cooked header (protocol, interface index, hardware type, packet
// type, the sender's address) in place of the Ethernet one.
func toSLL2(eth []byte, iface uint32, hw uint16, addrLen byte) []byte {
	h := make([]byte, 20, 20+len(eth))
	copy(h[0:2], eth[12:14])
	binary.BigEndian.PutUint32(h[4:], iface)
	binary.BigEndian.PutUint16(h[8:], hw)
	h[10], h[11] = 0, addrLen
	copy(h[12:18], eth[6:12])
	return append(h, eth[14:]...)
}

func TestFastPathSLL2MatchesGopacket(t *testing.T) {
	plain := ethIPv4TCP(nil, []byte("hello"), 0)
	tests := []struct {
		name     string
		frame    []byte
		wantFast bool
	}{
		{"ethernet sender", toSLL2(plain, 3, 1, 6), true},
		{"loopback, no address", toSLL2(plain, 1, 772, 0), true},
		{"tunnel, 4-byte address", toSLL2(plain, 9, 65534, 4), true},
		{"address length 8", toSLL2(plain, 2, 1, 8), true},
		{"address length 9", toSLL2(plain, 2, 1, 9), false},
		{"FRAD ignores the protocol", toSLL2(plain, 2, 770, 6), false},
		{"IPGRE carries Ethernet", toSLL2(plain, 2, 778, 6), false},
		{"radiotap", toSLL2(plain, 2, 803, 6), false},
		{"cut inside the cooked header", toSLL2(plain, 2, 1, 6)[:19], false},
		{"MPTCP", toSLL2(ethIPv4TCP([]byte{30, 4, 0, 0}, nil, 0), 2, 1, 6), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if took := checkSameLink(t, tt.frame, layers.LinkTypeLinuxSLL2); took != tt.wantFast {
				t.Errorf("fast path taken = %v, want %v", took, tt.wantFast)
			}
		})
	}
}

// FuzzFastPathSLL2 is FuzzFastPath for cooked v2 frames.
func FuzzFastPathSLL2(f *testing.F) {
	f.Add(toSLL2(ethIPv4TCP(nil, []byte("hello"), 0), 3, 1, 6))
	f.Add(toSLL2(ethIPv4TCP([]byte{1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2}, nil, 4), 1, 772, 0))
	f.Add(toSLL2(ethIPv4TCP([]byte{2, 4, 5, 180, 30, 4, 0, 0}, nil, 0), 7, 778, 6))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkSameLink(t, data, layers.LinkTypeLinuxSLL2)
	})
}

// ethIPv4TCP builds a frame; opts are raw TCP option bytes (padded to 4).
func ethIPv4TCP(opts, payload []byte, pad int) []byte {
	for len(opts)%4 != 0 {
		opts = append(opts, 0)
	}
	tcpLen := 20 + len(opts)
	ipLen := 20 + tcpLen + len(payload)
	b := make([]byte, 14+ipLen+pad)
	copy(b, []byte{2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0x08, 0x00})
	ip := b[14:]
	ip[0], ip[8], ip[9] = 0x45, 61, 6
	binary.BigEndian.PutUint16(ip[2:], uint16(ipLen))
	binary.BigEndian.PutUint16(ip[4:], 0x1234)
	copy(ip[12:], []byte{10, 1, 0, 7, 10, 0, 4, 31})
	tcp := ip[20:]
	binary.BigEndian.PutUint16(tcp[0:], 40001)
	binary.BigEndian.PutUint16(tcp[2:], 9092)
	binary.BigEndian.PutUint32(tcp[4:], 1000)
	binary.BigEndian.PutUint32(tcp[8:], 2000)
	tcp[12], tcp[13] = byte(tcpLen/4)<<4, 0x18
	binary.BigEndian.PutUint16(tcp[14:], 501)
	copy(tcp[20:], opts)
	copy(tcp[tcpLen:], payload)
	return b
}

func TestFastPathMatchesGopacket(t *testing.T) {
	ts := []byte{1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2}
	tests := []struct {
		name     string
		frame    []byte
		wantFast bool
	}{
		{"plain", ethIPv4TCP(nil, []byte("hello"), 0), true},
		{"timestamps", ethIPv4TCP(ts, []byte("x"), 0), true},
		{"MSS SACK-permitted window scale", ethIPv4TCP([]byte{2, 4, 5, 180, 4, 2, 1, 3, 3, 7}, nil, 0), true},
		{"Ethernet padding", ethIPv4TCP(nil, nil, 6), true},
		{"end of options then junk", ethIPv4TCP([]byte{0, 9, 9, 9}, nil, 0), true},
		{"option length 1", ethIPv4TCP([]byte{8, 1, 0, 0}, nil, 0), false},
		{"option past header", ethIPv4TCP([]byte{8, 12, 0, 0}, nil, 0), false},
		{"MPTCP", ethIPv4TCP([]byte{30, 4, 0, 0}, nil, 0), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if took := checkSame(t, tt.frame); took != tt.wantFast {
				t.Errorf("fast path taken = %v, want %v", took, tt.wantFast)
			}
		})
	}
	// Frames the fast path must leave to gopacket.
	frag := ethIPv4TCP(nil, []byte("abc"), 0)
	frag[14+6] = 0x20 // more fragments
	opts := ethIPv4TCP(nil, nil, 0)
	opts[14] = 0x46
	cut := ethIPv4TCP(nil, []byte("abcdef"), 0)[:57]
	vlan := append(append([]byte{}, cut[:12]...), append([]byte{0x81, 0, 0, 5}, ethIPv4TCP(nil, nil, 0)[12:]...)...)
	for name, fr := range map[string][]byte{"fragment": frag, "IP options": opts, "cut": cut, "VLAN": vlan} {
		t.Run(name, func(t *testing.T) {
			if checkSame(t, fr) {
				t.Error("fast path taken")
			}
		})
	}
}

// FuzzFastPath: for any frame, the fast path and gopacket agree on the
// verdict and on every Packet field.
func FuzzFastPath(f *testing.F) {
	f.Add(ethIPv4TCP(nil, []byte("hello"), 0))
	f.Add(ethIPv4TCP([]byte{1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2}, nil, 4))
	f.Add(ethIPv4TCP([]byte{2, 4, 5, 180, 30, 4, 0, 0}, nil, 0))
	for _, s := range tunnelSeeds(f) {
		f.Add(s.frame)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		checkSame(t, data)
	})
}
