// Package input walks the paths a user gave — files, folders, "-" for
// standard input — and yields each artifact inside them, one at a time,
// positioned at its first byte, with compression removed and archives
// opened. It sniffs layers by content, never by name: gzip, zstd, bzip2
// and xz streams, tar (ustar, GNU, pax and v7) and zip archives, nested up
// to Options.MaxDepth layers ("outer.tgz!dir/inner.zip!host/server.log",
// "sosreport-kafka-3-….tar.xz!sosreport-…/var/log/messages").
//
// The shape is archive/tar's: call Next until io.EOF; each Item's reader is
// valid until the next call.
//
// Bundles are untrusted. Nothing is extracted: tar members stream straight
// from the archive; a zip, which needs random access, is read in place when
// it is a regular file on disk and otherwise copied, bounded by
// Options.MaxTempCopy, to a file with a generated name in a private temp
// dir (mode 0700) that Close removes. Member names are never used as paths
// on disk. Links, devices, FIFOs, absolute names and names climbing out
// with ".." are yielded as skipped Items saying why. Every decompressor is
// bounded by ratio and by a per-input byte budget (ErrBomb, ErrTooLarge);
// an xz decoder's dictionary by xzMaxDict.
// A damaged member stops that member; a damaged archive stops that archive
// with an Item saying where; the walk goes on with the next input.
//
// Refused members are Items so the report shows them, but only the first
// Options.MaxSkipsListed of one container: the rest are counted by kind and
// summarised in one Item with the container's path when it ends ("99950
// skipped members not listed one by one: 99950 empty"), so a hostile tar
// of 100 000 empty files or links still gives a readable report. macOS
// archive metadata (__MACOSX/, ._ twins, .DS_Store) is only ever counted.
//
// Order: inputs in the order given; inside folders, lexical order except
// that a rotation family comes oldest first (server.log.2, server.log.1,
// server.log), so state spanning a rotation reads in order. Archive members
// come in stored order: reordering a tar stream would mean buffering it,
// and the analyzer sorts the timeline by time anyway, so member order only
// matters for multi-line records cut at a rotation boundary.
package input

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// ReadBufferSize is the buffer behind every Item's reader. Large reads pay:
// pcapgo's 4 KiB default costs 1.8× on big captures.
const ReadBufferSize = 1 << 20

// Item is one artifact.
type Item struct {
	// Path is the display path: the file path, "-" for stdin, and for a
	// member of a container "outer!inner". A compression layer keeps its
	// name ("x.log.gz" is the decompressed log).
	Path string
	// Host is the machine the path suggests, "" when it says nothing.
	Host string
	// R reads the artifact's bytes, decompressed. Peek it to sniff. Read
	// errors are *ReadError or *LimitError naming Path.
	R *bufio.Reader
	// ModTime is when the artifact was last written, as its file system or
	// archive header says; zero when nothing says (standard input). A log
	// without years in its lines was written no later than this.
	ModTime time.Time
	// Skip is set instead of R when the artifact cannot be read at all; it
	// says why ("permission denied", "empty", "symlink to /etc/passwd
	// refused"). A damaged archive yields an Item with the archive's Path
	// and a Skip saying how far it was read.
	Skip string
}

// Walker yields the artifacts under a list of paths.
type Walker struct {
	opts    Options
	stdin   io.Reader
	pending []pendingPath // paths still to visit, next first
	stack   []*frame      // open containers of the current input, innermost last
	queue   []*Item       // items due before anything else (summaries)
	cur     resources     // what the current item holds open
	budget  *budget       // decompression allowance of the current input
	members int           // members seen in the current input
	tmp     string        // private temp dir, "" until a zip needs it
}

// pendingPath is a path to visit and the part of it that may name a host:
// the user's own folders above the inputs say nothing about machines. A
// path the user gave (arg) gets its hostPath once it is known to be a
// folder or a file.
type pendingPath struct {
	path, hostPath string
	arg            bool
}

// frame is one open container.
type frame struct {
	path, hostPath string
	depth          int // layers from the input's top, this container included
	src            memberSource
	res            resources
	read           int    // members taken from src
	last           string // name of the last member, for damage messages
	listed         int    // skipped members yielded as Items
	unlisted       map[string]int
}

