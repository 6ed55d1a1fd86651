package input_test

import (
	"archive/tar"
	"bytes"
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/ulikunitz/xz"

	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/parsers"
	"github.com/kafkadiag/kafkadiag/rules"
)

// sosMessages is /var/log/messages of a RHEL 7 broker host whose kernel
// OOM-killed the broker JVM, in the two-line form of kernels before 5.0;
// systemd then restarts the unit.
const sosMessages = `Jun 29 09:14:52 kafka-3 chronyd[812]: Selected source 10.8.0.1
Jun 29 09:17:52 kafka-3 kernel: [ 3454.697831] java invoked oom-killer: gfp_mask=0x201da, order=0, oom_score_adj=0
Jun 29 09:17:52 kafka-3 kernel: [ 3454.697953] CPU: 1 PID: 2231 Comm: java Not tainted 3.10.0-1160.88.1.el7.x86_64 #1
Jun 29 09:17:52 kafka-3 kernel: [ 3454.698197] [ 2214]   995  2214  2033424  1564035    3342        0             0 java
Jun 29 09:17:52 kafka-3 kernel: [ 3454.698258] Out of memory: Kill process 2214 (java) score 497 or sacrifice child
Jun 29 09:17:52 kafka-3 kernel: [ 3454.698319] Killed process 2214 (java) total-vm:8133696kB, anon-rss:6256140kB, file-rss:0kB, shmem-rss:0kB
Jun 29 09:17:53 kafka-3 systemd[1]: kafka.service: main process exited, code=killed, status=9/KILL
Jun 29 09:17:53 kafka-3 systemd[1]: Unit kafka.service entered failed state.
Jun 29 09:17:53 kafka-3 systemd[1]: kafka.service failed.
Jun 29 09:18:03 kafka-3 systemd[1]: kafka.service holdoff time over, scheduling restart.
Jun 29 09:18:03 kafka-3 systemd[1]: Stopped Apache Kafka.
Jun 29 09:18:03 kafka-3 systemd[1]: Started Apache Kafka.
`

// sosServerLog is the broker's own log across the kill: no shutdown
// lines, then a fresh start.
const sosServerLog = `[2024-06-29 09:02:11,482] INFO [KafkaServer id=3] starting (kafka.server.KafkaServer)
[2024-06-29 09:02:13,907] INFO [KafkaServer id=3] started (kafka.server.KafkaServer)
[2024-06-29 09:18:04,118] INFO Registered kafka:type=kafka.Log4jController MBean (kafka.utils.Log4jControllerRegistration$)
[2024-06-29 09:18:04,377] INFO [KafkaServer id=3] starting (kafka.server.KafkaServer)
[2024-06-29 09:18:06,902] INFO [KafkaServer id=3] started (kafka.server.KafkaServer)
`

// TestSosreportTarXZ analyses a sosreport-shaped .tar.xz, as sos writes it
// by default: the OOM kill must be found and put on host kafka-3, which
// only the report's name says.
func TestSosreportTarXZ(t *testing.T) {
	const top = "sosreport-kafka-3-20240629093011"
	var tb bytes.Buffer
	tw := tar.NewWriter(&tb)
	mtime := time.Date(2024, 6, 29, 9, 30, 11, 0, time.UTC)
	for _, m := range []struct{ name, body string }{
		{top + "/", ""},
		{top + "/var/log/messages", sosMessages},
		{top + "/var/log/kafka/server.log", sosServerLog},
	} {
		h := &tar.Header{Name: m.name, Mode: 0o600, Size: int64(len(m.body)), ModTime: mtime, Typeflag: tar.TypeReg}
		if strings.HasSuffix(m.name, "/") {
			h.Typeflag, h.Mode = tar.TypeDir, 0o700
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write([]byte(m.body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	var xb bytes.Buffer
	zw, err := xz.WriterConfig{DictCap: 64 << 10}.NewWriter(&xb)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := zw.Write(tb.Bytes()); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), top+".tar.xz")
	if err := os.WriteFile(p, xb.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}

	res, err := analyzer.Analyze(context.Background(), []string{p}, analyzer.Options{}, parsers.All(), rules.All())
	if err != nil {
		t.Fatalf("Analyze: %v", err)
	}
	type input struct{ Path, Host, Skipped string }
	var got []input
	for _, in := range res.Incident.Inputs {
		got = append(got, input{strings.TrimPrefix(in.Path, filepath.Dir(p)+"/"), in.Host, in.Skipped})
	}
	want := []input{
		{top + ".tar.xz!" + top + "/var/log/kafka/server.log", "kafka-3", ""},
		{top + ".tar.xz!" + top + "/var/log/messages", "kafka-3", ""},
	}
	slices.SortFunc(got, func(a, b input) int { return strings.Compare(a.Path, b.Path) })
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("inputs (-want +got):\n%s", diff)
	}
	if len(res.Findings) == 0 {
		t.Fatal("no finding")
	}
	top1 := res.Findings[0]
	if top1.Cause != analyzer.BrokerOOMKill {
		t.Errorf("findings[0] = %s, want broker-oom-kill", top1.Cause)
	}
	if !strings.Contains(top1.Summary, "kafka-3") {
		t.Errorf("summary does not name kafka-3: %q", top1.Summary)
	}
}
