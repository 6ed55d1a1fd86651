package input

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestHostFromPath(t *testing.T) {
	cases := []struct{ path, want string }{
		// Bundles with a folder per machine.
		{"bundle.tgz!broker-1/logs/server.log", "broker-1"},
		{"bundle.tgz!./broker-1/logs/server.log", "broker-1"},
		{"support-bundle-2024-06-29.tgz!kafka-3/journal.txt", "kafka-3"},
		{"kafka-3/journal.txt", "kafka-3"},
		{"cases/broker_idle_reaper_600s/client.log", ""},
		{"compose/shop_kafka_1/server.log", "shop_kafka_1"},
		{"cluster.zip!nodes/kafka-2.prod.example.com/var/log/kafka/server.log", "kafka-2.prod.example.com"},
		{"ip-10-0-4-33.ec2.internal/var/log/kafka/server.log", "ip-10-0-4-33.ec2.internal"},
		{"bundle.zip!10.0.4.33/server.log", "10.0.4.33"},
		{"in/case/client/app.log", "client"},
		{"logs/zookeeper/zookeeper.out", "zookeeper"},
		// sosreports: the folder and the archive name carry the host.
		{"sosreport-kafka-3-2024-06-29-abcdefg/var/log/messages", "kafka-3"},
		{"sosreport-kafka-3-01234567-2024-06-29-xyzabc/sos_commands/logs/journalctl_--no-pager", "kafka-3"},
		{"sosreport-kafka-3-20240629093011.tar.xz!sosreport-kafka-3-20240629093011/var/log/messages", "kafka-3"},
		{"sosreport-kafkabroker-2024-06-29-abcdefg/var/log/messages", "kafkabroker"},
		{"sosreport-localhost-2024-06-29-abcdefg/var/log/messages", ""},
		// The archive's own name, when nothing inside names a host.
		{"broker-1.tgz!logs/server.log", "broker-1"},
		{"uploads/kafka-3-logs.tar.gz!server.log", "kafka-3"},
		{"logs-broker-2-2024-06-29.zip!server.log", "broker-2"},
		{"outer.tgz!dir/inner.zip!host-a/server.log", "host-a"},
		{"kafka-1.tgz!inner.zip!server.log", "kafka-1"},
		// The nearest host folder wins over one further out.
		{"broker-1/captures/broker-2/server.log", "broker-2"},
		// Pod logs are named after the pod.
		{"report-2024-06-29_09-31-59.zip!reports/podlogs/my-cluster-kafka-0.log", "my-cluster-kafka-0"},
		{"reports/podlogs/my-cluster-kafka-1-previous.log", "my-cluster-kafka-1"},
		{"cluster-info/kafka/my-cluster-kafka-2/logs.txt", "my-cluster-kafka-2"},
		{"reports/podlogs/readme.txt", ""},
		// Nothing names a host.
		{"logs/server.log", ""},
		{"server.log", ""},
		{"-", ""},
		{"-!server.log", ""},
		{"/var/log/kafka/server.log", ""},
		{"bundle.tgz!var/log/kafka/server.log", ""},
		{"opt/kafka_2.13-3.6.0/logs/server.log", ""},
		{"opt/confluent-7.5.1/logs/server.log", ""},
		{"support-bundle-2024-06-29.tgz!logs/server.log", ""},
		{"incident-4242/server.log", ""},
		{"case-00123456/logs/server.log", ""},
		{"2024-06-29/server.log", ""},
		{"kafka-logs/server.log", ""},
		{"TestWalk123456/001/server.log", ""},
		{"evil.tar!/etc/cron.d/evil", ""},
		{"my logs (copy)/server.log", ""},
		{"bundle.tgz!v2/server.log", ""},
	}
	for _, tc := range cases {
		if got := HostFromPath(tc.path); got != tc.want {
			t.Errorf("HostFromPath(%q) = %q, want %q", tc.path, got, tc.want)
		}
	}
}

func TestArgHostPath(t *testing.T) {
	cases := []struct {
		arg   string
		isDir bool
		want  string
	}{
		{"/home/ana/cases/4242/kafka-3/server.log", false, "kafka-3/server.log"},
		{"/data/broker-1/logs/server.log", false, "broker-1/logs/server.log"},
		{"/opt/kafka/logs/server.log", false, "kafka/logs/server.log"},
		{"bundle.tgz", false, "bundle.tgz"},
		{"/tmp/sweep-java/case_x", true, "case_x"},
		{"/tmp/sweep-java/case_x/", true, "case_x"},
		{"/srv/acme-7/broker-1/logs/", true, "broker-1/logs"},
		{"/var/log", true, "var/log"},
		{"./a/b/", true, "b"},
		{"server.log", false, "server.log"},
		{".", true, "."},
	}
	for _, tc := range cases {
		if got := argHostPath(tc.arg, tc.isDir); got != tc.want {
			t.Errorf("argHostPath(%q, %v) = %q, want %q", tc.arg, tc.isDir, got, tc.want)
		}
	}
}

func TestSortRotations(t *testing.T) {
	cases := []struct {
		name string
		in   []string
		want []string
	}{{
		name: "numbered, oldest first",
		in:   []string{"server.log", "server.log.1", "server.log.10", "server.log.2"},
		want: []string{"server.log.10", "server.log.2", "server.log.1", "server.log"},
	}, {
		name: "compressed rotations join their family",
		in:   []string{"controller.log", "controller.log.1.gz", "controller.log.2.gz", "controller.log.3.zst"},
		want: []string{"controller.log.3.zst", "controller.log.2.gz", "controller.log.1.gz", "controller.log"},
	}, {
		name: "dated, in date order, then the live file",
		in:   []string{"server.log", "server.log.2023-06-29-10", "server.log.2023-06-28-23", "server.log.2023-06-29-09"},
		want: []string{"server.log.2023-06-28-23", "server.log.2023-06-29-09", "server.log.2023-06-29-10", "server.log"},
	}, {
		name: "logrotate dateext",
		in:   []string{"kafka.log", "kafka.log-20240629.gz", "kafka.log-20240628"},
		want: []string{"kafka.log-20240628", "kafka.log-20240629.gz", "kafka.log"},
	}, {
		name: "families interleave by name, others stay lexical",
		in:   []string{"state-change.log", "server.log.1", "capture.pcap1", "server.log", "capture.pcap", "capture.pcap2", "broker-1"},
		want: []string{"broker-1", "capture.pcap", "capture.pcap1", "capture.pcap2", "server.log.1", "server.log", "state-change.log"},
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := append([]string(nil), tc.in...)
			sortRotations(got)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("order (-want +got):\n%s", diff)
			}
		})
	}
}
