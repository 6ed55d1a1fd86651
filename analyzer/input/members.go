package input

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"
	"time"
	"unicode/utf8"
)

// member is one entry of a container, as a memberSource yields it.
type member struct {
	// name is the entry's name made printable; never used on disk.
	name string
	// r reads the entry's bytes; nil when skip or dir is set.
	r io.Reader
	// skip says why the entry is refused; kind is its short class, used to
	// summarise entries not listed one by one ("empty", "symlink").
	skip, kind string
	// modTime is the entry's modification time from its header.
	modTime time.Time
	// dir marks a folder entry: counted, never yielded.
	dir bool
	// quiet marks a skip never listed alone, only in the container's
	// summary: desktop metadata that sits beside every real file.
	quiet bool
	// guard, when set, is a decompressor the walker must budget (zip
	// entries).
	guard *guardedReader
	// closer, when set, is closed when the walker moves past the entry.
	closer io.Closer
}

// memberSource walks a container's entries in stored order. next returns
// io.EOF at the end and any other error when the container itself is
// damaged past reading further.
type memberSource interface {
	next(opts *Options) (member, error)
}

// tarMembers reads a tar stream in order, straight from the stream.
type tarMembers struct {
	tr *tar.Reader
}

func (t *tarMembers) next(opts *Options) (member, error) {
	hdr, err := t.tr.Next()
	if err != nil && !(errors.Is(err, tar.ErrInsecurePath) && hdr != nil) {
		return member{}, err
	}
	m := member{name: printable(hdr.Name), modTime: hdr.ModTime}
	if reason := unsafeName(hdr.Name); reason != "" {
		m.skip, m.kind = reason, "unsafe path"
		return m, nil
	}
	if desktopMetadata(hdr.Name) && hdr.Typeflag != tar.TypeDir {
		m.skip, m.kind, m.quiet = "desktop metadata", "desktop metadata", true
		return m, nil
	}
	switch hdr.Typeflag {
	case tar.TypeReg, '\x00', tar.TypeCont:
	case tar.TypeDir:
		m.dir = true
		return m, nil
	case tar.TypeSymlink:
		m.skip, m.kind = "symlink to "+printable(hdr.Linkname)+" refused", "symlink"
		return m, nil
	case tar.TypeLink:
		m.skip, m.kind = "hard link to "+printable(hdr.Linkname)+" refused", "hard link"
		return m, nil
	case tar.TypeChar, tar.TypeBlock, tar.TypeFifo:
		m.skip, m.kind = "device or FIFO member refused", "device"
		return m, nil
	default:
		m.skip, m.kind = fmt.Sprintf("tar member type %q refused", hdr.Typeflag), "special"
		return m, nil
	}
	for k := range hdr.PAXRecords {
		if strings.HasPrefix(k, "GNU.sparse.") {
			m.skip, m.kind = "sparse member refused", "special"
			return m, nil
		}
	}
	if reason, kind := sizeReason(hdr.Size, opts); reason != "" {
		m.skip, m.kind = reason, kind
		return m, nil
	}
	m.r = t.tr
	return m, nil
}

// zipMembers walks a zip's central directory.
type zipMembers struct {
	zr  *zip.Reader
	pos int
}

func (z *zipMembers) next(opts *Options) (member, error) {
	if z.pos >= len(z.zr.File) {
		return member{}, io.EOF
	}
	f := z.zr.File[z.pos]
	z.pos++
	m := member{name: printable(f.Name), modTime: f.Modified}
	if reason := unsafeName(f.Name); reason != "" {
		m.skip, m.kind = reason, "unsafe path"
		return m, nil
	}
	if desktopMetadata(f.Name) && !strings.HasSuffix(f.Name, "/") {
		m.skip, m.kind, m.quiet = "desktop metadata", "desktop metadata", true
		return m, nil
	}
	mode := f.Mode()
	switch {
	case mode.IsDir() || strings.HasSuffix(f.Name, "/"):
		m.dir = true
		return m, nil
	case mode&fs.ModeSymlink != 0:
		m.skip, m.kind = "symlink"+zipLinkTarget(f)+" refused", "symlink"
		return m, nil
	case mode&(fs.ModeDevice|fs.ModeCharDevice|fs.ModeNamedPipe|fs.ModeSocket) != 0:
		m.skip, m.kind = "device or FIFO member refused", "device"
		return m, nil
	case f.Flags&0x1 != 0:
		m.skip, m.kind = "encrypted zip entry", "encrypted"
		return m, nil
	}
	if f.UncompressedSize64 > 1<<62 {
		m.skip, m.kind = "member too large: declared size overflows", "too large"
		return m, nil
	}
	if reason, kind := sizeReason(int64(f.UncompressedSize64), opts); reason != "" {
		m.skip, m.kind = reason, kind
		return m, nil
	}
	rc, err := f.Open()
	if err != nil {
		m.skip, m.kind = "zip entry unreadable: "+err.Error(), "damaged"
		return m, nil
	}
	// The compressed size is known up front and the section reader below
	// never reads past it, so it is the ratio's denominator.
	m.guard = &guardedReader{r: rc, inFixed: int64(f.CompressedSize64), layer: "zip"}
	m.r, m.closer = m.guard, rc
	return m, nil
}

