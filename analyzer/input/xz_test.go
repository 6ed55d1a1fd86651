package input

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"io"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/ulikunitz/xz"
)

// smallXZ makes streams with a 64 KiB dictionary: each decoder allocates
// its whole dictionary up front, and the default 8 MiB would make these
// tests spend their time clearing memory.
var smallXZ = xz.WriterConfig{DictCap: 64 << 10}

func xzOf(t testing.TB, b []byte, cfg xz.WriterConfig) []byte {
	t.Helper()
	var out bytes.Buffer
	zw, err := cfg.NewWriter(&out)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

// withXZDict rewrites the LZMA2 dictionary-size code of the first block
// header of a one-filter xz stream and fixes the header's CRC-32, so the
// stream declares a dictionary it was not made with.
func withXZDict(t testing.TB, x []byte, code byte) []byte {
	t.Helper()
	x = bytes.Clone(x)
	hdr := x[12 : 12+(int(x[12])+1)*4]
	i := bytes.Index(hdr, []byte{0x21, 0x01})
	if i < 0 {
		t.Fatal("withXZDict: no LZMA2 filter in the first block header")
	}
	hdr[i+2] = code
	binary.LittleEndian.PutUint32(hdr[len(hdr)-4:], crc32.ChecksumIEEE(hdr[:len(hdr)-4]))
	return x
}

// noise is n bytes that do not compress, the same every run, so a cut
// lands inside data.
func noise(n int) string {
	rng := rand.New(rand.NewPCG(1, 2))
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
	return string(b)
}

func TestXZ(t *testing.T) {
	l1, l2 := logLine(1), logLine(2)
	cfg := smallXZ
	sos := "sosreport-kafka-3-20240629093011"
	cases := []walkCase{{
		name: "loose xz log",
		files: func(t testing.TB) map[string][]byte {
			return map[string][]byte{"server.log.xz": xzOf(t, []byte(l1+l2), cfg)}
		},
		args: []string{"server.log.xz"},
		want: []result{{Path: "server.log.xz", Body: l1 + l2}},
	}, {
		name: "txz with a folder per host",
		files: func(t testing.TB) map[string][]byte {
			return map[string][]byte{"logs.txz": xzOf(t, tarOf(t, entry{name: "broker-1/server.log", body: l1}, entry{name: "broker-2/server.log", body: l2}), cfg)}
		},
		args: []string{"logs.txz"},
		want: []result{
			{Path: "logs.txz!broker-1/server.log", Host: "broker-1", Body: l1},
			{Path: "logs.txz!broker-2/server.log", Host: "broker-2", Body: l2},
		},
	}, {
		name: "concatenated streams and stream padding read whole",
		files: func(t testing.TB) map[string][]byte {
			var b []byte
			b = append(b, xzOf(t, []byte(l1), cfg)...)
			b = append(b, 0, 0, 0, 0)
			b = append(b, xzOf(t, []byte(l2), xz.WriterConfig{CheckSum: xz.SHA256})...)
			b = append(b, make([]byte, 8)...)
			return map[string][]byte{"two.xz": b}
		},
		args: []string{"two.xz"},
		want: []result{{Path: "two.xz", Body: l1 + l2}},
	}, {
		name:  "xz of nothing",
		files: func(t testing.TB) map[string][]byte { return map[string][]byte{"empty.xz": xzOf(t, nil, cfg)} },
		args:  []string{"empty.xz"},
		want:  []result{{Path: "empty.xz", Skip: "empty"}},
	}, {
		name: "sosreport tar.xz nested in a tgz",
		files: func(t testing.TB) map[string][]byte {
			inner := xzOf(t, tarOf(t, entry{name: sos + "/var/log/messages", body: l1}), cfg)
			return map[string][]byte{"case.tgz": tgzOf(t, entry{name: sos + ".tar.xz", body: string(inner)})}
		},
		args: []string{"case.tgz"},
		want: []result{{Path: "case.tgz!" + sos + ".tar.xz!" + sos + "/var/log/messages", Host: "kafka-3", Body: l1}},
	}, {
		name: "dictionary over the cap refused before it is allocated",
		files: func(t testing.TB) map[string][]byte {
			x := xzOf(t, []byte(l1), cfg)
			return map[string][]byte{"at-cap.xz": withXZDict(t, x, 28), "128m.xz": withXZDict(t, x, 30), "4g.xz": withXZDict(t, x, 40)}
		},
		args: []string{"at-cap.xz", "128m.xz", "4g.xz"},
		want: []result{
			{Path: "at-cap.xz", Body: l1},
			{Path: "128m.xz", Skip: "xz header: block at compressed byte 12 needs a 128 MiB dictionary, over the 64 MiB cap (xz -9 uses 64 MiB): not decoded"},
			{Path: "4g.xz", Skip: "xz header: block at compressed byte 12 needs a 4.0 GiB dictionary, over the 64 MiB cap (xz -9 uses 64 MiB): not decoded"},
		},
	}, {
		name: "dictionary over the cap in a later stream stops the read there",
		files: func(t testing.TB) map[string][]byte {
			return map[string][]byte{"later.xz": append(xzOf(t, []byte(l1), cfg), withXZDict(t, xzOf(t, []byte(l2), cfg), 30)...)}
		},
		args: []string{"later.xz"},
		want: []result{{Path: "later.xz", Body: l1,
			Err: "later.xz: byte 85: xz: block at compressed byte 148 needs a 128 MiB dictionary, over the 64 MiB cap (xz -9 uses 64 MiB): not decoded"}},
	}, {
		name: "many empty blocks each declaring a 64 MiB dictionary",
		files: func(t testing.TB) map[string][]byte {
			return map[string][]byte{
				"blocks.xz": xzEmptyBlocks(t, 1000, 28, false),
				"two.xz":    xzEmptyBlocks(t, 2, 28, false),
				// A block declaring its size gets a window no larger.
				"sized.xz": xzEmptyBlocks(t, 1000, 28, true),
			}
		},
		args: []string{"blocks.xz", "two.xz", "sized.xz"},
		want: []result{
			{Path: "blocks.xz", Skip: "unreadable: byte 0: xz: 3 blocks in the first 64 B of input declare 192 MiB of dictionaries, over the limit of 128 MiB plus 4096 bytes per input byte: not decoded"},
			{Path: "two.xz", Skip: "empty"},
			{Path: "sized.xz", Skip: "empty"},
		},
	}, {
		name: "truncated tar.xz: members before the cut are read",
		files: func(t testing.TB) map[string][]byte {
			x := xzOf(t, tarOf(t, entry{name: "a.log", body: l1}, entry{name: "b.log", body: l2}, entry{name: "c.log", body: noise(256 << 10)}, entry{name: "d.log", body: l1}), cfg)
			return map[string][]byte{"cut.tar.xz": x[:len(x)-len(x)/4]}
		},
		args: []string{"cut.tar.xz"},
		want: []result{
			{Path: "cut.tar.xz!a.log", Body: l1},
			{Path: "cut.tar.xz!b.log", Body: l2},
			{Path: "cut.tar.xz!c.log", Body: "196506 bytes", Err: "cut.tar.xz!c.log: byte 196506: cut.tar.xz: byte 199066: xz: truncated"},
			{Path: "cut.tar.xz", Skip: `archive damaged after 3 members (last "c.log"): byte 199066: xz: truncated; the rest of it was not read`},
		},
	}, {
		name: "corrupt xz member named, the next member read",
		files: func(t testing.TB) map[string][]byte {
			x := xzOf(t, []byte(l1), cfg)
			x[len(x)-12-8-4] ^= 0xff // in the CRC-64 before the index
			cut := xzOf(t, []byte(l2), cfg)
			return map[string][]byte{"b.tar": tarOf(t,
				entry{name: "broker-1/server.log.xz", body: string(x)},
				entry{name: "broker-1/cut.log.xz", body: string(cut[:len(cut)-20])},
				entry{name: "broker-1/next.log", body: l2})}
		},
		args: []string{"b.tar"},
		want: []result{
			{Path: "b.tar!broker-1/server.log.xz", Host: "broker-1", Body: l1, Err: "b.tar!broker-1/server.log.xz: byte 85: xz: block check mismatch (corrupt data)"},
			{Path: "b.tar!broker-1/cut.log.xz", Host: "broker-1", Body: l2, Err: "b.tar!broker-1/cut.log.xz: byte 85: xz: truncated"},
			{Path: "b.tar!broker-1/next.log", Host: "broker-1", Body: l2},
		},
	}, {
		name: "garbage after the end of the stream",
		files: func(t testing.TB) map[string][]byte {
			return map[string][]byte{"tail.xz": append(xzOf(t, []byte(l1), cfg), "trailing text"...)}
		},
		args: []string{"tail.xz"},
		want: []result{{Path: "tail.xz", Body: l1, Err: "tail.xz: byte 85: xz: data after the end of the stream"}},
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { runWalkCase(t, tc) })
	}
}

// TestXZRoundTrip decodes what ulikunitz/xz's writer makes, every check
// type and block layout, byte for byte.
func TestXZRoundTrip(t *testing.T) {
	var body strings.Builder
	for i := range 2000 {
		body.WriteString(logLine(i))
	}
	body.WriteString(noise(100 << 10))
	want := []byte(body.String())
	cases := []struct {
		name string
		cfg  xz.WriterConfig
	}{
		{"defaults (CRC-64, one block)", xz.WriterConfig{}},
		{"CRC-32, 16 KiB blocks, 64 KiB dictionary", xz.WriterConfig{CheckSum: xz.CRC32, BlockSize: 16 << 10, DictCap: 64 << 10}},
		{"SHA-256, 64 KiB blocks, 64 KiB dictionary", xz.WriterConfig{CheckSum: xz.SHA256, BlockSize: 64 << 10, DictCap: 64 << 10}},
		{"no check", xz.WriterConfig{NoCheckSum: true}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			x := xzOf(t, want, tc.cfg)
			got, err := readXZ(x)
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("decoded %d bytes, differing from the %d written", len(got), len(want))
			}
		})
	}
}

