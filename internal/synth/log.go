package synth

import (
	"bufio"
	"fmt"
	"io"
	"math/rand/v2"
	"time"
)

// LogSpec describes a generated Kafka log in the default log4j layout, a
// broker's and a client's lines interleaved as they are in a bundle that
// collects both into one file.
type LogSpec struct {
	Bytes int64
	Seed  uint64
	Start time.Time
}

// LogPlanted counts the lines of interest the generator wrote; everything
// else is the routine INFO traffic that makes up >99% of a real log.
type LogPlanted struct {
	Lines            int
	ConnectFailed    int // "could not be established" WARNs
	NodeDisconnected int // INFO "Node N disconnected."
	ConnectionReset  int // WARN with an IOException: Connection reset by peer stack trace
	BatchExpired     int // ERROR with TimeoutException: Expiring N record(s)
	InvalidReceive   int // broker WARN with InvalidReceiveException
}

// routine lines: what a broker and its clients print all day. Verbs are
// indexed: %[1]s is a partition, %[2]d a large number (an offset, a
// session), %[3]d a small one (an epoch, a generation), %[4]d a partition
// number.
var routine = []string{
	"INFO [LocalLog partition=%[1]s, dir=/var/lib/kafka/data] Rolled new log segment at offset %[2]d in 2 ms. (kafka.log.LocalLog)",
	"INFO [ProducerStateManager partition=%[1]s] Wrote producer snapshot at offset %[2]d with 0 producer ids in 1 ms. (kafka.log.ProducerStateManager)",
	"INFO [UnifiedLog partition=%[1]s, dir=/var/lib/kafka/data] Incremented log start offset to %[2]d due to segment deletion (kafka.log.UnifiedLog)",
	"INFO [Partition %[1]s broker=1] ISR updated to 1,2,3 and version updated to %[2]d (kafka.cluster.Partition)",
	"INFO [Consumer clientId=consumer-orders-1, groupId=orders] Setting offset for partition %[1]s to the committed offset FetchPosition{offset=%[2]d, offsetEpoch=Optional[4], currentLeader=LeaderAndEpoch{leader=Optional[kafka-2.internal:9092 (id: 2 rack: null)], epoch=4}} (org.apache.kafka.clients.consumer.internals.ConsumerCoordinator)",
	"INFO [GroupCoordinator 1]: Stabilized group orders generation %[3]d (__consumer_offsets-%[4]d) with 3 members (kafka.coordinator.group.GroupCoordinator)",
	"DEBUG [ReplicaFetcher replicaId=1, leaderId=2, fetcherId=0] Built incremental fetch (sessionId=%[2]d, epoch=%[3]d) for node 2. Added 0 partition(s), altered 0 partition(s), removed 0 partition(s) out of 12 partition(s) (org.apache.kafka.clients.FetchSessionHandler)",
	"INFO [Log partition=%[1]s, dir=/var/lib/kafka/data] Found deletable segments with base offsets [%[2]d] due to retention time 604800000ms breach (kafka.log.Log)",
}

var partitions = []string{"orders-0", "orders-3", "payments-1", "audit-7", "__consumer_offsets-12"}

