package pcap

import (
	"net/netip"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kafkadiag/kafkadiag/analyzer/flow"
)

func TestTwins(t *testing.T) {
	base := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	seg := func(seq uint32, after time.Duration) flow.Packet {
		return flow.Packet{
			Src: netip.MustParseAddrPort("198.18.0.1:40000"), Dst: netip.MustParseAddrPort("198.18.0.2:9092"),
			Seq: seq, Ack: 7, Flags: 0x18, Window: 500, IPID: 9, PayloadLen: 10, Time: base.Add(after),
		}
	}
	plain, tunnelled, other := copyPlace{iface: 1}, copyPlace{iface: 1, encaps: encapVXLAN}, copyPlace{iface: 2}
	type arrival struct {
		pkt   flow.Packet
		place copyPlace
	}
	tests := []struct {
		name string
		in   []arrival
		want []bool
	}{
		{"inside and outside a tunnel", []arrival{{seg(1, 0), plain}, {seg(1, time.Microsecond), tunnelled}}, []bool{false, true}},
		{"tunnel copy first", []arrival{{seg(1, 0), tunnelled}, {seg(1, time.Microsecond), plain}}, []bool{false, true}},
		{"two interfaces", []arrival{{seg(1, 0), plain}, {seg(1, time.Millisecond), other}}, []bool{false, true}},
		{"three places", []arrival{{seg(1, 0), plain}, {seg(1, 1), tunnelled}, {seg(1, 2), other}}, []bool{false, true, true}},
		{"same place twice: a retransmission", []arrival{{seg(1, 0), plain}, {seg(1, time.Millisecond), plain}}, []bool{false, false}},
		{"too far apart", []arrival{{seg(1, 0), plain}, {seg(1, twinWindow+1), tunnelled}}, []bool{false, false}},
		{"another segment", []arrival{{seg(1, 0), plain}, {seg(2, 1), tunnelled}}, []bool{false, false}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var tw twins
			var got []bool
			for _, a := range tt.in {
				got = append(got, tw.copyOf(&a.pkt, a.place))
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("copies (-want +got):\n%s", diff)
			}
		})
	}
}

// TestTwinsForget: the ring holds twinSlots packets; older ones are gone.
func TestTwinsForget(t *testing.T) {
	var tw twins
	p := flow.Packet{Src: netip.MustParseAddrPort("198.18.0.1:1"), Dst: netip.MustParseAddrPort("198.18.0.2:2")}
	tw.copyOf(&p, copyPlace{})
	for i := range twinSlots {
		q := p
		q.Seq = uint32(i + 1)
		tw.copyOf(&q, copyPlace{})
	}
	if tw.copyOf(&p, copyPlace{iface: 1}) {
		t.Error("a packet pushed out of the ring still matched")
	}
}

// BenchmarkTwins is the cost a frame of a multi-interface or tunnelled
// capture pays for the copy check, with a full ring and no match.
func BenchmarkTwins(b *testing.B) {
	var tw twins
	p := flow.Packet{Src: netip.MustParseAddrPort("198.18.0.1:1"), Dst: netip.MustParseAddrPort("198.18.0.2:2")}
	b.ReportAllocs()
	for b.Loop() {
		p.Seq++
		tw.copyOf(&p, copyPlace{})
	}
}
