package e2e

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/kafkadiag/kafkadiag/analyzer/report"
)

// TestSampleBundle checks the README's quick start: the sample support
// bundle (testdata/make-sample-bundle.sh) is read member by member —
// a rotated, gzip-compressed broker log included — and names the broker
// restart it holds, from every kind of evidence in it.
func TestSampleBundle(t *testing.T) {
	t.Chdir(repoRoot(t))
	const bundle = "testdata/sample-bundle.tgz"
	r := report.Build(analyze(t, bundle), report.Options{})
	var got []string
	for _, in := range r.Inputs {
		if in.Skipped != "" {
			t.Errorf("%s skipped: %s", in.Path, in.Skipped)
		}
		got = append(got, in.Path+" "+in.Format)
	}
	want := []string{
		bundle + "!app-7/client-side.pcap pcap",
		bundle + "!app-7/client.log librdkafka",
		bundle + "!app-7/consumer.log librdkafka",
		bundle + "!kafka-1/broker-side.pcap pcap",
		bundle + "!kafka-1/journal.export journal",
		bundle + "!kafka-1/server.log kafka-log",
		bundle + "!kafka-1/server.log.1.gz kafka-log",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("bundle members (-want +got):\n%s", diff)
	}
	if len(r.Findings) == 0 {
		t.Fatal("no finding")
	}
	top := r.Findings[0]
	if top.Cause != "broker-restart" {
		t.Errorf("findings[0] = %s, want broker-restart; all: %s", top.Cause, causeList(r))
	}
	if diff := cmp.Diff([]string{"packets", "client-log", "broker-log", "journal"}, top.Kinds); diff != "" {
		t.Errorf("evidence kinds (-want +got):\n%s", diff)
	}
	checkGolden(t, "sample-bundle", r)
}
