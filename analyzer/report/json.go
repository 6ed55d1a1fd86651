package report

import (
	"bufio"
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
	b, err := marshalIndent(&head, "")
	if err != nil {
		return fmt.Errorf("json report: %w", err)
	}
	if r.Timeline == nil {
		_, err = w.Write(append(b, '\n'))
		return err
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	bw.Write(b[:len(b)-2]) // drop "\n}"
	if len(r.Timeline) == 0 {
		bw.WriteString(",\n  \"timeline\": []\n}\n")
		return bw.Flush()
	}
	bw.WriteString(",\n  \"timeline\": [\n    ")
	for i := range r.Timeline {
		if i > 0 {
			bw.WriteString(",\n    ")
		}
		e, err := marshalIndent(&r.Timeline[i], "    ")
		if err != nil {
			return fmt.Errorf("json report: timeline entry %d: %w", i+1, err)
		}
		bw.Write(e)
	}
	bw.WriteString("\n  ]\n}\n")
	return bw.Flush()
}

// marshalIndent is json.MarshalIndent without HTML escaping.
func marshalIndent(v any, prefix string) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent(prefix, "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}
