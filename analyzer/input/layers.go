package input

import (
	"archive/tar"
	"archive/zip"
	"bufio"
	"bytes"
	"compress/bzip2"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/klauspost/compress/zstd"
)

// stream is a byte stream about to be sniffed.
type stream struct {
	path, hostPath string
	r              io.Reader
	// file and size are set for a regular file on disk, so a zip can be
	// read in place.
	file   *os.File
	size   int64
	closer io.Closer
	depth  int
	// modTime is the stream's write time, zero when unknown; compression
	// layers keep their container's.
	modTime time.Time
}

// openStream peels compression layers off a stream, then yields it as an
// Item, or opens it as a container (returning nil), or refuses it.
func (w *Walker) openStream(s stream) *Item {
	var res resources
	if s.closer != nil {
		res.closers = append(res.closers, s.closer)
	}
	r := s.r
	for {
		br := w.buffer(&namedReader{r: r, path: s.path})
		res.bufs = append(res.bufs, br)
		head, err := br.Peek(sniffHeadLen)
		if len(head) == 0 {
			reason := "empty"
			if err != nil && err != io.EOF {
				reason = "unreadable: " + strings.TrimPrefix(err.Error(), s.path+": ")
			}
			return w.refuse(s, &res, reason)
		}
		kind := sniffLayer(head)
		if kind == plainLayer {
			if bigEndian, ok := utf16Text(head); ok && s.depth < w.opts.MaxDepth {
				s.depth++
				r, s.file = fromUTF16(br, bigEndian), nil
				continue
			}
			if bytes.HasPrefix(head, utf8BOM) {
				br.Discard(len(utf8BOM))
			}
			w.cur = res
			return &Item{Path: s.path, Host: HostFromPath(s.hostPath), R: br, ModTime: s.modTime}
		}
		if s.depth >= w.opts.MaxDepth {
			return w.refuse(s, &res, fmt.Sprintf("%s layer nested deeper than %d layers: not opened", kind, w.opts.MaxDepth))
		}
		s.depth++
		switch kind {
		case tarLayer:
			w.push(s, &tarMembers{tr: tar.NewReader(br)}, res)
			return nil
		case zipLayer:
			return w.openZip(s, br, res)
		}
		cr := &countingReader{r: br}
		dr, closer, err := decompressor(kind, cr)
		if err != nil {
			return w.refuse(s, &res, fmt.Sprintf("%s header: %s", kind, strings.TrimPrefix(err.Error(), kind.String()+": ")))
		}
		if closer != nil {
			res.closers = append(res.closers, closer)
		}
		g := &guardedReader{r: dr, in: cr, layer: kind.String()}
		w.arm(g, s.path)
		r, s.file = g, nil
	}
}

// decompressor starts a decoder for one compression layer.
func decompressor(kind layerKind, cr *countingReader) (io.Reader, io.Closer, error) {
	switch kind {
	case gzipLayer:
		zr, err := newGzip(cr)
		if err != nil {
			return nil, nil, err
		}
		zr.Multistream(true)
		return zr, pooledGzip{zr}, nil
	case zstdLayer:
		zr, err := zstd.NewReader(cr, zstd.WithDecoderConcurrency(1), zstd.WithDecoderLowmem(true),
			zstd.WithDecoderMaxWindow(zstdMaxWindow), zstd.WithDecoderMaxMemory(zstdMaxWindow))
		if err != nil {
			return nil, nil, err
		}
		return zr, closerFunc(zr.Close), nil
	case bzip2Layer:
		return bzip2.NewReader(cr), nil, nil
	case xzLayer:
		xr, err := newXZ(cr)
		if err != nil {
			return nil, nil, err
		}
		return xr, nil, nil
	}
	return nil, nil, fmt.Errorf("no decoder for %s", kind)
}

// gzipReaders keeps gzip readers across layers and walkers: each holds a
// 32 KiB window and Huffman tables, which a reset reuses, and a batch of
// small bundles opens two or three gzip layers per bundle.
var gzipReaders sync.Pool

// newGzip is a gzip reader on r, from the pool when one is there.
func newGzip(r io.Reader) (*gzip.Reader, error) {
	zr, ok := gzipReaders.Get().(*gzip.Reader)
	if !ok {
		return gzip.NewReader(r)
	}
	if err := zr.Reset(r); err != nil {
		gzipReaders.Put(zr)
		return nil, err
	}
	return zr, nil
}

