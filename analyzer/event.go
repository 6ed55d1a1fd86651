package analyzer

import (
	"net/netip"
	"time"
)

// EventKind names what a log line means, independent of which program
// printed it: a Java client's "could not be established" and librdkafka's
// "Connect to ... failed: Connection refused" are both ConnectRefused.
type EventKind string

// Event kinds. Rules match on these, never on raw text.
const (
	// Connection attempts.
	ConnectRefused  EventKind = "connect-refused"  // RST to the SYN: nothing listens
	ConnectTimeout  EventKind = "connect-timeout"  // no answer to the SYN
	ConnectFailed   EventKind = "connect-failed"   // failed, cause not stated (Java "could not be established")
	ConnectNoRoute  EventKind = "connect-no-route" // EHOSTUNREACH / ENETUNREACH
	ResolveFailed   EventKind = "resolve-failed"   // host name did not resolve
	Connected       EventKind = "connected"        // connection (and handshake) succeeded
	Disconnected    EventKind = "disconnected"     // an established connection closed
	ConnectionReset EventKind = "connection-reset" // ECONNRESET seen by this side
	BrokenPipe      EventKind = "broken-pipe"
	// NodeDisconnected is the Java client's "Node N disconnected." and
	// similar one-line symptoms.
	NodeDisconnected EventKind = "node-disconnected"

	// Security layer.
	AuthTerminated       EventKind = "auth-terminated"        // "terminated during authentication"
	SSLHandshakeFailed   EventKind = "ssl-handshake-failed"   // Reason holds the detail
	SASLAuthFailed       EventKind = "sasl-auth-failed"       //
	SecurityProtocolHint EventKind = "security-protocol-hint" // librdkafka "might be caused by incorrect security.protocol"
	InvalidReceive       EventKind = "invalid-receive"        // broker read a bogus size; Size holds it

	// Requests.
	RequestTimeout  EventKind = "request-timeout"
	BatchExpired    EventKind = "batch-expired" // Count records of TopicPartition, AgeMs old
	ConnectionQuota EventKind = "connection-quota"
	// ListenerNotFound is the Java client's "N partitions have leader
	// brokers without a matching listener, including [t-0, …]": the
	// metadata named a leader that has no endpoint for the listener this
	// client came in on (error LISTENER_NOT_FOUND, Kafka 2.0+). Count is
	// N, TopicPartition the first partition listed.
	ListenerNotFound EventKind = "listener-not-found"
	// FDExhausted is the broker's "Too many open files": it ran out of
	// file descriptors and can accept no connection (nor open a segment)
	// until some close. Clients see connects time out or fail meanwhile.
	FDExhausted EventKind = "fd-exhausted"

	// Broker lifecycle, from its own log.
	BrokerStarting     EventKind = "broker-starting"
	BrokerStarted      EventKind = "broker-started"
	BrokerShuttingDown EventKind = "broker-shutting-down"
	BrokerShutDown     EventKind = "broker-shut-down"
	ControlledShutdown EventKind = "controlled-shutdown"
	SignalReceived     EventKind = "signal-received" // "Terminating process due to signal SIGTERM"
	// JVMOutOfMemory is java.lang.OutOfMemoryError in the broker's own log:
	// its heap (or direct memory) ran out. Reason holds the message ("Java
	// heap space"). The kernel's OOM killer is OOMKill, not this.
	JVMOutOfMemory EventKind = "jvm-out-of-memory"

	// Service manager and kernel, from the journal.
	ServiceStarting   EventKind = "service-starting"
	ServiceStarted    EventKind = "service-started"
	ServiceStopping   EventKind = "service-stopping"
	ServiceStopped    EventKind = "service-stopped"
	ServiceFailed     EventKind = "service-failed" // "Failed with result 'x'": Reason = x
	ProcessKilled     EventKind = "process-killed" // "Main process exited, code=killed": Signal
	ProcessExited     EventKind = "process-exited" // exited with a non-zero status
	OOMKill           EventKind = "oom-kill"       // kernel or systemd OOM kill; PID, Reason = process name
	NeighbourOverflow EventKind = "neighbour-table-overflow"
	ConntrackFull     EventKind = "conntrack-full"

	// ConfigValue is one setting read from a config dump; see Config.
	ConfigValue EventKind = "config-value"
)