// resources are what one stream holds open: closed in reverse order, buffers
// returned to the pool.
type resources struct {
	closers []io.Closer
	bufs    []*bufio.Reader
}

// New walks paths with DefaultOptions. stdin is read for the path "-".
func New(paths []string, stdin io.Reader) *Walker {
	return NewWithOptions(paths, stdin, DefaultOptions())
}

// NewWithOptions walks paths within opts' limits; zero fields take defaults.
func NewWithOptions(paths []string, stdin io.Reader, opts Options) *Walker {
	w := &Walker{stdin: stdin, opts: opts.withDefaults()}
	for _, p := range paths {
		w.pending = append(w.pending, pendingPath{path: p, arg: true})
	}
	return w
}

// Next returns the next artifact, or io.EOF when there are no more. The
// previous Item's reader is invalid from this call on, and after Close. An
// error other than io.EOF is never returned for a bad file or member: that
// becomes an Item with Skip set, so the walk goes on.
func (w *Walker) Next() (*Item, error) {
	w.release(&w.cur)
	for {
		if len(w.queue) > 0 {
			it := w.queue[0]
			w.queue = w.queue[1:]
			return it, nil
		}
		if len(w.stack) > 0 {
			if it := w.nextMember(); it != nil {
				return it, nil
			}
			continue
		}
		if len(w.pending) == 0 {
			return nil, io.EOF
		}
		p := w.pending[0]
		w.pending = w.pending[1:]
		if it := w.openPath(p); it != nil {
			return it, nil
		}
	}
}

// Close releases everything open and removes the private temp dir.
func (w *Walker) Close() error {
	w.release(&w.cur)
	for len(w.stack) > 0 {
		w.popFrame()
	}
	w.queue = nil
	if w.tmp == "" {
		return nil
	}
	err := os.RemoveAll(w.tmp)
	w.tmp = ""
	return err
}

// openPath visits one path: a folder queues its entries, a file or stdin
// starts a new input with a fresh budget.
func (w *Walker) openPath(p pendingPath) *Item {
	if p.path == "-" {
		if w.stdin == nil {
			return &Item{Path: "-", Skip: "no standard input"}
		}
		w.startInput()
		return w.openStream(stream{path: "-", hostPath: "-", r: w.stdin})
	}
	st, err := os.Stat(p.path)
	if err != nil {
		return &Item{Path: p.path, Skip: describe(err)}
	}
	if p.arg {
		p.hostPath = argHostPath(p.path, st.IsDir())
	}
	if st.IsDir() {
		kids, err := listDir(p)
		if err != nil {
			return &Item{Path: p.path, Skip: describe(err)}
		}
		w.pending = append(kids, w.pending...)
		return nil
	}
	host := HostFromPath(p.hostPath)
	if !st.Mode().IsRegular() {
		return &Item{Path: p.path, Host: host, Skip: "not a regular file"}
	}
	if st.Size() == 0 {
		return &Item{Path: p.path, Host: host, Skip: "empty file"}
	}
	f, err := os.Open(p.path)
	if err != nil {
		return &Item{Path: p.path, Host: host, Skip: describe(err)}
	}
	w.startInput()
	return w.openStream(stream{path: p.path, hostPath: p.hostPath, r: f, file: f, size: st.Size(), closer: f, modTime: st.ModTime()})
}

func (w *Walker) startInput() {
	w.budget = &budget{limit: w.opts.MaxDecompressed}
	w.members = 0
}

// nextMember takes the next entry of the innermost container. It returns nil
// when there is nothing to yield yet (a folder entry, a container opened, a
// container finished).
func (w *Walker) nextMember() *Item {
	f := w.stack[len(w.stack)-1]
	m, err := f.src.next(&w.opts)
	if err == io.EOF {
		w.popFrame()
		return nil
	}
	if err != nil {
		it := f.damaged(err)
		w.popFrame()
		return it
	}
	f.read++
	f.last = m.name
	if w.members++; w.members > w.opts.MaxMembers {
		if m.closer != nil {
			m.closer.Close()
		}
		return w.abortInput(fmt.Sprintf("more than %d members: the rest of this input was not read", w.opts.MaxMembers))
	}
	if m.dir {
		return nil
	}
	s := stream{path: f.path + "!" + m.name, hostPath: f.hostPath + "!" + m.name, r: m.r, closer: m.closer, depth: f.depth, modTime: m.modTime}
	if m.skip != "" {
		limit := w.opts.MaxSkipsListed
		if m.quiet {
			limit = 0
		}
		return f.skipped(s, m, limit)
	}
	if m.guard != nil {
		w.arm(m.guard, s.path)
	}
	return w.openStream(s)
}

