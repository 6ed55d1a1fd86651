package kafkalog

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/kafkadiag/kafkadiag/analyzer"
)

// boringLines are ordinary broker and client records that the pre-filter
// must drop at no cost; %d is a counter so lines differ.
var boringLines = []string{
	"[2024-03-05 10:%02d:%02d,%03d] INFO [Log partition=orders-%d, dir=/var/lib/kafka/data] Rolled new log segment at offset 1234567 in 2 ms. (kafka.log.LocalLog)",
	"[2024-03-05 10:%02d:%02d,%03d] INFO [GroupCoordinator 1]: Preparing to rebalance group orders-consumers-%d in state PreparingRebalance with old generation 41 (__consumer_offsets-17) (reason: Adding new member) (kafka.coordinator.group.GroupCoordinator)",
	"[2024-03-05 10:%02d:%02d,%03d] INFO [ProducerStateManager partition=payments-%d] Wrote producer snapshot at offset 88213 with 0 producer ids in 1 ms. (kafka.log.ProducerStateManager)",
	"[2024-03-05 10:%02d:%02d,%03d] DEBUG [Consumer clientId=consumer-orders-1, groupId=orders] Sending FETCH request with header RequestHeader(apiKey=FETCH, apiVersion=13, clientId=consumer-orders-1, correlationId=%d) and timeout 30000 to node 2 (org.apache.kafka.clients.NetworkClient)",
	"[2024-03-05 10:%02d:%02d,%03d] INFO [Consumer clientId=consumer-orders-1, groupId=orders] Setting offset for partition orders-%d to the committed offset FetchPosition{offset=4411, offsetEpoch=Optional[3], currentLeader=LeaderAndEpoch{leader=Optional[kafka-2:9092 (id: 2 rack: null)], epoch=3}} (org.apache.kafka.clients.consumer.internals.ConsumerCoordinator)",
	"[2024-03-05 10:%02d:%02d,%03d] INFO [Partition orders-%d broker=1] ISR updated to 1,2,3 and version updated to 17 (kafka.cluster.Partition)",
	"[2024-03-05 10:%02d:%02d,%03d] INFO [Producer clientId=billing-producer] Resetting the last seen epoch of partition payments-%d to 3 since the associated topicId changed from null to Jq9W0SxhRZ2sZ0pXgD0v5Q (org.apache.kafka.clients.Metadata)",
}

const boringTrace = `[2024-03-05 10:%02d:%02d,%03d] ERROR [ReplicaManager broker=1] Error processing append operation on partition big-%d (kafka.server.ReplicaManager)
org.apache.kafka.common.errors.RecordTooLargeException: The request included a message larger than the max message size the server will accept.
	at kafka.log.UnifiedLog.analyzeAndValidateRecords(UnifiedLog.scala:1180)
	at kafka.log.UnifiedLog.append(UnifiedLog.scala:776)
	at kafka.log.UnifiedLog.appendAsLeader(UnifiedLog.scala:716)
	at kafka.cluster.Partition.$anonfun$appendRecordsToLeader$1(Partition.scala:1311)
	at kafka.cluster.Partition.appendRecordsToLeader(Partition.scala:1299)
	at kafka.server.ReplicaManager.$anonfun$appendToLocalLog$6(ReplicaManager.scala:1271)
	at scala.collection.StrictOptimizedMapOps.map(StrictOptimizedMapOps.scala:28)
	at kafka.server.ReplicaManager.appendToLocalLog(ReplicaManager.scala:1259)
	at kafka.server.ReplicaManager.appendRecords(ReplicaManager.scala:868)
	at kafka.server.KafkaApis.handleProduceRequest(KafkaApis.scala:686)
	at kafka.server.KafkaApis.handle(KafkaApis.scala:180)
	at kafka.server.KafkaRequestHandler.run(KafkaRequestHandler.scala:149)
	at java.base/java.lang.Thread.run(Thread.java:840)
`

// interestingLines are the few records that do become events.
var interestingLines = []string{
	"[2024-03-05 10:%02d:%02d,%03d] INFO [Producer clientId=billing-producer] Node %d disconnected. (org.apache.kafka.clients.NetworkClient)",
	"[2024-03-05 10:%02d:%02d,%03d] WARN [Producer clientId=billing-producer] Connection to node %d (kafka-3.example.internal/10.20.0.13:9092) could not be established. Node may not be available. (org.apache.kafka.clients.NetworkClient)",
}

// benchmarkLog builds a log of about n lines: broker and client records,
// a stack trace every 500 lines, and 1 interesting record in 250.
func benchmarkLog(n int) []byte {
	var b bytes.Buffer
	for i := 0; i < n; i++ {
		m, s, ms := (i/60000)%60, (i/1000)%60, i%1000
		switch {
		case i%250 == 249:
			fmt.Fprintf(&b, interestingLines[(i/250)%len(interestingLines)], m, s, ms, i%4)
		case i%500 == 17:
			fmt.Fprintf(&b, boringTrace, m, s, ms, i)
			i += 14
			continue
		default:
			fmt.Fprintf(&b, boringLines[i%len(boringLines)], m, s, ms, i)
		}
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// countingSink counts what it is sent and keeps nothing.
type countingSink struct{ recorder }

func (c *countingSink) Event(analyzer.Event)   { c.events = c.events[:0] }
func (c *countingSink) Node(analyzer.Node)     {}
func (c *countingSink) Config(analyzer.Config) {}

func BenchmarkParse(b *testing.B) {
	data := benchmarkLog(100000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		src := &analyzer.Source{Path: "bench.log", R: bufio.NewReaderSize(bytes.NewReader(data), 64<<10), Zone: time.UTC}
		if _, err := (Parser{}).Parse(context.Background(), src, &countingSink{}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestAllocsBoringLines proves the common case allocates nothing: header
// lines of ordinary records, exception lines without a keyword and stack
// frames.
func TestAllocsBoringLines(t *testing.T) {
	d := NewLineDecoder(&analyzer.Source{Path: "x", Zone: time.FixedZone("CET", 3600)}, &countingSink{})
	var lines [][]byte
	for i := range boringLines {
		lines = append(lines, fmt.Appendf(nil, boringLines[i], 1, 2, 3, i))
	}
	lines = append(lines, bytes.Split(fmt.Appendf(nil, boringTrace, 1, 2, 3, 4), []byte("\n"))...)
	lines = append(lines, []byte("2021-01-21 21:56:53.890  INFO 18 --- [ntainer#0-0-C-1] o.a.k.c.c.internals.ConsumerCoordinator  : [Consumer clientId=c-1, groupId=g] Successfully joined group with generation Generation{generationId=7}"))
	lines = append(lines, []byte("2020-08-05 15:32:44,650 INFO [GroupCoordinator 1]: Stabilized group g generation 7 (kafka.coordinator.group.GroupCoordinator) [data-plane-kafka-request-handler-3]"))
	lines = append(lines, []byte("kafka0  | 2025-02-03T21:07:43.000123456Z [2025-02-03 21:07:42,915] INFO [Partition t-0 broker=1] Log loaded (kafka.cluster.Partition)"))
	// Warm the reusable buffers first.
	for _, l := range lines {
		d.line(analyzer.Location{Path: "x", Line: 1}, time.Time{}, "", l)
	}
	allocs := testing.AllocsPerRun(200, func() {
		for _, l := range lines {
			d.line(analyzer.Location{Path: "x", Line: 1}, time.Time{}, "", l)
		}
	})
	if allocs != 0 {
		t.Errorf("%v allocations per %d boring lines, want 0", allocs, len(lines))
	}
}
