package report

import (
	"math"
	"sort"
	"time"

	"fmt"
	"github.com/kafkadiag/kafkadiag/analyzer"
	"strings"
)

// Schema is the JSON report's schema ID. It names the contract in DESIGN.md:
// fields may be added under it, never renamed or removed.
const Schema = "kafkadiag/report/v1"

// Options steer Build.
type Options struct {
	// Zone is the zone text and Markdown print times in; nil means UTC.
	// JSON always prints UTC.
	Zone *time.Location
	// Timeline adds the merged timeline of events and flows.
	Timeline bool
	// Chart builds Report.Chart and the findings' idle-gap data: what the
	// HTML writer draws. Off for the other formats, which need neither.
	Chart bool
}

// Report is the model every writer formats. Its JSON form is the
// kafkadiag/report/v1 contract: the first four fields are the contract's,
// the rest are additions.
//
// Slices are never nil after Build, so JSON shows [] rather than null.
// Times are Timestamps: RFC 3339 in UTC, "" when unknown.
type Report struct {
	Schema   string      `json:"schema"`
	Inputs   []Input     `json:"inputs"`
	Findings []Finding   `json:"findings"`
	Flows    FlowSummary `json:"flows"`

	// AssumedZone is the zone log times printed without one were read in.
	AssumedZone string `json:"zone"`
	// Notes are assumptions the analysis made that a reader must know
	// (assumed zone, inferred year, clock offsets between inputs).
	Notes []string `json:"notes"`
	// Nodes is the per-node view, brokers by id, then bootstrap entries.
	Nodes []Node `json:"nodes"`
	// Timeline is present iff Options.Timeline was set (then it is at least
	// [], even when nothing carried a time).
	Timeline []TimelineEntry `json:"timeline,omitzero"`

	// Display is the zone text and Markdown print times in; never nil
	// after Build.
	Display *time.Location `json:"-"`
	// Chart is the timeline the HTML report draws; nil unless
	// Options.Chart was set. Not part of the JSON contract.
	Chart *Chart `json:"-"`
	// Unexplained counts, by kind, the log events that show trouble
	// (failed connects, resets, TLS and SASL failures, kills …) when no
	// finding reaches warning: then the headline says no cause was found
	// rather than that nothing is wrong. Empty when a finding leads. Not
	// part of the JSON contract.
	Unexplained []KindCount `json:"-"`
}

// KindCount is a number of events of one kind.
type KindCount struct {
	Kind  analyzer.EventKind
	Count int
}

// Input is one input as read or skipped.
type Input struct {
	Path    string `json:"path"`
	Format  string `json:"format"`
	Packets int    `json:"packets"`
	Events  int    `json:"events"`
	// Skipped is why the input was not analysed; "" when it was read.
	Skipped string `json:"skipped"`

	Host   string `json:"host"`
	Layout string `json:"layout"`
	Lines  int    `json:"lines"`
	// Unparsed counts lines or frames the parser did not understand.
	Unparsed int `json:"unparsed"`
	// Problems are damage found while reading, each naming its position.
	Problems []string `json:"problems"`
}

// Finding is one diagnosed cause, in the contract's shape.
type Finding struct {
	Cause    string `json:"cause"`
	Rule     string `json:"rule"`
	Severity string `json:"severity"`
	// Confidence is 0..1, rounded to three decimals: float noise from a
	// rule's arithmetic (0.30000000000000004), which can differ between
	// CPUs, never reaches the bytes.
	Confidence  float64    `json:"confidence"`
	Title       string     `json:"title"`
	Summary     string     `json:"summary"`
	Subjects    []Subject  `json:"subjects"`
	FirstSeen   Timestamp  `json:"first_seen"`
	LastSeen    Timestamp  `json:"last_seen"`
	Count       int        `json:"count"`
	Evidence    []Evidence `json:"evidence"`
	Remediation []string   `json:"remediation"`

	// Kinds names the independent kinds of evidence that agreed.
	Kinds []string `json:"kinds"`
	// Missing names the artifact that would settle the question; "" when
	// nothing is missing.
	Missing string `json:"missing"`
	// Explains lists symptoms this cause accounts for.
	Explains []string `json:"explains"`
	// DisplayFilter is a Wireshark display filter for the flows involved.
	DisplayFilter string `json:"display_filter"`

	// Level is Severity as a value, for --fail-on and colour.
	Level analyzer.Severity `json:"-"`
	// Idle is the idle-gap histogram's data, set only for
	// idle-timeout-reset findings; the HTML report draws it.
	Idle *IdleGaps `json:"-"`
}

// Subject is who a finding is about; "" for what is not known.
type Subject struct {
	Node   string `json:"node"`
	Addr   string `json:"addr"`
	Client string `json:"client"`
}

