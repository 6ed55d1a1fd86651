package main

import "strings"

// analyzeMemoryLimit is the soft memory limit `kafkadiag analyze` runs
// under unless GOMEMLIMIT says otherwise.
//
// Why: analyze's live heap is bounded by flow retention (a 10 GiB capture
// of 2 M flows keeps about 150 MiB live at its peak), but with Go's default
// GOGC=100 the heap grows to twice the live set between collections and
// the pages freed are returned to the system slowly, so the process' RSS
// is nearly three times the live heap (351-430 MiB there). Under this
// limit the collector runs more often once the heap nears it, and RSS
// stays near it (235-243 MiB there) for about 2 s more CPU on that
// capture (20.4 s instead of 18.3 s, 11.0 s wall instead of 10.2 s, once
// the flow table reuses finished flows' memory); small inputs never reach
// it and pay nothing. When the live heap itself
// outgrows the limit (far larger captures), the runtime lets the heap grow
// past it and caps the collector at half the CPU, so the run slows down
// rather than failing. `flows` keeps every flow by design and is left to
// GOGC alone.
const analyzeMemoryLimit = 200 << 20

// applyMemoryLimit sets the soft memory limit for the command kong chose:
// analyzeMemoryLimit for analyze, unless the user set GOMEMLIMIT (their
// choice wins) or e.setMemoryLimit is nil (in-process tests).
func applyMemoryLimit(command string, e *env) {
	if e.setMemoryLimit == nil || e.env("GOMEMLIMIT") != "" {
		return
	}
	if command == "analyze" || strings.HasPrefix(command, "analyze ") {
		e.setMemoryLimit(analyzeMemoryLimit)
	}
}
