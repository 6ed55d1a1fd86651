package report

import (
	"net"
	"net/netip"
	"strconv"
	"time"

	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/analyzer/flow"
)

// The results below are built by hand in the shapes the parsers and rules
// produce, with log lines in the exact layouts Kafka and librdkafka print.

func fixtureTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		panic(err)
	}
	return t
}

func fixtureAddr(s string) netip.AddrPort { return netip.MustParseAddrPort(s) }

func fixtureMAC(s string) net.HardwareAddr {
	m, err := net.ParseMAC(s)
	if err != nil {
		panic(err)
	}
	return m
}

// staleARPResult: a client whose new IP the broker still maps to the old
// instance's MAC; the broker-side capture shows SYN-ACKs to the dead MAC.
func staleARPResult() *analyzer.Result {
	const capPath = "case-4411.tgz!kafka-3/tcpdump-9092.pcap"
	const clientLog = "case-4411.tgz!billing/consumer.log"
	warn := "[2024-05-02 10:00:01,123] WARN [Consumer clientId=consumer-7, groupId=billing] Connection to node 3 (kafka-3/10.0.4.33:9092) could not be established. Node may not be available. (org.apache.kafka.clients.NetworkClient)"
	warn2 := "[2024-05-02 10:00:11,377] WARN [Consumer clientId=consumer-7, groupId=billing] Connection to node 3 (kafka-3/10.0.4.33:9092) could not be established. Node may not be available. (org.apache.kafka.clients.NetworkClient)"
	inc := &analyzer.Incident{
		Zone: time.UTC,
		Inputs: []analyzer.InputStat{
			{Path: capPath, Format: "pcap", Host: "kafka-3", Layout: "pcap/Ethernet", Packets: 4812},
			{Path: clientLog, Format: "kafka-log", Host: "billing", Layout: "log4j", Events: 37, Lines: 1520, Unparsed: 3},
			{Path: "case-4411.tgz!billing/heap.hprof", Host: "billing", Skipped: "unknown format: binary data starting 4a 41 56 41"},
		},
		Events: []analyzer.Event{
			{Kind: analyzer.ConnectFailed, Time: fixtureTime("2024-05-02T10:00:01.123Z"), Source: analyzer.Location{Path: clientLog, Line: 812},
				Level: "WARN", Program: "java-client", Host: "billing", Node: "3", NodeHost: "kafka-3", Addr: fixtureAddr("10.0.4.33:9092"),
				Client: "consumer-7", Group: "billing", Text: warn},
			{Kind: analyzer.ConnectFailed, Time: fixtureTime("2024-05-02T10:00:11.377Z"), Source: analyzer.Location{Path: clientLog, Line: 840},
				Level: "WARN", Program: "java-client", Host: "billing", Node: "3", NodeHost: "kafka-3", Addr: fixtureAddr("10.0.4.33:9092"),
				Client: "consumer-7", Group: "billing", Text: warn2},
			{Kind: analyzer.Connected, Time: fixtureTime("2024-05-02T09:59:58.002Z"), Source: analyzer.Location{Path: clientLog, Line: 790},
				Level: "INFO", Program: "java-client", Host: "billing", Node: "-1", NodeHost: "kafka-1", Addr: fixtureAddr("10.0.4.31:9092"),
				Client: "consumer-7", Text: "[2024-05-02 09:59:58,002] INFO [Consumer clientId=consumer-7, groupId=billing] Completed connection to node -1. Fetching API versions. (org.apache.kafka.clients.NetworkClient)"},
		},
		Flows: []*flow.Flow{
			{UID: "C1a", Capture: capPath, Orig: fixtureAddr("10.0.1.17:51234"), Resp: fixtureAddr("10.0.4.33:9092"),
				Start: fixtureTime("2024-05-02T10:00:00.101234Z"), End: fixtureTime("2024-05-02T10:00:07.133Z"), State: "S1", History: "Shh",
				OrigPkts: 4, RespPkts: 5, SYNs: 4, SynAcks: 5, SynFrame: 17, SynAckFrame: 18,
				OrigMAC: fixtureMAC("0a:9f:8e:7d:6c:5b"), RespDstMAC: fixtureMAC("0a:1b:2c:3d:4e:5f"), ReplyMACMismatch: true,
				FirstFrame: 17, LastFrame: 61},
			{UID: "C2b", Capture: capPath, Orig: fixtureAddr("10.0.1.22:40110"), Resp: fixtureAddr("10.0.4.33:9092"),
				Start: fixtureTime("2024-05-02T10:00:02.5Z"), End: fixtureTime("2024-05-02T10:00:09.5Z"), State: "SF", History: "ShADadFf",
				OrigPkts: 12, RespPkts: 10, OrigBytes: 1480, RespBytes: 22110, HandshakeDone: true, FirstFrame: 23, LastFrame: 90},
		},
		Nodes: []analyzer.Node{
			{ID: "-1", Host: "kafka-1", Addr: fixtureAddr("10.0.4.31:9092"), Bootstrap: true, Source: analyzer.Location{Path: clientLog, Line: 12}},
			{ID: "3", Host: "kafka-3", Addr: fixtureAddr("10.0.4.33:9092"), Source: analyzer.Location{Path: clientLog, Line: 801}},
		},
		Notes: []string{"log times printed without a zone were read as UTC (set --tz to change)"},
	}
	arp := analyzer.Finding{
		Cause: analyzer.StaleARPEntry, Rule: "stale-arp", Severity: analyzer.Critical, Confidence: 0.92,
		Title:    "Broker kafka-3 answers SYNs to a MAC the client no longer has",
		Summary:  "consumer-7 could not connect to node 3 (10.0.4.33:9092): the broker answered each SYN from 10.0.1.17, but addressed its SYN-ACKs to 0a:1b:2c:3d:4e:5f while the SYNs came from 0a:9f:8e:7d:6c:5b. The broker's neighbour entry for 10.0.1.17 is stale.",
		Subjects: []analyzer.Subject{{Node: "3", Addr: "10.0.4.33:9092", Client: "consumer-7"}},
		Remediation: []string{
			"On kafka-3, drop the stale entry: ip neigh flush 10.0.1.17",
			"Let neighbour garbage collection run on the brokers: sysctl -w net.ipv4.neigh.default.gc_thresh1=0",
		},
		Kinds:         []string{"packets", "client-log"},
		Explains:      []string{`2 "could not be established" warnings for node 3`},
		DisplayFilter: "ip.addr == 10.0.1.17 && tcp.port == 9092 && tcp.flags.syn == 1",
	}
	arp.AddEvidence(analyzer.Evidence{Location: analyzer.Location{Path: capPath, Frame: 17}, Time: fixtureTime("2024-05-02T10:00:00.101234Z"),
		Text: "SYN 10.0.1.17:51234 → 10.0.4.33:9092 from 0a:9f:8e:7d:6c:5b"})
	arp.AddEvidence(analyzer.Evidence{Location: analyzer.Location{Path: capPath, Frame: 18}, Time: fixtureTime("2024-05-02T10:00:00.101301Z"),
		Text: "SYN-ACK 10.0.4.33:9092 → 10.0.1.17:51234 to 0a:1b:2c:3d:4e:5f, not the SYN's source MAC"})
	arp.AddEvidence(analyzer.EventEvidence(&inc.Events[0]))
	unanswered := analyzer.Finding{
		Cause: analyzer.SynUnanswered, Rule: "syn-unanswered", Severity: analyzer.Warning, Confidence: 0.35,
		Title:       "Client SYNs to node 3 went unanswered",
		Summary:     "From the client's side the SYNs to 10.0.4.33:9092 got no answer; the broker-side capture shows the answers were sent, so the loss is on the way back.",
		Subjects:    []analyzer.Subject{{Node: "3", Addr: "10.0.4.33:9092"}},
		Remediation: []string{"Check security groups and firewalls between 10.0.1.17 and 10.0.4.33 for port 9092."},
		Kinds:       []string{"client-log"},
		Missing:     "a capture on the client host would show whether the SYN-ACKs arrive",
	}
	unanswered.AddEvidence(analyzer.EventEvidence(&inc.Events[1]))
	return &analyzer.Result{Incident: inc, Findings: []analyzer.Finding{arp, unanswered}}
}

