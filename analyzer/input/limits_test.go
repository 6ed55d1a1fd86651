package input

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// zeroBomb is a gzip stream of n MiB of zeros built cheaply: one member of
// 64 MiB of zeros (~64 KiB compressed) repeated, as gzip allows members to
// be concatenated. 160 copies make 10 MiB that expand to 10 GiB.
func zeroBomb(t testing.TB, mib int) []byte {
	t.Helper()
	return zeroBombOf(t, mib, func(w io.Writer) io.WriteCloser {
		zw, _ := gzip.NewWriterLevel(w, gzip.BestCompression)
		return zw
	})
}

// zeroBombOf is zeroBomb for any format that allows concatenated streams
// (gzip members, xz streams): one stream of up to 64 MiB of zeros, made by
// compress, repeated.
func zeroBombOf(t testing.TB, mib int, compress func(io.Writer) io.WriteCloser) []byte {
	t.Helper()
	var one bytes.Buffer
	zw := compress(&one)
	zeros := make([]byte, 1<<20)
	per := min(mib, 64)
	for range per {
		if _, err := zw.Write(zeros); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return bytes.Repeat(one.Bytes(), mib/per)
}

func TestBombs(t *testing.T) {
	bomb := zeroBomb(t, 10<<10) // 10 GiB of zeros
	l1 := logLine(1)
	cases := []walkCase{{
		name:  "10 GiB gzip bomb stopped by ratio",
		files: func(testing.TB) map[string][]byte { return map[string][]byte{"bomb.gz": bomb} },
		args:  []string{"bomb.gz"},
		opts:  Options{RatioGrace: 4 << 20},
		want: []result{{Path: "bomb.gz", Body: "4227072 bytes",
			Err: "bomb.gz: decompression bomb: 4.0 KiB → 4.0 MiB stopped at ratio 1024:1 (limit 200:1)"}},
	}, {
		name: "bomb member in a tar: stopped, the next member read",
		files: func(t testing.TB) map[string][]byte {
			return map[string][]byte{"b.tar": tarOf(t, entry{name: "broker-1/bomb.log.gz", body: string(bomb[:1<<20])}, entry{name: "broker-1/server.log", body: l1})}
		},
		args: []string{"b.tar"},
		opts: Options{RatioGrace: 4 << 20},
		want: []result{
			{Path: "b.tar!broker-1/bomb.log.gz", Host: "broker-1", Body: "4227072 bytes",
				Err: "b.tar!broker-1/bomb.log.gz: decompression bomb: 4.0 KiB → 4.0 MiB stopped at ratio 1024:1 (limit 200:1)"},
			{Path: "b.tar!broker-1/server.log", Host: "broker-1", Body: l1},
		},
	}, {
		name: "bomb member in a zip: stopped, the next member read",
		files: func(t testing.TB) map[string][]byte {
			return map[string][]byte{"b.zip": zipOf(t, entry{name: "zeros.log", body: strings.Repeat("\x00", 8<<20)}, entry{name: "server.log", body: l1})}
		},
		args: []string{"b.zip"},
		opts: Options{RatioGrace: 1 << 20},
		want: []result{
			{Path: "b.zip!zeros.log", Body: "1638400 bytes",
				Err: "b.zip!zeros.log: decompression bomb: 8.0 KiB → 1.6 MiB stopped at ratio 201:1 (limit 200:1)"},
			{Path: "b.zip!server.log", Body: l1},
		},
	}, {
		name: "per-input budget",
		files: func(t testing.TB) map[string][]byte {
			return map[string][]byte{"big.gz": gzipOf(t, bytes.Repeat([]byte(l1), 1000))}
		},
		args: []string{"big.gz"},
		opts: Options{MaxDecompressed: 10_000},
		want: []result{{Path: "big.gz", Body: "10000 bytes",
			Err: "big.gz: decompressed size limit reached: 9.8 KiB per input, stopped after 9.8 KiB of this stream"}},
	}, {
		name: "overlapping zip: the per-input budget spans its entries",
		files: func(t testing.TB) map[string][]byte {
			return map[string][]byte{"overlap.zip": overlappingZip(t, strings.Repeat("\x00", 8<<20), 5)}
		},
		args: []string{"overlap.zip"},
		opts: Options{MaxDecompressed: 20 << 20},
		want: []result{
			{Path: "overlap.zip!z000.log", Body: "8388608 bytes"},
			{Path: "overlap.zip!z001.log", Body: "8388608 bytes"},
			{Path: "overlap.zip!z002.log", Body: "4194304 bytes",
				Err: "overlap.zip!z002.log: decompressed size limit reached: 20 MiB per input, stopped after 4 MiB of this stream"},
			{Path: "overlap.zip!z003.log", Skip: "unreadable: decompressed size limit reached: 20 MiB per input, stopped after 0 B of this stream"},
			{Path: "overlap.zip!z004.log", Skip: "unreadable: decompressed size limit reached: 20 MiB per input, stopped after 0 B of this stream"},
		},
	}, {
		name: "member count limit",
		files: func(t testing.TB) map[string][]byte {
			var es []entry
			for i := range 10 {
				es = append(es, entry{name: fmt.Sprintf("m%d.log", i), body: l1})
			}
			return map[string][]byte{"many.tgz": tgzOf(t, es...), "after.log": []byte(l1)}
		},
		args: []string{"many.tgz", "after.log"},
		opts: Options{MaxMembers: 2},
		want: []result{
			{Path: "many.tgz!m0.log", Body: l1},
			{Path: "many.tgz!m1.log", Body: l1},
			{Path: "many.tgz", Skip: "more than 2 members: the rest of this input was not read"},
			{Path: "after.log", Body: l1},
		},
	}, {
		name: "member size limit",
		files: func(t testing.TB) map[string][]byte {
			return map[string][]byte{"b.tar": tarOf(t, entry{name: "huge.log", body: strings.Repeat(l1, 20)}, entry{name: "ok.log", body: l1})}
		},
		args: []string{"b.tar"},
		opts: Options{MaxMemberSize: 1000},
		want: []result{
			{Path: "b.tar!huge.log", Skip: "member too large: 1.7 KiB (limit 1000 B)"},
			{Path: "b.tar!ok.log", Body: l1},
		},
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) { runWalkCase(t, tc) })
	}
}

