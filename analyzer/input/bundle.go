package input

import (
	"bufio"
	"io"
)

// BundleKind says by content alone whether r starts a bundle — an archive
// holding several artifacts — and which: "tar", "zip", or either behind one
// compression layer ("tar.gz", "tar.zst", "tar.bz2", "tar.xz", "zip.gz"
// ...). Anything else, including a single compressed log or capture, is "".
//
// It decompresses at most one tar header block, and reads at most
// gzipSniffInput bytes of a gzip file, so it is safe on hostile files and
// cheap enough to run on every file of a folder of incidents. An xz file
// costs more: its decoder allocates the dictionary the stream declares (8
// MiB for xz's default preset, at most xzMaxDict) and decodes up to one
// LZMA2 chunk (2 MiB) before the first byte comes out. A read error counts
// as "not a bundle" only when nothing could be read at all, and is
// returned.
func BundleKind(r io.Reader) (string, error) {
	br := bufio.NewReaderSize(r, gzipSniffInput)
	head, err := br.Peek(sniffHeadLen)
	if len(head) == 0 {
		if err == io.EOF {
			err = nil
		}
		return "", err
	}
	kind := sniffLayer(head)
	switch kind {
	case plainLayer:
		return "", nil
	case tarLayer, zipLayer:
		return kind.String(), nil
	}
	in := byteReader(br)
	if kind == gzipLayer {
		// flate fills its 32 KiB window before it returns anything: from
		// a whole file it would decode that much to answer for 512 bytes.
		// Cut short, it returns what it decoded.
		in = bufio.NewReaderSize(io.LimitReader(br, gzipSniffInput), sniffHeadLen)
	}
	dr, closer, derr := decompressor(kind, &countingReader{r: in})
	if derr != nil {
		return "", nil // a damaged header: a compressed file, not a bundle we can tell
	}
	if closer != nil {
		defer closer.Close()
	}
	inner := make([]byte, sniffHeadLen)
	n, _ := io.ReadFull(dr, inner)
	switch sniffLayer(inner[:n]) {
	case tarLayer:
		return "tar." + compressionExt[kind], nil
	case zipLayer:
		return "zip." + compressionExt[kind], nil
	}
	return "", nil
}

// gzipSniffInput is how much of a gzip file BundleKind reads: a tar
// header block's worth of output takes at most some 1300 bytes of deflate
// (a block header and 512 literals of at most 15 bits) after the gzip
// header, usually a few hundred, which leaves room for a stored file name
// or comment of several hundred bytes.
const gzipSniffInput = 2 << 10

// byteReader is what a decompressor reads from.
type byteReader interface {
	io.Reader
	io.ByteReader
}

// compressionExt is the usual file extension of each compression layer.
var compressionExt = map[layerKind]string{gzipLayer: "gz", zstdLayer: "zst", bzip2Layer: "bz2", xzLayer: "xz"}
