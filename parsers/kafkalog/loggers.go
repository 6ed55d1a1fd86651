package kafkalog

import "bytes"

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

// loggersByClass indexes knownLoggers by class name, each kept as bytes
// so canonicalLogger can hand one out without converting.
var loggersByClass = func() map[string][][]byte {
	m := map[string][][]byte{}
	for _, l := range knownLoggers {
		class := l[bytes.LastIndexByte([]byte(l), '.')+1:]
		m[class] = append(m[class], []byte(l))
	}
	return m
}()

// canonicalLogger returns the known full logger l abbreviates, or l. A
// logger abbreviates a known one when the class names are equal and each
// of its package segments is a non-empty prefix of the known one's:
// logback's %logger{N} ("o.a.k.c.NetworkClient") and Quarkus' %c{3.}
// ("org.apa.kaf.cli.NetworkClient") both name NetworkClient in
// org.apache.kafka.clients. This is the one place abbreviations are
// resolved: the matchers (isKafkaLogger, isBrokerLogger, isClientLogger,
// serverLoggers) then see full names. It runs on every record header, so
// a full Kafka name returns at once and nothing is allocated.
func canonicalLogger(l []byte) []byte {
	if full := expandLogger(l); full != nil {
		return full
	}
	return l
}

// expandLogger is canonicalLogger's look-up: the known full logger an
// abbreviated l stands for, or nil (also when l is already in full).
func expandLogger(l []byte) []byte {
	if len(l) < 3 || (l[0] != 'o' && l[0] != 'k') || bytes.HasPrefix(l, []byte("org.apache.kafka.")) || bytes.HasPrefix(l, []byte("kafka.")) {
		return nil
	}
	dot := bytes.LastIndexByte(l, '.')
	if dot < 0 {
		return nil
	}
	for _, full := range loggersByClass[string(l[dot+1:])] {
		if abbreviates(l[:dot], full[:len(full)-(len(l)-dot)]) {
			return full
		}
	}
	return nil
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