// pooledGzip closes a gzip reader and gives it back to the pool; it must
// not be read after.
type pooledGzip struct{ zr *gzip.Reader }

func (p pooledGzip) Close() error {
	err := p.zr.Close()
	gzipReaders.Put(p.zr)
	return err
}

// zstdMaxWindow bounds a zstd decoder's memory: 128 MiB is what
// "zstd --long=27" uses; larger windows are refused, not allocated.
const zstdMaxWindow = 128 << 20

type closerFunc func()

func (c closerFunc) Close() error { c(); return nil }

// arm sets a guard's limits and budget for the current input.
func (w *Walker) arm(g *guardedReader, path string) {
	g.path, g.budget, g.ratio, g.grace = path, w.budget, w.opts.MaxRatio, w.opts.RatioGrace
}

// refuse releases a stream and yields it as skipped.
func (w *Walker) refuse(s stream, res *resources, reason string) *Item {
	w.release(res)
	return &Item{Path: s.path, Host: HostFromPath(s.hostPath), Skip: reason}
}

// push opens a container; res stays open until it is popped.
func (w *Walker) push(s stream, src memberSource, res resources) {
	w.stack = append(w.stack, &frame{path: s.path, hostPath: s.hostPath, depth: s.depth, src: src, res: res})
}

// openZip opens a zip in place when it is a regular file on disk, otherwise
// from a bounded copy in the private temp dir.
func (w *Walker) openZip(s stream, br *bufio.Reader, res resources) *Item {
	var ra io.ReaderAt = s.file
	size := s.size
	if s.file == nil {
		tf, n, err := w.copyToTemp(br)
		if err != nil {
			return w.refuse(s, &res, err.Error())
		}
		res.closers = append(res.closers, tempFile{tf})
		ra, size = tf, n
	}
	if n, ok := zipEntryCount(ra, size); ok && n > uint64(w.opts.MaxMembers-w.members) {
		return w.refuse(s, &res, fmt.Sprintf("zip declares %d entries, over the %d-member limit: not opened", n, w.opts.MaxMembers))
	}
	zr, err := zip.NewReader(ra, size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) {
		return w.refuse(s, &res, "archive unreadable: "+err.Error())
	}
	w.push(s, &zipMembers{zr: zr}, res)
	return nil
}

// copyToTemp copies a zip that needs random access into the private temp dir
// under a generated name, at most MaxTempCopy bytes.
func (w *Walker) copyToTemp(r io.Reader) (*os.File, int64, error) {
	if w.tmp == "" {
		dir, err := os.MkdirTemp(w.opts.TempDir, "kafkadiag-walk-")
		if err != nil {
			return nil, 0, fmt.Errorf("zip needs random access and no temp dir could be made: %v", describe(err))
		}
		w.tmp = dir
	}
	tf, err := os.CreateTemp(w.tmp, "zip-*")
	if err != nil {
		return nil, 0, fmt.Errorf("zip needs random access and no temp file could be made: %v", describe(err))
	}
	n, err := io.Copy(tf, io.LimitReader(r, w.opts.MaxTempCopy+1))
	switch {
	case err != nil:
		err = fmt.Errorf("zip could not be copied for random access: %v", err)
	case n > w.opts.MaxTempCopy:
		err = fmt.Errorf("zip needs random access and is larger than the %s temp-copy limit: not opened", byteSize(w.opts.MaxTempCopy))
	}
	if err != nil {
		tempFile{tf}.Close()
		return nil, 0, err
	}
	return tf, n, nil
}

// tempFile is removed when closed.
type tempFile struct{ *os.File }

func (t tempFile) Close() error {
	t.File.Close()
	return os.Remove(t.Name())
}

// readerPool keeps ReadBufferSize readers across items and walkers: a tar of
// 100 000 small members, or a batch of many small bundles, must not clear a
// fresh megabyte for each.
var readerPool = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, ReadBufferSize) }}

// buffer hands out a pooled reader reading r.
func (w *Walker) buffer(r io.Reader) *bufio.Reader {
	br := readerPool.Get().(*bufio.Reader)
	br.Reset(r)
	return br
}

func (w *Walker) release(res *resources) {
	for i := len(res.closers) - 1; i >= 0; i-- {
		res.closers[i].Close()
	}
	for _, br := range res.bufs {
		br.Reset(nil)
		readerPool.Put(br)
	}
	*res = resources{}
}
