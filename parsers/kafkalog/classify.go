package kafkalog

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/kafkadiag/kafkadiag/analyzer"
)

// keywords is the pre-filter: a record is classified only when its first
// line or one of its exception lines contains one of these. Every
// template classify matches contains at least one of them. Each is at
// least 4 bytes long (see prefilter.go for how they are found).
var keywords = [...]string{
	"could not be established", "setup timeout", "terminated during",
	"uthentication", "Invalid receive", "Expiring ", "request timeout",
	"TIMED_OUT", "timed out", "Timed out", "Rejected connection", "Completed connection",
	"resolv", "UnknownHost", "UnresolvedAddress", "refused",
	"Connection reset", "Broken pipe", "SSL ", "SSLH", "SSLE", "SSLP", "disconnected",
	"Error connecting", "due to signal", "Transition from ",
	"ontrolled shutdown", "unclean shutdown", "Kafka Server started",
	"] start", "] shut", "], start", "], shut",
	"Error sending fetch", "Cancelled in-flight", "during broker startup",
	"KafkaServer startup", "OutOfMemoryError", "Too many open files",
	"NETWORK_EXCEPTION", "without a matching listener",
}

var (
	reNodeString = regexp.MustCompile(`([^\s(),]+):(\d+) \(id: (-?\d+) rack: [^)]*\)`)
	reOldBoot    = regexp.MustCompile(`^Bootstrap broker (\S+) disconnected`)
	reSetupTmo   = regexp.MustCompile(`The timeout value is (\d+) ms`)
	reInvalidRcv = regexp.MustCompile(`Invalid receive \(size = (-?\d+)(?: larger than (\d+))?\)`)
	reExpiring   = regexp.MustCompile(`Expiring (\d+) record\(s\) for (\S+?-\d+): ?(\d+) ms has passed since (batch creation|last append|last attempt)`)
	rePeer       = regexp.MustCompile(`(?:[Ff]ailed (?:re-)?authentication with|Connection with|Unexpected error from|Rejected connection from) ([^\s;,()]+)`)
	reResolve    = regexp.MustCompile(`Couldn't resolve server (\S+) from \S+ as DNS resolution (?:of the canonical hostname \S+ )?failed for (\S+)`)
	reCancelled  = regexp.MustCompile(`Cancelled in-flight (\w+) request with correlation id \d+ due to node (-?\d+) being disconnected \(elapsed time since creation: \d+ms, elapsed time since send: (\d+)ms`)
	reSignal     = regexp.MustCompile(`Terminating process due to signal (SIG[A-Z0-9]+)`)
	reNodeDisc   = regexp.MustCompile(`^Node (-?\d+) disconnected\.$`)
	reIdleDisc   = regexp.MustCompile(`^Idle connection to node (-?\d+) disconnected\.`)
	reFailedAuth = regexp.MustCompile(`[Ff]ailed (?:re-)?authentication (?:with \S+(?: \(channelId=[^)]*\))? \((.*)\)$|due to: (.*)$)`)
	reProduceErr = regexp.MustCompile(`on topic-partition (\S+?), retrying .* Error: REQUEST_TIMED_OUT`)
	reFetchErr   = regexp.MustCompile(`^Error sending fetch request \([^)]*\) to node (-?\d+)`)
	reProduceNet = regexp.MustCompile(`^Got error produce response with correlation id \d+ on topic-partition (\S+?), retrying \(\d+ attempts left\)\. Error: NETWORK_EXCEPTION(?:\. Error Message: Disconnected from node (-?\d+))?`)
	reNoListener = regexp.MustCompile(`(\d+) partitions? have leader brokers without a matching listener, including \[([^\],\s]*)`)
)

// record is a candidate entry turned into strings for classification.
type record struct {
	evText  string // Event.Text: the first line cut to MaxTextLen
	compose string // the docker compose service, "" when none
	full    string // first-line message with its context prefix
	msg     string // the message after the context prefix
	ctx     logContext
	logger  string
	level   string
	// brokerID is the decoder's idea of whose broker log this is.
	brokerID string
	excs     []javaException
	// kafkaOrigin is set when the logger, the context or a stack frame is
	// Kafka's: only then do bare socket exceptions count.
	kafkaOrigin bool
	// receiveFrame is entry.receiveFrame: a frame of NetworkReceive.read….
	receiveFrame bool
	// before is entry.before: the previous record's time.
	before time.Time
}

// javaException is one exception line of an entry.
type javaException struct{ class, msg string }

