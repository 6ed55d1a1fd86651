package main

import (
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/tw"

	"github.com/kafkadiag/kafkadiag/analyzer"
)

// RulesCmd lists or explains rules.
type RulesCmd struct {
	List    RulesListCmd    `cmd:"" default:"1" help:"List every rule."`
	Explain RulesExplainCmd `cmd:"" help:"Explain one rule: what it looks for, what it needs, what it avoids, the fix."`
}

// Help is the detailed help kong prints under the usage line.
func (RulesCmd) Help() string {
	return `Every finding comes from one rule; each rule diagnoses one cause.

Examples:
  kafkadiag rules list
  kafkadiag rules explain idle-timeout-reset   # by cause ID
  kafkadiag rules explain stale-arp            # by rule ID`
}

// RulesListCmd lists rules.
type RulesListCmd struct{}

// Run prints a table of the rules: ID, cause, severity, title.
func (RulesListCmd) Run(e *env) error {
	metas := ruleMetas(e.ruleList())
	if len(metas) == 0 {
		fmt.Fprintln(e.stdout, "No rules are built in yet.")
		return nil
	}
	tb := tablewriter.NewTable(e.stdout,
		tablewriter.WithRowAutoWrap(tw.WrapNone),
		tablewriter.WithHeaderAlignment(tw.AlignLeft),
		tablewriter.WithRowAlignment(tw.AlignLeft),
	)
	tb.Header([]string{"ID", "Cause", "Severity", "Title"})
	for _, m := range metas {
		if err := tb.Append([]string{m.ID, string(m.Cause), m.Severity.String(), m.Title}); err != nil {
			return err
		}
	}
	return tb.Render()
}

// RulesExplainCmd explains a rule.
type RulesExplainCmd struct {
	ID string `arg:"" help:"Rule ID or cause ID."`
}

// Run prints what the rule (or every rule of the cause) looks for, needs,
// avoids, and the fix.
func (c RulesExplainCmd) Run(e *env) error {
	metas := ruleMetas(e.ruleList())
	var match []analyzer.RuleMeta
	for _, m := range metas {
		if m.ID == c.ID || string(m.Cause) == c.ID {
			match = append(match, m)
		}
	}
	if len(match) == 0 {
		return unknownRuleErr(c.ID, metas)
	}
	for i, m := range match {
		if i > 0 {
			fmt.Fprintln(e.stdout)
		}
		explainRule(e.stdout, m)
	}
	return nil
}

// unknownRuleErr names the unknown ID and lists the valid ones.
func unknownRuleErr(id string, metas []analyzer.RuleMeta) error {
	if len(metas) == 0 {
		return usageErr("unknown rule or cause %q: no rules are built in yet", id)
	}
	var ids, causes []string
	seen := map[analyzer.Cause]bool{}
	for _, m := range metas {
		ids = append(ids, m.ID)
		if !seen[m.Cause] {
			seen[m.Cause] = true
			causes = append(causes, string(m.Cause))
		}
	}
	sort.Strings(causes)
	return usageErr("unknown rule or cause %q\n  rule IDs:  %s\n  cause IDs: %s",
		id, strings.Join(ids, ", "), strings.Join(causes, ", "))
}

func explainRule(w io.Writer, m analyzer.RuleMeta) {
	fmt.Fprintf(w, "%s: %s\n", m.ID, m.Title)
	fmt.Fprintf(w, "  cause %s, severity %s\n", m.Cause, m.Severity)
	for _, s := range []struct{ name, text string }{
		{"Looks for", m.LooksFor}, {"Needs", m.Needs}, {"Avoids", m.Avoids},
	} {
		if s.text == "" {
			continue
		}
		fmt.Fprintf(w, "\n%s:\n", s.name)
		wrapTo(w, "  ", "  ", s.text)
	}
	if len(m.Fix) > 0 {
		fmt.Fprintf(w, "\nFix:\n")
		for i, f := range m.Fix {
			wrapTo(w, fmt.Sprintf("  %d. ", i+1), "     ", f)
		}
	}
}

// ruleMetas returns the rules' metadata sorted by ID.
func ruleMetas(rules []analyzer.Rule) []analyzer.RuleMeta {
	out := make([]analyzer.RuleMeta, 0, len(rules))
	for _, r := range rules {
		out = append(out, r.Meta())
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// wrapWidth is where rules explain wraps its prose.
const wrapWidth = 80

// wrapTo prints s word-wrapped: the first line after first, the rest after
// indent.
func wrapTo(w io.Writer, first, indent, s string) {
	line, lead := "", first
	for _, word := range strings.Fields(s) {
		if line != "" && len(lead)+len(line)+1+len(word) > wrapWidth {
			fmt.Fprintf(w, "%s%s\n", lead, line)
			line, lead = "", indent
		}
		if line == "" {
			line = word
		} else {
			line += " " + word
		}
	}
	if line != "" {
		fmt.Fprintf(w, "%s%s\n", lead, line)
	}
}
