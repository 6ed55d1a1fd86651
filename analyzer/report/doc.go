// Package report turns an analysed incident into what a support engineer
// reads: a text report for the terminal, JSON for scripts (schema
// kafkadiag/report/v1, fixed by DESIGN.md), Markdown to paste into a
// ticket, and one self-contained HTML page (html.go: inline CSS, SVG drawn
// here, a small script only for click details) to open or print.
//
// Every writer starts from the same model: Build folds an *analyzer.Result
// into a Report — findings in the analyzer's order (findings[0] is the
// primary cause), inputs with what was read or skipped, a flow summary, a
// per-node view, the analysis' notes and, when asked, the merged timeline.
// Writers only format; they never decide. Options.Chart adds what only the
// HTML page draws: lanes and marks of the timeline (html_chart.go) and the
// idle-gap data of idle-timeout findings (html_idle.go).
//
// Output is deterministic: the same Result gives the same bytes. Nothing
// reads the wall clock, and every list is sorted before it is written.
//
// Log text is hostile input. Writers never pass control characters, ANSI
// escapes or bidirectional overrides from it through to a terminal
// (printable), and escape Markdown syntax from it (markdown.go). The HTML
// page passes it through printable and html/template's contextual
// escaping, never as template.HTML, under a CSP that allows no fetch.
package report
