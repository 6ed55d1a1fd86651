package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"time"
)

// Timestamp is a time as the JSON report prints it: RFC 3339 in UTC with
// fractional seconds when the source had them ("2024-05-02T10:00:01.25Z"),
// and "" when the time is unknown. The field is always present, so a
// script can rely on the key and test for "".
type Timestamp struct{ time.Time }

// MarshalJSON writes the RFC 3339 UTC form, or "" for the zero time. It
// shadows time.Time's own, which would keep the zone and print year 1.
func (t Timestamp) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte(`""`), nil
	}
	b := make([]byte, 0, len(time.RFC3339Nano)+2)
	b = append(b, '"')
	b = t.UTC().AppendFormat(b, time.RFC3339Nano)
	return append(b, '"'), nil
}

// UnmarshalJSON reads what MarshalJSON writes.
func (t *Timestamp) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("timestamp: %w", err)
	}
	if s == "" {
		t.Time = time.Time{}
		return nil
	}
	v, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return fmt.Errorf("timestamp: %w", err)
	}
	t.Time = v
	return nil
}

// WriteJSON writes the report as schema kafkadiag/report/v1: indented two
// spaces, map keys sorted, one trailing newline. Log text is kept as read
// (JSON escapes control characters itself); HTML characters are not
// escaped, so text reads the same as in the log.
//
// The timeline, the one part that grows with the input, is the last field
// and is streamed entry by entry: the bytes are those of encoding the
// whole report at once, without the whole document in memory twice.
func WriteJSON(w io.Writer, r *Report) error {
	head := *r
	head.Timeline = nil
	// One encoder and one buffer for the head and every entry: an
	// encoder per entry grew a fresh indent buffer for each, a tenth of a
	// batch's allocations.
	jw := jsonWriter{w: w}
	jw.enc = json.NewEncoder(&jw.buf)
	jw.enc.SetEscapeHTML(false)
	if err := jw.encode(&head, ""); err != nil {
		return fmt.Errorf("json report: %w", err)
	}
	if r.Timeline == nil {
		jw.buf.WriteByte('\n')
		return jw.flush()
	}
	jw.buf.Truncate(jw.buf.Len() - 2) // drop "\n}"
	if len(r.Timeline) == 0 {
		jw.buf.WriteString(",\n  \"timeline\": []\n}\n")
		return jw.flush()
	}
	jw.buf.WriteString(",\n  \"timeline\": [\n    ")
	for i := range r.Timeline {
		if i > 0 {
			jw.buf.WriteString(",\n    ")
		}
		if err := jw.encode(&r.Timeline[i], "    "); err != nil {
			return fmt.Errorf("json report: timeline entry %d: %w", i+1, err)
		}
		if jw.buf.Len() >= jsonChunk {
			if err := jw.flush(); err != nil {
				return err
			}
		}
	}
	jw.buf.WriteString("\n  ]\n}\n")
	return jw.flush()
}

// jsonChunk is how much of a report WriteJSON holds before writing it out.
const jsonChunk = 64 << 10

// jsonWriter encodes values indented, HTML characters unescaped, into buf,
// and writes buf to w in chunks.
type jsonWriter struct {
	w   io.Writer
	buf bytes.Buffer
	enc *json.Encoder
}

// encode appends v indented by two spaces under prefix, without the
// encoder's trailing newline.
func (jw *jsonWriter) encode(v any, prefix string) error {
	jw.enc.SetIndent(prefix, "  ")
	if err := jw.enc.Encode(v); err != nil {
		return err
	}
	jw.buf.Truncate(jw.buf.Len() - 1)
	return nil
}

func (jw *jsonWriter) flush() error {
	_, err := jw.w.Write(jw.buf.Bytes())
	jw.buf.Reset()
	return err
}
