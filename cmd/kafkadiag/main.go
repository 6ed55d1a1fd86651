// Command kafkadiag reads Kafka client and broker logs, journal exports and
// packet captures offline and says why connections broke.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"runtime/pprof"

	"github.com/alecthomas/kong"

	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/parsers"
	"github.com/kafkadiag/kafkadiag/rules"
)

// Exit codes of the CLI contract (DESIGN.md).
const (
	exitOK       = 0
	exitFindings = 1
	exitUsage    = 2
)

// exitError carries an exit code through kong.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }
func (e *exitError) ExitCode() int { return e.code }

func usageErr(format string, args ...any) error {
	return &exitError{code: exitUsage, err: fmt.Errorf(format, args...)}
}

// CLI is the whole command line.
type CLI struct {
	Analyze AnalyzeCmd `cmd:"" help:"Diagnose why Kafka connections failed, from logs, journals and captures."`
	Flows   FlowsCmd   `cmd:"" help:"List the TCP flows replayed from captures."`
	Batch   BatchCmd   `cmd:"" help:"Analyse many incidents (bundles or folders) at once and summarise."`
	Rules   RulesCmd   `cmd:"" help:"List the rules or explain one."`
	Version VersionCmd `cmd:"" help:"Print the version."`

	// CPUProfile is for reports of a slow run: the profile says where the
	// time went without the user rebuilding anything.
	CPUProfile string `name:"cpu-profile" hidden:"" type:"path" help:"Write a Go CPU profile of the run to this file."`
}

// env is what commands get besides their flags: the streams, so tests run
// the CLI in-process.
type env struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	// stderrTTY is set when stderr is a terminal: progress goes there only then.
	stderrTTY bool
	// stdoutTTY is set when stdout is a terminal: text reports are coloured
	// only then (and only when NO_COLOR is unset).
	stdoutTTY bool
	// getenv reads the environment; nil reads nothing.
	getenv func(string) string
	// rules and parsers give the lists Analyze runs; nil means the built-in
	// rules.All() and parsers.All(). Tests inject their own.
	rules   func() []analyzer.Rule
	parsers func() []analyzer.Parser
	// setMemoryLimit sets the process' soft memory limit (see
	// applyMemoryLimit); nil leaves it alone, as in-process tests do.
	setMemoryLimit func(bytes int64)
}

// ruleList returns the rules the commands run.
func (e *env) ruleList() []analyzer.Rule {
	if e.rules != nil {
		return e.rules()
	}
	return rules.All()
}

// parserList returns the parsers the commands run.
func (e *env) parserList() []analyzer.Parser {
	if e.parsers != nil {
		return e.parsers()
	}
	return parsers.All()
}

// env returns an environment variable, "" when unset or not readable.
func (e *env) env(key string) string {
	if e.getenv == nil {
		return ""
	}
	return e.getenv(key)
}

func main() {
	os.Exit(run(os.Args[1:], &env{
		stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr,
		stderrTTY: isTerminal(os.Stderr), stdoutTTY: isTerminal(os.Stdout),
		getenv:         os.Getenv,
		setMemoryLimit: func(n int64) { debug.SetMemoryLimit(n) },
	}))
}

// run parses args and runs the chosen command, returning the exit code.
func run(args []string, e *env) int {
	var cli CLI
	code := -1
	parser, err := kong.New(&cli,
		kong.Name("kafkadiag"),
		kong.Description("kafkadiag explains broken Kafka connections from the artifacts an incident leaves: client and broker logs, journal exports, packet captures and support bundles. It works offline."),
		kong.UsageOnError(),
		kong.Writers(e.stdout, e.stderr),
		kong.Exit(func(c int) { code = c }),
		kong.Bind(e),
	)
	if err != nil {
		fmt.Fprintln(e.stderr, "kafkadiag:", err)
		return exitUsage
	}
	ctx, err := parser.Parse(args)
	if code >= 0 { // --help and friends
		return code
	}
	if err != nil {
		fmt.Fprintln(e.stderr, "kafkadiag:", err)
		return exitUsage
	}
	if cli.CPUProfile != "" {
		stop, err := startCPUProfile(cli.CPUProfile)
		if err != nil {
			fmt.Fprintln(e.stderr, "kafkadiag:", err)
			return exitUsage
		}
		defer stop()
	}
	applyMemoryLimit(ctx.Command(), e)
	if err := ctx.Run(); err != nil {
		var xe *exitError
		if errors.As(err, &xe) {
			if xe.err != nil && xe.code != exitFindings {
				fmt.Fprintln(e.stderr, "kafkadiag:", xe.err)
			}
			return xe.code
		}
		fmt.Fprintln(e.stderr, "kafkadiag:", err)
		return exitUsage
	}
	return exitOK
}

// startCPUProfile starts a CPU profile into path; stop ends and closes it.
func startCPUProfile(path string) (stop func(), err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, fmt.Errorf("--cpu-profile: %w", err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("--cpu-profile %s: %w", path, err)
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

func isTerminal(f *os.File) bool {
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
