package kafkalog

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// eventsOf parses text and describes its events without file and time,
// which every case shares.
func eventsOf(t *testing.T, text string) []string {
	t.Helper()
	rec, _ := parseString(t, text)
	var out []string
	for _, e := range rec.events {
		d := describe(e)
		// drop "test.log:N <time> "
		if i := strings.Index(d, "Z "); i >= 0 {
			d = d[i+2:]
		}
		out = append(out, d)
	}
	return out
}

const ts = "[2024-03-05 10:15:47,901] "

func TestEventKinds(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"connect failed 2.1-3.6", ts + `WARN [Producer clientId=producer-1] Connection to node 3 (kafka-3.example.internal/10.20.0.13:9092) could not be established. Broker may not be available. (org.apache.kafka.clients.NetworkClient)`,
			[]string{`WARN connect-failed java-client host="h1" node="3" nodehost="kafka-3.example.internal" addr="10.20.0.13:9092" client="producer-1"`}},
		{"connect failed 3.7+", ts + `WARN [Consumer clientId=c-1, groupId=g1] Connection to node -1 (localhost/127.0.0.1:9092) could not be established. Node may not be available. (org.apache.kafka.clients.NetworkClient)`,
			[]string{`WARN connect-failed java-client host="h1" node="-1" nodehost="localhost" addr="127.0.0.1:9092" client="c-1" group="g1"`}},
		{"connect failed 0.11-2.0 no address", ts + `WARN Connection to node 1 could not be established. Broker may not be available. (org.apache.kafka.clients.NetworkClient)`,
			[]string{`WARN connect-failed java-client host="h1" node="1"`}},
		{"connect failed ipv6", ts + `WARN [AdminClient clientId=adminclient-1] Connection to node 2 (kafka-2/fd00:0:0:0:0:0:0:12:9092) could not be established. Node may not be available. (org.apache.kafka.clients.NetworkClient)`,
			[]string{`WARN connect-failed java-client host="h1" node="2" nodehost="kafka-2" addr="[fd00::12]:9092" client="adminclient-1"`}},
		{"produce response lost to a disconnect 2.x+ (Flink sink)", `2022-10-19 07:33:14.240 [kafka-producer-network-thread | producer-1] WARN  org.apache.kafka.clients.producer.internals.Sender  - [Producer clientId=producer-1] Got error produce response with correlation id 38 on topic-partition ingress-0, retrying (2147483646 attempts left). Error: NETWORK_EXCEPTION. Error Message: Disconnected from node 0`,
			[]string{`WARN disconnected java-client host="h1" node="0" client="producer-1" reason="produce request failed: disconnected" tp="ingress-0"`}},
		{"produce response lost to a disconnect, no node (older clients)", ts + `WARN [Producer clientId=p] Got error produce response with correlation id 7 on topic-partition t-3, retrying (2 attempts left). Error: NETWORK_EXCEPTION (org.apache.kafka.clients.producer.internals.Sender)`,
			[]string{`WARN disconnected java-client host="h1" client="p" reason="produce request failed: disconnected" tp="t-3"`}},
		{"the Sender retelling a cancelled produce request is one disconnect", ts + `INFO [Producer clientId=p] Cancelled in-flight PRODUCE request with correlation id 42 due to node 2 being disconnected (elapsed time since creation: 30012ms, elapsed time since send: 30011ms, throttle time: 0ms, request timeout: 30000ms) (org.apache.kafka.clients.NetworkClient)
` + ts + `WARN [Producer clientId=p] Got error produce response with correlation id 42 on topic-partition t-0, retrying (2 attempts left). Error: NETWORK_EXCEPTION. Error Message: Disconnected from node 2 (org.apache.kafka.clients.producer.internals.Sender)`,
			[]string{`INFO disconnected java-client host="h1" node="2" client="p" reason="in-flight PRODUCE request cancelled" after=30011`}},
		{"a Sender line for another node is its own disconnect", ts + `INFO [Producer clientId=p] Cancelled in-flight PRODUCE request with correlation id 42 due to node 2 being disconnected (elapsed time since creation: 30012ms, elapsed time since send: 30011ms, throttle time: 0ms, request timeout: 30000ms) (org.apache.kafka.clients.NetworkClient)
` + ts + `WARN [Producer clientId=p] Got error produce response with correlation id 43 on topic-partition t-1, retrying (2 attempts left). Error: NETWORK_EXCEPTION. Error Message: Disconnected from node 3 (org.apache.kafka.clients.producer.internals.Sender)`,
			[]string{`INFO disconnected java-client host="h1" node="2" client="p" reason="in-flight PRODUCE request cancelled" after=30011`,
				`WARN disconnected java-client host="h1" node="3" client="p" reason="produce request failed: disconnected" tp="t-1"`}},
		{"a Sender line long after the cancel is its own disconnect", ts + `INFO [Producer clientId=p] Cancelled in-flight PRODUCE request with correlation id 42 due to node 2 being disconnected (elapsed time since creation: 30012ms, elapsed time since send: 30011ms, throttle time: 0ms, request timeout: 30000ms) (org.apache.kafka.clients.NetworkClient)
[2024-03-05 10:25:47,901] WARN [Producer clientId=p] Got error produce response with correlation id 97 on topic-partition t-0, retrying (2 attempts left). Error: NETWORK_EXCEPTION. Error Message: Disconnected from node 2 (org.apache.kafka.clients.producer.internals.Sender)`,
			[]string{`INFO disconnected java-client host="h1" node="2" client="p" reason="in-flight PRODUCE request cancelled" after=30011`,
				`WARN disconnected java-client host="h1" node="2" client="p" reason="produce request failed: disconnected" tp="t-0"`}},
		{"broker out of file descriptors", ts + `ERROR Error while accepting connection (kafka.network.Acceptor)
java.io.IOException: Too many open files
	at java.base/sun.nio.ch.ServerSocketChannelImpl.accept0(Native Method)`,
			[]string{`ERROR fd-exhausted java-broker host="h1" reason="Too many open files" exception="java.io.IOException" exmsg="Too many open files"`}},
		{"a client's own fd shortage is not the broker's", ts + `ERROR [Producer clientId=p] Uncaught error in kafka producer I/O thread: (org.apache.kafka.clients.producer.internals.Sender)
java.io.IOException: Too many open files
	at java.base/sun.nio.ch.Net.socket0(Native Method)`, nil},
		{"connect timeout", ts + `INFO [Producer clientId=p, transactionalId=tx-1] Disconnecting from node 1 due to socket connection setup timeout. The timeout value is 27930 ms. (org.apache.kafka.clients.NetworkClient)`,
			[]string{`INFO connect-timeout java-client host="h1" node="1" client="p" after=27930`}},
		{"connect refused", ts + `WARN [Producer clientId=p] Error connecting to node kafka-1:9092 (id: 1 rack: null) (org.apache.kafka.clients.NetworkClient)
java.net.ConnectException: Connection refused
	at java.base/sun.nio.ch.Net.pollConnect(Native Method)`,
			[]string{`WARN connect-refused java-client host="h1" node="1" nodehost="kafka-1" client="p" reason="Connection refused" exception="java.net.ConnectException" exmsg="Connection refused"`}},
		{"resolve: couldn't resolve server", ts + `WARN Couldn't resolve server kafka-9:9092 from bootstrap.servers as DNS resolution failed for kafka-9 (org.apache.kafka.clients.ClientUtils)`,
			[]string{`WARN resolve-failed java-client host="h1" nodehost="kafka-9" reason="DNS resolution failed"`}},
		{"resolve: canonical", ts + `WARN Couldn't resolve server kafka-9:9092 from bootstrap.servers as DNS resolution of the canonical hostname kafka-9.svc failed for kafka-9 (org.apache.kafka.clients.ClientUtils)`,
			[]string{`WARN resolve-failed java-client host="h1" nodehost="kafka-9" reason="DNS resolution failed"`}},
		{"resolve: no resolvable bootstrap urls", ts + `ERROR Failed to start producer (com.acme.App)
org.apache.kafka.common.KafkaException: Failed to construct kafka producer
Caused by: org.apache.kafka.common.config.ConfigException: No resolvable bootstrap urls given in bootstrap.servers`,
			[]string{`ERROR resolve-failed java-client host="h1" reason="No resolvable bootstrap urls given in bootstrap.servers" exception="org.apache.kafka.common.config.ConfigException" exmsg="No resolvable bootstrap urls given in bootstrap.servers"`}},
		{"resolve: unresolved address", ts + `WARN [Consumer clientId=c, groupId=g] Error connecting to node kafka-2.internal:9092 (id: 2 rack: null) (org.apache.kafka.clients.NetworkClient)
java.io.IOException: Can't resolve address: kafka-2.internal:9092
	at org.apache.kafka.common.network.Selector.doConnect(Selector.java:257)
Caused by: java.nio.channels.UnresolvedAddressException: null`,
			[]string{`WARN resolve-failed java-client host="h1" node="2" nodehost="kafka-2.internal" client="c" group="g" reason="java.nio.channels.UnresolvedAddressException" exception="java.nio.channels.UnresolvedAddressException" exmsg="null"`}},
		{"resolve: exception on the message's line (JBoss LogManager, Quarkus)", ts + `WARN [Producer clientId=prices] Error connecting to node broker:9092 (id: 1 rack: null): java.net.UnknownHostException: broker (org.apache.kafka.clients.NetworkClient)`,
			[]string{`WARN resolve-failed java-client host="h1" node="1" nodehost="broker" client="prices" reason="java.net.UnknownHostException" exception="java.net.UnknownHostException" exmsg="broker"`}},
		{"a colon in a message is no exception", ts + `WARN [Producer clientId=p] Error connecting to node kafka-1:9092 (id: 1 rack: null): see https://x.example/a: b (org.apache.kafka.clients.NetworkClient)`,
			[]string{`WARN connect-failed java-client host="h1" node="1" nodehost="kafka-1" client="p"`}},
		{"connect worker with connector context", ts + `INFO [jdbc-sink|task-0] [Consumer clientId=connector-consumer-jdbc-sink-0, groupId=connect-jdbc-sink] Node 2 disconnected. (org.apache.kafka.clients.NetworkClient:935)`,
			[]string{`INFO node-disconnected java-client host="h1" node="2" client="connector-consumer-jdbc-sink-0" group="connect-jdbc-sink"`}},
		{"listener not found: consumer, Spring Boot layout", `2019-09-19 06:12:42.267  WARN 1 --- [ external-0-C-1] org.apache.kafka.clients.NetworkClient   : [Consumer clientId=consumer-2, groupId=EXTERNAL] 10 partitions have leader brokers without a matching listener, including [FINCACHE-0, FINCACHE-5, FINCACHE-8]`,
			[]string{`WARN listener-not-found java-client host="h1" client="consumer-2" group="EXTERNAL" reason="LISTENER_NOT_FOUND for [FINCACHE-0, FINCACHE-5, FINCACHE-8]" count=10 tp="FINCACHE-0"`}},
		{"listener not found: producer, one partition", ts + `WARN [Producer clientId=producer-1] 1 partitions have leader brokers without a matching listener, including [message-0] (org.apache.kafka.clients.NetworkClient)`,
			[]string{`WARN listener-not-found java-client host="h1" client="producer-1" reason="LISTENER_NOT_FOUND for [message-0]" count=1 tp="message-0"`}},
		{"LEADER_NOT_AVAILABLE on a new topic is not a listener line", ts + `WARN [Producer clientId=producer-1] Error while fetching metadata with correlation id 1 : {orders=LEADER_NOT_AVAILABLE} (org.apache.kafka.clients.NetworkClient)`, nil},
		{"node disconnected", ts + `INFO [Consumer instanceId=i-1, clientId=c-1, groupId=orders] Node 3 disconnected. (org.apache.kafka.clients.NetworkClient)`,
			[]string{`INFO node-disconnected java-client host="h1" node="3" client="c-1" group="orders"`}},
		{"bootstrap broker disconnected", ts + `WARN [Consumer clientId=c-1, groupId=null] Bootstrap broker localhost:9092 (id: -1 rack: null) disconnected (org.apache.kafka.clients.NetworkClient)`,
			[]string{`WARN node-disconnected java-client host="h1" node="-1" nodehost="localhost" client="c-1"`}},
		{"bootstrap broker disconnected 0.10", ts + `WARN Bootstrap broker 10.1.1.1:9092 disconnected (org.apache.kafka.clients.NetworkClient)`,
			[]string{`WARN node-disconnected java-client host="h1" addr="10.1.1.1:9092"`}},
		{"idle disconnect", ts + `DEBUG [Producer clientId=p] Idle connection to node 2 disconnected. (org.apache.kafka.clients.NetworkClient)`,
			[]string{`DEBUG disconnected java-client host="h1" node="2" client="p" reason="idle connection closed by client"`}},
		{"selector reset", ts + `DEBUG [Consumer clientId=c, groupId=g] Connection with kafka-3-0.kafka-headless/10.2.3.4 disconnected (org.apache.kafka.common.network.Selector)
java.io.IOException: Connection reset by peer
	at java.base/sun.nio.ch.SocketDispatcher.read0(Native Method)
	at org.apache.kafka.common.network.Selector.poll(Selector.java:481)`,
			[]string{`DEBUG connection-reset java-client host="h1" nodehost="kafka-3-0.kafka-headless" peer="10.2.3.4" client="c" group="g" reason="Connection reset by peer" exception="java.io.IOException" exmsg="Connection reset by peer"`}},
		{"socket exception reset", ts + `WARN [Producer clientId=p] Unexpected error from kafka-1/10.0.0.1; closing connection (org.apache.kafka.common.network.Selector)
java.net.SocketException: Connection reset`,
			[]string{`WARN connection-reset java-client host="h1" nodehost="kafka-1" peer="10.0.0.1" client="p" reason="Connection reset by peer" exception="java.net.SocketException" exmsg="Connection reset"`}},
		{"broken pipe", ts + `DEBUG [Producer clientId=p] Connection with /10.0.0.1 disconnected (org.apache.kafka.common.network.Selector)
java.io.IOException: Broken pipe`,
			[]string{`DEBUG broken-pipe java-client host="h1" peer="10.0.0.1" client="p" reason="Broken pipe" exception="java.io.IOException" exmsg="Broken pipe"`}},
		{"auth terminated 2.2-3.9", ts + `WARN [Producer clientId=p] Connection to node -1 (b-1.kafka.eu-west-1.amazonaws.com/10.1.2.3:9094) terminated during authentication. This may happen due to any of the following reasons: (1) Authentication failed due to invalid credentials with brokers older than 1.0.0, (2) Firewall blocking Kafka TLS traffic (eg it may only allow HTTPS traffic), (3) Transient network issue. (org.apache.kafka.clients.NetworkClient)`,
			[]string{`WARN auth-terminated java-client host="h1" node="-1" nodehost="b-1.kafka.eu-west-1.amazonaws.com" addr="10.1.2.3:9094" client="p"`}},
		{"auth terminated 0.11-2.1", ts + `WARN Connection to node 0 terminated during authentication. This may indicate that authentication failed due to invalid credentials. (org.apache.kafka.clients.NetworkClient)`,
			[]string{`WARN auth-terminated java-client host="h1" node="0"`}},
		{"client ssl failed authentication", ts + `ERROR [Producer clientId=p] Connection to node -1 (localhost/127.0.0.1:9093) failed authentication due to: SSL handshake failed (org.apache.kafka.clients.NetworkClient)`,
			[]string{`ERROR ssl-handshake-failed java-client host="h1" node="-1" nodehost="localhost" addr="127.0.0.1:9093" client="p" reason="SSL handshake failed"`}},
		{"client sasl failed authentication", ts + `ERROR [Consumer clientId=c, groupId=g] Connection to node 1 (kafka-1/10.0.0.1:9096) failed authentication due to: Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-256 (org.apache.kafka.clients.NetworkClient)`,
			[]string{`ERROR sasl-auth-failed java-client host="h1" node="1" nodehost="kafka-1" addr="10.0.0.1:9096" client="c" group="g" reason="Authentication failed during authentication due to invalid credentials with SASL mechanism SCRAM-SHA-256"`}},
		{"broker ssl failed authentication 2.x", ts + `INFO [SocketServer brokerId=0] Failed authentication with /10.9.8.7 (SSL handshake failed) (org.apache.kafka.common.network.Selector)`,
			[]string{`INFO ssl-handshake-failed java-broker host="h1" node="0" peer="10.9.8.7" reason="SSL handshake failed"`}},
		// The peer printed with its name (bitnami/charts#1279): on a
		// broker it is the client (here another broker's replica
		// fetcher), never this broker's own host.
		{"broker ssl failed authentication, peer with a name", `[2019-07-09 08:43:28,709] INFO [SocketServer brokerId=1001] Failed authentication with kafka-0.kafka-headless.default.svc.cluster.local/10.1.0.124 (SSL handshake failed) (org.apache.kafka.common.network.Selector)`,
			[]string{`INFO ssl-handshake-failed java-broker host="h1" node="1001" peer="10.1.0.124" reason="SSL handshake failed"`}},
		// On a client the peer is the broker: its name is the node's host.
		{"client selector failed authentication, peer with a name", ts + `INFO [Producer clientId=p] Failed authentication with kafka-1.example.internal/10.0.0.11 (SSL handshake failed) (org.apache.kafka.common.network.Selector)`,
			[]string{`INFO ssl-handshake-failed java-client host="h1" nodehost="kafka-1.example.internal" peer="10.0.0.11" client="p" reason="SSL handshake failed"`}},
		{"broker confluent errorMessage", ts + `INFO [SocketServer listenerType=ZK_BROKER, nodeId=0] Failed authentication with /0.0.0.0 (errorMessage=SSL handshake failed caused by No subject alternative names matching IP address 0.0.0.0 found) (org.apache.kafka.common.network.Selector)`,
			[]string{`INFO ssl-handshake-failed java-broker host="h1" node="0" peer="0.0.0.0" reason="No subject alternative names matching IP address 0.0.0.0 found"`}},
		{"broker sasl unexpected request", ts + `INFO [SocketServer listenerType=BROKER, nodeId=4] Failed authentication with /10.0.0.9 (channelId=10.0.0.4:9094-10.0.0.9:5122-2-1) (Unexpected Kafka request of type METADATA during SASL handshake.) (org.apache.kafka.common.network.Selector)`,
			[]string{`INFO sasl-auth-failed java-broker host="h1" node="4" peer="10.0.0.9" reason="Unexpected Kafka request of type METADATA during SASL handshake."`}},
		{"ssl handshake exception chain", ts + `ERROR [Producer clientId=p] Connection to node -1 (kafka/10.0.0.1:9093) failed authentication due to: SSL handshake failed (org.apache.kafka.clients.NetworkClient)
org.apache.kafka.common.errors.SslAuthenticationException: SSL handshake failed
Caused by: javax.net.ssl.SSLHandshakeException: Received fatal alert: handshake_failure
	at java.base/sun.security.ssl.Alert.createSSLException(Alert.java:131)`,
			[]string{`ERROR ssl-handshake-failed java-client host="h1" node="-1" nodehost="kafka" addr="10.0.0.1:9093" client="p" reason="Received fatal alert: handshake_failure" exception="javax.net.ssl.SSLHandshakeException" exmsg="Received fatal alert: handshake_failure"`}},
		{"ssl unrecognized message debug", ts + `DEBUG [SocketServer listenerType=ZK_BROKER, nodeId=1] SSL Handshake failed (org.apache.kafka.common.network.SslTransportLayer)
javax.net.ssl.SSLException: Unsupported or unrecognized SSL message`,
			[]string{`DEBUG ssl-handshake-failed java-broker host="h1" node="1" reason="Unsupported or unrecognized SSL message" exception="javax.net.ssl.SSLException" exmsg="Unsupported or unrecognized SSL message"`}},
		{"invalid receive", ts + `WARN [SocketServer listenerType=ZK_BROKER, nodeId=0] Unexpected error from /192.168.1.50 (channelId=192.168.1.10:9092-192.168.1.50:51234-0); closing connection (org.apache.kafka.common.network.Selector)
org.apache.kafka.common.network.InvalidReceiveException: Invalid receive (size = 369296128 larger than 104857600)
	at org.apache.kafka.common.network.NetworkReceive.readFrom(NetworkReceive.java:105)`,
			[]string{`WARN invalid-receive java-broker host="h1" node="0" peer="192.168.1.50" reason="Invalid receive (size = 369296128 larger than 104857600)" exception="org.apache.kafka.common.network.InvalidReceiveException" exmsg="Invalid receive (size = 369296128 larger than 104857600)" size=369296128`}},
		{"invalid receive sasl limit old broker", ts + `WARN Unexpected error from /10.0.0.2; closing connection (org.apache.kafka.common.network.Selector)
org.apache.kafka.common.network.InvalidReceiveException: Invalid receive (size = 369295616 larger than 524288)`,
			[]string{`WARN invalid-receive java-broker host="h1" peer="10.0.0.2" reason="Invalid receive (size = 369295616 larger than 524288)" exception="org.apache.kafka.common.network.InvalidReceiveException" exmsg="Invalid receive (size = 369295616 larger than 524288)" size=369295616`}},
		{"request timeout", ts + `INFO [Consumer clientId=c, groupId=g] Disconnecting from node 2147483645 due to request timeout. (org.apache.kafka.clients.NetworkClient)`,
			[]string{`INFO request-timeout java-client host="h1" node="2147483645" client="c" group="g" reason="request timeout"`}},
		{"admin call timed out", ts + `ERROR Listing topics failed (com.acme.Admin)
java.util.concurrent.ExecutionException: org.apache.kafka.common.errors.TimeoutException: Call(callName=listTopics, deadlineMs=1709633747901, tries=1, nextAllowedTryMs=1709633748002) timed out at 1709633747902 after 1 attempt(s)
Caused by: org.apache.kafka.common.errors.TimeoutException: Call(callName=listTopics, deadlineMs=1709633747901, tries=1, nextAllowedTryMs=1709633748002) timed out at 1709633747902 after 1 attempt(s)`,
			[]string{`ERROR request-timeout java-client host="h1" reason="Call(callName=listTopics, deadlineMs=1709633747901, tries=1, nextAllowedTryMs=1709633748002) timed out at 1709633747902 after 1 attempt(s)" exception="org.apache.kafka.common.errors.TimeoutException" exmsg="Call(callName=listTopics, deadlineMs=1709633747901, tries=1, nextAllowedTryMs=1709633748002) timed out at 1709633747902 after 1 attempt(s)"`}},
		{"batch expired 2.1+", ts + `ERROR Error when sending message to topic orders with key: null, value: 12 bytes with error: (org.apache.kafka.clients.producer.internals.ErrorLoggingCallback)
org.apache.kafka.common.errors.TimeoutException: Expiring 12 record(s) for orders-us-east-7:120004 ms has passed since batch creation`,
			[]string{`ERROR batch-expired java-client host="h1" reason="since batch creation" exception="org.apache.kafka.common.errors.TimeoutException" exmsg="Expiring 12 record(s) for orders-us-east-7:120004 ms has passed since batch creation" count=12 tp="orders-us-east-7" age=120004`}},
		{"batch expired 1.0-2.0", ts + `ERROR send failed (com.acme.Sender)
org.apache.kafka.common.errors.TimeoutException: Expiring 1 record(s) for payments-0: 30021 ms has passed since last append`,
			[]string{`ERROR batch-expired java-client host="h1" reason="since last append" exception="org.apache.kafka.common.errors.TimeoutException" exmsg="Expiring 1 record(s) for payments-0: 30021 ms has passed since last append" count=1 tp="payments-0" age=30021`}},
		{"connection quota", ts + `INFO Rejected connection from /10.1.1.9, address already has the configured maximum of 50 connections. (kafka.network.ConnectionQuotas)`,
			[]string{`INFO connection-quota java-broker host="h1" peer="10.1.1.9" reason="maximum of 50 connections"`}},
		{"connected debug", ts + `DEBUG [Producer clientId=p] Completed connection to node 1. Fetching API versions. (org.apache.kafka.clients.NetworkClient)`,
			[]string{`DEBUG connected java-client host="h1" node="1" client="p"`}},
		{"signal", ts + `INFO Terminating process due to signal SIGINT (org.apache.kafka.common.utils.LoggingSignalHandler)`,
			[]string{`INFO signal-received java-client host="h1" reason="SIGINT" signal="INT"`}},
		{"zk broker lifecycle", ts + `INFO starting (kafka.server.KafkaServer)
` + ts + `INFO [KafkaServer id=3] started (kafka.server.KafkaServer)
` + ts + `INFO [KafkaServer id=3] shutting down (kafka.server.KafkaServer)
` + ts + `INFO [KafkaServer id=3] Starting controlled shutdown (kafka.server.KafkaServer)
` + ts + `INFO [KafkaServer id=3] Controlled shutdown succeeded (kafka.server.KafkaServer)
` + ts + `WARN [KafkaServer id=3] Proceeding to do an unclean shutdown as all the controlled shutdown attempts failed (kafka.server.KafkaServer)
` + ts + `INFO [KafkaServer id=3] shut down completed (kafka.server.KafkaServer)`,
			[]string{
				`INFO broker-starting java-broker host="h1"`,
				`INFO broker-started java-broker host="h1" node="3"`,
				`INFO broker-shutting-down java-broker host="h1" node="3"`,
				`INFO controlled-shutdown java-broker host="h1" node="3" reason="started"`,
				`INFO controlled-shutdown java-broker host="h1" node="3" reason="succeeded"`,
				`WARN controlled-shutdown java-broker host="h1" node="3" reason="failed: unclean shutdown"`,
				`INFO broker-shut-down java-broker host="h1" node="3"`,
			}},
		{"0.x broker lifecycle", ts + `INFO [Kafka Server 1], started (kafka.server.KafkaServer)
` + ts + `FATAL [Kafka Server 1], Fatal error during KafkaServer startup. Prepare to shutdown (kafka.server.KafkaServer)`,
			[]string{
				`INFO broker-started java-broker host="h1" node="1"`,
				`ERROR broker-shutting-down java-broker host="h1" node="1" reason="fatal error during startup"`,
			}},
		{"kraft lifecycle", ts + `INFO [BrokerServer id=5] Transition from SHUTDOWN to STARTING (kafka.server.BrokerServer)
` + ts + `INFO [KafkaRaftServer nodeId=5] Kafka Server started (kafka.server.KafkaRaftServer)
` + ts + `INFO [BrokerServer id=5] Transition from STARTED to SHUTTING_DOWN (kafka.server.BrokerServer)`,
			[]string{
				`INFO broker-starting java-broker host="h1" node="5"`,
				`INFO broker-started java-broker host="h1" node="5"`,
				`INFO broker-shutting-down java-broker host="h1" node="5"`,
			}},
		{"cancelled in-flight api versions", ts + `INFO [Producer clientId=p] Cancelled in-flight API_VERSIONS request with correlation id 1 due to node -1 being disconnected (elapsed time since creation: 4ms, elapsed time since send: 3ms, throttle time: 0ms, request timeout: 30000ms) (org.apache.kafka.clients.NetworkClient)`,
			[]string{`INFO disconnected java-client host="h1" node="-1" client="p" reason="in-flight API_VERSIONS request cancelled" after=3`}},
		{"oom in producer network thread", ts + `ERROR [Producer clientId=p] Uncaught error in kafka producer I/O thread:  (org.apache.kafka.clients.producer.internals.Sender)
java.lang.OutOfMemoryError: Java heap space
	at java.base/java.nio.HeapByteBuffer.<init>(HeapByteBuffer.java:61)
	at org.apache.kafka.common.memory.MemoryPool$1.tryAllocate(MemoryPool.java:30)
	at org.apache.kafka.common.network.NetworkReceive.readFrom(NetworkReceive.java:113)`,
			[]string{`ERROR security-protocol-hint java-client host="h1" client="p" reason="OutOfMemoryError allocating a receive in NetworkReceive: plaintext client on a TLS listener? (KAFKA-4493)" exception="java.lang.OutOfMemoryError" exmsg="Java heap space"`}},
		// kafka-topics.sh on a TLS port, as bitnami/charts#16859 shows it:
		// KafkaThread's handler line, the frames printed without indent.
		{"oom in admin client thread, unindented frames", ts + `ERROR Uncaught exception in thread 'kafka-admin-client-thread | adminclient-1': (org.apache.kafka.common.utils.KafkaThread)
java.lang.OutOfMemoryError: Java heap space
at java.nio.HeapByteBuffer.<init>(HeapByteBuffer.java:57)
at java.nio.ByteBuffer.allocate(ByteBuffer.java:335)
at org.apache.kafka.common.memory.MemoryPool$1.tryAllocate(MemoryPool.java:30)
at org.apache.kafka.common.network.NetworkReceive.readFrom(NetworkReceive.java:113)`,
			[]string{`ERROR security-protocol-hint java-client host="h1" client="adminclient-1" reason="OutOfMemoryError allocating a receive in NetworkReceive: plaintext client on a TLS listener? (KAFKA-4493)" exception="java.lang.OutOfMemoryError" exmsg="Java heap space"`}},
		// An OutOfMemoryError in a Kafka thread whose frames are elsewhere
		// (records deserialised on the consumer's thread) stays a hint
		// that says no frame placed it.
		{"oom in consumer thread, not in network code", ts + `ERROR [Consumer clientId=c, groupId=g] Unexpected error (org.apache.kafka.clients.consumer.internals.ConsumerCoordinator)
java.lang.OutOfMemoryError: Java heap space
	at java.base/java.util.Arrays.copyOf(Arrays.java:3537)
	at org.apache.kafka.common.serialization.StringDeserializer.deserialize(StringDeserializer.java:47)`,
			[]string{`ERROR security-protocol-hint java-client host="h1" client="c" group="g" reason="OutOfMemoryError in a Kafka client thread, no stack frame says where: plaintext client on a TLS listener? (KAFKA-4493)" exception="java.lang.OutOfMemoryError" exmsg="Java heap space"`}},
		// A broker's heap OOM is its own crash, not the client's
		// security.protocol signature and not a kernel OOM kill.
		{"broker heap oom", ts + `ERROR [ReplicaManager broker=1] Error processing fetch (kafka.server.ReplicaManager)
java.lang.OutOfMemoryError: Java heap space
	at org.apache.kafka.common.record.MemoryRecords.readableRecords(MemoryRecords.java:100)`,
			[]string{`ERROR jvm-out-of-memory java-broker host="h1" reason="Java heap space" exception="java.lang.OutOfMemoryError" exmsg="Java heap space"`}},
		{"broker network processor oom, JVM handler line", ts + `ERROR Processor got uncaught exception. (kafka.network.Processor)
java.lang.OutOfMemoryError: Direct buffer memory
	at java.base/java.nio.Bits.reserveMemory(Bits.java:175)
Exception: java.lang.OutOfMemoryError thrown from the UncaughtExceptionHandler in thread "data-plane-kafka-network-thread-1-ListenerName(PLAINTEXT)-PLAINTEXT-2"`,
			[]string{`ERROR jvm-out-of-memory java-broker host="h1" reason="Direct buffer memory" exception="java.lang.OutOfMemoryError" exmsg="Direct buffer memory"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, eventsOf(t, tt.in)); diff != "" {
				t.Errorf("events mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// TestNearMisses holds lines that resemble a template but must not give
// an event.
func TestNearMisses(t *testing.T) {
	tests := []struct{ name, in string }{
		{"topic named connection-reset-events", ts + `WARN [Producer clientId=p] Got error produce response with correlation id 9 on topic-partition connection-reset-events-0, retrying (2 attempts left). Error: NOT_LEADER_OR_FOLLOWER (org.apache.kafka.clients.producer.internals.Sender)`},
		{"topic named after the error code", ts + `WARN [Producer clientId=p] Got error produce response with correlation id 9 on topic-partition NETWORK_EXCEPTION-audit-0, retrying (2 attempts left). Error: NOT_ENOUGH_REPLICAS (org.apache.kafka.clients.producer.internals.Sender)`},
		{"network exception quoted by an application", ts + `INFO retry policy: back off on "Error: NETWORK_EXCEPTION. Error Message: Disconnected from node 0" (com.acme.Retry)`},
		{"node disconnected inside a topic name", ts + `WARN [Consumer clientId=c, groupId=g] Error while fetching metadata with correlation id 7 : {Node-3-disconnected.=LEADER_NOT_AVAILABLE} (org.apache.kafka.clients.NetworkClient)`},
		{"node disconnected quoted in a longer line", ts + `INFO [Consumer clientId=c, groupId=g] Ignoring "Node 3 disconnected." reported by the test harness (com.acme.Harness)`},
		{"successful connect at info", ts + `INFO [Producer clientId=p] Completed connection to node 1. Fetching API versions. (com.acme.Wrapper)`},
		{"successful authentication", ts + `DEBUG [Producer clientId=p] Successfully authenticated with kafka-1/10.0.0.1 (org.apache.kafka.common.network.Selector)`},
		{"started not from the server", ts + `INFO [ReplicaFetcherManager on broker 1] started (kafka.server.ReplicaFetcherManager)`},
		{"zookeeper refused", ts + `WARN Session 0x0 for server zk-1/10.0.0.5:2181, Closing socket connection. (org.apache.zookeeper.ClientCnxn)
java.net.ConnectException: Connection refused`},
		{"app reset without kafka", ts + `WARN upstream call failed (com.acme.http.Client)
java.net.SocketException: Connection reset
	at java.base/java.net.SocketInputStream.read(SocketInputStream.java:186)`},
		{"config key mentioning ssl", ts + `INFO These configurations '[ssl.truststore.password]' were supplied but are not used yet. (org.apache.kafka.clients.producer.ProducerConfig)`},
		{"discovered coordinator", ts + `INFO [Consumer clientId=c, groupId=g] Discovered group coordinator kafka-2:9092 (id: 2147483645 rack: null) (org.apache.kafka.clients.consumer.internals.ConsumerCoordinator)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := eventsOf(t, tt.in); len(got) != 0 {
				t.Errorf("want no events, got %q", got)
			}
		})
	}
}
