package input

import (
	"sort"
	"strconv"
	"strings"
)

// rotation is where a file name sits in a log-rotation family.
type rotation struct {
	// family is the live file's name ("server.log" for "server.log.2.gz").
	family string
	// class orders a family: dated rotations, then numbered, then the live
	// file, which is the newest.
	class int
	// date is the suffix's digits, valid iff class == datedRotation;
	// zero-padded, so they sort as strings.
	date string
	// n is the rotation number, valid iff class == numberedRotation; the
	// higher, the older (log4j's RollingFileAppender, logrotate).
	n int
}

const (
	datedRotation = iota
	numberedRotation
	liveFile
)

// sortRotations sorts folder entries by name, except that each rotation
// family comes oldest first: server.log.2023-06-29-08, server.log.2023-06-29-09
// (log4j's DailyRollingFileAppender), then server.log.2, server.log.1, then
// server.log. A compression suffix (.gz, .zst, .bz2, .xz) is ignored for
// placing a file; names only order, they never decide how a file is read.
func sortRotations(names []string) {
	keys := make([]rotation, len(names))
	for i, n := range names {
		keys[i] = rotationOf(n)
	}
	idx := make([]int, len(names))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool {
		ka, kb := keys[idx[a]], keys[idx[b]]
		if ka.family != kb.family {
			return ka.family < kb.family
		}
		if ka.class != kb.class {
			return ka.class < kb.class
		}
		if ka.date != kb.date {
			return ka.date < kb.date
		}
		if ka.n != kb.n {
			return ka.n > kb.n
		}
		return names[idx[a]] < names[idx[b]]
	})
	sorted := make([]string, len(names))
	for i, j := range idx {
		sorted[i] = names[j]
	}
	copy(names, sorted)
}

// rotationOf reads a rotation suffix: ".N" (N up to 6 digits), or a date of
// at least 8 digits after "." or "-" ("server.log.2023-06-29-09",
// "server.log-20230629").
func rotationOf(name string) rotation {
	base := name
	for _, ext := range []string{".gz", ".zst", ".bz2", ".xz"} {
		if strings.HasSuffix(base, ext) && len(base) > len(ext) {
			base = strings.TrimSuffix(base, ext)
			break
		}
	}
	i := len(base)
	for i > 0 && (isDigit(base[i-1]) || base[i-1] == '-') {
		i--
	}
	run := base[i:]
	family := base[:i]
	var sep byte
	if strings.HasPrefix(run, "-") {
		sep, run = '-', strings.TrimLeft(run, "-")
		family = strings.TrimRight(base[:len(base)-len(run)], "-")
	} else if i > 0 {
		sep = base[i-1]
		family = base[:i-1]
	}
	live := rotation{family: base, class: liveFile}
	if run == "" || family == "" || (sep != '.' && sep != '-') {
		return live
	}
	digits := strings.ReplaceAll(run, "-", "")
	if len(digits) >= 8 && (strings.HasPrefix(digits, "19") || strings.HasPrefix(digits, "20")) {
		return rotation{family: family, class: datedRotation, date: digits}
	}
	if sep == '.' && len(digits) == len(run) && len(run) <= 6 {
		n, _ := strconv.Atoi(run)
		return rotation{family: family, class: numberedRotation, n: n}
	}
	return live
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }
