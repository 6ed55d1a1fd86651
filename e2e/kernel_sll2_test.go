package e2e

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/gopacket/gopacket/layers"

	"github.com/kafkadiag/kafkadiag/analyzer"
)

// TestKernelSLL2 reads a capture the kernel wrote through `tcpdump -i any`
// (testdata/kernel_sll2/make.sh): not a transform, the real cooked headers.
// It must decode as LINUX_SLL2 and name the three refused connects, and
// only them: the healthy loopback connection on the same port is no
// finding.
func TestKernelSLL2(t *testing.T) {
	t.Chdir(repoRoot(t))
	const path = "testdata/kernel_sll2/any_refused.pcap"
	c, err := readCapture(path)
	if err != nil {
		t.Fatal(err)
	}
	if c.link != layers.LinkTypeLinuxSLL2 { // 276
		t.Fatalf("link type %s (%d), want LINUX_SLL2 (276)", c.link, c.link)
	}
	run := writeAndAnalyse(t, "kernel_sll2", []*capture{c}, nil)
	r := run.report
	if diff := cmp.Diff(map[string]int{"REJ": 3, "SF": 1}, r.Flows.ByState); diff != "" {
		t.Errorf("flows by state (-want +got):\n%s", diff)
	}
	if in := r.Inputs[0]; in.Packets != len(c.frames) || in.Unparsed != 0 {
		t.Errorf("input read %d packets (%d unparsed), the file holds %d", in.Packets, in.Unparsed, len(c.frames))
	}
	if got := topCause(r); got != string(analyzer.ConnectionRefusedCause) {
		t.Fatalf("findings[0] = %q, want connection-refused; all: %s", got, causeList(r))
	}
	if n := r.CountAtLeast(analyzer.Warning); n != 1 {
		t.Errorf("%d findings at warning or above, want 1: %s", n, causeList(r))
	}
	top := r.Findings[0]
	if diff := cmp.Diff("198.18.0.2:9092", top.Subjects[0].Addr); diff != "" {
		t.Errorf("subject (-want +got):\n%s", diff)
	}
	// Every cited frame is one of the refused handshakes' SYN or RST.
	refused := map[int]bool{3: true, 4: true, 5: true, 6: true, 9: true, 10: true}
	var cited int
	for _, e := range top.Evidence {
		if e.Packet == 0 {
			continue
		}
		cited++
		if !refused[e.Packet] {
			t.Errorf("evidence cites frame %d, not a refused connect's SYN or RST: %s", e.Packet, e.Text)
		}
	}
	if cited < 3 {
		t.Errorf("%d frames cited, want the three refused connects", cited)
	}
}
