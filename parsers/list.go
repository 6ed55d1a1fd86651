// Package parsers lists kafkadiag's input parsers, one package per format.
package parsers

import (
	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/parsers/kafkalog"
)

// All returns every parser in sniffing order: binary formats with exact
// magic numbers first, then text layouts from the most to the least
// specific, so a line layout that could also pass for a looser one is
// claimed by its own parser.
func All() []analyzer.Parser {
	return []analyzer.Parser{
		// Binary formats (pcap, pcapng) go above this line.
		kafkalog.Parser{}, // Kafka Java logs: a dated header with a level and a Kafka logger or log context; after binary parsers, before looser text parsers
	}
}
