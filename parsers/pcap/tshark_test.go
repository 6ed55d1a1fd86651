package pcap

import (
	"bufio"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kafkadiag/kafkadiag/analyzer/flow"
)

// connFacts are the facts of one TCP connection that tshark's per-frame
// fields determine; the test derives them from tshark's output and from our
// flows and compares.
type connFacts struct {
	Orig, Resp            string // ip:port
	OrigPkts, RespPkts    int
	OrigBytes, RespBytes  int64
	FirstFrame, LastFrame int
	Start, End            time.Time
	SYNs                  int
	HandshakeDone         bool
	RSTBy, FINBy          string
}

// tsharkFrame is one line of `tshark -T fields` as make.sh records it.
type tsharkFrame struct {
	number   int
	time     time.Time
	stream   string // tcp.stream, "" for non-TCP frames
	src, dst netip.AddrPort
	flags    uint8
	tcpLen   int64
	arp      bool
}

// TestFlowsMatchTshark replays every fixture and compares each flow with
// what tshark said about the same capture (FILE.tshark.txt, written by
// make.sh), plus the frame and ARP counts.
func TestFlowsMatchTshark(t *testing.T) {
	for _, name := range fixtures(t) {
		t.Run(name, func(t *testing.T) {
			frames := readTsharkFrames(t, filepath.Join(capturesDir, name+".tshark.txt"))
			want := tsharkConns(frames)
			rec, st, err := parseBytes(t, name, readFixture(t, name))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if st.Packets != len(frames) {
				t.Errorf("Stats.Packets = %d, tshark counted %d frames", st.Packets, len(frames))
			}
			wantARP := 0
			for _, f := range frames {
				if f.arp {
					wantARP++
				}
			}
			if len(rec.arps) != wantARP {
				t.Errorf("%d ARP records, tshark shows %d ARP frames", len(rec.arps), wantARP)
			}
			var got []connFacts
			for _, f := range rec.flows {
				got = append(got, flowFacts(f))
			}
			sortFacts(got)
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("flows differ from tshark (-tshark +ours):\n%s", diff)
			}
		})
	}
}

func flowFacts(f *flow.Flow) connFacts {
	return connFacts{
		Orig: f.Orig.String(), Resp: f.Resp.String(),
		OrigPkts: f.OrigPkts, RespPkts: f.RespPkts,
		OrigBytes: f.OrigBytes, RespBytes: f.RespBytes,
		FirstFrame: f.FirstFrame, LastFrame: f.LastFrame,
		Start: f.Start, End: f.End,
		SYNs: f.SYNs, HandshakeDone: f.HandshakeDone,
		RSTBy: f.RSTBy, FINBy: f.FINBy,
	}
}

// tsharkConns folds tshark's frames into one connFacts per tcp.stream. The
// originator is the sender of the first SYN without ACK, else of the
// stream's first frame.
func tsharkConns(frames []tsharkFrame) []connFacts {
	byStream := map[string][]tsharkFrame{}
	for _, f := range frames {
		if f.stream != "" {
			byStream[f.stream] = append(byStream[f.stream], f)
		}
	}
	var out []connFacts
	for _, fs := range byStream {
		out = append(out, foldStream(fs))
	}
	sortFacts(out)
	return out
}

func foldStream(fs []tsharkFrame) connFacts {
	orig, resp := fs[0].src, fs[0].dst
	for _, f := range fs {
		if f.flags&flow.SYN != 0 && f.flags&flow.ACK == 0 {
			orig, resp = f.src, f.dst
			break
		}
	}
	c := connFacts{Orig: orig.String(), Resp: resp.String()}
	c.FirstFrame, c.Start = fs[0].number, fs[0].time
	var synAck bool
	for _, f := range fs {
		side := "resp"
		if f.src == orig {
			side = "orig"
			c.OrigPkts++
			c.OrigBytes += f.tcpLen
		} else {
			c.RespPkts++
			c.RespBytes += f.tcpLen
		}
		switch {
		case f.flags&flow.SYN != 0 && f.flags&flow.ACK == 0 && side == "orig":
			c.SYNs++
		case f.flags&(flow.SYN|flow.ACK) == flow.SYN|flow.ACK && side == "resp":
			synAck = true
		case f.flags&(flow.SYN|flow.ACK|flow.RST) == flow.ACK && side == "orig" && c.SYNs > 0 && synAck:
			c.HandshakeDone = true
		}
		if f.flags&flow.RST != 0 && c.RSTBy == "" {
			c.RSTBy = side
		}
		if f.flags&flow.FIN != 0 && c.FINBy == "" {
			c.FINBy = side
		}
		c.LastFrame, c.End = f.number, f.time
	}
	return c
}

func sortFacts(cs []connFacts) {
	sort.Slice(cs, func(i, j int) bool { return cs[i].FirstFrame < cs[j].FirstFrame })
}

// readTsharkFrames parses the `-T fields` section of a FILE.tshark.txt.
func readTsharkFrames(t *testing.T, path string) []tsharkFrame {
	t.Helper()
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	var out []tsharkFrame
	inFields := false
	sc := bufio.NewScanner(fh)
	for line := 1; sc.Scan(); line++ {
		text := sc.Text()
		if strings.HasPrefix(text, "# ") {
			inFields = strings.Contains(text, "-T fields")
			continue
		}
		if !inFields || text == "" {
			continue
		}
		f, err := parseTsharkFrame(text)
		if err != nil {
			t.Fatalf("%s: line %d: %v", path, line, err)
		}
		out = append(out, f)
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// parseTsharkFrame reads: frame.number frame.time_epoch tcp.stream ip.src
// ipv6.src tcp.srcport ip.dst ipv6.dst tcp.dstport tcp.flags tcp.len
// arp.opcode.
func parseTsharkFrame(line string) (tsharkFrame, error) {
	col := strings.Split(line, "\t")
	if len(col) != 12 {
		return tsharkFrame{}, fmt.Errorf("%d columns, want 12", len(col))
	}
	var f tsharkFrame
	var err error
	if f.number, err = strconv.Atoi(col[0]); err != nil {
		return f, err
	}
	if f.time, err = parseEpoch(col[1]); err != nil {
		return f, err
	}
	f.arp = col[11] != ""
	if f.stream = col[2]; f.stream == "" {
		return f, nil
	}
	if f.src, err = addrPort(col[3]+col[4], col[5]); err != nil {
		return f, err
	}
	if f.dst, err = addrPort(col[6]+col[7], col[8]); err != nil {
		return f, err
	}
	flags, err := strconv.ParseUint(strings.TrimPrefix(col[9], "0x"), 16, 16)
	if err != nil {
		return f, err
	}
	f.flags = uint8(flags)
	f.tcpLen, err = strconv.ParseInt(col[10], 10, 64)
	return f, err
}

func addrPort(addr, port string) (netip.AddrPort, error) {
	a, err := netip.ParseAddr(addr)
	if err != nil {
		return netip.AddrPort{}, err
	}
	p, err := strconv.ParseUint(port, 10, 16)
	return netip.AddrPortFrom(a, uint16(p)), err
}

// parseEpoch reads "1795435268.267466000" exactly, without float rounding.
func parseEpoch(s string) (time.Time, error) {
	sec, frac, _ := strings.Cut(s, ".")
	secs, err := strconv.ParseInt(sec, 10, 64)
	if err != nil {
		return time.Time{}, err
	}
	frac = (frac + "000000000")[:9]
	nanos, err := strconv.ParseInt(frac, 10, 64)
	if err != nil {
		return time.Time{}, err
	}
	return time.Unix(secs, nanos).UTC(), nil
}
