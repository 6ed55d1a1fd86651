package main

// FlowsCmd lists the replayed TCP flows.
type FlowsCmd struct {
	Format string   `enum:"table,json,zeek" default:"table" help:"Output: a table, JSON lines, or a Zeek conn.log."`
	Paths  []string `arg:"" name:"path" help:"Captures, folders, bundles, or - for standard input."`
}

// Run is not built yet.
func (c *FlowsCmd) Run(e *env) error {
	return usageErr("flows: not built yet")
}
