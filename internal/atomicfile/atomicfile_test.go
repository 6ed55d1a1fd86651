package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
)

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "report.json")
	for _, tc := range []struct {
		name    string
		sync    bool
		content string
		fail    error
		want    string
	}{
		{"new file", true, "one", nil, "one"},
		{"replaced, no sync", false, "two", nil, "two"},
		{"failed write keeps the old file", true, "three", errors.New("disk full"), "two"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := Write(path, tc.sync, func(w io.Writer) error {
				if _, err := io.WriteString(w, tc.content); err != nil {
					return err
				}
				return tc.fail
			})
			if !errors.Is(err, tc.fail) {
				t.Fatalf("err = %v, want %v", err, tc.fail)
			}
			got, err := os.ReadFile(path)
			if err != nil || string(got) != tc.want {
				t.Fatalf("file holds %q (%v), want %q", got, err, tc.want)
			}
			entries, _ := os.ReadDir(dir)
			if len(entries) != 1 {
				t.Errorf("%d entries in the folder, want the file alone (no temporary left)", len(entries))
			}
		})
	}
}
