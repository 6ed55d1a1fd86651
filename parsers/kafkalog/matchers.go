package kafkalog

import (
	"strconv"
	"strings"

	"github.com/kafkadiag/kafkadiag/analyzer"
)

// serverComponents print the broker lifecycle lines.
var serverComponents = map[string]bool{
	"KafkaServer": true, "BrokerServer": true, "KafkaRaftServer": true, "ControllerServer": true,
}

// serverLoggers print lifecycle lines; "starting" comes before the
// "[KafkaServer id=N] " prefix is set, so the logger alone must do.
var serverLoggers = map[string]bool{
	"kafka.server.KafkaServer": true, "kafka.server.BrokerServer": true,
	"kafka.server.KafkaRaftServer": true, "kafka.server.ControllerServer": true,
}

// matchLifecycle reads KafkaServer / BrokerServer / KafkaRaftServer
// start and stop lines (exact messages, so "started" elsewhere is no match).
func matchLifecycle(r *record, ev *analyzer.Event) bool {
	if !serverComponents[r.ctx.Component] && !serverLoggers[r.logger] {
		return false
	}
	msg := strings.TrimSpace(r.msg)
	switch {
	case msg == "starting" || msg == "Transition from SHUTDOWN to STARTING":
		ev.Kind, ev.Before = analyzer.BrokerStarting, r.before
	case msg == "started" || msg == "Kafka Server started" || msg == "Transition from STARTING to STARTED":
		ev.Kind = analyzer.BrokerStarted
	case msg == "shutting down" || msg == "Transition from STARTED to SHUTTING_DOWN":
		ev.Kind = analyzer.BrokerShuttingDown
	case strings.HasPrefix(msg, "Fatal error during ") && strings.Contains(msg, "startup"):
		ev.Kind, ev.Reason = analyzer.BrokerShuttingDown, "fatal error during startup"
	case msg == "shut down completed":
		ev.Kind = analyzer.BrokerShutDown
	case msg == "Starting controlled shutdown":
		ev.Kind, ev.Reason = analyzer.ControlledShutdown, "started"
	case strings.HasPrefix(msg, "Controlled shutdown request returned successfully") || msg == "Controlled shutdown succeeded":
		ev.Kind, ev.Reason = analyzer.ControlledShutdown, "succeeded"
	case strings.HasPrefix(msg, "Proceeding to do an unclean shutdown"):
		ev.Kind, ev.Reason = analyzer.ControlledShutdown, "failed: unclean shutdown"
	default:
		return false
	}
	ev.Program, ev.Node = "java-broker", r.ctx.ID
	if ev.Node == "" && r.brokerID != "" {
		ev.Node = r.brokerID
	}
	return true
}

func matchSignal(r *record, ev *analyzer.Event) bool {
	m := reSignal.FindStringSubmatch(r.msg)
	if m == nil {
		return false
	}
	ev.Kind, ev.Reason, ev.Signal = analyzer.SignalReceived, m[1], strings.TrimPrefix(m[1], "SIG")
	return true
}

// matchConnectFailed: "Connection to node N (addr) could not be
// established. Broker|Node may not be available." (all versions).
func matchConnectFailed(r *record, ev *analyzer.Event) bool {
	if !strings.Contains(r.msg, "could not be established") {
		return false
	}
	ev.Kind = analyzer.ConnectFailed
	setNode(r, ev)
	return true
}

// matchConnectTimeout: "Disconnecting from node N due to socket connection
// setup timeout. The timeout value is T ms." AfterMs is T.
func matchConnectTimeout(r *record, ev *analyzer.Event) bool {
	if !strings.Contains(r.msg, "socket connection setup timeout") {
		return false
	}
	ev.Kind = analyzer.ConnectTimeout
	setNode(r, ev)
	if m := reSetupTmo.FindStringSubmatch(r.msg); m != nil {
		ev.AfterMs = atoi64(m[1])
	}
	return true
}

func matchAuthTerminated(r *record, ev *analyzer.Event) bool {
	if !strings.Contains(r.msg, "terminated during authentication") {
		return false
	}
	ev.Kind = analyzer.AuthTerminated
	setNode(r, ev)
	return true
}

