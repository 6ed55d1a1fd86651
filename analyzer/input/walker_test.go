package input

import (
	"archive/tar"
	"bytes"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf16"

	"github.com/google/go-cmp/cmp"
	"github.com/klauspost/compress/zstd"
)

// walkCase is one layout of inputs and what the walker must yield.
type walkCase struct {
	name  string
	files func(t testing.TB) map[string][]byte // written under the root
	stdin func(t testing.TB) []byte
	args  []string // relative to the root, or "-"
	opts  Options  // TempDir is set by the test
	want  []result
}

func TestWalk(t *testing.T) {
	l1, l2, l3 := logLine(1), logLine(2), logLine(3)
	bz2, _ := hex.DecodeString("425a683931415926535980b019cc000001d98000104000100012254010200022069a3210030c0824f9c3f17724538509080b019cc0")
	cases := []walkCase{{
		name: "tgz with a folder per host",
		files: func(t testing.TB) map[string][]byte {
			return map[string][]byte{"bundle.tgz": tgzOf(t,
				entry{name: "broker-1/", typ: tar.TypeDir},
				entry{name: "broker-1/logs/server.log", body: l1},
				entry{name: "./broker-2/logs/server.log", body: l2},
				entry{name: "client/app.log", body: l3})}
		},
		args: []string{"bundle.tgz"},
		want: []result{
			{Path: "bundle.tgz!broker-1/logs/server.log", Host: "broker-1", Body: l1},
			{Path: "bundle.tgz!broker-2/logs/server.log", Host: "broker-2", Body: l2},
			{Path: "bundle.tgz!client/app.log", Host: "client", Body: l3},
		},
	}, {
		name: "zip with a gzip member, read in place",
		files: func(t testing.TB) map[string][]byte {
			return map[string][]byte{"kafka-3.zip": zipOf(t,
				entry{name: "logs/server.log.1.gz", body: string(gzipOf(t, []byte(l1)))},
				entry{name: "logs/server.log", body: l2})}
		},
		args: []string{"kafka-3.zip"},
		want: []result{
			{Path: "kafka-3.zip!logs/server.log.1.gz", Host: "kafka-3", Body: l1},
			{Path: "kafka-3.zip!logs/server.log", Host: "kafka-3", Body: l2},
		},
	}, {
		name: "zip inside tgz, copied to the temp dir",
		files: func(t testing.TB) map[string][]byte {
			inner := zipOf(t, entry{name: "host-a/server.log", body: l1}, entry{name: "host-b/server.log.gz", body: string(gzipOf(t, []byte(l2)))})
			return map[string][]byte{"outer.tgz": tgzOf(t, entry{name: "dir/inner.zip", body: string(inner)}, entry{name: "after.log", body: l3})}
		},
		args: []string{"outer.tgz"},
		want: []result{
			{Path: "outer.tgz!dir/inner.zip!host-a/server.log", Host: "host-a", Body: l1},
			{Path: "outer.tgz!dir/inner.zip!host-b/server.log.gz", Host: "host-b", Body: l2},
			{Path: "outer.tgz!after.log", Body: l3},
		},
	}, {
		name: "tar and tar.gz inside zip",
		files: func(t testing.TB) map[string][]byte {
			return map[string][]byte{"b.zip": zipOf(t,
				entry{name: "a.tar", body: string(tarOf(t, entry{name: "kafka-3/journal.txt", body: l1}))},
				entry{name: "b.tar.gz", body: string(tgzOf(t, entry{name: "ip-10-0-4-33.ec2.internal/server.log", body: l2}))})}
		},
		args: []string{"b.zip"},
		want: []result{
			{Path: "b.zip!a.tar!kafka-3/journal.txt", Host: "kafka-3", Body: l1},
			{Path: "b.zip!b.tar.gz!ip-10-0-4-33.ec2.internal/server.log", Host: "ip-10-0-4-33.ec2.internal", Body: l2},
		},
	}, {
		name: "hostile tar: escapes, links and devices refused, the rest read",
		files: func(t testing.TB) map[string][]byte {
			return map[string][]byte{"evil.tar": tarOf(t,
				entry{name: "../../evil", body: "x"},
				entry{name: "/etc/cron.d/evil", body: "x"},
				entry{name: "broker-1/link", typ: tar.TypeSymlink, link: "/etc/passwd"},
				entry{name: "broker-1/hard", typ: tar.TypeLink, link: "../../../etc/shadow"},
				entry{name: "broker-1/null", typ: tar.TypeChar},
				entry{name: "broker-1/pipe", typ: tar.TypeFifo},
				entry{name: "broker-1/empty.log"},
				entry{name: "broker-1/server.log", body: l1})}
		},
		args: []string{"evil.tar"},
		want: []result{
			{Path: "evil.tar!../../evil", Skip: "path escapes the bundle: ../../evil"},
			{Path: "evil.tar!/etc/cron.d/evil", Skip: "absolute path refused: /etc/cron.d/evil"},
			{Path: "evil.tar!broker-1/link", Host: "broker-1", Skip: "symlink to /etc/passwd refused"},
			{Path: "evil.tar!broker-1/hard", Host: "broker-1", Skip: "hard link to ../../../etc/shadow refused"},
			{Path: "evil.tar!broker-1/null", Host: "broker-1", Skip: "device or FIFO member refused"},
			{Path: "evil.tar!broker-1/pipe", Host: "broker-1", Skip: "device or FIFO member refused"},
			{Path: "evil.tar!broker-1/empty.log", Host: "broker-1", Skip: "empty"},
			{Path: "evil.tar!broker-1/server.log", Host: "broker-1", Body: l1},
		},
	}, {
		name: "hostile zip: escapes, drive letters, symlinks, encryption",
		files: func(t testing.TB) map[string][]byte {
			z := zipOf(t,
				entry{name: "../../evil", body: "x"},
				entry{name: `C:\Windows\evil`, body: "x"},
				entry{name: "kafka-3/link", body: "/etc/passwd", mode: os.ModeSymlink | 0o777},
				entry{name: "kafka-3/secret.log", body: l2},
				entry{name: "kafka-3/server.log", body: l1})
			return map[string][]byte{"evil.zip": encryptEntry(t, z, "kafka-3/secret.log")}
		},
		args: []string{"evil.zip"},
		want: []result{
			{Path: "evil.zip!../../evil", Skip: "path escapes the bundle: ../../evil"},
			{Path: "evil.zip!C:/Windows/evil", Skip: `absolute path refused: C:/Windows/evil`},
			{Path: "evil.zip!kafka-3/link", Host: "kafka-3", Skip: "symlink to /etc/passwd refused"},
			{Path: "evil.zip!kafka-3/secret.log", Host: "kafka-3", Skip: "encrypted zip entry"},
			{Path: "evil.zip!kafka-3/server.log", Host: "kafka-3", Body: l1},
		},
	}, {
		name:  "stdin carrying a tgz",
		stdin: func(t testing.TB) []byte { return tgzOf(t, entry{name: "broker-2/server.log", body: l1}) },
		args:  []string{"-"},
		want:  []result{{Path: "-!broker-2/server.log", Host: "broker-2", Body: l1}},
	}, {
		name:  "stdin carrying a zip, copied to the temp dir",
		stdin: func(t testing.TB) []byte { return zipOf(t, entry{name: "broker-2/server.log", body: l1}) },
		args:  []string{"-"},
		want:  []result{{Path: "-!broker-2/server.log", Host: "broker-2", Body: l1}},
	}, {
		name:  "zip on stdin larger than the temp-copy limit",
		stdin: func(t testing.TB) []byte { return zipOf(t, entry{name: "server.log", body: strings.Repeat(l1, 100)}) },
		args:  []string{"-"},
		opts:  Options{MaxTempCopy: 100},
		want:  []result{{Path: "-", Skip: "zip needs random access and is larger than the 100 B temp-copy limit: not opened"}},
	}, {
		name: "truncated tgz: members before the cut are read",
		files: func(t testing.TB) map[string][]byte {
			big := make([]byte, 64<<10)
			for i := range big {
				big[i] = byte('a' + i*7%26)
			}
			tgz := tgzOf(t, entry{name: "a.log", body: l1}, entry{name: "b.log", body: l2}, entry{name: "c.log", body: string(big)}, entry{name: "d.log", body: l3})
			return map[string][]byte{"cut.tgz": tgz[:len(tgz)-len(tgz)/4]}
		},
		args: []string{"cut.tgz"},
		want: []result{
			{Path: "cut.tgz!a.log", Body: l1},
			{Path: "cut.tgz!b.log", Body: l2},
			{Path: "cut.tgz!c.log", Body: "64010 bytes", Err: "cut.tgz!c.log: byte 64010: cut.tgz: byte 66570: gzip: unexpected EOF"},
			{Path: "cut.tgz", Skip: `archive damaged after 3 members (last "c.log"): byte 66570: gzip: unexpected EOF; the rest of it was not read`},
		},
	}, {
		name: "gzip checksum error names the member",
		files: func(t testing.TB) map[string][]byte {
			gz := gzipOf(t, []byte(l1))
			gz[len(gz)-8] ^= 0xff // CRC-32 in the trailer
			return map[string][]byte{"b.tar": tarOf(t, entry{name: "broker-1/server.log.gz", body: string(gz)}, entry{name: "broker-1/next.log", body: l2})}
		},
		args: []string{"b.tar"},
		want: []result{
			{Path: "b.tar!broker-1/server.log.gz", Host: "broker-1", Body: l1, Err: "b.tar!broker-1/server.log.gz: byte 85: gzip: invalid checksum"},
			{Path: "b.tar!broker-1/next.log", Host: "broker-1", Body: l2},
		},
	}, {
		name: "zip entry with a bad checksum: named, the next entry read",
		files: func(t testing.TB) map[string][]byte {
			return map[string][]byte{"crc.zip": corruptCRC(t, zipOf(t, entry{name: "broker-1/server.log", body: l1}, entry{name: "broker-1/next.log", body: l2}), "broker-1/server.log")}
		},
		args: []string{"crc.zip"},
		want: []result{
			{Path: "crc.zip!broker-1/server.log", Host: "broker-1", Body: l1, Err: "crc.zip!broker-1/server.log: byte 85: zip: checksum error"},
			{Path: "crc.zip!broker-1/next.log", Host: "broker-1", Body: l2},
		},
	}, {
		name: "truncated zip and a zip declaring too many entries",
		files: func(t testing.TB) map[string][]byte {
			z := zipOf(t, entry{name: "a.log", body: l1}, entry{name: "b.log", body: l2}, entry{name: "c.log", body: l3})
			return map[string][]byte{"cut.zip": z[:len(z)-30], "many.zip": z}
		},
		args: []string{"cut.zip", "many.zip"},
		opts: Options{MaxMembers: 2},
		want: []result{
			{Path: "cut.zip", Skip: "archive unreadable: zip: not a valid zip file"},
			{Path: "many.zip", Skip: "zip declares 3 entries, over the 2-member limit: not opened"},
		},
	}, {
		name: "macOS metadata summarised, not listed",
		files: func(t testing.TB) map[string][]byte {
			return map[string][]byte{"mac.zip": zipOf(t,
				entry{name: "broker-1/server.log", body: l1},
				entry{name: "__MACOSX/broker-1/._server.log", body: "\x00\x05\x16\x07"},
				entry{name: "broker-1/.DS_Store", body: "Bud1"})}
		},
		args: []string{"mac.zip", "-"},
		want: []result{
			{Path: "mac.zip!broker-1/server.log", Host: "broker-1", Body: l1},
			{Path: "mac.zip", Skip: "2 skipped members not listed one by one: 2 desktop metadata"},
			{Path: "-", Skip: "empty"},
		},
	}, {
		name: "zstd frame asking for a 1 GiB window refused before allocating",
		files: func(testing.TB) map[string][]byte {
			// Hand-built frames: magic, descriptor 0 (window descriptor
			// follows), window descriptor, one last raw block of 5 bytes.
			frame := func(window byte) []byte {
				return append([]byte{0x28, 0xb5, 0x2f, 0xfd, 0x00, window, 5<<3 | 1, 0, 0}, "hello"...)
			}
			return map[string][]byte{"small.zst": frame(0x00), "huge.zst": frame(20 << 3)}
		},
		args: []string{"small.zst", "huge.zst"},
		want: []result{
			{Path: "small.zst", Body: "hello"},
			{Path: "huge.zst", Skip: "unreadable: byte 0: zstd: window size exceeded"},
		},
	}, {
		name: "zstd, bzip2 and loose gzip files",
		files: func(t testing.TB) map[string][]byte {
			enc, _ := zstd.NewWriter(nil)
			return map[string][]byte{
				"a.log.zst": enc.EncodeAll([]byte(l1), nil),
				"b.log.bz2": bz2,
				"c.log.gz":  gzipOf(t, gzipOf(t, []byte(l3))),
			}
		},
		args: []string{"a.log.zst", "b.log.bz2", "c.log.gz"},
		want: []result{
			{Path: "a.log.zst", Body: l1},
			{Path: "b.log.bz2", Body: "bzip2 line\n"},
			{Path: "c.log.gz", Body: l3},
		},
	}, {
		name: "garbage after the xz magic refused, nesting bounded, empty gzip",
		files: func(t testing.TB) map[string][]byte {
			deep := []byte(l1)
			for range 5 {
				deep = gzipOf(t, deep)
			}
			return map[string][]byte{
				"a.xz":     append([]byte{0xfd, '7', 'z', 'X', 'Z', 0}, make([]byte, 32)...),
				"deep.gz":  deep,
				"empty.gz": gzipOf(t, nil),
			}
		},
		args: []string{"a.xz", "deep.gz", "empty.gz"},
		opts: Options{MaxDepth: 3},
		want: []result{
			{Path: "a.xz", Skip: "xz header: stream header checksum mismatch (corrupt header)"},
			{Path: "deep.gz", Skip: "gzip layer nested deeper than 3 layers: not opened"},
			{Path: "empty.gz", Skip: "empty"},
		},
	}, {
		name: "loose rotated logs come oldest first",
		files: func(t testing.TB) map[string][]byte {
			return map[string][]byte{
				"broker-1/server.log":                   []byte("live\n"),
				"broker-1/server.log.1":                 []byte("r1\n"),
				"broker-1/server.log.2.gz":              gzipOf(t, []byte("r2\n")),
				"broker-1/controller.log.2023-06-29-09": []byte("c09\n"),
				"broker-1/controller.log.2023-06-29-10": []byte("c10\n"),
				"broker-1/controller.log":               []byte("clive\n"),
			}
		},
		args: []string{"broker-1"},
		want: []result{
			{Path: "broker-1/controller.log.2023-06-29-09", Host: "broker-1", Body: "c09\n"},
			{Path: "broker-1/controller.log.2023-06-29-10", Host: "broker-1", Body: "c10\n"},
			{Path: "broker-1/controller.log", Host: "broker-1", Body: "clive\n"},
			{Path: "broker-1/server.log.2.gz", Host: "broker-1", Body: "r2\n"},
			{Path: "broker-1/server.log.1", Host: "broker-1", Body: "r1\n"},
			{Path: "broker-1/server.log", Host: "broker-1", Body: "live\n"},
		},
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			runWalkCase(t, tc)
		})
	}
}

