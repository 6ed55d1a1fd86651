package batch

import (
	"fmt"
	"io"
	"sort"
	"strconv"

	"github.com/olekukonko/tablewriter"
	"github.com/olekukonko/tablewriter/tw"

	"github.com/kafkadiag/kafkadiag/analyzer/report"
)

// maxListed bounds the incidents the table lists by name under "no
// finding" and "failed"; summary.jsonl has them all.
const maxListed = 20

// Tally is what a batch found, across incidents.
type Tally struct {
	Total int
	// Causes counts incidents by primary cause, most frequent first, then
	// by cause ID.
	Causes []CauseCount
	// Clean are the incidents read without a finding of warning or above,
	// Failed those that could not be analysed; both in input order.
	Clean, Failed []Line
}

// CauseCount is how many incidents a primary cause leads.
type CauseCount struct {
	Cause string
	Count int
	// First is the first incident, in input order, it leads.
	First string
}

// Count folds the lines into a Tally.
func Count(lines []Line) Tally {
	t := Tally{Total: len(lines)}
	at := map[string]int{}
	for _, l := range lines {
		switch {
		case l.Failed():
			t.Failed = append(t.Failed, l)
		case l.Cause == "":
			t.Clean = append(t.Clean, l)
		default:
			i, ok := at[l.Cause]
			if !ok {
				i = len(t.Causes)
				at[l.Cause] = i
				t.Causes = append(t.Causes, CauseCount{Cause: l.Cause, First: l.Path})
			}
			t.Causes[i].Count++
		}
	}
	sort.SliceStable(t.Causes, func(i, j int) bool {
		a, b := t.Causes[i], t.Causes[j]
		if a.Count != b.Count {
			return a.Count > b.Count
		}
		return a.Cause < b.Cause
	})
	return t
}

// WriteTable prints the batch summary for a person: a headline, primary
// causes across incidents, the incidents with no finding and those that
// failed, with the reason.
func WriteTable(w io.Writer, lines []Line, out string) error {
	t := Count(lines)
	found := t.Total - len(t.Clean) - len(t.Failed)
	fmt.Fprintf(w, "%s: %d with a finding, %d without, %d failed. Reports and %s in %s\n",
		plural(t.Total, "incident", "incidents"), found, len(t.Clean), len(t.Failed), SummaryFile, report.Printable(out))
	if len(t.Causes) > 0 {
		rows := make([][]string, 0, len(t.Causes))
		for _, c := range t.Causes {
			rows = append(rows, []string{c.Cause, strconv.Itoa(c.Count), report.Printable(c.First)})
		}
		fmt.Fprintln(w, "\nPrimary causes")
		if err := table(w, []string{"Cause", "Incidents", "First incident"}, rows, 1); err != nil {
			return err
		}
	}
	if len(t.Clean) > 0 {
		fmt.Fprintln(w, "\nNo finding of warning or above")
		rows := listRows(t.Clean, func(l Line) []string {
			return []string{report.Printable(l.Path), fmt.Sprintf("%d read, %d skipped", l.InputsRead, l.InputsSkipped)}
		})
		if err := table(w, []string{"Incident", "Inputs"}, rows); err != nil {
			return err
		}
	}
	if len(t.Failed) > 0 {
		fmt.Fprintln(w, "\nFailed")
		rows := listRows(t.Failed, func(l Line) []string {
			return []string{report.Printable(l.Path), report.Printable(l.Error)}
		})
		if err := table(w, []string{"Incident", "Reason"}, rows); err != nil {
			return err
		}
	}
	return nil
}

// listRows makes one row per line, the first maxListed only, then a row
// saying how many more summary.jsonl holds.
func listRows(lines []Line, row func(Line) []string) [][]string {
	var rows [][]string
	for i, l := range lines {
		if i == maxListed {
			more := make([]string, len(row(l)))
			more[0] = fmt.Sprintf("… and %d more (see %s)", len(lines)-i, SummaryFile)
			rows = append(rows, more)
			break
		}
		rows = append(rows, row(l))
	}
	return rows
}

// table renders a bordered table; columns in right are numbers, right
// aligned, as tablewriter v1 no longer guesses.
func table(w io.Writer, header []string, rows [][]string, right ...int) error {
	align := make([]tw.Align, len(header))
	for i := range align {
		align[i] = tw.AlignLeft
	}
	for _, i := range right {
		align[i] = tw.AlignRight
	}
	tb := tablewriter.NewTable(w,
		tablewriter.WithRowAutoWrap(tw.WrapNone),
		tablewriter.WithHeaderAutoWrap(tw.WrapNone),
		tablewriter.WithHeaderAlignment(tw.AlignLeft),
		tablewriter.WithRowAlignmentConfig(tw.CellAlignment{Global: tw.AlignLeft, PerColumn: align}),
	)
	tb.Header(header)
	for _, r := range rows {
		if err := tb.Append(r); err != nil {
			return err
		}
	}
	return tb.Render()
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
