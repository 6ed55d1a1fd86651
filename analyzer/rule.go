package analyzer

// Rule diagnoses one cause. Rules are pure: they read the incident, never a
// file, and return their findings (none when the cause is not shown).
// Rules are listed explicitly in rules.All().
type Rule interface {
	Meta() RuleMeta
	Evaluate(*Incident) []Finding
}
