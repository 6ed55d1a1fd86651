package flow_test

import (
	"encoding/binary"
	"net/netip"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/kafkadiag/kafkadiag/analyzer/flow"
)

func FuzzClassifyPayload(f *testing.F) {
	f.Add(tlsClientHello(f, "kafka-1.example.com", 0))
	f.Add(tlsClientHello(f, "b", 0x0303)[:80])
	f.Add(apiVersionsV3())
	f.Add(metadataV1())
	f.Add([]byte{0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x30})
	f.Add([]byte("GET / HTTP/1.1\r\n"))
	for _, name := range []string{"kcat_apiversions.bin", "kcat_clienthello.bin"} {
		if b, err := os.ReadFile(filepath.Join("testdata", name)); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		p := flow.ClassifyPayload(b)
		if len(p.Head) > 16 {
			t.Errorf("Head holds %d bytes", len(p.Head))
		}
		switch p.Class {
		case flow.PayloadNone:
			if len(b) != 0 {
				t.Errorf("%d bytes classified as none", len(b))
			}
		case flow.PayloadTLSClientHello, flow.PayloadTLSOther:
			if p.TLS == nil || p.Kafka != nil {
				t.Errorf("class %s with TLS %v Kafka %v", p.Class, p.TLS, p.Kafka)
			}
		case flow.PayloadKafkaRequest:
			if p.Kafka == nil || p.TLS != nil {
				t.Errorf("class %s with TLS %v Kafka %v", p.Class, p.TLS, p.Kafka)
			}
		case flow.PayloadOther:
			if p.Kafka != nil || p.TLS != nil {
				t.Errorf("class other with TLS %v Kafka %v", p.TLS, p.Kafka)
			}
		default:
			t.Errorf("unknown class %q", p.Class)
		}
	})
}

// fuzzRecord is how many input bytes describe one packet in FuzzTable.
const fuzzRecord = 12

// fuzzPackets decodes b into packets among three hosts and two ports each,
// so flows collide, reuse ports and interleave.
func fuzzPackets(b []byte) []flow.Packet {
	hosts := [3]netip.Addr{
		netip.MustParseAddr("198.18.0.1"), netip.MustParseAddr("198.18.0.2"), netip.MustParseAddr("2001:db8::1"),
	}
	ports := [2]uint16{9092, 40000}
	var out []flow.Packet
	now := t0
	for i := 0; len(b) >= fuzzRecord; i++ {
		r := b[:fuzzRecord]
		b = b[fuzzRecord:]
		src := netip.AddrPortFrom(hosts[int(r[0]&3)%3], ports[r[0]>>2&1])
		dst := netip.AddrPortFrom(hosts[int(r[0]>>3&3)%3], ports[r[0]>>5&1])
		now = now.Add(time.Duration(r[1]) * time.Duration(r[1]) * time.Second / 8)
		p := flow.Packet{
			Frame: i + 1, Time: now, Src: src, Dst: dst,
			TTL: r[2], Flags: r[3],
			Seq:    uint32(r[4])<<24 | uint32(r[5]),
			Ack:    uint32(r[6]) << 24,
			Window: uint16(r[7]) * 256, Options: uint32(r[8]) << 4,
			PayloadLen: int(binary.BigEndian.Uint16(r[9:])) % 2000,
		}
		if r[0]&0x40 != 0 {
			p.SrcMAC, p.DstMAC = clientMAC, serverMAC
			if r[0]&0x80 != 0 {
				p.SrcMAC, p.DstMAC = serverMAC, staleMAC[:int(r[11])%7]
			}
		}
		n := min(p.PayloadLen, len(b), int(r[11]))
		p.Payload = b[:n]
		out = append(out, p)
	}
	return out
}

func FuzzTable(f *testing.F) {
	for _, steps := range [][]step{
		join(handshake(), []step{{by: 'c', at: time.Second, flags: pa, n: 10}, {by: 's', at: time.Second, flags: ra}}),
		idleThenReset(64, flow.RST, nil),
	} {
		var b []byte
		for _, p := range newScript().packets(steps...) {
			var r [fuzzRecord]byte
			r[0] = 0x40 | 1<<3 | 1<<2
			if p.Src == server {
				r[0] = 0xc0 | 1 | 1<<5
			}
			r[1], r[2], r[3] = 1, p.TTL, p.Flags
			r[4], r[5] = byte(p.Seq>>24), byte(p.Seq)
			binary.BigEndian.PutUint16(r[9:], uint16(p.PayloadLen))
			b = append(b, r[:]...)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		pkts := fuzzPackets(b)
		// Each flow is also copied when emitted: the table reuses finished
		// flows' memory, and an emitted Flow must not change afterwards.
		var flows []*flow.Flow
		var snapshots []flow.Flow
		tbl := flow.NewTable("fuzz.pcap", func(f *flow.Flow) {
			flows = append(flows, f)
			snapshots = append(snapshots, deepCopy(f))
		}, flow.Options{IdleHorizon: time.Minute, MaxFlows: 3})
		for i := range pkts {
			tbl.Add(&pkts[i])
			if tbl.Live() > 3 {
				t.Fatalf("Live() = %d past MaxFlows 3", tbl.Live())
			}
		}
		tbl.Flush()
		if tbl.Live() != 0 {
			t.Errorf("Live() = %d after Flush", tbl.Live())
		}
		total := 0
		for i, f := range flows {
			if !reflect.DeepEqual(snapshots[i], *f) {
				t.Errorf("flow %s changed after it was emitted", f.UID)
			}
			total += f.OrigPkts + f.RespPkts
			if !validState[f.State] {
				t.Errorf("state %q", f.State)
			}
			if f.FirstFrame > f.LastFrame || f.End.Before(f.Start) {
				t.Errorf("frames %d..%d, times %v..%v", f.FirstFrame, f.LastFrame, f.Start, f.End)
			}
			if len(f.SynTimes) > flow.MaxHandshakeTimes || len(f.SynAckTimes) > flow.MaxHandshakeTimes {
				t.Errorf("%d SYN times, %d SYN-ACK times", len(f.SynTimes), len(f.SynAckTimes))
			}
		}
		if total != len(pkts) {
			t.Errorf("flows hold %d packets, %d were added", total, len(pkts))
		}
	})
}

var validState = map[string]bool{
	"S0": true, "S1": true, "SF": true, "REJ": true, "S2": true, "S3": true, "RSTO": true,
	"RSTR": true, "RSTOS0": true, "RSTRH": true, "SH": true, "SHR": true, "OTH": true,
}
