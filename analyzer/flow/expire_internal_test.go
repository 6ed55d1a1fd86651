package flow

import (
	"fmt"
	"math"
	"math/rand/v2"
	"net/netip"
	"testing"
	"time"
)

// TestExpireShortcut replays packets whose capture times jump back and
// forth (merged captures, clock steps) twice: once as the table runs, and
// once with the lists' low marks reset before every packet, which makes
// expire read both tails each time as it did before the marks existed.
// The flows, and the frame each was finished at, must be the same, and
// every mark must stay at or below its list's tail.
func TestExpireShortcut(t *testing.T) {
	for seed := range uint64(20) {
		pkts := jumpyPackets(seed, 3000)
		fast := replayForExpiry(t, pkts, false)
		slow := replayForExpiry(t, pkts, true)
		if len(fast) != len(slow) {
			t.Fatalf("seed %d: %d flows with the marks, %d without", seed, len(fast), len(slow))
		}
		for i := range fast {
			if fast[i] != slow[i] {
				t.Fatalf("seed %d: flow %d is %s with the marks, %s without", seed, i, fast[i], slow[i])
			}
		}
	}
}

// replayForExpiry adds pkts to a table and lists each emitted flow as
// "UID first..last frames @ frame being added when emitted".
func replayForExpiry(t *testing.T, pkts []Packet, resetMarks bool) []string {
	t.Helper()
	var order []string
	at := 0
	tbl := NewTable("jumpy.pcap", func(f *Flow) {
		s := fmt.Sprintf("%s %d..%d @%d", f.UID, f.FirstFrame, f.LastFrame, at)
		order = append(order, s)
	}, Options{IdleHorizon: 30 * time.Second, MaxFlows: 40})
	for i := range pkts {
		at = pkts[i].Frame
		if resetMarks {
			tbl.active.low, tbl.ended.low = math.MinInt64/2, math.MinInt64/2
		}
		tbl.Add(&pkts[i])
		for _, l := range []*lru{&tbl.active, &tbl.ended} {
			if l.tail != nil && l.low > l.tail.lastNS {
				t.Fatalf("frame %d: low mark %d above the tail's last packet %d", at, l.low, l.tail.lastNS)
			}
		}
	}
	at = -1
	tbl.Flush()
	return order
}

// jumpyPackets makes n packets among a few hosts and ports, with flags that
// open, end and reset flows, at times that mostly advance by up to a few
// seconds and now and then step back or leap ahead.
func jumpyPackets(seed uint64, n int) []Packet {
	rng := rand.New(rand.NewPCG(seed, 7))
	flags := []uint8{SYN, SYN | ACK, ACK, PSH | ACK, FIN | ACK, RST, RST | ACK}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	out := make([]Packet, n)
	for i := range out {
		switch r := rng.IntN(100); {
		case r < 5:
			now = now.Add(-time.Duration(rng.IntN(90)) * time.Second)
		case r < 8:
			now = now.Add(time.Duration(rng.IntN(120)) * time.Second)
		default:
			now = now.Add(time.Duration(rng.IntN(3000)) * time.Millisecond)
		}
		cli := netip.AddrFrom4([4]byte{198, 18, 0, byte(1 + rng.IntN(6))})
		src := netip.AddrPortFrom(cli, uint16(40000+rng.IntN(8)))
		dst := netip.MustParseAddrPort("198.18.1.1:9092")
		if rng.IntN(2) == 0 {
			src, dst = dst, src
		}
		out[i] = Packet{Frame: i + 1, Time: now, Src: src, Dst: dst, Flags: flags[rng.IntN(len(flags))],
			Seq: rng.Uint32() % 4, Ack: rng.Uint32() % 4}
	}
	return out
}