// matchFailedAuth reads the definite authentication failures: client
// "Connection to node N (addr) failed authentication due to: X", Selector
// "Failed authentication with /ip (X)" and the 1.0-2.1 DEBUG wording.
func matchFailedAuth(r *record, ev *analyzer.Event) bool {
	detail := ""
	switch m := findIf(strings.Contains(r.msg, "authentication "), reFailedAuth, r.msg); {
	case m != nil:
		detail = m[1] + m[2]
	case strings.Contains(r.msg, "disconnected due to authentication exception"):
	default:
		return false
	}
	setNode(r, ev)
	setPeer(r, ev)
	if strings.Contains(detail, "SSL handshake failed") || r.isSSL() {
		ev.Kind, ev.Reason = analyzer.SSLHandshakeFailed, sslReason(r, detail)
		return true
	}
	ev.Kind, ev.Reason = analyzer.SASLAuthFailed, strings.TrimPrefix(detail, "errorMessage=")
	if ev.Reason == "" && ev.ExceptionMsg != "" {
		ev.Reason = ev.ExceptionMsg
	}
	return true
}

// matchInvalidReceive: "Invalid receive (size = N larger than M)" in the
// message or an exception; Peer from "Unexpected error from /ip".
func matchInvalidReceive(r *record, ev *analyzer.Event) bool {
	m := r.find(reInvalidRcv)
	if m == nil {
		return false
	}
	ev.Kind, ev.Size, ev.Reason = analyzer.InvalidReceive, atoi64(m[1]), m[0]
	// Clients read with no size limit and never throw this (catalog §2.4).
	ev.Program = "java-broker"
	setPeer(r, ev)
	return true
}

// matchBatchExpired reads every TimeoutException "Expiring N record(s)"
// variant (2.1+ without a space after the colon, 0.10-2.0 with one).
func matchBatchExpired(r *record, ev *analyzer.Event) bool {
	m := r.find(reExpiring)
	if m == nil {
		return false
	}
	n, _ := strconv.Atoi(m[1])
	ev.Kind, ev.Count, ev.TopicPartition, ev.AgeMs = analyzer.BatchExpired, n, m[2], atoi64(m[3])
	ev.Reason = "since " + m[4]
	return true
}

// matchRequestTimeout: the client's own disconnect after request.timeout.ms,
// REQUEST_TIMED_OUT produce errors and admin calls that timed out.
func matchRequestTimeout(r *record, ev *analyzer.Event) bool {
	switch {
	case strings.Contains(r.msg, "due to request timeout"):
		setNode(r, ev)
		ev.Reason = "request timeout"
	case strings.Contains(r.msg, "Error: REQUEST_TIMED_OUT"):
		if m := reProduceErr.FindStringSubmatch(r.msg); m != nil {
			ev.TopicPartition = m[1]
		}
		ev.Reason = "REQUEST_TIMED_OUT"
	default:
		x, ok := r.timeoutException()
		if !ok || !r.kafkaOrigin {
			return false
		}
		ev.Reason = x.msg
		setNode(r, ev)
	}
	ev.Kind = analyzer.RequestTimeout
	return true
}

// timeoutException finds a Kafka TimeoutException that reports a timed-out
// request or call (not an expired batch, matched before).
func (r *record) timeoutException() (javaException, bool) {
	for _, x := range r.excs {
		if strings.HasSuffix(x.class, "errors.TimeoutException") &&
			(strings.Contains(x.msg, "timed out") || strings.HasPrefix(x.msg, "Timed out")) {
			return x, true
		}
	}
	return javaException{}, false
}

// matchQuota: "Rejected connection from /ip, address already has the
// configured maximum of N connections."
func matchQuota(r *record, ev *analyzer.Event) bool {
	if !strings.Contains(r.msg, "Rejected connection from") {
		return false
	}
	ev.Kind, ev.Program = analyzer.ConnectionQuota, "java-broker"
	setPeer(r, ev)
	if _, after, ok := strings.Cut(r.msg, "maximum of "); ok {
		ev.Reason = "maximum of " + strings.TrimSuffix(after, ".")
	}
	return true
}

// maxListed bounds the partition list a Reason quotes: Kafka prints at
// most ten, but a line is untrusted.
const maxListed = 300

// cut returns s cut to n bytes, "…" marking a cut.
func cut(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "") + "…"
}

