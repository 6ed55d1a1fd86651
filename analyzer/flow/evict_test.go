package flow_test

import (
	"net/netip"
	"regexp"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/kafkadiag/kafkadiag/analyzer/flow"
)

// clientN is a script for the n-th client of the same server.
func clientN(n int, frame int) *script {
	s := newScript()
	s.from = netip.AddrPortFrom(netip.AddrFrom4([4]byte{198, 18, 1, byte(n)}), uint16(40000+n))
	s.frame = frame
	return s
}

// TestEviction checks what is emitted when, packet by packet, as flows go
// idle past the horizon or the table is full.
func TestEviction(t *testing.T) {
	tests := []struct {
		name string
		opts flow.Options
		// at[i] is when client i sends its SYN.
		at   []time.Duration
		want [][]int // first frames emitted after each packet
	}{{
		name: "idle horizon",
		opts: flow.Options{IdleHorizon: 10 * time.Minute},
		at:   []time.Duration{0, 5 * time.Minute, 11 * time.Minute, 16 * time.Minute},
		want: [][]int{nil, nil, {1}, {1, 2}},
	}, {
		name: "default horizon keeps an hour-long silence",
		at:   []time.Duration{0, time.Hour, 2*time.Hour + time.Second},
		want: [][]int{nil, nil, {1}},
	}, {
		name: "max flows evicts the longest idle",
		opts: flow.Options{MaxFlows: 2},
		at:   []time.Duration{0, time.Second, 2 * time.Second, 3 * time.Second},
		want: [][]int{nil, nil, {1}, {1, 2}},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var emitted []int
			tbl := flow.NewTable("c.pcap", func(f *flow.Flow) { emitted = append(emitted, f.FirstFrame) }, tc.opts)
			for i, at := range tc.at {
				p := clientN(i, i).packet(step{by: 'c', at: at, flags: flow.SYN})
				p.Frame = i + 1
				tbl.Add(&p)
				if diff := cmp.Diff(tc.want[i], emitted); diff != "" {
					t.Errorf("after packet %d (-want +got):\n%s", i+1, diff)
				}
			}
		})
	}
}

// TestFlushOrder: Flush emits in first-frame order whatever the map does,
// and two replays give identical flows, UIDs included.
func TestFlushOrder(t *testing.T) {
	var pkts []flow.Packet
	for i := range 50 {
		pkts = append(pkts, clientN(i, i).packets(step{by: 'c', at: time.Duration(i) * time.Millisecond, flags: flow.SYN})...)
	}
	first := replay(flow.Options{}, pkts)
	var frames []int
	for i, f := range first {
		frames = append(frames, f.FirstFrame)
		if f.FirstFrame != i+1 {
			t.Fatalf("Flush order: %v", frames)
		}
	}
	if diff := cmp.Diff(first, replay(flow.Options{}, pkts), cmpopts.EquateComparable(netip.AddrPort{})); diff != "" {
		t.Errorf("second replay differs (-first +second):\n%s", diff)
	}
}

func TestUID(t *testing.T) {
	pkts := newScript().packets(handshake()...)
	f := replay(flow.Options{}, pkts)[0]
	if !regexp.MustCompile(`^C[0-9A-Za-z]{17}$`).MatchString(f.UID) {
		t.Errorf("UID %q is not C and 17 base62 digits", f.UID)
	}
	var other []*flow.Flow
	tbl := flow.NewTable("other.pcap", func(f *flow.Flow) { other = append(other, f) }, flow.Options{})
	for i := range pkts {
		tbl.Add(&pkts[i])
	}
	tbl.Flush()
	if other[0].UID == f.UID {
		t.Errorf("UID %s does not depend on the capture path", f.UID)
	}
}