// readXZ decodes a whole xz file as the walker's layer does.
func readXZ(x []byte) ([]byte, error) {
	xr, err := newXZ(&countingReader{r: bytes.NewReader(x)})
	if err != nil {
		return nil, err
	}
	return io.ReadAll(xr)
}

func TestXZHeaderErrors(t *testing.T) {
	good := xzOf(t, []byte(logLine(1)), xz.WriterConfig{})
	patch := func(off int, b byte) []byte {
		x := bytes.Clone(good)
		x[off] = b
		return x
	}
	cases := []struct {
		name string
		x    []byte
		want string
	}{
		{"magic only", good[:6], "xz: truncated"},
		{"stream flags changed", patch(7, 0x01), "xz: stream header checksum mismatch (corrupt header)"},
		{"block header changed", patch(13, 0x40), "xz: block header checksum mismatch (corrupt header)"},
		{"cut in the block header", good[:14], "xz: truncated"},
		{"invalid dictionary code", withXZDict(t, good, 41), "xz: bad LZMA2 dictionary size"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := readXZ(tc.x)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("error (-want +got):\n%s", diff)
			}
		})
	}
}

// xzZeroBomb is n MiB of zeros as concatenated xz streams.
func xzZeroBomb(t testing.TB, mib int) []byte {
	t.Helper()
	return zeroBombOf(t, mib, func(w io.Writer) io.WriteCloser {
		zw, err := xz.NewWriter(w)
		if err != nil {
			t.Fatal(err)
		}
		return zw
	})
}