// newRecord fills r, reusing its exception slice, with the record of a
// candidate entry. Text, the message and the logger are cut from one copy
// of the first line (see lineStrings) instead of three.
func newRecord(r *record, e *entry) {
	text, line := e.lineStrings()
	*r = record{
		evText: text, compose: line[:e.composeEnd], full: line[e.msgStart:e.msgEnd], logger: line[e.loggerStart:e.loggerEnd],
		level: e.level, kafkaOrigin: e.kafkaOrigin, receiveFrame: e.receiveFrame, excs: r.excs[:0], before: e.before,
	}
	r.ctx, r.msg = parseContext(skipConnectorContext(r.full))
	if r.ctx.Component == "" && strings.HasPrefix(r.full, "[Kafka Server ") { // 0.x "[Kafka Server 1], started"
		if i := strings.Index(r.full, "], "); i > 0 {
			r.ctx = logContext{Component: "KafkaServer", ID: r.full[len("[Kafka Server "):i]}
			r.msg = r.full[i+3:]
		}
	}
	if clientComponents[r.ctx.Component] || brokerComponents[r.ctx.Component] {
		r.kafkaOrigin = true
	}
	if strings.HasPrefix(r.logger, "org.apache.zookeeper") {
		r.kafkaOrigin = false
	}
	if x, ok := inlineException(r.full); ok {
		r.excs = append(r.excs, x)
	}
	start := 0
	for _, end := range e.excEnds {
		line := string(e.excs[start:end])
		start = end
		cls, msg, _ := strings.Cut(line, ": ")
		r.excs = append(r.excs, javaException{class: strings.TrimSuffix(cls, ":"), msg: msg})
	}
}

// inlineException finds an exception a layout printed on the message's own
// line, after ": " ("Error connecting to node broker:9092 (id: 1 rack:
// null): java.net.UnknownHostException: broker"), as JBoss LogManager
// (Quarkus, WildFly) and "%m: %ex{short}" patterns do; log4j's and
// logback's defaults print it on the next line instead.
func inlineException(msg string) (javaException, bool) {
	for rest := msg; ; {
		i := strings.Index(rest, ": ")
		if i < 0 {
			return javaException{}, false
		}
		rest = rest[i+2:]
		if isExceptionLine([]byte(rest)) {
			cls, m, _ := strings.Cut(rest, ": ")
			return javaException{class: strings.TrimSuffix(cls, ":"), msg: m}, true
		}
	}
}

// lineSlack is how far past Text the other spans of a first line may
// reach and still share Text's copy: further, and every event's Text
// would keep alive bytes it does not need, so the line is copied twice.
const lineSlack = 256

// lineStrings returns Text and a string of the first line that the
// compose, message and logger spans index; for most lines both come
// from one copy.
func (e *entry) lineStrings() (text, line string) {
	n := max(e.composeEnd, e.msgEnd, e.loggerEnd)
	if n > e.textEnd+lineSlack {
		return string(e.text()), string(e.line[:n])
	}
	line = string(e.line[:max(n, e.textEnd)])
	return line[:e.textEnd], line
}

// skipConnectorContext drops Kafka Connect's "%X{connector.context}"
// ("[my-sink|task-0] ") that precedes the client's own log context.
func skipConnectorContext(msg string) string {
	if !strings.HasPrefix(msg, "[") {
		return msg
	}
	end := strings.Index(msg, "] ")
	if end < 0 || !strings.Contains(msg[:end], "|") || strings.Contains(msg[:end], "=") {
		return msg
	}
	return msg[end+2:]
}

// text reports whether s is in the message or any exception line.
func (r *record) text(s string) bool {
	if strings.Contains(r.full, s) {
		return true
	}
	for _, x := range r.excs {
		if strings.Contains(x.msg, s) || strings.Contains(x.class, s) {
			return true
		}
	}
	return false
}

// find returns the first submatch of re in the message or exceptions.
func (r *record) find(re *regexp.Regexp) []string {
	if m := re.FindStringSubmatch(r.full); m != nil {
		return m
	}
	for _, x := range r.excs {
		if m := re.FindStringSubmatch(x.msg); m != nil {
			return m
		}
	}
	return nil
}

// relevantException picks the exception worth naming: the deepest cause
// from the network, TLS or Kafka packages, else the first one printed.
func (r *record) relevantException() (javaException, bool) {
	if len(r.excs) == 0 {
		return javaException{}, false
	}
	for i := len(r.excs) - 1; i >= 0; i-- {
		c := r.excs[i].class
		for _, p := range [...]string{"javax.net.ssl.", "java.net.", "java.io.", "java.nio.channels.", "org.apache.kafka.", "javax.security.sasl."} {
			if strings.HasPrefix(c, p) {
				return r.excs[i], true
			}
		}
	}
	return r.excs[0], true
}

// matcher classifies a record into ev, reporting whether it matched.
type matcher func(r *record, ev *analyzer.Event) bool

// matchers run in order; the first that matches names the event. Exact
// templates come first, then exception-driven kinds, then plain
// disconnect lines, so the most specific reading wins.
var matchers = []matcher{
	matchLifecycle, matchSignal, matchConnectFailed, matchConnectTimeout, matchAuthTerminated,
	matchFailedAuth, matchInvalidReceive, matchBatchExpired, matchRequestTimeout, matchQuota, matchListenerNotFound,
	matchConnected, matchResolve, matchBrokerOOM, matchOOMHint, matchFDExhausted, matchSocketError, matchSecurity, matchDisconnect,
}