// WriteLog writes a log following spec and returns what it planted. About
// one record in 250 is of interest.
func WriteLog(w io.Writer, spec LogSpec) (LogPlanted, error) {
	if spec.Start.IsZero() {
		spec.Start = time.Date(2026, 6, 29, 9, 0, 0, 0, time.UTC)
	}
	rng := rand.New(rand.NewPCG(spec.Seed, 0x6c6f67))
	bw := bufio.NewWriterSize(w, 1<<20)
	var p LogPlanted
	var written int64
	t := spec.Start
	for written < spec.Bytes {
		t = t.Add(time.Duration(rng.IntN(20)) * time.Millisecond)
		stamp := t.Format("[2006-01-02 15:04:05,000] ")
		var rec string
		switch n := rng.IntN(1000); {
		case n < 1:
			p.ConnectFailed++
			rec = stamp + "WARN [Producer clientId=producer-1] Connection to node 3 (kafka-3.internal/10.0.4.33:9092) could not be established. Node may not be available. (org.apache.kafka.clients.NetworkClient)\n"
		case n < 2:
			p.NodeDisconnected++
			rec = stamp + "INFO [Consumer clientId=consumer-orders-1, groupId=orders] Node 3 disconnected. (org.apache.kafka.clients.NetworkClient)\n"
		case n < 3:
			p.ConnectionReset++
			rec = stamp + "WARN [Consumer clientId=consumer-orders-1, groupId=orders] Unexpected error from kafka-3.internal/10.0.4.33; closing connection (org.apache.kafka.common.network.Selector)\n" + resetTrace
		case n < 4 && rng.IntN(2) == 0:
			p.BatchExpired++
			rec = stamp + fmt.Sprintf("ERROR [Producer clientId=producer-1] Error when sending message to topic orders with key: null, value: 512 bytes with error: (org.apache.kafka.clients.producer.internals.ErrorLoggingCallback)\norg.apache.kafka.common.errors.TimeoutException: Expiring %d record(s) for orders-3:120001 ms has passed since batch creation\n", 1+rng.IntN(40))
		case n < 4:
			p.InvalidReceive++
			rec = stamp + "WARN [SocketServer listenerType=ZK_BROKER, nodeId=1] Unexpected error from /10.1.2.9 (channelId=10.0.4.31:9092-10.1.2.9:51234-3-17); closing connection (org.apache.kafka.common.network.Selector)\norg.apache.kafka.common.network.InvalidReceiveException: Invalid receive (size = 369296129 larger than 104857600)\n" + invalidReceiveTrace
		default:
			tpl := routine[rng.IntN(len(routine))]
			rec = stamp + fmt.Sprintf(tpl, partitions[rng.IntN(len(partitions))], rng.IntN(1<<24), 1+rng.IntN(60), rng.IntN(50)) + "\n"
		}
		n, err := bw.WriteString(rec)
		if err != nil {
			return p, err
		}
		written += int64(n)
		p.Lines++
	}
	return p, bw.Flush()
}

const resetTrace = `java.io.IOException: Connection reset by peer
	at java.base/sun.nio.ch.SocketDispatcher.read0(Native Method)
	at java.base/sun.nio.ch.SocketDispatcher.read(SocketDispatcher.java:47)
	at java.base/sun.nio.ch.IOUtil.readIntoNativeBuffer(IOUtil.java:330)
	at java.base/sun.nio.ch.IOUtil.read(IOUtil.java:284)
	at java.base/sun.nio.ch.SocketChannelImpl.read(SocketChannelImpl.java:421)
	at org.apache.kafka.common.network.PlaintextTransportLayer.read(PlaintextTransportLayer.java:103)
	at org.apache.kafka.common.network.NetworkReceive.readFrom(NetworkReceive.java:104)
	at org.apache.kafka.common.network.KafkaChannel.receive(KafkaChannel.java:462)
	at org.apache.kafka.common.network.Selector.attemptRead(Selector.java:674)
	at org.apache.kafka.common.network.Selector.poll(Selector.java:481)
	at org.apache.kafka.clients.NetworkClient.poll(NetworkClient.java:571)
`

const invalidReceiveTrace = `	at org.apache.kafka.common.network.NetworkReceive.readFrom(NetworkReceive.java:94)
	at org.apache.kafka.common.network.KafkaChannel.receive(KafkaChannel.java:452)
	at org.apache.kafka.common.network.Selector.attemptRead(Selector.java:694)
	at org.apache.kafka.common.network.Selector.poll(Selector.java:486)
	at kafka.network.Processor.poll(SocketServer.scala:1005)
	at kafka.network.Processor.run(SocketServer.scala:909)
	at java.base/java.lang.Thread.run(Thread.java:833)
`
