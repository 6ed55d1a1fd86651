package batch

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestDiscoverOrder: entries are told apart on several goroutines, and
// still come back in lexical order, bundles and folders as incidents,
// loose files as ignored.
func TestDiscoverOrder(t *testing.T) {
	dir := t.TempDir()
	bundle := scenarioTgz(t, "connection_refused")
	var wantIncidents, wantIgnored []string
	for i := range 30 {
		p := filepath.Join(dir, fmt.Sprintf("e%02d", i))
		var err error
		switch i % 3 {
		case 0:
			p += ".tgz"
			err = os.WriteFile(p, bundle, 0o644)
			wantIncidents = append(wantIncidents, p)
		case 1:
			err = os.Mkdir(p, 0o755)
			wantIncidents = append(wantIncidents, p)
		case 2:
			p += ".log"
			err = os.WriteFile(p, []byte("a loose log line\n"), 0o644)
			wantIgnored = append(wantIgnored, p)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	incidents, ignored, err := Discover([]string{dir}, "")
	if err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(wantIncidents, incidents); d != "" {
		t.Errorf("incidents (-want +got):\n%s", d)
	}
	var gotIgnored []string
	for _, ig := range ignored {
		gotIgnored = append(gotIgnored, ig.Path)
	}
	if d := cmp.Diff(wantIgnored, gotIgnored); d != "" {
		t.Errorf("ignored (-want +got):\n%s", d)
	}
}
