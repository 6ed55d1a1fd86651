package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/analyzer/flow"
	"github.com/kafkadiag/kafkadiag/analyzer/report"
	"github.com/kafkadiag/kafkadiag/parsers"
)

// FlowsCmd lists the replayed TCP flows.
type FlowsCmd struct {
	Format string   `enum:"table,json,zeek" default:"table" help:"Output: a table, JSON lines, or a Zeek conn.log."`
	Paths  []string `arg:"" name:"path" help:"Captures, folders, bundles, or - for standard input."`
}

// Help is shown by `kafkadiag flows --help`.
func (c *FlowsCmd) Help() string {
	return `Replays every TCP connection found in the captures (pcap, pcapng, gzip, inside
folders and bundles) and prints one record per flow: Zeek's conn_state and
history, packets and payload bytes per direction, the first and last frame
number (as Wireshark numbers them), the first payload's class and who reset it.

Examples:
  kafkadiag flows dump.pcapng
  kafkadiag flows --format zeek bundle.tgz | zeek-cut id.orig_h id.resp_p conn_state
  tcpdump -r any.pcap -w - | kafkadiag flows --format json -`
}

// Run replays the captures and writes the flows. Inputs that could not be
// read are listed on stderr; it fails (exit 2) only when none could.
func (c *FlowsCmd) Run(e *env) error {
	inc, err := analyzer.Collect(context.Background(), c.Paths, analyzer.Options{Stdin: e.stdin, KeepAllFlows: true}, parsers.All())
	if inc != nil {
		reportInputs(e.stderr, inc.Inputs)
	}
	if errors.Is(err, analyzer.ErrNoInput) {
		return usageErr("flows: no readable capture among the inputs")
	}
	if err != nil {
		return usageErr("flows: %v", err)
	}
	if err := writeFlows(e.stdout, c.Format, inc.Flows); err != nil {
		return &exitError{code: exitUsage, err: fmt.Errorf("flows: writing output: %w", err)}
	}
	return nil
}

func writeFlows(w io.Writer, format string, flows []*flow.Flow) error {
	switch format {
	case "json":
		return report.WriteFlowsJSON(w, flows)
	case "zeek":
		return report.WriteFlowsZeek(w, flows)
	}
	return report.WriteFlowsTable(w, flows)
}

// reportInputs says on stderr which inputs were skipped and which were read
// only in part, each with its reason.
func reportInputs(w io.Writer, inputs []analyzer.InputStat) {
	for _, in := range inputs {
		if in.Skipped != "" {
			fmt.Fprintf(w, "kafkadiag: skipped %s: %s\n", in.Path, in.Skipped)
			continue
		}
		for _, p := range in.Problems {
			fmt.Fprintf(w, "kafkadiag: %s: %s\n", in.Path, p)
		}
	}
}
