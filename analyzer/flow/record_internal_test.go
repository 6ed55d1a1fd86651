package flow

import (
	"net"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestCompactTimes checks the exact-size copy of the handshake times: the
// same values, nil for none, and no capacity past each slice's end.
func TestCompactTimes(t *testing.T) {
	t0 := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	ts := func(n int) []time.Time {
		var out []time.Time
		for i := range n {
			out = append(out, t0.Add(time.Duration(i)*time.Second))
		}
		return out
	}
	tests := []struct {
		name        string
		syn, synAck []time.Time
	}{
		{"none", nil, nil},
		{"empty pre-sized", make([]time.Time, 0, 4), make([]time.Time, 0, 4)},
		{"one each", ts(1), ts(1)},
		{"syn only", ts(3), nil},
		{"syn-ack only", nil, ts(2)},
		{"retransmitted", ts(MaxHandshakeTimes), ts(5)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := compactTimes(tt.syn, tt.synAck)
			for _, c := range []struct {
				got, want []time.Time
			}{{a, tt.syn}, {b, tt.synAck}} {
				if len(c.want) == 0 && c.got != nil {
					t.Errorf("got %v, want nil", c.got)
				}
				if diff := cmp.Diff(c.want, c.got, cmp.Comparer(func(x, y []time.Time) bool {
					return len(x) == len(y) && (len(x) == 0 || cmp.Equal(x, y))
				})); diff != "" {
					t.Errorf("times (-want +got):\n%s", diff)
				}
				if cap(c.got) != len(c.got) {
					t.Errorf("cap %d, len %d: an append would overwrite the other slice", cap(c.got), len(c.got))
				}
			}
		})
	}
}

// TestRecordOwnsItsMemory checks that a built Flow shares nothing with the
// conn it came from (the conn is freed; a kept Flow must not pin it), and
// that the copies carry the same values.
func TestRecordOwnsItsMemory(t *testing.T) {
	cli := net.HardwareAddr{2, 0, 0, 0, 0, 1}
	srv := net.HardwareAddr{2, 0, 0, 0, 0, 2}
	stale := net.HardwareAddr{0, 0, 0, 0, 0, 0} // an all-zero MAC is a value like any other
	kafka := []byte{0, 0, 0, 20, 0, 18, 0, 3, 0, 0, 0, 1, 0, 4, 'c', 'l', 'i', '1', 0, 0, 0, 0, 0, 0}
	c := &conn{finBy: -1, rstBy: -1}
	var sp spares
	c.l2.origSrc.add(cli)
	c.l2.respSrc, c.l2.hasRespSrc = mac(srv), true
	c.l2.respDst.add(stale)
	h := c.handshakeTimes(&sp)
	c.noteTime(&h.syn, time.Unix(1, 0))
	c.noteTime(&h.syn, time.Unix(2, 0))
	c.noteTime(&h.synAck, time.Unix(3, 0))
	c.sides[0].payload = firstPayload(&Packet{Frame: 4, Payload: kafka}, true, sp.box())
	if c.sides[0].payload.p.Class != PayloadKafkaRequest {
		t.Fatalf("test payload classified %q, want a Kafka request", c.sides[0].payload.p.Class)
	}
	want := c.record("x.pcap")
	got := c.record("x.pcap")
	// Scribble over everything the conn owns: the Flow must not change.
	c.l2 = linkAddrs{}
	h.first = [2]time.Time{}
	h.syn[1] = time.Time{}
	box := &c.sides[0].payload.p
	*box.Kafka = KafkaRequest{}
	for i := range box.Head {
		box.Head[i] = 0xff
	}
	if diff := cmp.Diff(want.OrigMAC, cli); diff != "" {
		t.Errorf("OrigMAC (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]net.HardwareAddr{cli, srv, stale}, []net.HardwareAddr{got.OrigMAC, got.RespMAC, got.RespDstMAC}); diff != "" {
		t.Errorf("MACs after the conn changed (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]time.Time{time.Unix(1, 0), time.Unix(2, 0), time.Unix(3, 0)}, append(got.SynTimes, got.SynAckTimes...)); diff != "" {
		t.Errorf("handshake times after the conn changed (-want +got):\n%s", diff)
	}
	if got.FirstPayload[0].Kafka == nil || got.FirstPayload[0].Kafka.ClientID != "cli1" || got.FirstPayload[0].Kafka.APIKey != 18 {
		t.Errorf("Kafka request after the conn changed: %+v", got.FirstPayload[0].Kafka)
	}
	if diff := cmp.Diff(kafka[:headLen], got.FirstPayload[0].Head); diff != "" {
		t.Errorf("payload head after the conn changed (-want +got):\n%s", diff)
	}
}
