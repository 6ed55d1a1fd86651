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

// MarshalJSON writes the RFC 3339 UTC form, or "" for the zero time.
func (t Timestamp) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte(`""`), nil
	}
	return json.Marshal(t.UTC().Format(time.RFC3339Nano))
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
func WriteJSON(w io.Writer, r *Report) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("json report: %w", err)
	}
	_, err := w.Write(buf.Bytes())
	return err
}
