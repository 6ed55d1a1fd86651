package batch

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/kafkadiag/kafkadiag/internal/golden"
)

// TestGolden pins the bytes of summary.jsonl and of the summary table for
// a batch of lab incidents of every kind: several causes, one cause in two
// incidents of the same name, a healthy folder, and two that fail.
// Regenerate with go test ./analyzer/batch -update and read the diff.
func TestGolden(t *testing.T) {
	goldenDir, err := filepath.Abs("testdata")
	if err != nil {
		t.Fatal(err)
	}
	root := t.TempDir()
	for _, d := range []string{"cases/healthy", "cases/empty", "other"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	put := func(rel string, body []byte) string {
		if err := os.WriteFile(filepath.Join(root, rel), body, 0o644); err != nil {
			t.Fatal(err)
		}
		return rel
	}
	refused := scenarioTgz(t, "connection_refused")
	healthyDir := filepath.Join("..", "..", "testdata", "scenarios", "healthy")
	for _, name := range []string{"broker-side.pcap", "client-side.pcap", "client.log", "server.log"} {
		b, err := os.ReadFile(filepath.Join(healthyDir, name))
		if err != nil {
			t.Fatal(err)
		}
		put(filepath.Join("cases", "healthy", name), b)
	}
	paths := []string{
		put("cases/refused.tgz", refused),
		put("cases/idle.tgz", scenarioTgz(t, "idle_reset_firewall")),
		"cases/healthy",
		put("cases/garbage.tgz", []byte("this is not a bundle\n")),
		"cases/empty",
		put("cases/arp.tgz", scenarioTgz(t, "synack_lost_stale_arp")),
		put("other/refused.tgz", refused),
	}
	t.Chdir(root) // relative paths, so the golden bytes hold no temp dir

	lines, err := Run(context.Background(), paths, realOptions("out", 2))
	if err != nil {
		t.Fatal(err)
	}
	summary, err := os.ReadFile(filepath.Join("out", SummaryFile))
	if err != nil {
		t.Fatal(err)
	}
	var table bytes.Buffer
	if err := WriteTable(&table, lines, "out"); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, filepath.Join(goldenDir, "summary.golden.jsonl"), summary)
	golden.Check(t, filepath.Join(goldenDir, "table.golden.txt"), table.Bytes())
}
