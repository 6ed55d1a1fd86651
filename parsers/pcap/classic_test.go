package pcap

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"io"
	"testing"
	"testing/iotest"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/gopacket/gopacket/pcapgo"
)

// record is what one read returned: its bytes as a checksum (cmp walks a
// megabyte slice element by element), the rest as is.
type record struct {
	Sum           uint32
	Time          time.Time
	CapLen, Len   int
	Err           string
	UnexpectedEOF bool
}

// readAll reads records until an error, copying each; keep, when set,
// receives every record's slice as returned (not copied).
func readAll(rec recordReader, keep func([]byte)) []record {
	var out []record
	for range 1 << 16 {
		data, ci, err := rec.ZeroCopyReadPacketData()
		if err != nil {
			if err != io.EOF {
				out = append(out, record{Err: err.Error(), UnexpectedEOF: errors.Is(err, io.ErrUnexpectedEOF)})
			}
			return out
		}
		if keep != nil {
			keep(data)
		}
		out = append(out, record{Sum: crc32.ChecksumIEEE(data), Time: ci.Timestamp, CapLen: ci.CaptureLength, Len: ci.Length})
	}
	return out
}

// classicFile is a classic pcap file header for magic and Ethernet, then body.
func classicFile(magic []byte, body []byte) []byte {
	order := binary.ByteOrder(binary.LittleEndian)
	if magic[0] == 0xa1 {
		order = binary.BigEndian
	}
	h := make([]byte, 24)
	copy(h, magic)
	order.PutUint16(h[4:], 2)
	order.PutUint16(h[6:], 4)
	order.PutUint32(h[16:], 65535)
	order.PutUint32(h[20:], 1)
	return append(h, body...)
}

// classicRecord is one record in the file's byte order.
func classicRecord(big bool, sec, frac uint32, data []byte, origLen int) []byte {
	order := binary.ByteOrder(binary.LittleEndian)
	if big {
		order = binary.BigEndian
	}
	h := make([]byte, 16)
	order.PutUint32(h[0:], sec)
	order.PutUint32(h[4:], frac)
	order.PutUint32(h[8:], uint32(len(data)))
	order.PutUint32(h[12:], uint32(origLen))
	return append(h, data...)
}

// compareWithPcapgo reads file with pcapgo (as openCapture sets it up) and
// with a classicReader of the given block size over a reader that returns
// at most chunk bytes per read, and reports the difference. The reader's
// swap keeps every old block, so records returned earlier must still hold
// their bytes at the end: the zero-copy promise the pipeline relies on.
func compareWithPcapgo(t *testing.T, file []byte, blockSize, chunk int) {
	t.Helper()
	ref, err := pcapgo.NewReader(bufio.NewReaderSize(bytes.NewReader(file), 1<<20))
	if err != nil {
		return // the header is pcapgo's alone; nothing to compare
	}
	ref.SetSnaplen(MaxFrame)
	want := readAll(ref, nil)

	var src io.Reader = bytes.NewReader(file)
	if chunk > 0 {
		src = &chunkReader{r: src, n: chunk}
	}
	br := bufio.NewReaderSize(src, pcapgoBufSize)
	if _, err := br.Discard(24); err != nil {
		t.Fatal(err)
	}
	c := newClassicReader(br, file[:4], MaxFrame)
	c.blockSize = blockSize
	c.swap = func(tail []byte, n int) []byte {
		blk := make([]byte, max(n, c.blockSize))
		copy(blk, tail)
		return blk
	}
	var held [][]byte
	got := readAll(c, func(b []byte) { held = append(held, b) })

	// pcapgo takes a file that ends right after a record header, before
	// the record's bytes, for a clean end; the classic reader says the
	// file was cut short. Only that last record may differ.
	if n := len(got); n == len(want)+1 && got[n-1].UnexpectedEOF {
		got = got[:n-1]
	}
	if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
		t.Fatalf("classic reader (block %d, chunk %d) differs from pcapgo (-pcapgo +classic):\n%s", blockSize, chunk, diff)
	}
	for i, b := range held {
		if crc32.ChecksumIEEE(b) != got[i].Sum {
			t.Fatalf("record %d changed after later reads", i+1)
		}
	}
}