// idleResetResult: an NLB forgets idle flows after 350 s and forges RSTs;
// librdkafka logs disconnects at a repeating connection age.
func idleResetResult() *analyzer.Result {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		panic(err)
	}
	const rdLog = "producer.log"
	const javaLog = "app/app.log"
	const capPath = "client.pcapng"
	disc := func(ts string, line int, ms int64) analyzer.Event {
		t := fixtureTime(ts)
		return analyzer.Event{Kind: analyzer.Disconnected, Time: t, Source: analyzer.Location{Path: rdLog, Line: line},
			Level: "INFO", Program: "librdkafka", Node: "2", NodeHost: "kafka-2", Client: "rdkafka#producer-1",
			State: "UP", AfterMs: ms, Reason: "Disconnected",
			Text: "%6|" + strconv.FormatInt(t.Unix(), 10) + ".201|FAIL|rdkafka#producer-1| [thrd:kafka-2:9092/2]: kafka-2:9092/2: Disconnected (after " + strconv.FormatInt(ms, 10) + "ms in state UP)"}
	}
	cfg := analyzer.Event{Kind: analyzer.ConfigValue, Time: fixtureTime("2024-05-02T08:00:00.5Z"), TimeGuessed: true,
		Source: analyzer.Location{Path: javaLog, Line: 42}, Program: "java-client", Client: "audit-producer",
		Text: "\tconnections.max.idle.ms = 540000"}
	inc := &analyzer.Incident{
		Zone: berlin,
		Inputs: []analyzer.InputStat{
			{Path: rdLog, Format: "librdkafka", Layout: "kcat", Events: 3, Lines: 204},
			{Path: javaLog, Format: "kafka-log", Layout: "logback", Events: 1, Lines: 950, Problems: []string{"line 77: line longer than 1 MiB, cut"}},
			{Path: capPath, Format: "pcap", Layout: "pcapng/SLL2", Packets: 231},
		},
		Events: []analyzer.Event{cfg,
			disc("2024-05-02T08:05:50.201Z", 101, 350012),
			disc("2024-05-02T08:11:41.090Z", 133, 350009)},
		Flows: []*flow.Flow{{
			UID: "Cx9", Capture: capPath, Orig: fixtureAddr("10.0.1.50:43122"), Resp: fixtureAddr("10.0.4.32:9092"),
			Start: fixtureTime("2024-05-02T08:00:00.189Z"), End: fixtureTime("2024-05-02T08:05:50.200Z"), State: "RSTR", History: "ShADadR",
			OrigPkts: 9, RespPkts: 8, OrigBytes: 2210, RespBytes: 4120, HandshakeDone: true,
			MaxIdle: 350 * time.Second, IdleBeforeEnd: 350 * time.Second, RSTBy: "resp",
			RST: &fixtureForgedRST, FirstFrame: 3, LastFrame: 88,
		}},
		Nodes: []analyzer.Node{{ID: "2", Host: "kafka-2", Addr: fixtureAddr("10.0.4.32:9092"), Source: analyzer.Location{Path: rdLog, Line: 7}}},
		Notes: []string{"log times printed without a zone were read as Europe/Berlin"},
	}
	f := analyzer.Finding{
		Cause: analyzer.IdleTimeoutReset, Rule: "idle-reset", Severity: analyzer.Critical, Confidence: 0.88,
		Title:    "A middlebox resets connections to kafka-2 after 350 s idle",
		Summary:  "Connections from rdkafka#producer-1 to node 2 (kafka-2) die after about 350 s without traffic: the capture shows an RST right after a 350 s silence, not sent by the broker's stack (TTL 64, the broker's packets had 61), and librdkafka logs each disconnect at the same age. The client's connections.max.idle.ms = 540000 is longer than the device's timeout.",
		Subjects: []analyzer.Subject{{Node: "2", Addr: "10.0.4.32:9092", Client: "rdkafka#producer-1"}},
		Remediation: []string{
			"Set connections.max.idle.ms below 350000 on the client (it is 540000 now), e.g. 300000.",
			"Or raise the load balancer's idle timeout above the client's connections.max.idle.ms.",
		},
		Kinds:         []string{"packets", "client-log"},
		Explains:      []string{"2 librdkafka disconnects after ~350 s in state UP"},
		DisplayFilter: "tcp.flags.reset == 1 && tcp.port == 9092",
	}
	f.AddEvidence(analyzer.Evidence{Location: analyzer.Location{Path: capPath, Frame: 88}, Time: fixtureTime("2024-05-02T08:05:50.2Z"),
		Text: "RST 10.0.4.32:9092 → 10.0.1.50:43122 after 5m50s of silence; TTL 64, the broker's packets had 61"})
	f.AddEvidence(analyzer.EventEvidence(&inc.Events[1]))
	f.AddEvidence(analyzer.EventEvidence(&inc.Events[2]))
	f.AddEvidence(analyzer.EventEvidence(&inc.Events[0]))
	return &analyzer.Result{Incident: inc, Findings: []analyzer.Finding{f}}
}

