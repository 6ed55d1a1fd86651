package pcap

import (
	"bytes"
	"encoding/binary"
	"errors"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// TestBadInput feeds damaged captures: the parser must not panic, must
// keep the flows read before the damage, and must name the frame.
func TestBadInput(t *testing.T) {
	pcapFile := readFixture(t, "sf_loopback.pcap") // 10 frames, one flow
	ngFile := readFixture(t, "sf_loopback.pcapng")
	epb := ngBlocks(t, ngFile, ngEPB)
	tests := []struct {
		name    string
		data    []byte
		packets int    // Stats.Packets
		flowPkt int    // packets in the flows emitted
		errText string // "" for no error
		errIs   error
	}{
		{"truncated inside the last record", pcapFile[:len(pcapFile)-10], 9, 9, "frame 10: file ends inside the record", nil},
		{"truncated inside a record header", pcapFile[:len(pcapFile)-len(lastRecord(t, pcapFile))+7], 9, 9, "frame 10: file ends inside the record", nil},
		{"garbage after the file header", append(bytes.Clone(pcapFile[:24]), bytes.Repeat([]byte{0xff}, 64)...), 0, 0, "frame 1: capture length exceeds snap length", nil},
		{"garbage after frame 3", append(bytes.Clone(pcapFile[:recordEnd(t, pcapFile, 3)]), bytes.Repeat([]byte{0xee}, 40)...), 3, 3, "frame 4: capture length exceeds snap length", nil},
		{"caplen above origlen", setRecordLens(t, pcapFile, 2, 0, 10), 1, 1, "frame 2: capture length exceeds original packet length", nil},
		{"pcapng block length not a multiple of 4", setU32(ngFile, epb[1]+4, 77), 1, 1, "frame 2: pcapng: bad block", ErrBadBlock},
		{"pcapng block length below 12", setU32(ngFile, epb[1]+4, 8), 1, 1, "frame 2: pcapng: bad block", ErrBadBlock},
		{"pcapng caplen 4 GB in a small block", setU32(ngFile, epb[2]+20, 0xfffffff0), 2, 2, "frame 3: pcapng: bad block", ErrBadBlock},
		{"pcapng caplen beyond its block", setU32(ngFile, epb[2]+20, 200), 2, 2, "frame 3: pcapng: bad block", ErrBadBlock},
		{"pcapng truncated", ngFile[:len(ngFile)-30], 9, 9, "frame 10: file ends inside the record", nil},
		{"pcapng truncated inside the section header", ngFile[:20], 0, 0, "pcapng section header: unexpected EOF", nil},
		{"pcap file header only", pcapFile[:24], 0, 0, "", nil},
		{"pcap header cut", pcapFile[:10], 0, 0, "pcap file header: unexpected EOF", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec, st, err := parseBytes(t, tt.name, tt.data)
			gotErr := ""
			if err != nil {
				gotErr = err.Error()
			}
			if tt.errText == "" && err != nil || !strings.HasPrefix(gotErr, tt.errText) {
				t.Errorf("error %q, want prefix %q", gotErr, tt.errText)
			}
			if tt.errIs != nil && !errors.Is(err, tt.errIs) {
				t.Errorf("error %v is not %v", err, tt.errIs)
			}
			pkts := 0
			for _, f := range rec.flows {
				pkts += f.OrigPkts + f.RespPkts
			}
			if st.Packets != tt.packets || pkts != tt.flowPkt {
				t.Errorf("Packets %d, flow packets %d; want %d, %d", st.Packets, pkts, tt.packets, tt.flowPkt)
			}
		})
	}
}

