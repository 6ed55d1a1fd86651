package kafkalog

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseContext(t *testing.T) {
	tests := []struct {
		msg      string
		want     logContext
		wantRest string
	}{
		{"[Producer clientId=p-1, transactionalId=tx-9] Node 1 disconnected.", logContext{Component: "Producer", Client: "p-1"}, "Node 1 disconnected."},
		{"[Consumer instanceId=i-1, clientId=c-1, groupId=orders] x", logContext{Component: "Consumer", Client: "c-1", Group: "orders"}, "x"},
		{"[Consumer clientId=c-1, groupId=null] x", logContext{Component: "Consumer", Client: "c-1"}, "x"},
		{"[AdminClient clientId=adminclient-1] x", logContext{Component: "AdminClient", Client: "adminclient-1"}, "x"},
		{"[KafkaServer id=3] started", logContext{Component: "KafkaServer", ID: "3"}, "started"},
		{"[KafkaRaftServer nodeId=3] Kafka Server started", logContext{Component: "KafkaRaftServer", ID: "3"}, "Kafka Server started"},
		{"[SocketServer brokerId=3] x", logContext{Component: "SocketServer", ID: "3"}, "x"},
		{"[SocketServer listenerType=ZK_BROKER, nodeId=3] x", logContext{Component: "SocketServer", ID: "3"}, "x"},
		{"[BrokerToControllerChannelManager id=1 name=forwarding] x", logContext{Component: "BrokerToControllerChannelManager", ID: "1"}, "x"},
		{"[ReplicaFetcher replicaId=1, leaderId=2, fetcherId=0] x", logContext{Component: "ReplicaFetcher", ID: "1"}, "x"},
		{"[GroupCoordinator 1]: Stabilized group", logContext{}, "[GroupCoordinator 1]: Stabilized group"},
		{"[thread-1] plain", logContext{}, "[thread-1] plain"},
		{"no context", logContext{}, "no context"},
	}
	for _, tt := range tests {
		got, rest := parseContext(tt.msg)
		if diff := cmp.Diff(tt.want, got); diff != "" || rest != tt.wantRest {
			t.Errorf("parseContext(%q) rest=%q (want %q), context mismatch (-want +got):\n%s", tt.msg, rest, tt.wantRest, diff)
		}
	}
}
