// Package analyzer holds kafkadiag's model — the Incident every rule reads,
// with its Events, Flows, Nodes and Configs — the Parser and Rule interfaces,
// and Analyze, the pipeline that walks inputs, hands each to the parser that
// recognises it, and runs the rules.
//
// The package imports no parser and no rule: the command wires the explicit
// lists parsers.All() and rules.All() into Analyze.
package analyzer