// TestManyEmptyMembers walks a tar of 100 000 empty files: it must finish
// fast, list the first MaxSkipsListed and summarise the rest in one item.
func TestManyEmptyMembers(t *testing.T) {
	f := newFixture(t)
	var b bytes.Buffer
	es := make([]entry, 0, 100_001)
	for i := range 100_000 {
		es = append(es, entry{name: fmt.Sprintf("broker-1/e%06d.log", i)})
	}
	es = append(es, entry{name: "broker-1/server.log", body: logLine(1)})
	b.Write(tarOf(t, es...))
	p := f.write(t, "empty.tar", b.Bytes())
	start := time.Now()
	got := f.walkAll(t, NewWithOptions([]string{p}, nil, Options{TempDir: f.tmp, MaxSkipsListed: 3}))
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("walking 100 000 empty members took %v", d)
	}
	want := []result{
		{Path: "empty.tar!broker-1/e000000.log", Host: "broker-1", Skip: "empty"},
		{Path: "empty.tar!broker-1/e000001.log", Host: "broker-1", Skip: "empty"},
		{Path: "empty.tar!broker-1/e000002.log", Host: "broker-1", Skip: "empty"},
		{Path: "empty.tar!broker-1/server.log", Host: "broker-1", Body: logLine(1)},
		{Path: "empty.tar", Skip: "99997 skipped members not listed one by one: 99997 empty"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("items (-want +got):\n%s", diff)
	}
}
