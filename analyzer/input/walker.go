// Package input walks the paths a user gave — files, folders, "-" for
// standard input, gzip-compressed files — and yields each artifact inside
// them, one at a time, positioned at its first byte, with compression
// already removed. It sniffs containers by content, never by name.
//
// The shape is archive/tar's: call Next until io.EOF; each Item's reader is
// valid until the next call.
package input

import (
	"bufio"
	"compress/gzip"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// ReadBufferSize is the buffer behind every Item's reader. Large reads pay:
// pcapgo's 4 KiB default costs 1.8× on big captures.
const ReadBufferSize = 1 << 20

// Item is one artifact.
type Item struct {
	// Path is the display path: the file path, "-" for stdin, and for a
	// member of a container "outer!inner". A gzip layer keeps its name.
	Path string
	// Host is the machine the path suggests, "" when it says nothing.
	Host string
	// R reads the artifact's bytes, decompressed. Peek it to sniff.
	R *bufio.Reader
	// Skip is set instead of R when the artifact cannot be read at all; it
	// says why ("permission denied", "empty file").
	Skip string
}

// Walker yields the artifacts under a list of paths, in the order given and,
// inside folders, in lexical order, so the same inputs always come out in the
// same order.
type Walker struct {
	stdin   io.Reader
	pending []string // paths still to visit, next first
	open    []io.Closer
}

// New walks paths. stdin is read for the path "-".
func New(paths []string, stdin io.Reader) *Walker {
	return &Walker{stdin: stdin, pending: append([]string(nil), paths...)}
}

// Next returns the next artifact, or io.EOF when there are no more. An error
// other than io.EOF is never returned for a single bad file: that becomes an
// Item with Skip set, so the walk goes on.
func (w *Walker) Next() (*Item, error) {
	w.closeOpen()
	for len(w.pending) > 0 {
		p := w.pending[0]
		w.pending = w.pending[1:]
		if p == "-" {
			return w.wrap("-", io.NopCloser(w.stdin))
		}
		st, err := os.Stat(p)
		if err != nil {
			return &Item{Path: p, Skip: describe(err)}, nil
		}
		if st.IsDir() {
			kids, err := listDir(p)
			if err != nil {
				return &Item{Path: p, Skip: describe(err)}, nil
			}
			w.pending = append(kids, w.pending...)
			continue
		}
		if !st.Mode().IsRegular() {
			return &Item{Path: p, Skip: "not a regular file"}, nil
		}
		if st.Size() == 0 {
			return &Item{Path: p, Host: HostFromPath(p), Skip: "empty file"}, nil
		}
		f, err := os.Open(p)
		if err != nil {
			return &Item{Path: p, Skip: describe(err)}, nil
		}
		return w.wrap(p, f)
	}
	return nil, io.EOF
}

// Close releases the current item's files.
func (w *Walker) Close() error {
	w.closeOpen()
	return nil
}

// wrap positions a reader for an item, peeling gzip layers off first.
func (w *Walker) wrap(path string, rc io.ReadCloser) (*Item, error) {
	w.open = append(w.open, rc)
	br := bufio.NewReaderSize(rc, ReadBufferSize)
	for depth := 0; depth < maxGzipDepth; depth++ {
		head, _ := br.Peek(2)
		if len(head) < 2 || head[0] != 0x1f || head[1] != 0x8b {
			break
		}
		zr, err := gzip.NewReader(br)
		if err != nil {
			return &Item{Path: path, Host: HostFromPath(path), Skip: "gzip header: " + err.Error()}, nil
		}
		zr.Multistream(true)
		w.open = append(w.open, zr)
		br = bufio.NewReaderSize(zr, ReadBufferSize)
	}
	if head, err := br.Peek(1); len(head) == 0 {
		reason := "empty file"
		if err != nil && !errors.Is(err, io.EOF) {
			reason = "unreadable: " + err.Error()
		}
		return &Item{Path: path, Host: HostFromPath(path), Skip: reason}, nil
	}
	return &Item{Path: path, Host: HostFromPath(path), R: br}, nil
}

// maxGzipDepth bounds gzip-in-gzip nesting; deeper is hostile, not real.
const maxGzipDepth = 4

func (w *Walker) closeOpen() {
	for i := len(w.open) - 1; i >= 0; i-- {
		w.open[i].Close()
	}
	w.open = w.open[:0]
}

// listDir returns the entries of a folder, recursively flattened later by
// Next, sorted; hidden files and symlinks are left out.
func listDir(dir string) ([]string, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), ".") || e.Type()&fs.ModeSymlink != 0 {
			continue
		}
		out = append(out, filepath.Join(dir, e.Name()))
	}
	sort.Strings(out)
	return out, nil
}

func describe(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// HostFromPath guesses the machine from a path's folders: the nearest folder
// that looks like a host name ("broker-1", "kafka-3.internal", "client")
// rather than a generic folder ("logs", "var"). It returns "" when none does.
func HostFromPath(p string) string {
	p = strings.ReplaceAll(p, "!", "/")
	parts := strings.Split(filepath.ToSlash(p), "/")
	for i := len(parts) - 2; i >= 0; i-- {
		d := parts[i]
		if d == "" || d == "." || d == ".." || genericDirs[strings.ToLower(d)] {
			continue
		}
		if looksLikeHost(d) {
			return d
		}
	}
	return ""
}

var genericDirs = map[string]bool{
	"log": true, "logs": true, "var": true, "tmp": true, "kafka": true,
	"data": true, "captures": true, "capture": true, "pcap": true, "pcaps": true,
	"journal": true, "testdata": true, "scenarios": true, "bundle": true, "etc": true,
	"home": true, "opt": true, "root": true, "config": true,
}

// looksLikeHost accepts names with a digit or a dash or a dot, the way
// host names in bundles look ("broker-1", "kafka3", "ip-10-0-4-33"), and
// role names a bundle uses for its folders.
func looksLikeHost(d string) bool {
	if strings.HasSuffix(d, ".tgz") || strings.HasSuffix(d, ".zip") || strings.HasSuffix(d, ".gz") || strings.HasSuffix(d, ".tar") {
		return false
	}
	switch strings.ToLower(d) {
	case "client", "broker", "server", "producer", "consumer":
		return true
	}
	return strings.ContainsAny(d, "0123456789-.")
}
