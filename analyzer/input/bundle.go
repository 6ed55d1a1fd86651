package input

import (
	"bufio"
	"io"
)

// BundleKind says by content alone whether r starts a bundle — an archive
// holding several artifacts — and which: "tar", "zip", or either behind one
// compression layer ("tar.gz", "tar.zst", "tar.bz2", "zip.gz" ...). An xz
// stream is "xz": the walker refuses it with a reason, which is better
// shown as a failed incident than hidden. Anything else, including a
// single compressed log or capture, is "".
//
// It reads at most a few KiB of r and decompresses at most one tar header
// block, so it is safe on hostile files; a read error counts as "not a
// bundle" only when nothing could be read at all, and is returned.
func BundleKind(r io.Reader) (string, error) {
	br := bufio.NewReaderSize(r, sniffHeadLen)
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
	case tarLayer, zipLayer, xzLayer:
		return kind.String(), nil
	}
	dr, closer, derr := decompressor(kind, &countingReader{r: br})
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

// compressionExt is the usual file extension of each compression layer.
var compressionExt = map[layerKind]string{gzipLayer: "gz", zstdLayer: "zst", bzip2Layer: "bz2"}