// Evidence is one line or packet a person can open.
type Evidence struct {
	// Source is the input's display path ("bundle.tgz!host/server.log").
	Source string `json:"source"`
	// Line is 1-based; 0 when the source is not text.
	Line int `json:"line"`
	// Packet is the 1-based frame number, as Wireshark shows it; 0 when
	// the source is not a capture.
	Packet int       `json:"packet"`
	Time   Timestamp `json:"time"`
	Text   string    `json:"text"`
}

// FlowSummary counts the replayed TCP flows by Zeek conn_state.
type FlowSummary struct {
	Total   int            `json:"total"`
	ByState map[string]int `json:"by_state"`
}

// Build folds a result into the report model. It copies what it keeps, so
// the result may be reused, and never fails: a nil incident gives an empty
// report.
func Build(res *analyzer.Result, opts Options) *Report {
	inc := &analyzer.Incident{}
	var findings []analyzer.Finding
	if res != nil {
		findings = res.Findings
		if res.Incident != nil {
			inc = res.Incident
		}
	}
	r := &Report{
		Schema:      Schema,
		Inputs:      buildInputs(inc.Inputs),
		Findings:    buildFindings(findings),
		Flows:       buildFlowSummary(inc),
		AssumedZone: zoneName(inc.Zone),
		Notes:       nonNil(append([]string(nil), inc.Notes...)),
		Display:     opts.Zone,
	}
	if r.Display == nil {
		r.Display = time.UTC
	}
	r.Nodes = buildNodes(inc, r.Findings)
	if opts.Chart {
		r.Chart = buildChart(inc, r.Findings)
		for i := range findings {
			if findings[i].Cause == analyzer.IdleTimeoutReset {
				r.Findings[i].Idle = buildIdleGaps(inc, &r.Findings[i], findings[i].IdleTimeout)
			}
		}
	}
	if opts.Timeline {
		r.Timeline = buildTimeline(inc)
	}
	if r.Primary() == nil {
		r.Unexplained = troubleCounts(inc.Events, findings)
		if routineAlone(r.Unexplained) {
			r.Unexplained = nil
		}
	}
	return r
}

// troubleKinds are the event kinds that mean something went wrong, as
// opposed to closes, connects, lifecycle lines and settings, which a
// healthy system logs too.
var troubleKinds = map[analyzer.EventKind]bool{
	analyzer.ConnectRefused: true, analyzer.ConnectTimeout: true, analyzer.ConnectFailed: true,
	analyzer.ConnectNoRoute: true, analyzer.ResolveFailed: true, analyzer.ConnectionReset: true,
	analyzer.BrokenPipe: true, analyzer.AuthTerminated: true, analyzer.SSLHandshakeFailed: true,
	analyzer.SASLAuthFailed: true, analyzer.SecurityProtocolHint: true, analyzer.InvalidReceive: true,
	analyzer.RequestTimeout: true, analyzer.BatchExpired: true, analyzer.ConnectionQuota: true,
	analyzer.JVMOutOfMemory: true, analyzer.ServiceFailed: true, analyzer.ProcessKilled: true,
	analyzer.ProcessExited: true, analyzer.OOMKill: true, analyzer.NeighbourOverflow: true,
	analyzer.ConntrackFull: true, analyzer.FDExhausted: true,
}

// routineAlone reports whether the only trouble is one reset or broken
// pipe: a connection cut once, as during a deploy, is routine and the
// headline should not make it look otherwise.
func routineAlone(kc []KindCount) bool {
	return len(kc) == 1 && kc[0].Count == 1 && (kc[0].Kind == analyzer.ConnectionReset || kc[0].Kind == analyzer.BrokenPipe)
}

// troubleCounts counts the trouble events by kind, most first, then by
// kind name, leaving out the kinds an informational finding cites (the
// broker's own idle close accounts for its resets). Kinds, not events:
// a finding keeps only its first MaxEvidence lines.
func troubleCounts(events []analyzer.Event, findings []analyzer.Finding) []KindCount {
	cited := map[analyzer.Location]bool{}
	for i := range findings {
		for _, ev := range findings[i].Evidence {
			cited[ev.Location] = true
		}
	}
	explained := map[analyzer.EventKind]bool{}
	for i := range events {
		if cited[events[i].Source] {
			explained[events[i].Kind] = true
		}
	}
	n := map[analyzer.EventKind]int{}
	for i := range events {
		if k := events[i].Kind; troubleKinds[k] && !explained[k] {
			n[k]++
		}
	}
	out := make([]KindCount, 0, len(n))
	for k, c := range n {
		out = append(out, KindCount{k, c})
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Count != out[j].Count {
			return out[i].Count > out[j].Count
		}
		return out[i].Kind < out[j].Kind
	})
	return out
}