// runWalkCase writes the case's files, walks them and checks the items,
// that the private temp dir is gone after Close and that nothing appeared
// next to the fixtures.
func runWalkCase(t *testing.T, tc walkCase) {
	f := newFixture(t)
	var wrote []string
	if tc.files != nil {
		for name, b := range tc.files(t) {
			f.write(t, name, b)
			wrote = append(wrote, name)
		}
	}
	before := f.files(t)
	var stdin io.Reader = strings.NewReader("")
	if tc.stdin != nil {
		stdin = bytes.NewReader(tc.stdin(t))
	}
	var args []string
	for _, a := range tc.args {
		if a != "-" {
			a = filepath.Join(f.root, a)
		}
		args = append(args, a)
	}
	opts := tc.opts
	opts.TempDir = f.tmp
	got := f.walkAll(t, NewWithOptions(args, stdin, opts))
	if diff := cmp.Diff(tc.want, got); diff != "" {
		t.Errorf("items (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(before, f.files(t)); diff != "" {
		t.Errorf("files next to the fixtures changed (-before +after):\n%s", diff)
	}
	left, err := os.ReadDir(f.tmp)
	if err != nil || len(left) != 0 {
		t.Errorf("temp dir after Close: %v entries, err %v", len(left), err)
	}
}

// TestTempDirPrivate checks the zip copy lives in a 0700 dir while the walk
// is open.
func TestTempDirPrivate(t *testing.T) {
	f := newFixture(t)
	z := zipOf(t, entry{name: "server.log", body: logLine(1)})
	w := NewWithOptions([]string{"-"}, bytes.NewReader(z), Options{TempDir: f.tmp})
	defer w.Close()
	it, err := w.Next()
	if err != nil || it.Skip != "" {
		t.Fatalf("Next: %v %+v", err, it)
	}
	dirs, _ := os.ReadDir(f.tmp)
	if len(dirs) != 1 {
		t.Fatalf("temp dir holds %d entries, want 1 private dir", len(dirs))
	}
	st, err := os.Stat(filepath.Join(f.tmp, dirs[0].Name()))
	if err != nil || st.Mode().Perm() != 0o700 {
		t.Fatalf("private dir mode %v, err %v; want 0700", st.Mode().Perm(), err)
	}
}

func TestLimitErrorsAreSentinels(t *testing.T) {
	for _, kind := range []error{ErrBomb, ErrTooLarge} {
		err := error(&ReadError{Path: "a", Err: &LimitError{Path: "b", Kind: kind, In: 1024, Out: 10 << 30, Limit: 200}})
		if !errors.Is(err, kind) {
			t.Errorf("errors.Is(%v, %v) = false", err, kind)
		}
		var le *LimitError
		if !errors.As(err, &le) || le.Out != 10<<30 {
			t.Errorf("errors.As LimitError from %v failed", err)
		}
	}
	got := (&LimitError{Path: "x.gz", Kind: ErrBomb, In: 1024, Out: 10 << 30, Limit: 200}).Error()
	if want := "x.gz: decompression bomb: 1 KiB → 10 GiB stopped at ratio 10485760:1 (limit 200:1)"; got != want {
		t.Errorf("message:\n got %s\nwant %s", got, want)
	}
}

func TestNoStdin(t *testing.T) {
	f := newFixture(t)
	got := f.walkAll(t, NewWithOptions([]string{"-"}, nil, f.options()))
	if diff := cmp.Diff([]result{{Path: "-", Skip: "no standard input"}}, got); diff != "" {
		t.Errorf("items (-want +got):\n%s", diff)
	}
}

// TestModTime: each item carries when it was written — a file's mtime, an
// archive member's header time, a compression layer its container's —
// and nothing for standard input, so lines without a year can be dated.
func TestModTime(t *testing.T) {
	f := newFixture(t)
	disk := time.Date(2023, 2, 3, 4, 5, 6, 0, time.UTC)
	plain := f.write(t, "messages", []byte("Feb  3 04:05:00 h kernel: x\n"))
	if err := os.Chtimes(plain, disk, disk); err != nil {
		t.Fatal(err)
	}
	gz := f.write(t, "messages.1.gz", gzipOf(t, []byte("Feb  2 04:05:00 h kernel: x\n")))
	if err := os.Chtimes(gz, disk, disk); err != nil {
		t.Fatal(err)
	}
	tgz := f.write(t, "bundle.tgz", tgzOf(t, entry{name: "var/log/messages", body: "x\n"}))
	zp := f.write(t, "bundle.zip", zipOf(t, entry{name: "var/log/messages", body: "x\n"}))
	w := NewWithOptions([]string{plain, gz, tgz, zp, "-"}, strings.NewReader("from stdin\n"), f.options())
	defer w.Close()
	got := map[string]time.Time{}
	for {
		it, err := w.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		got[f.rel(it.Path)] = it.ModTime.UTC()
	}
	want := map[string]time.Time{
		"messages":                    disk,
		"messages.1.gz":               disk,
		"bundle.tgz!var/log/messages": fixtureTime,
		"bundle.zip!var/log/messages": fixtureTime,
		"-":                           {},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("mod times (-want +got):\n%s", diff)
	}
}

// TestTextEncodings: UTF-16 logs (PowerShell's `>`) reach the parsers as
// UTF-8, a UTF-8 BOM is dropped, and a binary file that starts FF FE is
// left alone.
func TestTextEncodings(t *testing.T) {
	const text = "[2024-03-02 10:15:02,235] WARN Connection to node 1 (kafka-1/10.0.0.11:9092) could not be established. Broker may not be available. (org.apache.kafka.clients.NetworkClient)\r\nsecond line é ✓ 𝄞\r\n"
	utf16 := func(bigEndian bool) []byte {
		var b bytes.Buffer
		put := func(u uint16) {
			if bigEndian {
				b.Write([]byte{byte(u >> 8), byte(u)})
			} else {
				b.Write([]byte{byte(u), byte(u >> 8)})
			}
		}
		put(0xfeff)
		for _, u := range utf16Encode(text) {
			put(u)
		}
		return b.Bytes()
	}
	binary := []byte{0xff, 0xfe, 0x00, 0x01, 0x02, 0x03, 0x80, 0x81}
	f := newFixture(t)
	files := []string{
		f.write(t, "le.log", utf16(false)),
		f.write(t, "be.log", utf16(true)),
		f.write(t, "bom8.log", append([]byte{0xef, 0xbb, 0xbf}, text...)),
		f.write(t, "bundle.tgz", tgzOf(t, entry{name: "app/le.log", body: string(utf16(false))})),
		f.write(t, "blob.bin", binary),
	}
	w := NewWithOptions(files, nil, f.options())
	defer w.Close()
	got := map[string]string{}
	for {
		it, err := w.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(it.R)
		if err != nil {
			t.Fatalf("%s: %v", it.Path, err)
		}
		got[f.rel(it.Path)] = string(b)
	}
	want := map[string]string{"le.log": text, "be.log": text, "bom8.log": text, "bundle.tgz!app/le.log": text, "blob.bin": string(binary)}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// utf16Encode is utf16.Encode over a string's runes.
func utf16Encode(s string) []uint16 { return utf16.Encode([]rune(s)) }