// chunkReader returns at most n bytes per Read, as a decompressor does.
type chunkReader struct {
	r io.Reader
	n int
}

func (c *chunkReader) Read(p []byte) (int, error) { return c.r.Read(p[:min(len(p), c.n)]) }

func TestClassicReaderMatchesPcapgo(t *testing.T) {
	frame := bytes.Repeat([]byte{0xab}, 60)
	body := func(big bool) []byte {
		var b []byte
		for i := range 40 {
			b = append(b, classicRecord(big, uint32(1700000000+i), uint32(i*1000), frame[:20+i], 60+i)...)
		}
		return b
	}
	good := body(false)
	cases := []struct {
		name string
		file []byte
	}{
		{"micro LE", classicFile(magicMicroLE, good)},
		{"micro BE", classicFile(magicMicroBE, body(true))},
		{"nano LE", classicFile(magicNanoLE, good)},
		{"nano BE", classicFile(magicNanoBE, body(true))},
		{"empty", classicFile(magicMicroLE, nil)},
		{"cut inside a header", classicFile(magicMicroLE, good[:len(good)-len(frame)-10])},
		{"cut inside a record", classicFile(magicMicroLE, good[:len(good)-3])},
		{"cut after a header", classicFile(magicMicroLE, append(bytes.Clone(good), classicRecord(false, 1, 1, frame, 60)[:16]...))},
		{"zero-length record", classicFile(magicMicroLE, classicRecord(false, 1, 2, nil, 0))},
		{"longer than MaxFrame", classicFile(magicMicroLE, classicRecord(false, 1, 2, make([]byte, MaxFrame+1), MaxFrame+1))},
		{"MaxFrame", classicFile(magicMicroLE, append(classicRecord(false, 1, 2, make([]byte, MaxFrame), MaxFrame), good...))},
		{"caplen over len", classicFile(magicMicroLE, classicRecord(false, 1, 2, frame, 10))},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for _, blockSize := range []int{classicBlockSize, 100, 17} {
				for _, chunk := range []int{0, 7, 4096} {
					compareWithPcapgo(t, tc.file, blockSize, chunk)
				}
			}
		})
	}
}

func TestClassicReaderHalfReads(t *testing.T) {
	var body []byte
	for i := range 500 {
		body = append(body, classicRecord(false, uint32(i), 0, bytes.Repeat([]byte{byte(i)}, i%97), 100)...)
	}
	file := classicFile(magicMicroLE, body)
	br := bufio.NewReaderSize(iotest.HalfReader(bytes.NewReader(file)), pcapgoBufSize)
	br.Discard(24)
	c := newClassicReader(br, file[:4], MaxFrame)
	c.blockSize = 300
	got := readAll(c, nil)
	if len(got) != 500 {
		t.Fatalf("read %d records, want 500 (last: %+v)", len(got), got[len(got)-1])
	}
	for i, r := range got {
		if r.CapLen != i%97 || r.Sum != crc32.ChecksumIEEE(bytes.Repeat([]byte{byte(i)}, i%97)) {
			t.Fatalf("record %d: %+v", i, r)
		}
	}
}

// FuzzClassicReader feeds pcapgo and the classic reader the same records
// and requires the same records, times and errors, at several block sizes.
func FuzzClassicReader(f *testing.F) {
	f.Add([]byte{}, uint16(0), uint8(0))
	f.Add(classicRecord(false, 1, 2, []byte{1, 2, 3}, 3), uint16(19), uint8(1))
	f.Add(append(classicRecord(false, 1, 2, []byte{1, 2, 3}, 3), classicRecord(false, 9, 999999, make([]byte, 40), 1500)...), uint16(40), uint8(2))
	f.Add(classicRecord(true, 4, 5, []byte{7}, 1), uint16(0), uint8(3))
	f.Fuzz(func(t *testing.T, body []byte, blockSize uint16, kind uint8) {
		magic := [][]byte{magicMicroLE, magicMicroBE, magicNanoLE, magicNanoBE}[kind%4]
		bs := int(blockSize)
		if bs < recordHeaderLen {
			bs = classicBlockSize
		}
		compareWithPcapgo(t, classicFile(magic, body), bs, int(kind/4)+1)
	})
}
