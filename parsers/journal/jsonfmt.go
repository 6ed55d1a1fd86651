package journal

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"

	"github.com/kafkadiag/kafkadiag/parsers/internal/text"
)

// rs is the record separator json-seq puts before each object.
const rs = 0x1e

// sniffJSON accepts a first line that is a JSON object with journal keys.
func sniffJSON(head []byte) bool {
	head = bytes.TrimLeft(head, "\x1e \t\r\n")
	if len(head) == 0 || head[0] != '{' {
		return false
	}
	line := head
	if i := bytes.IndexByte(head, '\n'); i >= 0 {
		line = head[:i]
	}
	return bytes.Contains(line, []byte(`"__REALTIME_TIMESTAMP"`)) || bytes.Contains(line, []byte(`"__CURSOR"`)) ||
		(bytes.Contains(line, []byte(`"MESSAGE"`)) && bytes.Contains(line, []byte(`"_`)))
}

// jsonEntry holds the fields kafkadiag reads; encoding/json skips the rest.
// Each value may be a string, null, an array of byte numbers, or an array
// of such values (a repeated field).
type jsonEntry struct {
	Message     json.RawMessage `json:"MESSAGE"`
	Ident       json.RawMessage `json:"SYSLOG_IDENTIFIER"`
	Comm        json.RawMessage `json:"_COMM"`
	PID         json.RawMessage `json:"_PID"`
	Unit        json.RawMessage `json:"UNIT"`
	UserUnit    json.RawMessage `json:"USER_UNIT"`
	SysUnit     json.RawMessage `json:"_SYSTEMD_UNIT"`
	Host        json.RawMessage `json:"_HOSTNAME"`
	Transport   json.RawMessage `json:"_TRANSPORT"`
	Priority    json.RawMessage `json:"PRIORITY"`
	Realtime    json.RawMessage `json:"__REALTIME_TIMESTAMP"`
	SrcRealtime json.RawMessage `json:"_SOURCE_REALTIME_TIMESTAMP"`
}

// readJSON reads one object a line (`-o json`, `-o json-seq`). Lines
// without any anchor word are counted and skipped undecoded, except
// until the host is known.
func (h *handler) readJSON(ctx context.Context) error {
	lineNo := 0
	var e entry
	for {
		line, err := h.src.R.ReadSlice('\n')
		long := errors.Is(err, bufio.ErrBufferFull) || len(line) > MaxLineLen
		for errors.Is(err, bufio.ErrBufferFull) {
			_, err = h.src.R.ReadSlice('\n')
		}
		if len(line) > 0 {
			lineNo++
			if lineNo&1023 == 0 && ctx.Err() != nil {
				return ctx.Err()
			}
			if long {
				h.st.Lines++
				h.st.Unparsed++
				h.problem("%s: line %d: longer than %d bytes, skipped", h.src.Path, lineNo, MaxLineLen)
			} else {
				h.jsonLine(line, lineNo, &e)
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("%s: line %d: %w", h.src.Path, lineNo+1, err)
		}
	}
}

func (h *handler) jsonLine(line []byte, lineNo int, e *entry) {
	line = bytes.TrimSpace(bytes.TrimLeft(line, "\x1e"))
	if len(line) == 0 {
		return
	}
	h.st.Lines++
	if line[0] != '{' || line[len(line)-1] != '}' {
		h.st.Unparsed++
		return
	}
	if h.st.Host != "" && !anchoredJSON(line) {
		return
	}
	var j jsonEntry
	if err := json.Unmarshal(line, &j); err != nil {
		h.st.Unparsed++
		h.problem("%s: line %d: %v", h.src.Path, lineNo, err)
		return
	}
	e.reset()
	e.message = jsonValue(j.Message)
	e.ident = jsonValue(j.Ident)
	e.comm = jsonValue(j.Comm)
	e.pid = jsonValue(j.PID)
	e.unit = jsonValue(j.Unit)
	if e.unit == nil {
		e.unit = jsonValue(j.UserUnit)
	}
	e.sysUnit = jsonValue(j.SysUnit)
	e.host = jsonValue(j.Host)
	e.kernel = string(jsonValue(j.Transport)) == "kernel" || string(e.ident) == "kernel"
	if p, ok := text.Atoi(jsonValue(j.Priority)); ok && p <= 7 {
		e.priority = int(p)
	}
	e.time = usTime(jsonValue(j.SrcRealtime))
	if e.time.IsZero() {
		e.time = usTime(jsonValue(j.Realtime))
	}
	if e.time.IsZero() && e.message == nil {
		h.st.Unparsed++
		return
	}
	e.loc.Path, e.loc.Line = h.src.Path, lineNo
	if h.st.Host == "" && len(e.host) > 0 {
		h.st.Host = string(e.host)
	}
	if anchored(e.message) || anchored(e.unit) || anchored(e.sysUnit) || anchored(e.ident) {
		h.handle(e)
	}
}

// jsonValue decodes one journal JSON value: a string, null (nil), an
// array of byte numbers, or an array of values of which the first that
// decodes wins. Numbers are accepted as their decimal text.
func jsonValue(raw json.RawMessage) []byte {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return nil
	}
	switch raw[0] {
	case '"':
		var s string
		if json.Unmarshal(raw, &s) != nil {
			return nil
		}
		return []byte(s)
	case '[':
		var elems []json.RawMessage
		if json.Unmarshal(raw, &elems) != nil || len(elems) == 0 {
			return nil
		}
		if b := bytes.TrimSpace(elems[0]); len(b) > 0 && b[0] >= '0' && b[0] <= '9' {
			return byteArray(elems)
		}
		for _, el := range elems {
			if v := jsonValue(el); v != nil {
				return v
			}
		}
		return nil
	case 'n':
		return nil
	}
	if _, err := strconv.ParseFloat(string(raw), 64); err == nil {
		return raw
	}
	return nil
}

// byteArray turns [72,101,…] into bytes; nil on any value outside 0-255.
func byteArray(elems []json.RawMessage) []byte {
	out := make([]byte, 0, len(elems))
	for _, el := range elems {
		n, err := strconv.Atoi(string(bytes.TrimSpace(el)))
		if err != nil || n < 0 || n > 255 {
			return nil
		}
		out = append(out, byte(n))
	}
	return out
}

// anchoredJSON is anchored over a JSON line minus the _HOSTNAME value:
// broker hosts are often named kafka-*, which says nothing about the entry.
func anchoredJSON(line []byte) bool {
	const key = `"_HOSTNAME":"`
	i := bytes.Index(line, []byte(key))
	if i < 0 {
		return anchored(line)
	}
	rest := line[i+len(key):]
	j := bytes.IndexByte(rest, '"')
	if j < 0 {
		return anchored(line)
	}
	return anchored(line[:i]) || anchored(rest[j:])
}
