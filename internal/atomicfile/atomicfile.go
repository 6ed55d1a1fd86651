// Package atomicfile writes files that a reader sees whole or not at all.
package atomicfile

import (
	"io"
	"os"
	"path/filepath"
)

// Write writes path through a hidden temporary file in the same folder and
// a rename, so the path holds either the old file or the whole new one,
// never half of one. With sync the data reaches the disk before the rename
// (a report a user asked for); without, a machine crash may lose the file
// (a batch re-run writes it again). On error the temporary file is removed and path
// is left as it was.
func Write(path string, sync bool, write func(io.Writer) error) (err error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if err = write(f); err != nil {
		return err
	}
	if err = f.Chmod(0o644); err != nil {
		return err
	}
	if sync {
		if err = f.Sync(); err != nil {
			return err
		}
	}
	if err = f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
