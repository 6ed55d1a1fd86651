// Package parsers lists kafkadiag's input parsers, one package per format.
package parsers

import (
	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/parsers/pcap"
)

// All returns every parser in sniffing order: binary formats with exact
// magic numbers first, then text layouts from the most to the least
// specific, so a line layout that could also pass for a looser one is
// claimed by its own parser.
func All() []analyzer.Parser {
	return []analyzer.Parser{
		pcap.New(),
	}
}
