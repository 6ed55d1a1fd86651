// Command synth writes the benchmark inputs: a capture and a Kafka log of a
// given size, deterministic for a seed, and prints what it planted as JSON
// so a benchmark run can check the analyzer's answer.
//
//	go run ./bench/synth -capture bench/out/1g.pcap -capture-bytes 1073741824
//	go run ./bench/synth -log bench/out/1g.log -log-bytes 1073741824
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"

	"github.com/kafkadiag/kafkadiag/internal/synth"
)

func main() {
	capPath := flag.String("capture", "", "write a pcap here")
	capBytes := flag.Int64("capture-bytes", 1<<30, "approximate capture size")
	logPath := flag.String("log", "", "write a Kafka log here")
	logBytes := flag.Int64("log-bytes", 1<<30, "approximate log size")
	seed := flag.Uint64("seed", 1, "generator seed")
	flag.Parse()
	if *capPath == "" && *logPath == "" {
		fmt.Fprintln(os.Stderr, "synth: give -capture FILE and/or -log FILE")
		os.Exit(2)
	}
	out := map[string]any{}
	if *capPath != "" {
		p, err := write(*capPath, func(f *os.File) (any, error) {
			return synth.WriteCapture(f, synth.CaptureSpec{Bytes: *capBytes, Seed: *seed})
		})
		if err != nil {
			fail(err)
		}
		out["capture"] = p
	}
	if *logPath != "" {
		p, err := write(*logPath, func(f *os.File) (any, error) {
			return synth.WriteLog(f, synth.LogSpec{Bytes: *logBytes, Seed: *seed})
		})
		if err != nil {
			fail(err)
		}
		out["log"] = p
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	enc.Encode(out)
}

func write(path string, gen func(*os.File) (any, error)) (any, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	p, err := gen(f)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return p, nil
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "synth:", err)
	os.Exit(1)
}
