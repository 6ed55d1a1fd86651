package flow_test

import (
	"encoding/binary"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kafkadiag/kafkadiag/analyzer/flow"
)

// readEthernetPcap decodes the little-endian, microsecond, Ethernet/IPv4
// pcap files tcpdump writes into Packets. It is a test helper for the
// captures in testdata (made by testdata/make_captures.sh), not a parser:
// parsers/pcap is the product's reader.
func readEthernetPcap(t *testing.T, path string) []flow.Packet {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(b) < 24 || binary.LittleEndian.Uint32(b) != 0xa1b2c3d4 || binary.LittleEndian.Uint32(b[20:]) != 1 {
		t.Fatalf("%s: not a little-endian Ethernet pcap", path)
	}
	var out []flow.Packet
	for off, frame := 24, 1; off+16 <= len(b); frame++ {
		sec, usec := binary.LittleEndian.Uint32(b[off:]), binary.LittleEndian.Uint32(b[off+4:])
		n := int(binary.LittleEndian.Uint32(b[off+8:]))
		data := b[off+16 : min(off+16+n, len(b))]
		off += 16 + n
		p, ok := decodeEthernetTCP(data)
		if !ok {
			continue
		}
		p.Frame, p.Time = frame, time.Unix(int64(sec), int64(usec)*1000).UTC()
		out = append(out, p)
	}
	return out
}

func decodeEthernetTCP(d []byte) (flow.Packet, bool) {
	var p flow.Packet
	if len(d) < 14+20 || binary.BigEndian.Uint16(d[12:]) != 0x0800 {
		return p, false
	}
	p.DstMAC, p.SrcMAC = net.HardwareAddr(d[0:6]), net.HardwareAddr(d[6:12])
	ip := d[14:]
	ihl := int(ip[0]&0x0f) * 4
	total := int(binary.BigEndian.Uint16(ip[2:]))
	if ip[9] != 6 || len(ip) < ihl+20 {
		return p, false
	}
	p.TTL, p.IPID = ip[8], binary.BigEndian.Uint16(ip[4:])
	tcp := ip[ihl:]
	off := int(tcp[12]>>4) * 4
	p.Src = netip.AddrPortFrom(netip.AddrFrom4([4]byte(ip[12:16])), binary.BigEndian.Uint16(tcp))
	p.Dst = netip.AddrPortFrom(netip.AddrFrom4([4]byte(ip[16:20])), binary.BigEndian.Uint16(tcp[2:]))
	p.Seq, p.Ack = binary.BigEndian.Uint32(tcp[4:]), binary.BigEndian.Uint32(tcp[8:])
	p.Flags, p.Window = tcp[13], binary.BigEndian.Uint16(tcp[14:])
	for o := 20; o < off && o < len(tcp); {
		kind := tcp[o]
		if kind < 32 {
			p.Options |= 1 << kind
		}
		if kind == 0 {
			break
		}
		if kind == 1 || o+1 >= len(tcp) {
			o++
			continue
		}
		o += max(int(tcp[o+1]), 2)
	}
	p.PayloadLen = total - ihl - off
	if off < len(tcp) {
		p.Payload = tcp[off:min(len(tcp), off+p.PayloadLen)]
	}
	return p, true
}

// TestRealCaptures replays captures of real kernels: a reset forged by a
// router after an idle period, and one the broker sent itself.
func TestRealCaptures(t *testing.T) {
	type verdict struct {
		State, History      string
		HandshakeDone       bool
		RSTBy               string
		RSTFrame            int
		HasACK              bool
		FingerprintMismatch bool
		Why                 string
		IdleOver            time.Duration // IdleBeforeEnd rounded down to 100 ms
	}
	tests := []struct {
		file string
		want verdict
	}{{
		file: "forged_rst.pcap",
		want: verdict{
			State: "RSTR", History: "ShADadr", HandshakeDone: true, RSTBy: "resp", RSTFrame: 9,
			FingerprintMismatch: true, IdleOver: 3100 * time.Millisecond,
			Why: "RST TTL 64; the responder's 3 earlier packets had TTL 63; it lacks the ACK flag the responder's packets carried; it lacks the TCP timestamps the responder's packets carried",
		},
	}, {
		file: "server_rst.pcap",
		want: verdict{
			State: "RSTR", History: "ShADar", HandshakeDone: true, RSTBy: "resp", RSTFrame: 6, HasACK: true,
			Why: "RST TTL 63 matches the responder's 2 earlier packets",
		},
	}}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			flows := replay(flow.Options{}, readEthernetPcap(t, filepath.Join("testdata", tc.file)))
			if len(flows) != 1 || flows[0].RST == nil {
				t.Fatalf("got %d flows (want 1) or no RST", len(flows))
			}
			f := flows[0]
			got := verdict{
				State: f.State, History: f.History, HandshakeDone: f.HandshakeDone, RSTBy: f.RSTBy,
				RSTFrame: f.RST.Frame, HasACK: f.RST.HasACK, FingerprintMismatch: f.RST.FingerprintMismatch,
				Why: f.RST.Why, IdleOver: f.IdleBeforeEnd.Truncate(100 * time.Millisecond),
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestRealStaleARP replays a broker-side capture in which the broker's
// neighbour entry for the client is stale: SYN-ACKs leave for a dead MAC.
func TestRealStaleARP(t *testing.T) {
	pkts := readEthernetPcap(t, filepath.Join("testdata", "stale_arp.pcap"))
	flows := replay(flow.Options{}, pkts)
	if len(flows) != 1 {
		t.Fatalf("got %d flows, want 1", len(flows))
	}
	f := flows[0]
	type verdict struct {
		State, History     string
		HandshakeDone      bool
		SYNs, SynAcks      int
		OrigMAC, RespMAC   string
		RespDstMAC         string
		ReplyMACMismatch   bool
		OrigPkts, RespPkts int
	}
	got := verdict{f.State, f.History, f.HandshakeDone, f.SYNs, f.SynAcks,
		f.OrigMAC.String(), f.RespMAC.String(), f.RespDstMAC.String(), f.ReplyMACMismatch, f.OrigPkts, f.RespPkts}
	want := verdict{"S1", "Sh", false, 3, 4,
		pkts[0].SrcMAC.String(), pkts[1].SrcMAC.String(), "02:00:00:00:00:ee", true, 3, 4}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
