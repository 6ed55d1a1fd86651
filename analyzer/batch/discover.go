package batch

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/kafkadiag/kafkadiag/analyzer/input"
)

// Ignored is an entry of an --each folder that was not taken as an
// incident, and why.
type Ignored struct {
	Path   string
	Reason string
}

// Discover expands the paths given with --each into incidents. Directly
// under each folder (not deeper), an incident is:
//   - a subfolder, and
//   - a regular file whose content is a bundle (input.BundleKind: a tar
//     or zip archive, bare or behind one gzip/zstd/bzip2/xz layer,
//     whatever its name says).
//
// Loose files (a capture, a log, a single compressed log) are not
// incidents: they are returned as Ignored. Hidden entries (".*"),
// __MACOSX and symlinks are left out, as the input walker leaves them out
// of folders; symlinks are listed as Ignored. A file that cannot be opened
// is kept as an incident, so its failure is reported with the reason.
// A path that is not a folder is one incident as it is. The output folder
// out, when it is one of the entries (a re-run with --out inside the
// folder of incidents), is left out.
//
// Incidents come folder by folder in the order given, entries in lexical
// order.
func Discover(paths []string, out string) (incidents []string, ignored []Ignored, err error) {
	for _, dir := range paths {
		st, err := os.Stat(dir)
		if err != nil || !st.IsDir() {
			incidents = append(incidents, dir)
			continue
		}
		ents, err := os.ReadDir(dir)
		if err != nil {
			return nil, nil, fmt.Errorf("--each %s: %w", dir, err)
		}
		var cands []candidate
		for _, e := range ents {
			name := e.Name()
			if strings.HasPrefix(name, ".") || name == "__MACOSX" {
				continue
			}
			p := filepath.Join(dir, name)
			if e.IsDir() && isOut(p, out) {
				continue
			}
			cands = append(cands, candidate{p, e})
		}
		for i, reason := range reasons(cands) {
			if reason != "" {
				ignored = append(ignored, Ignored{Path: cands[i].path, Reason: reason})
				continue
			}
			incidents = append(incidents, cands[i].path)
		}
	}
	return incidents, ignored, nil
}

// candidate is a folder entry that may be an incident.
type candidate struct {
	path  string
	entry fs.DirEntry
}

// reasons runs notIncident on every candidate, on one goroutine per core:
// telling a bundle means opening the file and inflating its head, and a
// folder of a thousand bundles must not keep all but one core idle
// before the first incident starts. reasons[i] is cands[i]'s.
func reasons(cands []candidate) []string {
	out := make([]string, len(cands))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(cands)) {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < len(cands); i = int(next.Add(1) - 1) {
				out[i] = notIncident(cands[i].path, cands[i].entry)
			}
		})
	}
	wg.Wait()
	return out
}

// notIncident says why a folder entry is not an incident; "" when it is.
func notIncident(p string, e fs.DirEntry) string {
	switch {
	case e.Type()&fs.ModeSymlink != 0:
		return "symlink: not followed (give its target as a path)"
	case e.IsDir():
		return ""
	case !e.Type().IsRegular():
		return "not a regular file"
	}
	f, err := os.Open(p)
	if err != nil {
		return "" // kept: the analysis reports why it cannot be read
	}
	defer f.Close()
	kind, err := input.BundleKind(f)
	switch {
	case err != nil:
		return ""
	case kind == "":
		return "not a bundle (a single file: give it as a path to analyse it as its own incident)"
	}
	return ""
}
