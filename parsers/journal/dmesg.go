package journal

import (
	"bytes"

	"github.com/kafkadiag/kafkadiag/parsers/internal/lines"
)

// Refusal implements analyzer.Refuser: plain `dmesg` prints seconds since
// boot (`[1843201.112680] Out of memory: …`), which no wall clock anchors,
// so its lines cannot join the timeline; `dmesg -T` and `journalctl -k`
// print the same messages with a date, and are read.
func (*Parser) Refusal(head []byte) string {
	for line := range lines.Leading(head, 6) {
		line = bytes.TrimSpace(line)
		switch {
		case len(line) == 0 || bytes.HasPrefix(line, []byte("$ ")) || bytes.HasPrefix(line, []byte("# ")) ||
			string(line) == "[...]" || string(line) == "...":
			continue // a shell prompt pasted with the output, or a cut marked
		case bootRelative(line):
			return "plain dmesg output (seconds since boot, no date to place its lines on the timeline); " +
				"collect `dmesg -T` or `journalctl -k -o short-iso` instead"
		}
		return ""
	}
	return ""
}

// bootRelative reports a dmesg line's `[  1234.567890] ` prefix.
func bootRelative(line []byte) bool {
	if len(line) < 4 || line[0] != '[' {
		return false
	}
	end := bytes.IndexByte(line, ']')
	if end < 0 {
		return false
	}
	secs := bytes.TrimLeft(line[1:end], " ")
	dot := bytes.IndexByte(secs, '.')
	if dot <= 0 || dot == len(secs)-1 {
		return false
	}
	for i, c := range secs {
		if i != dot && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}