// TestOddRecords covers records that are odd but readable.
func TestOddRecords(t *testing.T) {
	frame := buildFrame(t, nil, false, 300)
	var buf bytes.Buffer
	w := pcapgo.NewWriter(&buf)
	// A snaplen of 96 in the header, yet a full 344-byte record: the
	// "capture length exceeds snap length" trap of writers that did not
	// truncate.
	if err := w.WriteFileHeader(96, layers.LinkTypeRaw); err != nil {
		t.Fatal(err)
	}
	ts := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, data := range [][]byte{frame, {}, frame} { // the middle record is empty
		if err := w.WritePacket(gopacket.CaptureInfo{Timestamp: ts, CaptureLength: len(data), Length: len(data)}, data); err != nil {
			t.Fatal(err)
		}
	}
	rec, st, err := parseBytes(t, "odd.pcap", buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	want := struct {
		Packets, Unparsed int
		Problems          []string
		Flows, FlowPkts   int
		LastFrame         int
	}{3, 1, []string{"1 frames empty or cut inside their headers"}, 1, 2, 3}
	got := want
	got.Packets, got.Unparsed, got.Problems, got.Flows = st.Packets, st.Unparsed, st.Problems, len(rec.flows)
	if len(rec.flows) == 1 {
		got.FlowPkts, got.LastFrame = rec.flows[0].OrigPkts, rec.flows[0].LastFrame
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestGuardMemory checks that blocks claiming gigabytes cost no memory.
// 16 MiB follow each bad block: unguarded, pcapgo would read all of them
// into one packet buffer, however long the file.
func TestGuardMemory(t *testing.T) {
	ngFile := readFixture(t, "sf_loopback.pcapng")
	idb := ngBlocks(t, ngFile, ngIDB)[0]
	epb := ngBlocks(t, ngFile, ngEPB)[0]
	tests := map[string][]byte{
		"EPB caplen":       setU32(ngFile, epb+20, 0x7ffffff0),
		"EPB block length": setU32(setU32(ngFile, epb+4, 0x7ffffff0), epb+20, 0x7fff0000),
		"SPB length":       spliceBlock(ngFile, epb, simpleBlock(0x7ffffff0)),
		"DSB length":       spliceBlock(ngFile, epb, secretsBlock(0x7ffffff0)),
		"IDB snaplen":      setU32(ngFile, idb+12, 0xffffffff),
	}
	for name, data := range tests {
		t.Run(name, func(t *testing.T) {
			data = append(data, make([]byte, 16<<20)...)
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			_, _, err := parseBytes(t, name, data)
			runtime.ReadMemStats(&after)
			if grew := after.TotalAlloc - before.TotalAlloc; grew > 8<<20 {
				t.Errorf("parsing a %d-byte file allocated %d MiB (err %v)", len(data), grew>>20, err)
			}
		})
	}
}

// ngBlocks returns the offsets of the blocks of type typ in a
// little-endian pcapng file.
func ngBlocks(t testing.TB, data []byte, typ uint32) []int {
	t.Helper()
	var out []int
	for off := 0; off+12 <= len(data); {
		n := int(binary.LittleEndian.Uint32(data[off+4:]))
		if n < 12 {
			t.Fatalf("block at %d: length %d", off, n)
		}
		if binary.LittleEndian.Uint32(data[off:]) == typ {
			out = append(out, off)
		}
		off += n
	}
	return out
}

func setU32(data []byte, off int, v uint32) []byte {
	out := bytes.Clone(data)
	binary.LittleEndian.PutUint32(out[off:], v)
	return out
}

// spliceBlock inserts block before the block at off.
func spliceBlock(data []byte, off int, block []byte) []byte {
	return append(append(bytes.Clone(data[:off]), block...), data[off:]...)
}

// simpleBlock is a pcapng simple packet block claiming origLen bytes but
// holding 4.
func simpleBlock(origLen uint32) []byte {
	b := binary.LittleEndian.AppendUint32(nil, ngSPB)
	b = binary.LittleEndian.AppendUint32(b, 20)
	b = binary.LittleEndian.AppendUint32(b, origLen)
	b = append(b, 0x45, 0, 0, 0)
	return binary.LittleEndian.AppendUint32(b, 20)
}

// secretsBlock is a decryption secrets block claiming n bytes of secrets
// but holding 4.
func secretsBlock(n uint32) []byte {
	b := binary.LittleEndian.AppendUint32(nil, ngDSB)
	b = binary.LittleEndian.AppendUint32(b, 24)
	b = binary.LittleEndian.AppendUint32(b, 0x544c534b) // TLS key log
	b = binary.LittleEndian.AppendUint32(b, n)
	b = append(b, 'k', 'e', 'y', '\n')
	return binary.LittleEndian.AppendUint32(b, 24)
}

// recordEnd returns the offset just past record n (1-based) of a
// little-endian classic pcap file.
func recordEnd(t *testing.T, data []byte, n int) int {
	t.Helper()
	off := 24
	for i := 0; i < n; i++ {
		off += 16 + int(binary.LittleEndian.Uint32(data[off+8:]))
	}
	if off > len(data) {
		t.Fatalf("file has fewer than %d records", n)
	}
	return off
}

func lastRecord(t *testing.T, data []byte) []byte {
	t.Helper()
	off := 24
	for {
		next := off + 16 + int(binary.LittleEndian.Uint32(data[off+8:]))
		if next >= len(data) {
			return data[off:]
		}
		off = next
	}
}

// setRecordLens overwrites record n's original length with caplen-shrink
// (so the captured length exceeds it); grow is added to it otherwise.
func setRecordLens(t *testing.T, data []byte, n int, grow, shrink uint32) []byte {
	t.Helper()
	off := recordEnd(t, data, n-1)
	capLen := binary.LittleEndian.Uint32(data[off+8:])
	return setU32(data, off+12, capLen+grow-shrink)
}
