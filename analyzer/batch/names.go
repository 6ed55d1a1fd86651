package batch

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"strings"
)

// maxNameLen bounds a report's base name, well under any file system's
// 255-byte limit once ".json" and a collision suffix are added.
const maxNameLen = 80

// bundleExts are archive and compression endings dropped from a report
// name ("case-4411.tgz" → "case-4411"), longest first. Only the name is
// affected: what an input is, is still decided by its content.
var bundleExts = []string{
	".tar.gz", ".tar.zst", ".tar.bz2", ".tar.xz",
	".tgz", ".tzst", ".tbz2", ".txz", ".tar", ".zip", ".gz", ".zst", ".bz2", ".xz",
}

// ReportNames gives each incident the base name of its reports (without
// ".json"/".md"): its last path element without an archive ending, cut
// down to letters, digits, '.', '_' and '-'. The names depend only on the
// list, never on timing, so a re-run overwrites the same files.
//
// Names are collision-safe, also on case-insensitive file systems: when
// several incidents would share a name (a/case.tgz and b/case.zip), each
// gets the first 8 hex digits of the SHA-256 of its cleaned path added; a
// path given twice gets "-2", "-3" … in input order.
func ReportNames(paths []string) []string {
	bases := make([]string, len(paths))
	shared := map[string]int{}
	for i, p := range paths {
		bases[i] = reportBase(p)
		shared[strings.ToLower(bases[i])]++
	}
	used := map[string]bool{}
	out := make([]string, len(paths))
	for i, p := range paths {
		name := bases[i]
		if shared[strings.ToLower(name)] > 1 {
			sum := sha256.Sum256([]byte(filepath.Clean(p)))
			name += "-" + hex.EncodeToString(sum[:4])
		}
		unique := name
		for n := 2; used[strings.ToLower(unique)]; n++ {
			unique = fmt.Sprintf("%s-%d", name, n)
		}
		used[strings.ToLower(unique)] = true
		out[i] = unique
	}
	return out
}

// reportBase is a path's sanitised last element.
func reportBase(p string) string {
	base := filepath.Base(filepath.Clean(p))
	if base == "." || base == ".." || base == string(filepath.Separator) {
		if abs, err := filepath.Abs(p); err == nil {
			base = filepath.Base(abs)
		}
	}
	lower := strings.ToLower(base)
	for _, ext := range bundleExts {
		if strings.HasSuffix(lower, ext) && len(base) > len(ext) {
			base = base[:len(base)-len(ext)]
			break
		}
	}
	var b strings.Builder
	for _, r := range base {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '.', r == '_', r == '-':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
		if b.Len() >= maxNameLen {
			break
		}
	}
	// No hidden files, no names a shell would read as an option.
	name := strings.TrimLeft(b.String(), ".-")
	if name == "" || strings.ToLower(name) == strings.TrimSuffix(SummaryFile, ".jsonl") {
		name = "incident-" + name
	}
	return strings.TrimSuffix(name, "-")
}
