package kafkalog

import (
	"bytes"
	"strings"
	"testing"
)

// TestPrefilter checks the keyword scan against catalog templates it must
// pass and ordinary lines it must drop.
func TestPrefilter(t *testing.T) {
	pass := []string{
		"Connection to node 1 (k/1.2.3.4:9092) could not be established. Broker may not be available.",
		"Disconnecting from node 1 due to socket connection setup timeout. The timeout value is 9116 ms.",
		"Connection to node 0 terminated during authentication. This may indicate that authentication failed due to invalid credentials.",
		"Connection to node -1 (k/1.2.3.4:9093) failed authentication due to: SSL handshake failed",
		"Failed authentication with /1.2.3.4 (SSL handshake failed)",
		"org.apache.kafka.common.network.InvalidReceiveException: Invalid receive (size = 369295617 larger than 104857600)",
		"org.apache.kafka.common.errors.TimeoutException: Expiring 1 record(s) for t-0:120001 ms has passed since batch creation",
		"Disconnecting from node 2 due to request timeout.",
		"Got error produce response with correlation id 5 on topic-partition t-0, retrying (1 attempts left). Error: REQUEST_TIMED_OUT",
		"Rejected connection from /1.2.3.4, address already has the configured maximum of 10 connections.",
		"Completed connection to node 1. Fetching API versions.",
		"Couldn't resolve server k:9092 from bootstrap.servers as DNS resolution failed for k",
		"java.net.UnknownHostException: k",
		"java.nio.channels.UnresolvedAddressException",
		"java.net.ConnectException: Connection refused",
		"java.net.SocketException: Connection reset",
		"java.io.IOException: Broken pipe",
		"javax.net.ssl.SSLHandshakeException: PKIX path building failed",
		"javax.net.ssl.SSLException: Unrecognized SSL message, plaintext connection?",
		"org.apache.kafka.common.errors.SaslAuthenticationException: Authentication failed: Invalid username or password",
		"Node 3 disconnected.",
		"Error connecting to node k:9092 (id: 1 rack: null)",
		"Terminating process due to signal SIGTERM",
		"Transition from STARTING to STARTED",
		"[KafkaServer id=1] Starting controlled shutdown",
		"[KafkaServer id=1] started",
		"[KafkaServer id=1] shut down completed",
		"[Kafka Server 1], started",
		"[KafkaRaftServer nodeId=1] Kafka Server started",
		"Error sending fetch request (sessionId=1, epoch=2) to node 2:",
		"Cancelled in-flight API_VERSIONS request with correlation id 1 due to node -1 being disconnected",
		"Fatal error during KafkaServer startup. Prepare to shutdown",
		"[Consumer clientId=c-1, groupId=g] 3 partitions have leader brokers without a matching listener, including [t-0, t-1, t-2]",
	}
	drop := []string{
		"Rolled new log segment at offset 1234567 in 2 ms.",
		"Sending FETCH request with header RequestHeader(apiKey=FETCH, apiVersion=13, clientId=c, correlationId=1) and timeout 30000 to node 2",
		"Successfully joined group with generation Generation{generationId=7}",
		"Error while fetching metadata with correlation id 1 : {orders=LEADER_NOT_AVAILABLE}",
		"Wrote producer snapshot at offset 88213 with 0 producer ids in 1 ms.",
		"",
		"abc",
	}
	for _, s := range pass {
		if !interesting([]byte(s)) {
			t.Errorf("interesting(%q) = false, want true", s)
		}
	}
	for _, s := range drop {
		if interesting([]byte(s)) {
			t.Errorf("interesting(%q) = true, want false", s)
		}
	}
	for _, k := range keywords {
		if len(k) < 4 || !interesting([]byte("x"+k+"y")) {
			t.Errorf("keyword %q is shorter than 4 bytes or not found by the scan", k)
		}
	}
}

// containsKeyword is the plain search the fast scan must agree with.
func containsKeyword(b []byte) bool {
	for _, k := range keywords {
		if bytes.Contains(b, []byte(k)) {
			return true
		}
	}
	return false
}

// FuzzPrefilter checks the aligned-word and anchor scans against a plain
// search of every keyword, including keywords at every offset and cut at
// the end of the line.
func FuzzPrefilter(f *testing.F) {
	for i, k := range keywords {
		f.Add([]byte(strings.Repeat("x", i%5) + k))
		f.Add([]byte(strings.Repeat("ab ", i%3) + k[:len(k)-1]))
	}
	f.Add([]byte("[2024-03-05 10:15:47,901] INFO [Log partition=orders-1] Rolled new log segment (kafka.log.LocalLog)"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if got, want := interesting(b), containsKeyword(b); got != want {
			t.Fatalf("interesting(%q) = %v, want %v", b, got, want)
		}
	})
}

func BenchmarkPrefilter(b *testing.B) {
	data := benchmarkLog(20000)
	lines := bytes.Split(data, []byte("\n"))
	b.SetBytes(int64(len(data)))
	n := 0
	for b.Loop() {
		for _, l := range lines {
			if interesting(l) {
				n++
			}
		}
	}
	if n == 0 {
		b.Fatal("no line passed")
	}
}