// damaged says how far a container was read before it broke.
func (f *frame) damaged(err error) *Item {
	msg := strings.TrimPrefix(err.Error(), f.path+": ")
	reason := fmt.Sprintf("archive damaged after %d members (last %q): %s; the rest of it was not read", f.read, f.last, msg)
	if f.read == 0 {
		reason = "archive unreadable: " + msg
	}
	return &Item{Path: f.path, Host: HostFromPath(f.hostPath), Skip: reason}
}

// skipped yields a refused member, or counts it once MaxSkipsListed of this
// container have been yielded.
func (f *frame) skipped(s stream, m member, limit int) *Item {
	if m.closer != nil {
		m.closer.Close()
	}
	if f.listed < limit {
		f.listed++
		return &Item{Path: s.path, Host: HostFromPath(s.hostPath), Skip: m.skip}
	}
	if f.unlisted == nil {
		f.unlisted = map[string]int{}
	}
	f.unlisted[m.kind]++
	return nil
}

// abortInput drops every open container of the current input.
func (w *Walker) abortInput(reason string) *Item {
	it := &Item{Path: w.stack[0].path, Host: HostFromPath(w.stack[0].hostPath), Skip: reason}
	for len(w.stack) > 0 {
		w.popFrame()
	}
	w.queue = nil
	return it
}

// popFrame closes the innermost container and queues the summary of the
// skipped members it did not list.
func (w *Walker) popFrame() {
	f := w.stack[len(w.stack)-1]
	w.stack = w.stack[:len(w.stack)-1]
	w.release(&f.res)
	if len(f.unlisted) == 0 {
		return
	}
	kinds := make([]string, 0, len(f.unlisted))
	total := 0
	for k, n := range f.unlisted {
		kinds = append(kinds, fmt.Sprintf("%d %s", n, k))
		total += n
	}
	sort.Strings(kinds)
	w.queue = append(w.queue, &Item{Path: f.path, Host: HostFromPath(f.hostPath),
		Skip: fmt.Sprintf("%d skipped members not listed one by one: %s", total, strings.Join(kinds, ", "))})
}

// listDir returns the entries of a folder, to be visited next: sorted, with
// rotation families oldest first; hidden files and symlinks are left out.
func listDir(dir pendingPath) ([]pendingPath, error) {
	ents, err := os.ReadDir(dir.path)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), ".") || e.Type()&fs.ModeSymlink != 0 {
			continue
		}
		names = append(names, e.Name())
	}
	sortRotations(names)
	out := make([]pendingPath, len(names))
	for i, n := range names {
		out[i] = pendingPath{path: filepath.Join(dir.path, n), hostPath: dir.hostPath + "/" + n}
	}
	return out, nil
}

// argHostPath keeps the part of a path the user gave that may name a host.
// A folder the user names is the incident's top ("cases/4242",
// "/tmp/acme_case_x"): the folders above it are the user's own and say
// nothing about the incident's machines, unless the folder is a generic one
// ("broker-1/logs"). A file keeps its folder ("kafka-3/server.log"), and the
// folder above when that one is generic. At most three elements are kept.
func argHostPath(p string, isDir bool) string {
	parts := strings.Split(filepath.ToSlash(filepath.Clean(p)), "/")
	keep := 2 // a file and its folder
	if isDir {
		keep = 1
	}
	for keep < len(parts) && keep < 3 && genericDirs[strings.ToLower(parts[len(parts)-keep])] {
		keep++
	}
	keep = min(keep, len(parts))
	return strings.TrimPrefix(strings.Join(parts[len(parts)-keep:], "/"), "/")
}

func describe(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}
