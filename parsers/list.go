// Package parsers lists kafkadiag's input parsers, one package per format.
package parsers

import (
	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/parsers/envelope"
	"github.com/kafkadiag/kafkadiag/parsers/goclient"
	"github.com/kafkadiag/kafkadiag/parsers/journal"
	"github.com/kafkadiag/kafkadiag/parsers/kafkajs"
	"github.com/kafkadiag/kafkadiag/parsers/kafkalog"
	"github.com/kafkadiag/kafkadiag/parsers/kubedescribe"
	"github.com/kafkadiag/kafkadiag/parsers/pcap"
	"github.com/kafkadiag/kafkadiag/parsers/pyclient"
	"github.com/kafkadiag/kafkadiag/parsers/rdkafka"
	"github.com/kafkadiag/kafkadiag/parsers/systemctl"
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
// same reason: a Docker json-file or CRI record, a "[pod/…]" prefix, a
// compose stack's "service  | " prefixes (two services or more), a
// structured JSON object or a prefix printed before every line (a
// collector's time, `cf logs`, Lambda's, a ClickHouse server line) wraps
// a librdkafka or Kafka line that must be unwrapped first. Neither of
// those sniffs takes an envelope's first line (none starts with "%L|" or
// a log4j header), the envelope sniff takes no fixture of theirs
// (TestSniffLeavesOthersAlone) but a Kafka log behind a CI runner's
// "[time] ", which kafkalog reads line by line and envelope unwraps with
// its stack frames, and it leaves journal JSON alone by coming after it.
// It leaves librdkafka lines behind an application's time to rdkafka.
//
// pyclient (kafka-python, aiokafka) comes after rdkafka and before
// kafkalog: its sniff needs a Python client logger ("kafka.conn") in a
// Python logging header, which neither librdkafka lines nor Java layouts
// have, while kafkalog's loose header reader would otherwise claim its
// asctime lines. Inside journals and envelopes its decoder is offered each
// message first: it takes only lines of those loggers (and their
// tracebacks), and in an envelope it must see a JSON record whose logger
// is "kafka.conn" before kafkalog's RecordDecoder, which takes every
// record.
//
// goclient (sarama, kafka-go, franz-go) comes after rdkafka and before
// kafkalog too: its sniff wants a Go client's own template or sarama's
// "[sarama] " prefix, which no librdkafka or Python line carries, and it
// must see a Go standard-log line ("2006/01/02 15:04:05 …") before
// kafkalog's loose layouts could take it for an application log. Inside
// journals and envelopes its decoder comes last: it claims bare Go
// network errors only after a line named a Go client.
//
// systemctl and kubedescribe read status dumps (`systemctl status`,
// `kubectl describe pod`) and come right after journal: neither starts
// with a journal line, and no layout after them takes their header lines
// (TestLeavesOthersAlone in each). systemctl reads the journal lines
// below a unit's status with the journal parser's own line handling and
// decoders (journal.Tail).
//
// kafkajs comes after goclient and before kafkalog. KafkaJS's default JSON
// lines never reach its own Sniff: envelope claims them as a structured
// log and hands each record to the kafkajs decoder (a ClientRecordDecoder,
// offered a record before any RecordDecoder). What kafkajs sniffs itself
// is text a logCreator or pino-pretty printed ("… [Connection] Connection
// error: …"), which no librdkafka, Python or Go layout matches and which
// must not be left to kafkalog's looser prefixes.
func All() []analyzer.Parser {
	// The decoders a journal or an envelope offers each message to, in
	// order: kafka-python's first (it takes only its own loggers' lines,
	// and must see a "kafka.conn" JSON record before kafkalog's
	// RecordDecoder, which takes every record), then Kafka's Java lines
	// and structured records, librdkafka's lines, the Go clients' (last
	// but one: they claim bare Go network errors only after a line named
	// a Go client), and KafkaJS's (an envelope offers its records to a
	// ClientRecordDecoder before any RecordDecoder).
	j := journal.New(inJournal(pyclient.NewLineDecoder), inJournal(kafkalog.NewLineDecoder), inJournal(rdkafka.NewLineDecoder),
		inJournal(goclient.NewLineDecoder), inJournal(kafkajs.NewLineDecoder))
	return []analyzer.Parser{
		pcap.New(),
		j,
		systemctl.New(j),
		kubedescribe.New(),
		envelope.New(inEnvelope(pyclient.NewLineDecoder), inEnvelope(kafkalog.NewLineDecoder), inEnvelope(rdkafka.NewLineDecoder),
			inEnvelope(goclient.NewLineDecoder), inEnvelope(kafkajs.NewLineDecoder)),
		rdkafka.New(),
		pyclient.New(),
		goclient.New(),
		kafkajs.New(),
		kafkalog.Parser{},
	}
}

// inJournal makes a package's NewLineDecoder the journal's decoder factory:
// one decoder per input, for the program output that reached the journal.
func inJournal[D journal.Embedded](newDecoder func(*analyzer.Source, analyzer.Sink) D) func(*analyzer.Source, analyzer.Sink) journal.Embedded {
	return func(src *analyzer.Source, sink analyzer.Sink) journal.Embedded { return newDecoder(src, sink) }
}

// inEnvelope makes a package's NewLineDecoder an envelope's decoder
// factory: one decoder per input (or per pod of a prefixed log).
func inEnvelope[D envelope.Embedded](newDecoder func(*analyzer.Source, analyzer.Sink) D) func(*analyzer.Source, analyzer.Sink) envelope.Embedded {
	return func(src *analyzer.Source, sink analyzer.Sink) envelope.Embedded { return newDecoder(src, sink) }
}