// zipLinkTarget reads a zip symlink's target (its content) for the
// message, bounded; "" when unreadable.
func zipLinkTarget(f *zip.File) string {
	if f.UncompressedSize64 == 0 || f.UncompressedSize64 > 4096 || f.Flags&0x1 != 0 {
		return ""
	}
	rc, err := f.Open()
	if err != nil {
		return ""
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, 4096))
	if err != nil {
		return ""
	}
	return " to " + printable(string(b))
}

// desktopMetadata is what macOS adds to archives it makes: a "__MACOSX/"
// tree of AppleDouble "._name" twins and ".DS_Store" files. Never logs, and
// one beside every real file, so listing each would drown the report.
func desktopMetadata(name string) bool {
	n := strings.ReplaceAll(name, "\\", "/")
	base := path.Base(n)
	return strings.HasPrefix(n, "__MACOSX/") || strings.Contains(n, "/__MACOSX/") ||
		strings.HasPrefix(base, "._") || base == ".DS_Store"
}

// sizeReason refuses empty and oversized members.
func sizeReason(size int64, opts *Options) (reason, kind string) {
	switch {
	case size == 0:
		return "empty", "empty"
	case size < 0:
		return "member size negative", "damaged"
	case size > opts.MaxMemberSize:
		return fmt.Sprintf("member too large: %s (limit %s)", byteSize(size), byteSize(opts.MaxMemberSize)), "too large"
	}
	return "", ""
}

// unsafeName refuses names that would leave the bundle if anyone ever used
// them as paths: absolute, drive-lettered, or climbing out with "..". The
// walker never writes a member name to disk; the check is so a report
// shows hostile bundles as such.
func unsafeName(name string) string {
	n := strings.ReplaceAll(name, "\\", "/")
	switch {
	case strings.ContainsRune(n, 0):
		return "name with a NUL byte refused"
	case strings.HasPrefix(n, "/"):
		return "absolute path refused: " + printable(name)
	case len(n) >= 2 && n[1] == ':' && isLetter(n[0]):
		return "absolute path refused: " + printable(name)
	}
	c := path.Clean(n)
	if c == ".." || strings.HasPrefix(c, "../") {
		return "path escapes the bundle: " + printable(name)
	}
	return ""
}

func isLetter(b byte) bool { return b|0x20 >= 'a' && b|0x20 <= 'z' }

// maxNameLen bounds a displayed name; pax headers allow huge ones.
const maxNameLen = 1024

// printable makes a member name safe to show: valid UTF-8, control
// characters replaced, "./" dropped, length bounded.
func printable(s string) string {
	s = strings.TrimPrefix(strings.ReplaceAll(s, "\\", "/"), "./")
	if len(s) > maxNameLen {
		s = s[:maxNameLen] + "…"
	}
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return '\uFFFD'
		}
		return r
	}, s)
}

// zipEntryCount reads the entry count a zip's end-of-central-directory record
// declares (the zip64 one when the classic field is saturated), so a zip
// declaring millions of entries is refused before archive/zip allocates a
// record for each. ok is false when no record is found; archive/zip then
// says what is wrong.
func zipEntryCount(ra io.ReaderAt, size int64) (n uint64, ok bool) {
	const eocdLen, maxComment = 22, 65535
	tail := min(size, eocdLen+maxComment)
	buf := make([]byte, tail)
	if _, err := ra.ReadAt(buf, size-tail); err != nil && err != io.EOF {
		return 0, false
	}
	i := bytes.LastIndex(buf, []byte("PK\x05\x06"))
	if i < 0 || len(buf)-i < eocdLen {
		return 0, false
	}
	n = uint64(binary.LittleEndian.Uint16(buf[i+10:]))
	if n != 0xffff || i < 20 || string(buf[i-20:i-16]) != "PK\x06\x07" {
		return n, true
	}
	// zip64 locator: the offset of the zip64 end record, whose entry count
	// is a uint64 at offset 32.
	off := int64(binary.LittleEndian.Uint64(buf[i-20+8:]))
	rec := make([]byte, 40)
	if off < 0 || off > size-40 {
		return n, true
	}
	if _, err := ra.ReadAt(rec, off); err != nil || string(rec[:4]) != "PK\x06\x06" {
		return n, true
	}
	return binary.LittleEndian.Uint64(rec[32:]), true
}