// matchListenerNotFound reads NetworkClient's metadata warning "N
// partitions have leader brokers without a matching listener, including
// [t-0, …]" (Kafka 2.0+, KAFKA-6546). The broker answers LISTENER_NOT_FOUND
// when a partition's leader is registered but has no endpoint for the
// listener name the metadata request came in on: listener names that
// differ between brokers, or (KRaft) a fenced leader during a restart. The
// broker logs its side only at DEBUG. Count is N, TopicPartition the first
// partition listed; Reason the listed ones as printed.
func matchListenerNotFound(r *record, ev *analyzer.Event) bool {
	m := findIf(strings.Contains(r.msg, "without a matching listener"), reNoListener, r.msg)
	if m == nil {
		return false
	}
	n, _ := strconv.Atoi(m[1])
	ev.Kind, ev.Count, ev.TopicPartition = analyzer.ListenerNotFound, n, m[2]
	ev.Reason = "LISTENER_NOT_FOUND"
	if _, list, ok := strings.Cut(r.msg, "including "); ok {
		ev.Reason = "LISTENER_NOT_FOUND for " + cut(strings.TrimSpace(list), maxListed)
	}
	return true
}

// matchConnected: the DEBUG "Completed connection to node N. Fetching API
// versions."; an INFO line of that text is not Kafka's and is ignored.
func matchConnected(r *record, ev *analyzer.Event) bool {
	if !strings.HasPrefix(r.msg, "Completed connection to node ") || (r.level != "DEBUG" && r.level != "TRACE") {
		return false
	}
	ev.Kind = analyzer.Connected
	setNode(r, ev)
	return true
}

// matchResolve reads DNS failures: ClientUtils' "Couldn't resolve server",
// "No resolvable bootstrap urls", and UnknownHost/UnresolvedAddress
// exceptions of Kafka's.
func matchResolve(r *record, ev *analyzer.Event) bool {
	if m := reResolve.FindStringSubmatch(r.msg); m != nil {
		ev.Kind, ev.Reason = analyzer.ResolveFailed, "DNS resolution failed"
		host := m[2]
		if ep, ok := parseEndpoint(m[1]); ok && ep.Host != "" {
			host = ep.Host
		}
		ev.NodeHost = strings.TrimSuffix(host, ".")
		return true
	}
	if r.text("No resolvable bootstrap urls") {
		ev.Kind, ev.Reason = analyzer.ResolveFailed, "No resolvable bootstrap urls given in bootstrap.servers"
		return true
	}
	if !r.kafkaOrigin {
		return false
	}
	var hit *javaException
	for i := range r.excs {
		x := &r.excs[i]
		if strings.HasSuffix(x.class, "UnknownHostException") || strings.HasSuffix(x.class, "UnresolvedAddressException") {
			hit = x
			break
		}
		if hit == nil && strings.HasPrefix(x.msg, "Can't resolve address") {
			hit = x
		}
	}
	if hit == nil {
		return false
	}
	ev.Kind, ev.Reason = analyzer.ResolveFailed, hit.class
	setNode(r, ev)
	if strings.HasSuffix(hit.class, "UnknownHostException") && ev.NodeHost == "" {
		if h, _, _ := strings.Cut(hit.msg, ":"); validHostName(h) {
			ev.NodeHost = h
		}
	}
	return true
}

// matchBrokerOOM reads java.lang.OutOfMemoryError in a broker's own log: the
// JVM ran out of heap or direct memory. It often dies soon after (or runs
// on broken) — a crash the kernel's OOM killer had no part in.
func matchBrokerOOM(r *record, ev *analyzer.Event) bool {
	if ev.Program != "java-broker" {
		return false
	}
	for _, x := range r.excs {
		if x.class == "java.lang.OutOfMemoryError" {
			ev.Kind, ev.Exception, ev.ExceptionMsg, ev.Reason = analyzer.JVMOutOfMemory, x.class, x.msg, x.msg
			return true
		}
	}
	return false
}

// matchOOMHint reads the KAFKA-4493 signature: a Java client that speaks
// plaintext to a TLS listener reads the TLS alert as a 352518912-byte
// response size and dies allocating it, an OutOfMemoryError in Kafka's
// network code. It is a hint about security.protocol, not proof. The
// Reason says whether a stack frame shows the allocation in
// NetworkReceive (the rules count only that one as the signature): an
// OutOfMemoryError elsewhere in a Kafka thread may be the application's
// own heap running out.
func matchOOMHint(r *record, ev *analyzer.Event) bool {
	if !r.kafkaOrigin || isBrokerLogger([]byte(r.logger)) || brokerComponents[r.ctx.Component] {
		return false
	}
	for _, x := range r.excs {
		if x.class == "java.lang.OutOfMemoryError" {
			ev.Kind, ev.Exception, ev.ExceptionMsg = analyzer.SecurityProtocolHint, x.class, x.msg
			ev.Reason = "OutOfMemoryError in a Kafka client thread, no stack frame says where: plaintext client on a TLS listener? (KAFKA-4493)"
			if r.receiveFrame {
				ev.Reason = "OutOfMemoryError allocating a receive in NetworkReceive: plaintext client on a TLS listener? (KAFKA-4493)"
			}
			if ev.Client == "" {
				ev.Client = threadClient(r.msg)
			}
			return true
		}
	}
	return false
}