func TestLinkLayer(t *testing.T) {
	type l2 struct {
		OrigMAC, RespMAC, RespDstMAC string
		Mismatch                     bool
	}
	tests := []struct {
		name     string
		noMAC    bool
		synAckTo []byte
		want     l2
	}{
		{name: "replies to the client's MAC", want: l2{clientMAC.String(), serverMAC.String(), clientMAC.String(), false}},
		{name: "stale neighbour entry", synAckTo: staleMAC, want: l2{clientMAC.String(), serverMAC.String(), staleMAC.String(), true}},
		{name: "no link layer", noMAC: true, want: l2{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newScript()
			s.withoutMAC = tc.noMAC
			pkts := s.packets(
				step{by: 'c', flags: flow.SYN},
				step{by: 's', at: time.Millisecond, flags: sa, dst: tc.synAckTo},
				step{by: 'c', at: time.Second, flags: flow.SYN, seq: u32(clientISN)},
				step{by: 's', at: time.Second, flags: sa, dst: tc.synAckTo, seq: u32(serverISN)},
			)
			f := replay(flow.Options{}, pkts)[0]
			got := l2{f.OrigMAC.String(), f.RespMAC.String(), f.RespDstMAC.String(), f.ReplyMACMismatch}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestSegments covers retransmissions, zero windows, snaplen cuts and the
// handshake bookkeeping.
func TestSegments(t *testing.T) {
	hello := tlsClientHello(t, "kafka-1.example.com", 0)
	pkts := newScript().packets(join(handshake(), []step{
		{by: 'c', at: 3 * time.Millisecond, flags: pa, n: len(hello), data: hello[:40]},
		{by: 'c', at: 203 * time.Millisecond, flags: pa, n: len(hello), seq: u32(clientISN + 1)},
		{by: 's', at: 204 * time.Millisecond, flags: ack, win: u16(0)},
		{by: 's', at: 205 * time.Millisecond, flags: ack, win: u16(0)},
		{by: 's', at: 206 * time.Millisecond, flags: pa, n: 7},
	})...)
	f := replay(flow.Options{}, pkts)[0]
	type segs struct {
		History               string
		OrigBytes, RespBytes  int64
		ZeroWindows           [2]int
		Truncated             bool
		Classes               [2]string
		SNI                   string
		SynFrame, SynAckFrame int
		SynTimes              []time.Time
		OrigISN, RespISN      uint32
		FirstFrame, LastFrame int
	}
	got := segs{
		History: f.History, OrigBytes: f.OrigBytes, RespBytes: f.RespBytes,
		ZeroWindows: f.ZeroWindows, Truncated: f.Truncated,
		Classes:  [2]string{f.FirstPayload[0].Class, f.FirstPayload[1].Class},
		SynFrame: f.SynFrame, SynAckFrame: f.SynAckFrame, SynTimes: f.SynTimes,
		OrigISN: f.OrigISN, RespISN: f.RespISN, FirstFrame: f.FirstFrame, LastFrame: f.LastFrame,
	}
	if tls := f.FirstPayload[0].TLS; tls != nil {
		got.SNI = tls.SNI
	}
	want := segs{
		History: "ShADTawd", OrigBytes: int64(len(hello)), RespBytes: 7,
		ZeroWindows: [2]int{0, 2}, Truncated: true,
		Classes:  [2]string{flow.PayloadTLSClientHello, flow.PayloadOther},
		SynFrame: 1, SynAckFrame: 2, SynTimes: []time.Time{t0},
		OrigISN: clientISN, RespISN: serverISN, FirstFrame: 1, LastFrame: 8,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestOriginator(t *testing.T) {
	tests := []struct {
		name       string
		cli, srv   string
		first      step
		wantOrig   string
		wantFlipTo string // history's first letter
	}{
		{"SYN sender", "198.18.0.10:9092", "198.18.0.20:40000", step{by: 'c', flags: flow.SYN}, "198.18.0.10:9092", "S"},
		{"IPv6 SYN sender", "[2001:db8::10]:40000", "[2001:db8::20]:9092", step{by: 'c', flags: flow.SYN}, "[2001:db8::10]:40000", "S"},
		{"SYN-ACK receiver", "198.18.0.10:40000", "198.18.0.20:9092", step{by: 's', flags: sa}, "198.18.0.10:40000", "^"},
		{"mid-stream, low ephemeral port to Kafka", "198.18.0.10:2000", "198.18.0.20:9092", step{by: 's', flags: pa, n: 5}, "198.18.0.10:2000", "^"},
		{"mid-stream, higher port originates", "198.18.0.10:50000", "198.18.0.20:12345", step{by: 's', flags: ack}, "198.18.0.10:50000", "^"},
		{"mid-stream, same port: first sender", "198.18.0.10:7000", "198.18.0.20:7000", step{by: 's', flags: ack}, "198.18.0.20:7000", "A"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newScript()
			s.from, s.to = netip.MustParseAddrPort(tc.cli), netip.MustParseAddrPort(tc.srv)
			f := replay(flow.Options{}, s.packets(tc.first))[0]
			if got := []string{f.Orig.String(), f.History[:1]}; !cmp.Equal(got, []string{tc.wantOrig, tc.wantFlipTo}) {
				t.Errorf("orig, history = %q, want %q %q", got, tc.wantOrig, tc.wantFlipTo)
			}
		})
	}
}
