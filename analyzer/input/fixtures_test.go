package input

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// entry is one archive member a test builds.
type entry struct {
	name string
	body string
	typ  byte   // tar type flag; 0 means a regular file
	link string // link target for tar links
	mode os.FileMode
}

var fixtureTime = time.Date(2024, 6, 29, 9, 0, 0, 0, time.UTC)

func tarOf(t testing.TB, entries ...entry) []byte {
	t.Helper()
	var b bytes.Buffer
	tw := tar.NewWriter(&b)
	for _, e := range entries {
		typ := e.typ
		if typ == 0 {
			typ = tar.TypeReg
		}
		h := &tar.Header{Name: e.name, Typeflag: typ, Linkname: e.link, Mode: 0o644, ModTime: fixtureTime, Format: tar.FormatPAX}
		if typ == tar.TypeReg {
			h.Size = int64(len(e.body))
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatalf("tar header %q: %v", e.name, err)
		}
		if _, err := io.WriteString(tw, e.body); err != nil {
			t.Fatalf("tar body %q: %v", e.name, err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func gzipOf(t testing.TB, b []byte) []byte {
	t.Helper()
	var out bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&out, gzip.BestCompression)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func tgzOf(t testing.TB, entries ...entry) []byte { return gzipOf(t, tarOf(t, entries...)) }

func zipOf(t testing.TB, entries ...entry) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, e := range entries {
		h := &zip.FileHeader{Name: e.name, Method: zip.Deflate, Modified: fixtureTime}
		if e.mode != 0 {
			h.SetMode(e.mode)
		}
		fw, err := zw.CreateHeader(h)
		if err != nil {
			t.Fatalf("zip %q: %v", e.name, err)
		}
		if _, err := io.WriteString(fw, e.body); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// encryptEntry sets the "encrypted" general-purpose flag of the named entry
// in both its local header and its central directory record.
func encryptEntry(t testing.TB, z []byte, name string) []byte {
	t.Helper()
	z = bytes.Clone(z)
	patched := 0
	for _, sig := range []struct {
		magic            string
		flagOff, nameLen int
		nameOff          int
	}{{"PK\x03\x04", 6, 26, 30}, {"PK\x01\x02", 8, 28, 46}} {
		for i := 0; ; {
			j := bytes.Index(z[i:], []byte(sig.magic))
			if j < 0 {
				break
			}
			p := i + j
			n := int(z[p+sig.nameLen]) | int(z[p+sig.nameLen+1])<<8
			if p+sig.nameOff+n <= len(z) && string(z[p+sig.nameOff:p+sig.nameOff+n]) == name {
				z[p+sig.flagOff] |= 1
				patched++
			}
			i = p + 4
		}
	}
	if patched != 2 {
		t.Fatalf("encryptEntry: patched %d headers of %q, want 2", patched, name)
	}
	return z
}

// logLine is a broker line in the layout Kafka's log4j config prints.
func logLine(n int) string {
	return fmt.Sprintf("[2024-06-29 09:00:%02d,123] INFO [KafkaServer id=1] started (kafka.server.KafkaServer)\n", n%60)
}

// result is what a test sees of one Item.
type result struct {
	Path, Host, Skip string
	// Body is the item's bytes when short, else their count.
	Body string
	// Err is the read error, if reading the item failed.
	Err string
}

// fixture is a case's private folder tree: root holds the inputs, tmp is
// the walker's TempDir.
type fixture struct {
	root, tmp string
}

func newFixture(t testing.TB) fixture {
	t.Helper()
	base := t.TempDir()
	f := fixture{root: filepath.Join(base, "in", "case"), tmp: filepath.Join(base, "tmp")}
	for _, d := range []string{f.root, f.tmp} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

func (f fixture) write(t testing.TB, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(f.root, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// files lists every file under the root, relative, to prove nothing was
// written next to the fixtures.
func (f fixture) files(t testing.TB) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(filepath.Dir(f.root), func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			rel, _ := filepath.Rel(f.root, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// walkAll reads every item to its end and closes the walker.
func (f fixture) walkAll(t testing.TB, w *Walker) []result {
	t.Helper()
	var out []result
	for i := 0; ; i++ {
		if i > 1_000_000 {
			t.Fatal("walker never ended")
		}
		it, err := w.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		r := result{Path: f.rel(it.Path), Host: it.Host, Skip: f.rel(it.Skip)}
		if it.R != nil {
			var body bytes.Buffer
			n, err := io.Copy(&body, io.LimitReader(it.R, 1<<31))
			r.Body = body.String()
			if n > 256 {
				r.Body = fmt.Sprintf("%d bytes", n)
			}
			if err != nil {
				r.Err = f.rel(err.Error())
			}
		}
		out = append(out, r)
	}
	if err := w.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	return out
}

// rel strips the fixture root from paths and messages.
func (f fixture) rel(s string) string {
	return strings.ReplaceAll(s, filepath.ToSlash(f.root)+"/", "")
}

func (f fixture) options() Options {
	return Options{TempDir: f.tmp}
}

// corruptCRC flips the CRC-32 the central directory records for the named
// entry, so reading it ends in a checksum error.
func corruptCRC(t testing.TB, z []byte, name string) []byte {
	t.Helper()
	z = bytes.Clone(z)
	for i := 0; ; {
		j := bytes.Index(z[i:], []byte("PK\x01\x02"))
		if j < 0 {
			t.Fatalf("corruptCRC: no central record for %q", name)
		}
		p := i + j
		n := int(z[p+28]) | int(z[p+29])<<8
		if p+46+n <= len(z) && string(z[p+46:p+46+n]) == name {
			z[p+16] ^= 0xff
			return z
		}
		i = p + 4
	}
}

// overlappingZip is a zip whose n central-directory records all point at one
// deflated entry (names z000.log, z001.log, …), the trick of overlapping zip
// bombs: each record reads the same compressed bytes again.
func overlappingZip(t testing.TB, body string, n int) []byte {
	t.Helper()
	z := zipOf(t, entry{name: "z000.log", body: body})
	e := bytes.LastIndex(z, []byte("PK\x05\x06"))
	cdSize := int(binary.LittleEndian.Uint32(z[e+12:]))
	cdOff := int(binary.LittleEndian.Uint32(z[e+16:]))
	rec := z[cdOff : cdOff+cdSize]
	out := bytes.Clone(z[:cdOff])
	for i := range n {
		r := bytes.Clone(rec)
		copy(r[46:], fmt.Sprintf("z%03d.log", i))
		out = append(out, r...)
	}
	eocd := bytes.Clone(z[e:])
	binary.LittleEndian.PutUint16(eocd[8:], uint16(n))
	binary.LittleEndian.PutUint16(eocd[10:], uint16(n))
	binary.LittleEndian.PutUint32(eocd[12:], uint32(n*cdSize))
	return append(out, eocd...)
}
