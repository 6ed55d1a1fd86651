package envelope

import (
	"bytes"
	"time"

	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/parsers/internal/lines"
)

// LayoutCloudFoundry is Cloud Foundry's `cf logs` (`--recent` too):
//
//	2022-04-13T10:59:14.82-0400 [APP/PROC/WEB/0] OUT 2022-04-13 14:59:14,820 WARN  [kafka-admin-client-thread | adminclient-1] …
//	2022-04-13T10:59:14.82-0400 [APP/PROC/WEB/0] OUT Caused by: javax.net.ssl.SSLHandshakeException: PKIX path building failed: …
//	2016-06-14T14:10:05.36-0700 [API/0]      OUT Updated app with guid …
//
// The CLI indents each line by three spaces and prints the time with two
// fraction digits and a numeric offset. The source in brackets is the
// app's process and instance (APP/PROC/WEB/0, APP/PROC/REV/2/WEB/0,
// APP/TASK/<name>/0, APP/0 before CF v3) or a platform component (RTR/0,
// CELL/0, STG/0, API/1, SSH/0, LGR), its column padded; the stream is OUT
// or ERR. The CLI's "Retrieving logs for app …" and "Connected, tailing
// logs for app …" headings are skipped. Each source gets its own
// decoders, so interleaved instances keep their stack traces; a source
// is no host.
const LayoutCloudFoundry = "cf-logs"

// cutCloudFoundry splits one `cf logs` line into its time, source and
// the text the source printed.
func cutCloudFoundry(line []byte) (ts time.Time, source, text []byte, ok bool) {
	line = line[skipBlanks(line, 0):]
	ts, n, zoned, ok := parseISOTime(line, time.UTC)
	if !ok || !zoned || n >= len(line) || line[n] != ' ' {
		return time.Time{}, nil, nil, false
	}
	source, rest, ok := cutBracket(line[n+1:])
	if !ok || !isCloudFoundrySource(source) {
		return time.Time{}, nil, nil, false
	}
	// The CLI pads the source to a column: "[API/0]      OUT".
	if rest = rest[skipBlanks(rest, 0):]; len(rest) < 3 {
		return time.Time{}, nil, nil, false
	}
	if stream := rest[:3]; string(stream) != "OUT" && string(stream) != "ERR" || len(rest) > 3 && rest[3] != ' ' {
		return time.Time{}, nil, nil, false
	}
	return ts, source, rest[min(4, len(rest)):], true
}

// isCloudFoundrySource accepts "APP/PROC/WEB/0", "RTR/1", "LGR", an old
// "App/0": a letter first, no blank.
func isCloudFoundrySource(b []byte) bool {
	if len(b) == 0 || !(b[0] >= 'A' && b[0] <= 'Z' || b[0] >= 'a' && b[0] <= 'z') {
		return false
	}
	return bytes.IndexAny(b, " \t") < 0
}

// sniffCloudFoundry accepts a head whose first line, after the CLI's
// heading, is a `cf logs` line.
func sniffCloudFoundry(head []byte) bool {
	for line := range lines.Leading(head, sniffLines) {
		if len(bytes.TrimSpace(line)) == 0 || isCloudFoundryHeading(line) {
			continue
		}
		_, _, _, ok := cutCloudFoundry(line)
		return ok
	}
	return false
}

// isCloudFoundryHeading reports the line the CLI prints before the logs.
func isCloudFoundryHeading(line []byte) bool {
	return bytes.HasPrefix(line, []byte("Retrieving logs for app ")) || bytes.HasPrefix(line, []byte("Connected, tailing logs for app "))
}

// cloudFoundry handles one `cf logs` line: the text goes to its source's
// decoders with the line's time. A line without the prefix (a message's
// further lines, as a paste may leave them) goes to the last source's.
func (rd *reader) cloudFoundry(loc analyzer.Location, line []byte) {
	ts, source, text, ok := cutCloudFoundry(line)
	if !ok {
		switch {
		case isCloudFoundryHeading(line):
		case rd.lastPod == nil:
			rd.unparsed(loc, "not a cf logs line")
		default:
			rd.route.text(rd.lastPod.ds, loc, time.Time{}, rd.host, line)
		}
		return
	}
	p := rd.pod(source, nil)
	rd.lastPod = p
	rd.learnZone(ts, text)
	rd.route.text(p.ds, loc, ts, rd.host, text)
}