// UnexplainedText says which trouble no finding explains: "3 log events
// show trouble that no rule explains (invalid-receive ×2, connect-refused
// ×1)"; "" when there is none.
func (r *Report) UnexplainedText() string {
	total := 0
	var parts []string
	for _, kc := range r.Unexplained {
		total += kc.Count
		parts = append(parts, fmt.Sprintf("%s ×%d", kc.Kind, kc.Count))
	}
	if total == 0 {
		return ""
	}
	verb := "shows"
	if total > 1 {
		verb = "show"
	}
	return fmt.Sprintf("%s %s trouble that no rule explains (%s); the Nodes table and --timeline list them",
		plural(total, "log event", "log events"), verb, strings.Join(parts, ", "))
}

// Primary returns the finding the report leads with — findings[0], the
// most likely cause — or nil when no finding reaches warning severity:
// then nothing wrong was found, whatever informational notes exist.
func (r *Report) Primary() *Finding {
	for i := range r.Findings {
		if r.Findings[i].Level >= analyzer.Warning {
			return &r.Findings[0]
		}
	}
	return nil
}

// CountAtLeast counts the findings at or above a severity.
func (r *Report) CountAtLeast(s analyzer.Severity) int {
	n := 0
	for i := range r.Findings {
		if r.Findings[i].Level >= s {
			n++
		}
	}
	return n
}

// Totals sums what the read inputs yielded, for the healthy headline.
func (r *Report) Totals() (read, skipped, packets, events int) {
	for _, in := range r.Inputs {
		if in.Skipped != "" {
			skipped++
			continue
		}
		read++
		packets += in.Packets
		events += in.Events
	}
	return read, skipped, packets, events
}

func buildInputs(stats []analyzer.InputStat) []Input {
	out := make([]Input, 0, len(stats))
	for _, s := range stats {
		out = append(out, Input{
			Path: s.Path, Format: s.Format, Packets: s.Packets, Events: s.Events,
			Skipped: s.Skipped, Host: s.Host, Layout: s.Layout, Lines: s.Lines,
			Unparsed: s.Unparsed, Problems: nonNil(append([]string(nil), s.Problems...)),
		})
	}
	return out
}

func buildFindings(fs []analyzer.Finding) []Finding {
	out := make([]Finding, 0, len(fs))
	for i := range fs {
		out = append(out, buildFinding(&fs[i]))
	}
	return out
}

func buildFinding(f *analyzer.Finding) Finding {
	out := Finding{
		Cause: string(f.Cause), Rule: f.Rule, Severity: f.Severity.String(),
		Confidence: roundConfidence(f.Confidence), Title: f.Title, Summary: f.Summary,
		Subjects:  make([]Subject, 0, len(f.Subjects)),
		FirstSeen: Timestamp{f.FirstSeen}, LastSeen: Timestamp{f.LastSeen},
		Count:         f.Count,
		Evidence:      make([]Evidence, 0, len(f.Evidence)),
		Remediation:   nonNil(append([]string(nil), f.Remediation...)),
		Kinds:         nonNil(append([]string(nil), f.Kinds...)),
		Missing:       f.Missing,
		Explains:      nonNil(append([]string(nil), f.Explains...)),
		DisplayFilter: f.DisplayFilter,
		Level:         f.Severity,
	}
	for _, s := range f.Subjects {
		out.Subjects = append(out.Subjects, Subject(s))
	}
	for _, e := range f.Evidence {
		out.Evidence = append(out.Evidence, Evidence{
			Source: e.Path, Line: e.Line, Packet: e.Frame,
			Time: Timestamp{e.Time}, Text: e.Text,
		})
	}
	// A rule that forgot to count still shows what it carries.
	if out.Count < len(out.Evidence) {
		out.Count = len(out.Evidence)
	}
	return out
}

func buildFlowSummary(inc *analyzer.Incident) FlowSummary {
	s := FlowSummary{Total: inc.FlowCount(), ByState: map[string]int{}}
	for _, f := range inc.Flows {
		s.ByState[stateOrOTH(f.State)]++
	}
	for _, t := range inc.FlowTallies {
		s.ByState[stateOrOTH(t.State)] += t.Count
	}
	return s
}

func roundConfidence(c float64) float64 {
	return math.Round(min(max(c, 0), 1)*1000) / 1000
}

// stateOrOTH names a flow's conn_state; a flow the replay could not classify
// counts as Zeek's OTH rather than under an empty key.
func stateOrOTH(s string) string {
	if s == "" {
		return "OTH"
	}
	return s
}

func zoneName(z *time.Location) string {
	if z == nil {
		return "UTC"
	}
	return z.String()
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// sortedKeys returns a count map's keys in order, for writers that print maps.
func sortedKeys(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
