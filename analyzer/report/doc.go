// Package report turns an analysed incident into what a support engineer
// reads: a text report for the terminal, JSON for scripts (schema
// kafkadiag/report/v1, fixed by DESIGN.md), and Markdown to paste into a
// ticket.
//
// Every writer starts from the same model: Build folds an *analyzer.Result
// into a Report — findings in the analyzer's order (findings[0] is the
// primary cause), inputs with what was read or skipped, a flow summary, a
// per-node view, the analysis' notes and, when asked, the merged timeline.
// Writers only format; they never decide. A new writer (HTML) reuses Build.
//
// Output is deterministic: the same Result gives the same bytes. Nothing
// reads the wall clock, and every list is sorted before it is written.
//
// Log text is hostile input. Writers never pass control characters, ANSI
// escapes or bidirectional overrides from it through to a terminal
// (printable), and escape Markdown syntax from it (markdown.go).
package report
