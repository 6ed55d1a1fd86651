package main

// BatchCmd analyses many incidents.
type BatchCmd struct {
	Jobs  int      `short:"j" help:"Incidents analysed in parallel (default: the number of cores)."`
	Out   string   `type:"path" default:"kafkadiag-reports" help:"Folder for the reports and summary.jsonl."`
	Paths []string `arg:"" name:"path" help:"Bundles or folders, one incident each."`
}

// Run is not built yet.
func (c *BatchCmd) Run(e *env) error {
	return usageErr("batch: not built yet")
}
