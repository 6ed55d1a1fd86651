package envelope

import (
	"bytes"
	"time"

	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/parsers/internal/jsontext"
)

// Container log layouts: what the container runtime wrote around each
// line the program printed.
const (
	// LayoutDocker is Docker's json-file driver:
	// {"log":"text\n","stream":"stdout","time":"RFC 3339 nanos"}.
	LayoutDocker = "docker-json"
	// LayoutCRI is the CRI log format of containerd and CRI-O
	// (/var/log/pods, /var/log/containers): "time stream P|F text".
	LayoutCRI = "cri"
)

// maxJoin bounds a line rebuilt from partial records; the rest is dropped
// and reported. Docker splits at 16 KiB, so a Java line of a few hundred
// KiB still fits.
const maxJoin = 256 << 10

// partial is a line being rebuilt from partial records of one stream:
// Docker records without their trailing newline, CRI "P" records.
type partial struct {
	buf    []byte
	loc    analyzer.Location
	ts     time.Time
	active bool
	// cut is set once buf reached maxJoin and further parts were dropped.
	cut bool
}

// add appends one part, starting the line when none is pending.
func (p *partial) add(loc analyzer.Location, ts time.Time, part []byte) {
	if !p.active {
		p.buf, p.loc, p.ts, p.active, p.cut = p.buf[:0], loc, ts, true, false
	}
	if room := maxJoin - len(p.buf); len(part) > room {
		part, p.cut = part[:max(room, 0)], true
	}
	p.buf = append(p.buf, part...)
}

// streamIndex maps a stream name to its partial slot: stderr 1, else 0.
func streamIndex(stream []byte) int {
	if string(stream) == "stderr" {
		return 1
	}
	return 0
}

// dockerLine takes one json-file record apart: the decoded "log" text
// appended to dst, the stream and the time. ok is false for a line that is
// not such a record.
func (rd *reader) dockerLine(line []byte) (text []byte, stream int, ts time.Time, ok bool) {
	f := &rd.route.flat
	if !f.reset(line) {
		return nil, 0, time.Time{}, false
	}
	var logRaw []byte
	for {
		key, raw, more := f.next()
		if !more {
			break
		}
		switch string(key) {
		case "log":
			logRaw = raw
		case "stream":
			stream = streamIndex(bytes.Trim(raw, `"`))
		case "time":
			if len(raw) > 2 && raw[0] == '"' {
				t, n, _, good := parseISOTime(raw[1:len(raw)-1], time.UTC)
				if good && n == len(raw)-2 {
					ts = t
				}
			}
		}
	}
	if f.bad || logRaw == nil {
		return nil, 0, time.Time{}, false
	}
	rd.scratch, ok = jsontext.AppendString(rd.scratch[:0], logRaw)
	return rd.scratch, stream, ts, ok
}

// docker handles one json-file record: a text ending in a newline ends
// the line, one without is a 16 KiB part of a longer line.
func (rd *reader) docker(loc analyzer.Location, line []byte) {
	text, stream, ts, ok := rd.dockerLine(line)
	if !ok {
		rd.unparsed(loc, "not a Docker json-file record")
		return
	}
	p := &rd.parts[stream]
	whole := len(text) > 0 && text[len(text)-1] == '\n'
	if whole && !p.active {
		rd.inner(loc, ts, trimEOL(text))
		return
	}
	p.add(loc, ts, text)
	if whole {
		rd.endPartial(p)
	}
}

// criLine takes "time stream tag text" apart. partial is set for the
// "P" tag (CRI tags are ":"-separated; P marks a part of a longer line).
func criLine(line []byte) (ts time.Time, stream int, partial bool, text []byte, ok bool) {
	t, n, zoned, good := parseISOTime(line, time.UTC)
	if !good || !zoned || n >= len(line) || line[n] != ' ' {
		return time.Time{}, 0, false, nil, false
	}
	rest := line[n+1:]
	name, rest, found := bytes.Cut(rest, []byte{' '})
	if !found || (string(name) != "stdout" && string(name) != "stderr") {
		return time.Time{}, 0, false, nil, false
	}
	tags, text, _ := bytes.Cut(rest, []byte{' '})
	if len(tags) == 0 {
		return time.Time{}, 0, false, nil, false
	}
	for more := true; more; {
		var tag []byte
		tag, tags, more = bytes.Cut(tags, []byte{':'})
		switch string(tag) {
		case "P":
			partial = true
		case "F":
		default:
			if len(tag) == 0 || len(tag) > 8 {
				return time.Time{}, 0, false, nil, false
			}
		}
	}
	return t, streamIndex(name), partial, text, true
}

// cri handles one CRI record: "P" parts are joined until the "F" one.
func (rd *reader) cri(loc analyzer.Location, line []byte) {
	ts, stream, part, text, ok := criLine(line)
	if !ok {
		rd.unparsed(loc, "not a CRI log record")
		return
	}
	p := &rd.parts[stream]
	if !part && !p.active {
		rd.inner(loc, ts, text)
		return
	}
	p.add(loc, ts, text)
	if !part {
		rd.endPartial(p)
	}
}

// endPartial routes a rebuilt line and frees its slot.
func (rd *reader) endPartial(p *partial) {
	if !p.active {
		return
	}
	if p.cut {
		rd.problem(p.loc, "line rebuilt from partial records longer than %d bytes, cut", maxJoin)
	}
	p.active = false
	rd.inner(p.loc, p.ts, trimEOL(p.buf))
}

// trimEOL drops the newline a container record kept.
func trimEOL(b []byte) []byte {
	return bytes.TrimRight(b, "\r\n")
}

// sniffDocker accepts a json-file record: Docker always writes "log" first.
func sniffDocker(line []byte) bool {
	line = line[jsontext.SkipWS(line, 0):]
	return bytes.HasPrefix(line, []byte(`{"log":"`))
}

// sniffCRI accepts a CRI record.
func sniffCRI(line []byte) bool {
	_, _, _, _, ok := criLine(line)
	return ok
}
