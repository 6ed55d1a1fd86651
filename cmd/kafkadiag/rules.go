package main

// RulesCmd lists or explains rules.
type RulesCmd struct {
	List    RulesListCmd    `cmd:"" default:"1" help:"List every rule."`
	Explain RulesExplainCmd `cmd:"" help:"Explain one rule: what it looks for, what it needs, what it avoids, the fix."`
}

// RulesListCmd lists rules.
type RulesListCmd struct{}

// Run is not built yet.
func (RulesListCmd) Run(e *env) error { return usageErr("rules: not built yet") }

// RulesExplainCmd explains a rule.
type RulesExplainCmd struct {
	ID string `arg:"" help:"Rule ID or cause ID."`
}

// Run is not built yet.
func (RulesExplainCmd) Run(e *env) error { return usageErr("rules: not built yet") }
