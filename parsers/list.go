// Package parsers lists kafkadiag's input parsers, one package per format.
package parsers

import (
	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/parsers/journal"
	"github.com/kafkadiag/kafkadiag/parsers/rdkafka"
)

// All returns every parser in sniffing order: binary formats with exact
// magic numbers first, then text layouts from the most to the least
// specific, so a line layout that could also pass for a looser one is
// claimed by its own parser.
//
// journal comes before rdkafka: a journal (short layout) whose messages
// are librdkafka lines starts with a syslog prefix and must be read as a
// journal, its messages handed to the embedded rdkafka decoder; a raw
// kcat/librdkafka stderr log starts with "%7|" and no journal sniff takes it.
func All() []analyzer.Parser {
	return []analyzer.Parser{
		// The lead adds the kafkalog factory here when merging branch kafkalog:
		// journal.New(rdkafkaInJournal, kafkalogInJournal).
		journal.New(rdkafkaInJournal),
		rdkafka.New(),
	}
}

// rdkafkaInJournal decodes librdkafka lines that reached the journal.
func rdkafkaInJournal(src *analyzer.Source, sink analyzer.Sink) journal.Embedded {
	return rdkafka.NewLineDecoder(src, sink)
}
