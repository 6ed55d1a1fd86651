// Package parsers lists kafkadiag's input parsers, one package per format.
package parsers

import (
	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/parsers/envelope"
	"github.com/kafkadiag/kafkadiag/parsers/journal"
	"github.com/kafkadiag/kafkadiag/parsers/kafkajs"
	"github.com/kafkadiag/kafkadiag/parsers/kafkalog"
	"github.com/kafkadiag/kafkadiag/parsers/pcap"
	"github.com/kafkadiag/kafkadiag/parsers/rdkafka"
)

// All returns every parser in sniffing order: binary formats with exact
// magic numbers first, then text layouts from the most to the least
// specific, so a line layout that could also pass for a looser one is
// claimed by its own parser.
//
// journal comes before rdkafka and kafkalog: a journal (short layout) whose
// messages are librdkafka or Kafka lines starts with a syslog prefix and
// must be read as a journal, its messages handed to the embedded decoders;
// a raw kcat/librdkafka stderr log starts with "%7|" and no journal sniff
// takes it.
//
// envelope comes after journal and before rdkafka and kafkalog for the
// same reason: a Docker json-file or CRI record, a "[pod/…]" prefix or a
// structured JSON object wraps a librdkafka or Kafka line that must be
// unwrapped first. Neither of those sniffs takes an envelope's first line
// (none starts with "%L|" or a log4j header), the envelope sniff takes no
// fixture of theirs (TestEnvelopeLeavesOthersAlone), and it leaves journal
// JSON alone by coming after it.
//
// kafkajs comes after rdkafka and before kafkalog. KafkaJS's default JSON
// lines never reach its own Sniff: envelope claims them as a structured
// log and hands each record to the kafkajs decoder (a ClientRecordDecoder,
// offered a record before kafkalog's RecordDecoder). What kafkajs sniffs
// itself is text a logCreator printed ("… [Connection] Connection error:
// …"), which no librdkafka layout matches and which must not be left to
// kafkalog's looser prefixes.
func All() []analyzer.Parser {
	return []analyzer.Parser{
		pcap.New(),
		journal.New(kafkalogInJournal, rdkafkaInJournal, kafkajsInJournal),
		envelope.New(kafkalogInEnvelope, rdkafkaInEnvelope, kafkajsInEnvelope),
		rdkafka.New(),
		kafkajs.New(),
		kafkalog.Parser{},
	}
}

// kafkalogInJournal decodes Kafka's Java log lines that reached the journal
// (a broker logging to stdout under systemd).
func kafkalogInJournal(src *analyzer.Source, sink analyzer.Sink) journal.Embedded {
	return kafkalog.NewLineDecoder(src, sink)
}

// rdkafkaInJournal decodes librdkafka lines that reached the journal.
func rdkafkaInJournal(src *analyzer.Source, sink analyzer.Sink) journal.Embedded {
	return rdkafka.NewLineDecoder(src, sink)
}

// kafkalogInEnvelope decodes Kafka's Java log lines and structured
// records found in container logs and JSON application logs.
func kafkalogInEnvelope(src *analyzer.Source, sink analyzer.Sink) envelope.Embedded {
	return kafkalog.NewLineDecoder(src, sink)
}

// rdkafkaInEnvelope decodes librdkafka lines found in container logs and
// JSON application logs.
func rdkafkaInEnvelope(src *analyzer.Source, sink analyzer.Sink) envelope.Embedded {
	return rdkafka.NewLineDecoder(src, sink)
}

// kafkajsInJournal decodes KafkaJS lines (JSON or a logCreator's text)
// that reached the journal (a Node.js service under systemd).
func kafkajsInJournal(src *analyzer.Source, sink analyzer.Sink) journal.Embedded {
	return kafkajs.NewLineDecoder(src, sink)
}

// kafkajsInEnvelope decodes KafkaJS records found in container logs and
// JSON application logs, taking them before kafkalog's RecordDecoder
// would (see envelope.ClientRecordDecoder).
func kafkajsInEnvelope(src *analyzer.Source, sink analyzer.Sink) envelope.Embedded {
	return kafkajs.NewLineDecoder(src, sink)
}