func TestXZBombs(t *testing.T) {
	bomb := xzZeroBomb(t, 10<<10) // 10 GiB of zeros in ~1.6 MB
	l1 := logLine(1)
	cases := []walkCase{{
		name:  "10 GiB xz bomb stopped by ratio",
		files: func(testing.TB) map[string][]byte { return map[string][]byte{"bomb.xz": bomb} },
		args:  []string{"bomb.xz"},
		opts:  Options{RatioGrace: 4 << 20},
		want: []result{{Path: "bomb.xz", Body: "8388608 bytes",
			Err: "bomb.xz: decompression bomb: 1.3 KiB → 8 MiB stopped at ratio 6370:1 (limit 200:1)"}},
	}, {
		name:  "xz bomb stopped by the per-input budget",
		files: func(testing.TB) map[string][]byte { return map[string][]byte{"bomb.xz": bomb} },
		args:  []string{"bomb.xz"},
		opts:  Options{MaxDecompressed: 8 << 20},
		want: []result{{Path: "bomb.xz", Body: "8388608 bytes",
			Err: "bomb.xz: decompressed size limit reached: 8 MiB per input, stopped after 8 MiB of this stream"}},
	}, {
		name: "xz bomb member in a tar.xz: stopped, the next member read",
		files: func(t testing.TB) map[string][]byte {
			return map[string][]byte{"b.tar.xz": xzOf(t, tarOf(t, entry{name: "broker-1/bomb.log.xz", body: string(bomb[:200<<10])}, entry{name: "broker-1/server.log", body: l1}), xz.WriterConfig{})}
		},
		args: []string{"b.tar.xz"},
		opts: Options{RatioGrace: 4 << 20},
		want: []result{
			{Path: "b.tar.xz!broker-1/bomb.log.xz", Host: "broker-1", Body: "8388608 bytes",
				Err: "b.tar.xz!broker-1/bomb.log.xz: decompression bomb: 1.3 KiB → 8 MiB stopped at ratio 6370:1 (limit 200:1)"},
			{Path: "b.tar.xz!broker-1/server.log", Host: "broker-1", Body: l1},
		},
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { runWalkCase(t, tc) })
	}
}

