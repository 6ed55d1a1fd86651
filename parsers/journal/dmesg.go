package journal

import (
	"bytes"
	"time"
)

// bootTime reads plain dmesg's `[  1234.567890] ` prefix: seconds since
// boot, which no wall clock anchors. The line's event is undated (zero
// Time): it cannot join the timeline, but an OOM kill it records still
// counts, and rules may tie it to an outage no other input explains.
func bootTime(line []byte, e *entry) (string, []byte, bool) {
	if len(line) < 4 || line[0] != '[' {
		return "", nil, false
	}
	end := bytes.IndexByte(line, ']')
	if end < 0 || end+1 >= len(line) || line[end+1] != ' ' {
		return "", nil, false
	}
	secs := bytes.TrimLeft(line[1:end], " ")
	dot := bytes.IndexByte(secs, '.')
	if dot <= 0 || dot == len(secs)-1 {
		return "", nil, false
	}
	for i, c := range secs {
		if i != dot && (c < '0' || c > '9') {
			return "", nil, false
		}
	}
	e.time = time.Time{}
	return LayoutDmesg, line[end+2:], true
}