var fixtureForgedRST = flow.RSTInfo{Frame: 88, Time: fixtureTime("2024-05-02T08:05:50.2Z"), TTL: 64, IPID: 0, SenderTTL: 61, SenderPkts: 8,
	FingerprintMismatch: true, Why: "TTL 64, the broker's packets had 61"}

// healthyResult: a capture and a client log of an uneventful hour.
func healthyResult() *analyzer.Result {
	inc := &analyzer.Incident{
		Zone: time.UTC,
		Inputs: []analyzer.InputStat{
			{Path: "ok/client.pcap", Format: "pcap", Layout: "pcap/Ethernet", Packets: 1200},
			{Path: "ok/consumer.log", Format: "kafka-log", Layout: "log4j", Events: 2, Lines: 400},
		},
		Events: []analyzer.Event{{Kind: analyzer.Connected, Time: fixtureTime("2024-05-02T10:00:00Z"),
			Source: analyzer.Location{Path: "ok/consumer.log", Line: 10}, Node: "1", NodeHost: "kafka-1", Addr: fixtureAddr("10.0.4.31:9092"),
			Text: "[2024-05-02 10:00:00,000] INFO [Consumer clientId=c1, groupId=g] Completed connection to node 1. Fetching API versions. (org.apache.kafka.clients.NetworkClient)"}},
		Flows: []*flow.Flow{
			{UID: "Ch1", Capture: "ok/client.pcap", Orig: fixtureAddr("10.0.1.5:50000"), Resp: fixtureAddr("10.0.4.31:9092"),
				Start: fixtureTime("2024-05-02T10:00:00Z"), End: fixtureTime("2024-05-02T10:59:00Z"), State: "SF", History: "ShADadFf", FirstFrame: 1, LastFrame: 1200},
		},
		Nodes: []analyzer.Node{{ID: "1", Host: "kafka-1", Addr: fixtureAddr("10.0.4.31:9092")}},
		Notes: []string{"log times printed without a zone were read as UTC (set --tz to change)"},
	}
	return &analyzer.Result{Incident: inc}
}

// skippedResult: most inputs unreadable, one read with damage, nothing found.
func skippedResult() *analyzer.Result {
	inc := &analyzer.Incident{
		Zone: time.UTC,
		Inputs: []analyzer.InputStat{
			{Path: "bundle.zip!logs/server.log.3.gz", Skipped: "gzip: invalid header"},
			{Path: "bundle.zip!secret/keystore.jks", Skipped: "permission denied"},
			{Path: "bundle.zip!capture/eth0.pcapng", Format: "pcap", Layout: "pcapng/Ethernet", Packets: 310, Unparsed: 1,
				Problems: []string{"frame 311: unexpected EOF (capture cut short)"}},
			{Path: "bundle.zip!logs/app.log", Format: "kafka-log", Layout: "log4j", Events: 0, Lines: 3, Unparsed: 3,
				Problems: []string{"line 2: level \"\x1b[31mERROR\x1b[0m\" is not a log level", "line 3: \u202eexe.txt"}},
			{Path: "bundle.zip!notes|draft`1`.txt", Skipped: "unknown format: text in no known log layout (first line \"call | me `now`\")"},
		},
	}
	return &analyzer.Result{Incident: inc}
}
