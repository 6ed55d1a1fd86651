package main

// AnalyzeCmd diagnoses an incident.
type AnalyzeCmd struct {
	Format   string   `enum:"text,json,markdown,html" default:"text" help:"Report format: ${enum}."`
	Output   string   `short:"o" type:"path" help:"Write the report to FILE instead of standard output."`
	TZ       string   `name:"tz" default:"UTC" help:"Zone for log times printed without one (IANA name, e.g. Europe/Berlin)."`
	FailOn   string   `enum:"none,info,warning,critical" default:"warning" help:"Exit 1 when a finding is at or above this severity: ${enum}."`
	Timeline bool     `help:"Also print the merged timeline of all inputs."`
	Paths    []string `arg:"" name:"path" help:"Files, folders, bundles, or - for standard input."`
}

// Run is not built yet.
func (c *AnalyzeCmd) Run(e *env) error {
	return usageErr("analyze: not built yet")
}