// clientThreads are the Java client's network threads, named
// "<prefix> | <client.id>"; KafkaThread's handler names the thread that
// died ("Uncaught exception in thread 'kafka-admin-client-thread |
// adminclient-1':") where no log context names the client.
var clientThreads = []string{"kafka-producer-network-thread | ", "kafka-admin-client-thread | "}

// threadClient returns the client id a client network thread's name in
// msg carries, "" when there is none.
func threadClient(msg string) string {
	for _, p := range clientThreads {
		i := strings.Index(msg, p)
		if i < 0 {
			continue
		}
		id := msg[i+len(p):]
		if end := strings.IndexAny(id, "' ]"); end >= 0 {
			id = id[:end]
		}
		return id
	}
	return ""
}

// matchFDExhausted reads the broker running out of file descriptors:
// "java.io.IOException: Too many open files" under the Acceptor's "Error
// while accepting connection", or under a log segment that failed to open.
// Peer is not known: the connection was never accepted.
func matchFDExhausted(r *record, ev *analyzer.Event) bool {
	if ev.Program != "java-broker" || !r.text("Too many open files") {
		return false
	}
	ev.Kind, ev.Reason = analyzer.FDExhausted, "Too many open files"
	if ev.Node == "" {
		ev.Node = r.brokerID
	}
	return true
}

// matchSocketError reads refused, reset and broken-pipe errors carried by
// a Kafka line or a Kafka stack trace (a ZooKeeper or application reset
// says nothing about Kafka's connections).
func matchSocketError(r *record, ev *analyzer.Event) bool {
	if !r.kafkaOrigin {
		return false
	}
	switch {
	case r.text("Connection refused"):
		ev.Kind, ev.Reason = analyzer.ConnectRefused, "Connection refused"
	case r.text("Connection reset by peer") || r.exceptionMsg("Connection reset"):
		ev.Kind, ev.Reason = analyzer.ConnectionReset, "Connection reset by peer"
	case r.text("Broken pipe"):
		ev.Kind, ev.Reason = analyzer.BrokenPipe, "Broken pipe"
	default:
		return false
	}
	setNode(r, ev)
	setPeer(r, ev)
	return true
}

// exceptionMsg reports an exception whose message is exactly s.
func (r *record) exceptionMsg(s string) bool {
	for _, x := range r.excs {
		if x.msg == s {
			return true
		}
	}
	return false
}

// matchSecurity reads TLS and SASL failures known only from exceptions.
func matchSecurity(r *record, ev *analyzer.Event) bool {
	if !r.kafkaOrigin {
		return false
	}
	switch {
	case r.isSSL():
		ev.Kind, ev.Reason = analyzer.SSLHandshakeFailed, sslReason(r, "")
	case r.isSASL():
		ev.Kind = analyzer.SASLAuthFailed
		if x, ok := r.relevantException(); ok {
			ev.Reason = x.msg
		}
	default:
		return false
	}
	setNode(r, ev)
	setPeer(r, ev)
	return true
}

func (r *record) isSSL() bool {
	for _, x := range r.excs {
		if strings.HasSuffix(x.class, "SSLHandshakeException") || strings.HasSuffix(x.class, "SslAuthenticationException") {
			return true
		}
	}
	return r.text("SSL handshake failed") || r.text("SSL Handshake failed")
}

func (r *record) isSASL() bool {
	for _, x := range r.excs {
		if strings.HasSuffix(x.class, "SaslAuthenticationException") {
			return true
		}
	}
	return r.text("Unexpected Kafka request of type") || r.text("Unexpected handshake request with client mechanism") ||
		r.text("Invalid SASL mechanism response")
}