// emitEntry classifies a candidate entry and sends its event and the
// nodes it names.
func (d *LineDecoder) emitEntry(e *entry) {
	r := &d.rec
	newRecord(r, e)
	if brokerComponents[r.ctx.Component] {
		d.sawBroker = true
		if (serverComponents[r.ctx.Component] || r.ctx.Component == "SocketServer") && r.ctx.ID != "" {
			d.brokerID = r.ctx.ID
		}
	}
	r.brokerID = d.brokerID
	d.learnNodes(r.full, e.loc)
	// ev lives in the decoder: matchers take its address, which would
	// otherwise move every candidate's Event to the heap.
	ev := &d.ev
	*ev = analyzer.Event{
		Time: e.time, TimeGuessed: e.timeGuessed, NoDate: e.noDate, Source: e.loc, Level: e.level,
		Program: d.program(r), Host: e.host, Client: r.ctx.Client, Group: r.ctx.Group,
		Text: r.evText,
	}
	if e.hostFromCompose {
		ev.Host = r.compose
	}
	if x, ok := r.relevantException(); ok {
		ev.Exception, ev.ExceptionMsg = x.class, x.msg
	}
	for _, m := range matchers {
		if m(r, ev) {
			if ev.Node == "" && ev.Program == "java-broker" {
				// The line names no node, so it is about this broker
				// itself. A host name read from the peer's socket
				// ("Failed authentication with client-7/10.0.0.7") is
				// the other end's: kept, it would rename this broker.
				if ev.Peer.IsValid() {
					ev.NodeHost = ""
				}
				ev.Node = r.ctx.ID
				if !serverComponents[r.ctx.Component] && r.ctx.Component != "SocketServer" {
					ev.Node = d.brokerID
				}
			}
			if d.retold(ev) {
				return
			}
			d.stats.Events++
			d.sink.Event(*ev)
			return
		}
	}
}

// retold reports whether ev only retells a disconnect the client logged
// just before: NetworkClient cancels the in-flight PRODUCE request
// ("Cancelled in-flight PRODUCE request … due to node N being
// disconnected"), then the Sender logs the same loss as a NETWORK_EXCEPTION
// produce response. Kept, one disconnect would count twice. It remembers
// each cancelled produce request for the next line.
func (d *LineDecoder) retold(ev *analyzer.Event) bool {
	switch {
	case ev.Kind == analyzer.Disconnected && ev.Reason == reasonCancelledProduce:
		d.cancelled = cancelledProduce{client: ev.Client, node: ev.Node, at: ev.Time}
	case ev.Kind == analyzer.Disconnected && ev.Reason == reasonProduceDisconnected:
		c := d.cancelled
		d.cancelled = cancelledProduce{}
		return !c.at.IsZero() && c.client == ev.Client && (ev.Node == "" || ev.Node == c.node) &&
			ev.Time.Sub(c.at) >= 0 && ev.Time.Sub(c.at) <= time.Second
	}
	return false
}

// program tells a broker's line from a client's: by context, then logger,
// then by what the input showed so far.
func (d *LineDecoder) program(r *record) string {
	switch {
	case brokerComponents[r.ctx.Component]:
		return "java-broker"
	case clientComponents[r.ctx.Component]:
		return "java-client"
	case isBrokerLogger([]byte(r.logger)):
		return "java-broker"
	case isClientLogger(r.logger):
		return "java-client"
	case d.sawBroker:
		return "java-broker"
	}
	return "java-client"
}

// setNode fills Node, NodeHost and Addr from the first node reference.
// "node N (address)" and "node N" are found by hand (see findNodeAddr);
// reNodeString runs only when its literal is in the message: a regexp
// without a literal prefix walks the whole message even to fail.
func setNode(r *record, ev *analyzer.Event) {
	if id, addr, _, ok := findNodeAddr(r.msg, 0); ok {
		ev.Node = id
		if ep, ok := parseEndpoint(addr); ok {
			ev.NodeHost, ev.Addr = ep.Host, ep.Addr
		}
		return
	}
	if m := findIf(strings.Contains(r.msg, " (id: "), reNodeString, r.msg); m != nil {
		ev.Node = m[3]
		if ep, ok := parseEndpoint(m[1] + ":" + m[2]); ok {
			ev.NodeHost, ev.Addr = ep.Host, ep.Addr
		}
		return
	}
	if id, ok := findNodeID(r.msg); ok {
		ev.Node = id
	}
}

// findIf is re.FindStringSubmatch(s) when need is set, nil otherwise.
func findIf(need bool, re *regexp.Regexp, s string) []string {
	if !need {
		return nil
	}
	return re.FindStringSubmatch(s)
}

// setPeer fills Peer (and NodeHost when a name was printed) from the
// socket description of a Selector line.
func setPeer(r *record, ev *analyzer.Event) {
	// Every alternative of rePeer ends in " with " or " from ".
	m := findIf(strings.Contains(r.msg, "with ") || strings.Contains(r.msg, "from "), rePeer, r.msg)
	if m == nil {
		return
	}
	if a, ok := parsePeer(m[1]); ok {
		ev.Peer = a
	}
	if name, _, ok := strings.Cut(m[1], "/"); ok && name != "" && validHostName(name) {
		ev.NodeHost = name
	}
}

func atoi64(s string) int64 {
	v, _ := strconv.ParseInt(s, 10, 64)
	return v
}
