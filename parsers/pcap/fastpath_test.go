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

// decodeBoth decodes one Ethernet frame with the fast path on and off.
func decodeBoth(data []byte) (fast, ref verdict, fastPkt, refPkt flow.Packet, tookFast bool) {
	f, r := newDecoder(), newDecoder()
	r.referenceOnly = true
	tookFast = f.fastEthIPv4TCP(bytes.Clone(data))
	fast, ref = f.decode(data, layers.LinkTypeEthernet), r.decode(data, layers.LinkTypeEthernet)
	return fast, ref, f.pkt, r.pkt, tookFast
}

var addrPortEq = cmp.Comparer(func(a, b netip.AddrPort) bool { return a == b })

func checkSame(t *testing.T, data []byte) bool {
	t.Helper()
	fast, ref, fp, rp, took := decodeBoth(data)
	if fast != ref {
		t.Fatalf("verdict: fast path %d, gopacket %d", fast, ref)
	}
	if fast == frameTCP {
		if diff := cmp.Diff(rp, fp, addrPortEq); diff != "" {
			t.Fatalf("packet (-gopacket +fast):\n%s", diff)
		}
	}
	return took
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