// The reasons of the two lines a producer logs for one lost produce
// request (see LineDecoder.retold).
const (
	reasonCancelledProduce    = "in-flight PRODUCE request cancelled"
	reasonProduceDisconnected = "produce request failed: disconnected"
)

// matchDisconnect reads the plain disconnect lines.
func matchDisconnect(r *record, ev *analyzer.Event) bool {
	msg := strings.TrimSpace(r.msg)
	if m := reNodeDisc.FindStringSubmatch(msg); m != nil {
		ev.Kind, ev.Node = analyzer.NodeDisconnected, m[1]
		return true
	}
	if strings.HasPrefix(msg, "Bootstrap broker ") && strings.HasSuffix(msg, " disconnected") {
		ev.Kind = analyzer.NodeDisconnected
		setNode(r, ev)
		if ev.Node == "" {
			if m := reOldBoot.FindStringSubmatch(msg); m != nil {
				if ep, ok := parseEndpoint(m[1]); ok {
					ev.NodeHost, ev.Addr = ep.Host, ep.Addr
				}
			}
		}
		return true
	}
	switch m := reIdleDisc.FindStringSubmatch(msg); {
	case m != nil:
		ev.Kind, ev.Node, ev.Reason = analyzer.Disconnected, m[1], "idle connection closed by client"
		return true
	case strings.HasPrefix(msg, "Connection with ") && strings.Contains(msg, " disconnected"):
		ev.Kind, ev.Reason = analyzer.Disconnected, "closed by peer"
		if x, ok := r.relevantException(); ok {
			ev.Reason = x.class
		}
		setPeer(r, ev)
		return true
	}
	if m := reCancelled.FindStringSubmatch(msg); m != nil {
		ev.Kind, ev.Node, ev.AfterMs = analyzer.Disconnected, m[2], atoi64(m[3])
		if ev.Reason = reasonCancelledProduce; m[1] != "PRODUCE" {
			ev.Reason = "in-flight " + m[1] + " request cancelled"
		}
		return true
	}
	if m := reFetchErr.FindStringSubmatch(msg); m != nil && r.text("DisconnectException") {
		ev.Kind, ev.Node, ev.Reason = analyzer.Disconnected, m[1], "fetch request failed: disconnected"
		return true
	}
	if m := reProduceNet.FindStringSubmatch(msg); m != nil {
		// The producer's Sender: the connection carrying a produce request
		// dropped before the response came (2.x+ name the node; older
		// clients print the error code alone).
		ev.Kind, ev.Node, ev.TopicPartition = analyzer.Disconnected, m[2], m[1]
		ev.Reason = reasonProduceDisconnected
		return true
	}
	if strings.HasPrefix(msg, "Error connecting to node ") {
		ev.Kind = analyzer.ConnectFailed
		setNode(r, ev)
		return true
	}
	return false
}

// sslPhrases are the TLS failure details worth a Reason, most specific
// first; extend takes the phrase's clause up to ")", ";" or the end.
var sslPhrases = [...]struct {
	phrase string
	extend bool
}{
	{"PKIX path building failed", false},
	{"No subject alternative names", true},
	{"No subject alternative DNS name", true},
	{"No name matching", true},
	{"Unsupported or unrecognized SSL message", false},
	{"Unrecognized SSL message", false},
	{"Received fatal alert: ", true},
	{"NotAfter", true},
	{"certificate expired", false},
	{"No appropriate protocol", false},
	{"no cipher suites in common", false},
	{"Empty client certificate chain", false},
	{"Empty server certificate chain", false},
	{"Remote host terminated the handshake", false},
	{"Remote host closed connection during handshake", false},
	{"EOF during handshake", false},
	{"SSL handshake status CLOSED during handshake", false},
}

// sslReason names the useful detail of a TLS failure.
func sslReason(r *record, detail string) string {
	texts := make([]string, 0, len(r.excs)+2)
	texts = append(texts, detail, r.msg)
	for _, x := range r.excs {
		texts = append(texts, x.msg)
	}
	for _, p := range sslPhrases {
		for _, t := range texts {
			i := strings.Index(t, p.phrase)
			if i < 0 {
				continue
			}
			if !p.extend {
				return p.phrase
			}
			s := t[i:]
			if j := strings.IndexAny(s, ");\n"); j >= 0 {
				s = s[:j]
			}
			if len(s) > 160 {
				s = s[:160]
			}
			return strings.TrimSpace(s)
		}
	}
	return "SSL handshake failed"
}
