package kafkalog

import (
	"bytes"
	"strings"
)

// knownLoggers are Kafka's loggers in full: those the catalog's templates
// come from and those classification keys off (server lifecycle, config
// dumps). An abbreviated logger that matches one of them is read as it.
var knownLoggers = [...]string{
	"org.apache.kafka.clients.NetworkClient",
	"org.apache.kafka.clients.ClientUtils",
	"org.apache.kafka.clients.Metadata",
	"org.apache.kafka.clients.FetchSessionHandler",
	"org.apache.kafka.clients.admin.AdminClientConfig",
	"org.apache.kafka.clients.admin.KafkaAdminClient",
	"org.apache.kafka.clients.admin.internals.AdminMetadataManager",
	"org.apache.kafka.clients.consumer.ConsumerConfig",
	"org.apache.kafka.clients.consumer.KafkaConsumer",
	"org.apache.kafka.clients.consumer.internals.AbstractCoordinator",
	"org.apache.kafka.clients.consumer.internals.ConsumerCoordinator",
	"org.apache.kafka.clients.consumer.internals.ConsumerNetworkClient",
	"org.apache.kafka.clients.consumer.internals.Fetcher",
	"org.apache.kafka.clients.consumer.internals.AsyncKafkaConsumer",
	"org.apache.kafka.clients.producer.KafkaProducer",
	"org.apache.kafka.clients.producer.ProducerConfig",
	"org.apache.kafka.clients.producer.internals.Sender",
	"org.apache.kafka.clients.producer.internals.RecordAccumulator",
	"org.apache.kafka.clients.producer.internals.ErrorLoggingCallback",
	"org.apache.kafka.clients.producer.internals.TransactionManager",
	"org.apache.kafka.common.network.Selector",
	"org.apache.kafka.common.network.SslTransportLayer",
	"org.apache.kafka.common.security.authenticator.SaslClientAuthenticator",
	"org.apache.kafka.common.security.authenticator.SaslServerAuthenticator",
	"org.apache.kafka.common.utils.AppInfoParser",
	"org.apache.kafka.common.utils.LoggingSignalHandler",
	"org.apache.kafka.common.config.AbstractConfig",
	"org.apache.kafka.connect.runtime.distributed.WorkerCoordinator",
	"org.apache.kafka.connect.runtime.WorkerSinkTask",
	"org.apache.kafka.connect.runtime.WorkerSourceTask",
	"org.apache.kafka.streams.KafkaStreams",
	"org.apache.kafka.streams.StreamsConfig",
	"org.apache.kafka.streams.processor.internals.StreamThread",
	"kafka.server.KafkaServer",
	"kafka.server.BrokerServer",
	"kafka.server.KafkaRaftServer",
	"kafka.server.ControllerServer",
	"kafka.server.KafkaConfig",
	"kafka.server.ReplicaManager",
	"kafka.server.ReplicaFetcherThread",
	"kafka.network.SocketServer",
	"kafka.network.Processor",
	"kafka.network.Acceptor",
	"kafka.network.ConnectionQuotas",
}

// knownLoggerBytes holds knownLoggers as bytes, so a logger can be handed
// out without converting.
var knownLoggerBytes = func() (b [len(knownLoggers)][]byte) {
	for i, l := range knownLoggers {
		b[i] = []byte(l)
	}
	return b
}()

// loggersByClass indexes knownLoggers by class name.
var loggersByClass = func() map[string][]int {
	m := map[string][]int{}
	for i, l := range knownLoggers {
		class := l[strings.LastIndexByte(l, '.')+1:]
		m[class] = append(m[class], i)
	}
	return m
}()

// knownLogger is an index into knownLoggers plus one; 0 is none.
type knownLogger uint8

// name returns the logger's full name; valid only when k != 0.
func (k knownLogger) name() []byte { return knownLoggerBytes[k-1] }

// canonicalLogger returns the known full logger l abbreviates, or l. A
// logger abbreviates a known one when the class names are equal and each
// of its package segments is a non-empty prefix of the known one's:
// logback's %logger{N} ("o.a.k.c.NetworkClient") and Quarkus' %c{3.}
// ("org.apa.kaf.cli.NetworkClient") both name NetworkClient in
// org.apache.kafka.clients. This is the one place abbreviations are
// resolved: the matchers (isKafkaLogger, isBrokerLogger, isClientLogger,
// serverLoggers) then see full names. Nothing is allocated.
func canonicalLogger(l []byte) []byte {
	if k := expandLogger(l); k != 0 {
		return k.name()
	}
	return l
}

// kafkaLoggerOf is isKafkaLogger that also tells which known logger an
// abbreviated l stands for (0: none, or l is in full). Kafka's own full
// names, the common case, cost what isKafkaLogger's first test costs.
func kafkaLoggerOf(l []byte) (bool, knownLogger) {
	if bytes.HasPrefix(l, []byte("org.apache.kafka.")) || bytes.HasPrefix(l, []byte("kafka.")) {
		return true, 0
	}
	if k := expandLogger(l); k != 0 {
		return true, k
	}
	return isKafkaLogger(l), 0
}

// expandLogger is canonicalLogger's look-up: the known logger an
// abbreviated l stands for, or 0 (also when l is already in full).
// mayAbbreviate turns away full names and everything not starting like
// Kafka's with a few loads.
func expandLogger(l []byte) knownLogger {
	if !mayAbbreviate(l) {
		return 0
	}
	return lookUpLogger(l)
}

// mayAbbreviate reports whether l could abbreviate a known logger: it
// starts like "org." or "kafka." and one of the first segments, by where
// its dots fall, is shorter than in full ("org.apache.kafka.", "kafka.").
// Abbreviations shorten the first segments: logback from the left,
// Quarkus all of them.
func mayAbbreviate(l []byte) bool {
	if len(l) < 7 {
		return false
	}
	switch l[0] {
	case 'o':
		return len(l) < 18 || l[3] != '.' || l[10] != '.' || l[16] != '.'
	case 'k':
		return l[5] != '.' || l[1] != 'a' || l[4] != 'a'
	}
	return false
}

func lookUpLogger(l []byte) knownLogger {
	dot := bytes.LastIndexByte(l, '.')
	if dot < 0 {
		return 0
	}
	for _, i := range loggersByClass[string(l[dot+1:])] {
		full := knownLoggerBytes[i]
		if abbreviates(l[:dot], full[:len(full)-(len(l)-dot)]) {
			return knownLogger(i + 1)
		}
	}
	return 0
}

// abbreviates reports whether the dotted name abbr has as many segments as
// full and each is a non-empty prefix of full's segment in its place.
func abbreviates(abbr, full []byte) bool {
	for {
		a, arest, amore := bytes.Cut(abbr, []byte("."))
		f, frest, fmore := bytes.Cut(full, []byte("."))
		if len(a) == 0 || !bytes.HasPrefix(f, a) || amore != fmore {
			return false
		}
		if !amore {
			return true
		}
		abbr, full = arest, frest
	}
}
