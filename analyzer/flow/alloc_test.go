package flow_test

import (
	"net/netip"
	"runtime"
	"testing"
	"time"

	"github.com/kafkadiag/kafkadiag/analyzer/flow"
)

// TestAddAllocatesNothing: a packet of an existing flow whose first payloads
// are already classified costs no allocation.
func TestAddAllocatesNothing(t *testing.T) {
	tbl := flow.NewTable("c.pcap", func(*flow.Flow) {}, flow.Options{})
	s := newScript()
	for _, p := range s.packets(join(handshake(), []step{
		{by: 'c', at: 3 * time.Millisecond, flags: pa, n: 100},
		{by: 's', at: 4 * time.Millisecond, flags: pa, n: 100},
	})...) {
		tbl.Add(&p)
	}
	data := s.packet(step{by: 'c', at: 5 * time.Millisecond, flags: pa, n: 100})
	reply := s.packet(step{by: 's', at: 6 * time.Millisecond, flags: ack})
	i := 0
	allocs := testing.AllocsPerRun(1000, func() {
		i++
		data.Seq += 100
		data.Frame, reply.Frame = 2*i+10, 2*i+11
		data.Time = data.Time.Add(time.Millisecond)
		reply.Time, reply.Ack = data.Time, data.Seq+100
		tbl.Add(&data)
		tbl.Add(&reply)
	})
	if allocs != 0 {
		t.Errorf("Add allocates %.1f times per data+ACK pair, want 0", allocs)
	}
}

// benchPackets is a capture of n concurrent established flows exchanging
// data: each iteration sends the next segment of flow i%n.
type benchCapture struct {
	flows []flow.Packet
	seq   []uint32
}

func newBenchCapture(n int) *benchCapture {
	bc := &benchCapture{flows: make([]flow.Packet, n), seq: make([]uint32, n)}
	srv := netip.MustParseAddrPort("198.18.0.20:9092")
	for i := range bc.flows {
		a := netip.AddrFrom4([4]byte{198, 18, byte(1 + i>>16), byte(i >> 8)})
		bc.flows[i] = flow.Packet{
			Src: netip.AddrPortFrom(a, uint16(1024+i%60000)), Dst: srv,
			TTL: 64, Flags: pa, Window: 502, Options: tsOpt,
			PayloadLen: 120, Payload: make([]byte, 120),
		}
	}
	return bc
}

func BenchmarkTableAdd(b *testing.B) {
	const flows = 10000
	bc := newBenchCapture(flows)
	tbl := flow.NewTable("bench.pcap", func(*flow.Flow) {}, flow.Options{})
	// Open every flow and classify its first payload before timing: the
	// loop measures the steady state, packets of known flows.
	add := func(i int) {
		k := i % flows
		p := &bc.flows[k]
		p.Frame = i + 1
		p.Time = t0.Add(time.Duration(i) * time.Microsecond)
		p.Seq = bc.seq[k]
		bc.seq[k] += 120
		tbl.Add(p)
	}
	for i := range flows {
		add(i)
	}
	b.ReportAllocs()
	for i := flows; b.Loop(); i++ {
		add(i)
	}
	b.ReportMetric(float64(tbl.Live()), "flows")
}

// BenchmarkLiveFlowMemory reports the heap a live flow costs (map entry
// included).
func BenchmarkLiveFlowMemory(b *testing.B) {
	const flows = 100000
	bc := newBenchCapture(flows)
	for b.Loop() {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		tbl := flow.NewTable("bench.pcap", func(*flow.Flow) {}, flow.Options{})
		for i := range bc.flows {
			p := bc.flows[i]
			p.Flags, p.PayloadLen, p.Payload = flow.ACK, 0, nil
			p.Frame, p.Time = i+1, t0
			tbl.Add(&p)
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/flows, "B/flow")
		runtime.KeepAlive(tbl)
	}
}
