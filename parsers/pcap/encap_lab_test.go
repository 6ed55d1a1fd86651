package pcap

import (
	"bytes"
	"context"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"

	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/analyzer/flow"
	"github.com/kafkadiag/kafkadiag/rules"
)

// encapDir holds captures of one exchange taken twice at once: on the
// tunnel's underlay and on its inner interface (testdata/lab/encap/make.sh).
const encapDir = "../../testdata/lab/encap"

// encapCaptures names each pair and the encapsulation its underlay holds.
var encapCaptures = []struct{ name, kind string }{
	{"vxlan4789", "VXLAN"},
	{"vxlan8472", "VXLAN"},
	{"geneve", "Geneve"},
	{"gretap", "GRE"},
	{"erspan2", "ERSPAN type II"},
	{"erspan3", "ERSPAN type III"},
}

func readEncap(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(encapDir, name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// tunnelFacts is what must not depend on where a flow was captured: not
// frame numbers, times or the capture path.
type tunnelFacts struct {
	Orig, Resp                   string
	State, History               string
	OrigPkts, RespPkts           int
	OrigBytes, RespBytes         int64
	SYNs, SynAcks                int
	HandshakeDone                bool
	RSTBy, FINBy                 string
	OrigMAC, RespMAC, RespDstMAC string
	ReplyMACMismatch             bool
	FirstPayload                 [2]flow.Payload
	OrigISN, RespISN             uint32
	ZeroWindows                  [2]int
	Truncated                    bool
	// The first RST: the stale-ARP and firewall rules read these.
	RSTHasACK  bool
	RSTTTL     uint8
	RSTIPID    uint16
	RSTOptions uint32
}

func tunnelFactsOf(fs []*flow.Flow) []tunnelFacts {
	out := make([]tunnelFacts, 0, len(fs))
	for _, f := range fs {
		tf := tunnelFacts{
			Orig: f.Orig.String(), Resp: f.Resp.String(), State: f.State, History: f.History,
			OrigPkts: f.OrigPkts, RespPkts: f.RespPkts, OrigBytes: f.OrigBytes, RespBytes: f.RespBytes,
			SYNs: f.SYNs, SynAcks: f.SynAcks, HandshakeDone: f.HandshakeDone, RSTBy: f.RSTBy, FINBy: f.FINBy,
			OrigMAC: f.OrigMAC.String(), RespMAC: f.RespMAC.String(), RespDstMAC: f.RespDstMAC.String(),
			ReplyMACMismatch: f.ReplyMACMismatch, FirstPayload: f.FirstPayload,
			OrigISN: f.OrigISN, RespISN: f.RespISN, ZeroWindows: f.ZeroWindows, Truncated: f.Truncated,
		}
		for i := range tf.FirstPayload {
			tf.FirstPayload[i].Frame = 0 // frame numbers differ between the captures
		}
		if f.RST != nil {
			tf.RSTHasACK, tf.RSTTTL, tf.RSTIPID, tf.RSTOptions = f.RST.HasACK, f.RST.TTL, f.RST.IPID, f.RST.Options
		}
		out = append(out, tf)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Orig < out[j].Orig })
	return out
}

// TestEncapsulatedMatchesInner: a tunnel's underlay capture gives the flows
// a capture of its inner interface gave at the same moment, the inner ARP
// packets among its ARP records, and a layout that names the tunnel and
// counts every inner frame.
func TestEncapsulatedMatchesInner(t *testing.T) {
	for _, c := range encapCaptures {
		t.Run(c.name, func(t *testing.T) {
			under, ust, err := parseBytes(t, "underlay", readEncap(t, c.name+"-underlay.pcap"))
			if err != nil {
				t.Fatal(err)
			}
			inner, ist, err := parseBytes(t, "inner", readEncap(t, c.name+"-inner.pcap"))
			if err != nil {
				t.Fatal(err)
			}
			want := tunnelFactsOf(inner.flows)
			if len(want) != 4 { // three refused connects and a healthy one
				t.Fatalf("inner capture: %d flows, want 4", len(want))
			}
			if diff := cmp.Diff(want, tunnelFactsOf(under.flows)); diff != "" {
				t.Errorf("flows (-inner +underlay):\n%s", diff)
			}
			if missing := missingARP(inner.arps, under.arps); len(missing) > 0 {
				t.Errorf("inner ARP records not found in the underlay: %v", missing)
			}
			wantLayout := fmt.Sprintf("pcap/EN10MB; encapsulated: %s %d frames; inner flows analysed", c.kind, ist.Packets)
			if ust.Layout != wantLayout {
				t.Errorf("layout %q, want %q", ust.Layout, wantLayout)
			}
			if ust.Unparsed != 0 || len(ust.Problems) != 0 {
				t.Errorf("underlay: %d unparsed, problems %q", ust.Unparsed, ust.Problems)
			}
		})
	}
}

func missingARP(want, got []analyzer.CapturedARP) []string {
	key := func(a analyzer.CapturedARP) string {
		return fmt.Sprintf("%d %s %s > %s %s", a.Operation, a.SenderMAC, a.SenderIP, a.TargetMAC, a.TargetIP)
	}
	have := map[string]int{}
	for _, a := range got {
		have[key(a)]++
	}
	var missing []string
	for _, a := range want {
		if k := key(a); have[k] > 0 {
			have[k]--
		} else {
			missing = append(missing, k)
		}
	}
	return missing
}

// findingFacts is a finding without what names the capture (evidence,
// paths, frame numbers and times).
type findingFacts struct {
	Cause      analyzer.Cause
	Rule       string
	Severity   analyzer.Severity
	Confidence float64
	Subjects   []analyzer.Subject
	Count      int
	Kinds      []string
}

func analyzeCapture(t *testing.T, path string) []findingFacts {
	t.Helper()
	res, err := analyzer.Analyze(context.Background(), []string{path}, analyzer.Options{},
		[]analyzer.Parser{New()}, rules.All())
	if err != nil {
		t.Fatal(err)
	}
	out := []findingFacts{}
	for _, f := range res.Findings {
		out = append(out, findingFacts{f.Cause, f.Rule, f.Severity, f.Confidence, f.Subjects, f.Count, f.Kinds})
	}
	return out
}

// TestEncapsulatedFindings: the rules find on the underlay what they find
// on the inner interface (the refused connects), and the healthy tunnelled
// connection alone raises nothing.
func TestEncapsulatedFindings(t *testing.T) {
	for _, c := range encapCaptures {
		t.Run(c.name, func(t *testing.T) {
			inner := analyzeCapture(t, filepath.Join(encapDir, c.name+"-inner.pcap"))
			under := analyzeCapture(t, filepath.Join(encapDir, c.name+"-underlay.pcap"))
			if diff := cmp.Diff(inner, under); diff != "" {
				t.Errorf("findings (-inner +underlay):\n%s", diff)
			}
			refused := 0
			for _, f := range under {
				if f.Rule == "connection-refused" {
					refused = f.Count
				}
			}
			if refused != 3 {
				t.Errorf("connection-refused counts %d refusals, want 3 (findings %+v)", refused, under)
			}
			healthy := healthyOnly(t, c.name+"-underlay.pcap")
			if got := analyzeCapture(t, healthy); len(got) != 0 {
				t.Errorf("the healthy connection alone: findings %+v, want none", got)
			}
		})
	}
}

// healthyOnly writes a copy of an underlay capture without the frames of
// refused connects (inner flows that never completed a handshake), and
// returns its path.
func healthyOnly(t *testing.T, name string) string {
	t.Helper()
	data := readEncap(t, name)
	rec, _, err := parseBytes(t, name, data)
	if err != nil {
		t.Fatal(err)
	}
	refused := map[netip.AddrPort]bool{}
	for _, f := range rec.flows {
		if !f.HandshakeDone {
			refused[f.Orig] = true
		}
	}
	r, err := pcapgo.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	w := pcapgo.NewWriterNanos(&out)
	if err := w.WriteFileHeader(65535, layers.LinkTypeEthernet); err != nil {
		t.Fatal(err)
	}
	d, kept := newDecoder(), 0
	for {
		frame, ci, err := r.ReadPacketData()
		if err != nil {
			break
		}
		if d.decode(frame, layers.LinkTypeEthernet) == frameTCP && (refused[d.pkt.Src] || refused[d.pkt.Dst]) {
			continue
		}
		if err := w.WritePacket(ci, frame); err != nil {
			t.Fatal(err)
		}
		kept++
	}
	if kept == 0 {
		t.Fatal("no frames left")
	}
	path := filepath.Join(t.TempDir(), "healthy.pcap")
	if err := os.WriteFile(path, out.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestIPv6ExtensionHeadersMatchTshark: real IPv6 TCP whose packets carry
// hop-by-hop and destination options headers (ipv6ext.pcap, made by the
// lab's make.sh with sticky socket options) replays to the flows tshark
// sees, bytes included.
func TestIPv6ExtensionHeadersMatchTshark(t *testing.T) {
	frames := readTsharkFrames(t, filepath.Join(encapDir, "ipv6ext.pcap.tshark.txt"))
	want := tsharkConns(frames)
	rec, st, err := parseBytes(t, "ipv6ext.pcap", readEncap(t, "ipv6ext.pcap"))
	if err != nil {
		t.Fatal(err)
	}
	if st.Packets != len(frames) || st.Unparsed != 0 {
		t.Errorf("%d frames, %d unparsed; tshark counted %d frames", st.Packets, st.Unparsed, len(frames))
	}
	var got []connFacts
	for _, f := range rec.flows {
		got = append(got, flowFacts(f))
	}
	sortFacts(got)
	if len(want) != 4 {
		t.Fatalf("tshark shows %d streams, want 4", len(want))
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("flows differ from tshark (-tshark +ours):\n%s", diff)
	}
}

// TestTunnelEndpointAnyCapture: `tcpdump -i any` on a tunnel endpoint holds
// every segment twice, inside the tunnel on the uplink and plain on the
// tunnel device. Each is replayed once: the flows are those of the inner
// interface, and the layout says how many copies were dropped.
func TestTunnelEndpointAnyCapture(t *testing.T) {
	for _, name := range []string{"vxlan4789", "vxlan8472"} {
		t.Run(name, func(t *testing.T) {
			anyRec, st, err := parseBytes(t, "any", readEncap(t, name+"-any.pcap"))
			if err != nil {
				t.Fatal(err)
			}
			inner, ist, err := parseBytes(t, "inner", readEncap(t, name+"-inner.pcap"))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tunnelFactsOf(inner.flows), tunnelFactsOf(anyRec.flows)); diff != "" {
				t.Errorf("flows (-inner +any):\n%s", diff)
			}
			segments := 0
			for _, f := range inner.flows {
				segments += f.OrigPkts + f.RespPkts
			}
			want := fmt.Sprintf("pcap/LINUX_SLL2; encapsulated: VXLAN %d frames; inner flows analysed; "+
				"%d TCP segments captured twice (on two interfaces, or inside and outside a tunnel) replayed once", ist.Packets, segments)
			if st.Layout != want {
				t.Errorf("layout %q, want %q", st.Layout, want)
			}
		})
	}
}
