package batch

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// checkOut refuses an output folder inside an incident folder: the
// analysis would read the reports of the other incidents, finished or half
// written, as that incident's inputs, and the bytes would depend on timing.
func checkOut(out string, incidents []string) error {
	o := resolve(out)
	for _, inc := range incidents {
		st, err := os.Stat(inc)
		if err != nil || !st.IsDir() {
			continue
		}
		if within := resolve(inc); o == within || strings.HasPrefix(o, within+string(filepath.Separator)) {
			return fmt.Errorf("output folder %s is inside the incident %s: its reports would be read as that incident's inputs; choose a folder outside it", out, inc)
		}
	}
	return nil
}

// resolve is a path made absolute with its symlinks followed, as far as it
// exists: "/data/cases/out" with /data a link to /mnt gives "/mnt/cases/out"
// whether or not "out" exists yet.
func resolve(p string) string {
	abs, err := filepath.Abs(p)
	if err != nil {
		return filepath.Clean(p)
	}
	if real, err := filepath.EvalSymlinks(abs); err == nil {
		return real
	}
	parent := filepath.Dir(abs)
	if parent == abs {
		return abs
	}
	return filepath.Join(resolve(parent), filepath.Base(abs))
}

// isOut reports whether path is the output folder itself.
func isOut(path, out string) bool {
	return out != "" && resolve(path) == resolve(out)
}
