package envelope

import (
	"bufio"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/kafkadiag/kafkadiag/analyzer"
)

func TestPodFromPath(t *testing.T) {
	tests := []struct{ path, pod, container string }{
		{"bundle.tgz!var/log/pods/kafka_kafka-0_0d6c7e3a-1b1d-4e0f-9a53-2c1f1b7d6b11/kafka/0.log", "kafka-0", "kafka"},
		{"/var/log/pods/shop_orders-7c9d4-abcde_0d6c7e3a/orders/3.log.20240305-101900.gz", "orders-7c9d4-abcde", "orders"},
		{"node-3/var/log/containers/orders-7c9d4-abcde_shop_orders-0123456789abcdef.log", "orders-7c9d4-abcde", "orders"},
		{"var/log/containers/not-a-cri-name.log", "", ""},
		{"var/log/pods/x/app/0.txt", "", ""},
		{"app/consumer.log", "", ""},
		{"x.tgz!pods/a_b_c/d/0.log!inner.log", "", ""},
	}
	for _, tt := range tests {
		pod, container := podFromPath(tt.path)
		if diff := cmp.Diff([]string{tt.pod, tt.container}, []string{pod, container}); diff != "" {
			t.Errorf("podFromPath(%q) (-want +got):\n%s", tt.path, diff)
		}
	}
}

// TestHostChoice: the pod is the host when the walker found none or took
// the container folder for one; a host the walker found (the node) stays.
func TestHostChoice(t *testing.T) {
	const path = "b.tgz!var/log/pods/kafka_kafka-0_0d6c/kafka/0.log"
	tests := []struct{ walker, stats, events string }{
		{"", "kafka-0", "kafka-0"},
		{"kafka", "kafka-0", "kafka-0"},
		{"node-3", "", "node-3"},
	}
	for _, tt := range tests {
		input := "2026-05-19T14:08:01.419000000Z stderr F " + rdkafkaFail + "\n"
		src := &analyzer.Source{Path: path, Host: tt.walker, R: bufio.NewReader(strings.NewReader(input)), Zone: time.UTC}
		var sink recorder
		st, err := testParser().Parse(context.Background(), src, &sink)
		if err != nil || len(sink.events) != 1 {
			t.Fatalf("err %v, %d events", err, len(sink.events))
		}
		if st.Host != tt.stats || sink.events[0].Host != tt.events {
			t.Errorf("walker host %q: Stats.Host %q, event host %q; want %q, %q", tt.walker, st.Host, sink.events[0].Host, tt.stats, tt.events)
		}
	}
}