// FuzzXZ: the decoder never panics, and whatever it decodes whole (within
// 1 MiB of output) ulikunitz/xz's own container reader decodes to the same
// bytes: a stream accepted here is a valid one, read right. The reverse is
// not checked: xz.Reader allocates whatever dictionary a header declares.
func FuzzXZ(f *testing.F) {
	body := []byte(strings.Repeat(logLine(1), 40) + logLine(2))
	f.Add(xzOf(f, body, smallXZ))
	f.Add(xzOf(f, nil, smallXZ))
	f.Add(xzOf(f, body, xz.WriterConfig{DictCap: 64 << 10, BlockSize: 512, CheckSum: xz.CRC32}))
	f.Add(xzOf(f, body, xz.WriterConfig{DictCap: 64 << 10, CheckSum: xz.SHA256}))
	f.Add(xzOf(f, body, xz.WriterConfig{DictCap: 64 << 10, NoCheckSum: true}))
	f.Add(append(append(xzOf(f, body[:100], smallXZ), 0, 0, 0, 0), xzOf(f, body[100:], smallXZ)...))
	f.Add(withXZDict(f, xzOf(f, body, smallXZ), 30))
	const limit = 1 << 20
	f.Fuzz(func(t *testing.T, x []byte) {
		xr, err := newXZ(&countingReader{r: bytes.NewReader(x)})
		if err != nil {
			return
		}
		got, err := io.ReadAll(io.LimitReader(xr, limit+1))
		if err != nil || len(got) > limit {
			return
		}
		if xzCheckSize(x[7]) > 0 && xzCheckHash(x[7]) == nil {
			return // a reserved check type, which xz.Reader refuses
		}
		lr, err := xz.NewReader(bytes.NewReader(x))
		if err != nil {
			t.Fatalf("decoded %d bytes; xz.NewReader: %v", len(got), err)
		}
		want, err := io.ReadAll(io.LimitReader(lr, limit+1))
		if err != nil {
			t.Fatalf("decoded %d bytes; xz.Reader: %v after %d", len(got), err, len(want))
		}
		if !bytes.Equal(got, want) {
			t.Fatalf("decoded %d bytes, xz.Reader %d, differing", len(got), len(want))
		}
	})
}

// xzEmptyBlocks is one xz stream (CRC-32 check) of n blocks that each
// declare the dictionary dictCode and hold no data: the cheapest way to
// make a decoder allocate a dictionary again and again. With sized, each
// block header also declares its uncompressed size, 0.
func xzEmptyBlocks(t testing.TB, n int, dictCode byte, sized bool) []byte {
	t.Helper()
	le32 := func(v uint32) []byte { return binary.LittleEndian.AppendUint32(nil, v) }
	varint := func(b []byte, v uint64) []byte {
		for v >= 0x80 {
			b = append(b, byte(v)|0x80)
			v >>= 7
		}
		return append(b, byte(v))
	}
	flags := []byte{0, 0x01}
	x := append(bytes.Clone(xzMagic), flags...)
	x = append(x, le32(crc32.ChecksumIEEE(flags))...)
	hdr := []byte{2, 0, 0x21, 1, dictCode, 0, 0, 0}
	if sized {
		hdr = []byte{2, 0x80, 0, 0x21, 1, dictCode, 0, 0}
	}
	hdr = append(hdr, le32(crc32.ChecksumIEEE(hdr))...)
	// header, the end-of-data chunk, 3 bytes of padding, CRC-32 of nothing
	block := append(append(hdr, 0, 0, 0, 0), le32(0)...)
	for range n {
		x = append(x, block...)
	}
	index := varint([]byte{0}, uint64(n))
	for range n {
		index = varint(varint(index, uint64(len(hdr)+1+4)), 0)
	}
	for len(index)%4 != 0 {
		index = append(index, 0)
	}
	index = append(index, le32(crc32.ChecksumIEEE(index))...)
	x = append(x, index...)
	footer := append(le32(uint32(len(index)/4-1)), flags...)
	x = append(x, le32(crc32.ChecksumIEEE(footer))...)
	return append(append(x, footer...), 'Y', 'Z')
}