// NoDateYear is the year of the placeholder day of Event.NoDate times.
const NoDateYear = 2000

// Event is one normalised log event on the incident timeline.
//
// Fields beyond Kind, Time and Source are set only when the line carried
// them; the zero value means "not stated".
type Event struct {
	Kind EventKind
	Time time.Time
	// TimeGuessed is set when the line lacked part of its time (a year, a
	// zone) and Analyze filled it in; the report says so.
	TimeGuessed bool
	// NoYear is set by parsers of layouts without a year (journal "short").
	// Analyze replaces the year from the other inputs and sets TimeGuessed.
	NoYear bool
	// NoDate is set by parsers of layouts that print the time of day only
	// (logback's and log4j2's default console pattern): Time is that time
	// on January 1 of NoDateYear, plus a day each time the log crossed
	// midnight. Analyze moves each input's events, as a block, to the day
	// the other inputs or the file's write time point to, and sets
	// TimeGuessed.
	NoDate bool

	Source Location
	// Level is the log level as printed, normalised to upper-case words
	// (ERROR, WARN, INFO, DEBUG, TRACE); librdkafka and syslog numbers are
	// mapped to these.
	Level string
	// Program says which kind of program printed the line: "java-client",
	// "java-broker", "librdkafka", "systemd", "kernel".
	Program string
	// Host is the machine the line came from, when known (journal
	// _HOSTNAME, a path like "broker-1/server.log", the log's broker id).
	Host string

	// Node is the Kafka node id the event is about ("3", "-1" for a
	// bootstrap entry, "" unknown). NodeHost is the host name the log gave
	// for it; Addr its address when an IP literal was printed.
	Node     string
	NodeHost string
	Addr     netip.AddrPort
	// Peer is the remote address of a broker-side event ("Failed
	// authentication with /198.18.0.2").
	Peer netip.Addr

	Client string // client.id or librdkafka instance name
	Group  string

	// Reason is the short cause the line gave: "Connection refused",
	// "certificate verify failed", "SIGTERM", "oom-kill".
	Reason string
	// Exception is the Java exception class attached to the entry
	// ("java.io.IOException"), ExceptionMsg its message.
	Exception    string
	ExceptionMsg string

	// State is librdkafka's connection state in "(after N ms in state S)";
	// AfterMs the N. For a Disconnected event in state UP, AfterMs is the
	// connection's age: ages that repeat at one value betray an idle timer.
	State   string
	AfterMs int64

	Size           int64  // InvalidReceive: the size read
	Count          int    // BatchExpired: records expired
	TopicPartition string // BatchExpired: "topic-3"
	AgeMs          int64  // BatchExpired: ms since batch creation
	Signal         string // ProcessKilled, SignalReceived: "KILL", "TERM"
	PID            int
	Unit           string // systemd unit

	// Before, on a BrokerStarting event, is the time of the log's last
	// record before the new process's startup lines (zero when unknown):
	// when a process that died without a word was last heard from. Log
	// parsers skip routine lines, so the last event before can be much
	// older.
	Before time.Time `json:",omitzero"`

	// Text is the line as printed (first line of a multi-line entry), cut to
	// MaxTextLen bytes.
	Text string
}

// MaxTextLen bounds Event.Text and evidence text: logs are untrusted and a
// single line can be megabytes long.
const MaxTextLen = 1024

// Location is where a person finds a piece of evidence.
type Location struct {
	// Path is the input's display path; inside an archive
	// "bundle.tgz!dir/file".
	Path string
	Line int // 1-based line, 0 if not a text input
	// Frame is the 1-based frame number in a capture, 0 if not a capture.
	Frame int
}

// Node is what the logs taught about one Kafka node: its id, host name and
// address, so log events and flows can be joined.
type Node struct {
	ID   string
	Host string
	Addr netip.AddrPort
	// Bootstrap is set for ids below zero: bootstrap.servers entries, not
	// brokers advertised by metadata.
	Bootstrap bool
	Source    Location
}

// Config is one setting from a config dump ("ProducerConfig values:", a
// KafkaConfig dump, librdkafka's config debug lines).
type Config struct {
	// Scope is the dump it came from: "producer", "consumer", "admin",
	// "broker", "librdkafka".
	Scope  string
	Client string // client.id when the dump named one, broker id for brokers
	Key    string
	Value  string
	Source Location
}
