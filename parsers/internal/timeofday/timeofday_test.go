package timeofday

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestLen(t *testing.T) {
	for _, tc := range []struct {
		in   string
		n    int
		ok   bool
		want string // At's clock, when ok
	}{
		{"15:46:17.808] WARN", 12, true, "15:46:17.808"},
		{"15:46:17,5 x", 10, true, "15:46:17.5"},
		{"23:59:59", 8, true, "23:59:59"},
		{"07:00:01 INFO", 8, true, "07:00:01"},
		{"15:46:17.1234567891", 18, true, "15:46:17.123456789"},
		// Near misses: no time of day.
		{"15:46:17.", 0, false, ""},
		{"24:00:00", 0, false, ""},
		{"15:60:00", 0, false, ""},
		{"1:46:17.8", 0, false, ""},
		{"2024-05-11", 0, false, ""},
		{"15:46", 0, false, ""},
	} {
		n, ok := Len([]byte(tc.in))
		if n != tc.n || ok != tc.ok {
			t.Errorf("Len(%q) = %d, %v; want %d, %v", tc.in, n, ok, tc.n, tc.ok)
			continue
		}
		if !ok {
			continue
		}
		got := At([]byte(tc.in[:n]), time.UTC).Format("15:04:05.999999999")
		if got != tc.want {
			t.Errorf("At(%q) = %s, want %s", tc.in[:n], got, tc.want)
		}
	}
}

func TestDays(t *testing.T) {
	var d Days
	var got []string
	for _, s := range []string{"23:59:59.900", "23:59:59.850", "00:00:00.100", "01:00:00", "00:30:00", "23:00:00", "00:00:01"} {
		got = append(got, d.Date(At([]byte(s), time.UTC)).Format("01-02 15:04:05"))
	}
	want := []string{
		"01-01 23:59:59", "01-01 23:59:59", // threads a little out of order
		"01-02 00:00:00", "01-02 01:00:00", "01-02 00:30:00", // an hour back is a DST change, not a day
		"01-02 23:00:00", "01-03 00:00:01",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("dates (-want +got):\n%s", diff)
	}
}

// FuzzLen: Len never panics and never reads past b; when it accepts, At
// gives the clock the standard library reads from the same text (seconds
// up to 59: time.Parse refuses a leap second, which At carries into the
// next minute as time.Date does).
func FuzzLen(f *testing.F) {
	for _, s := range []string{"15:46:17.808] WARN", "23:59:59", "15:46:17,5 x", "15:46:17.1234567891", "24:00:00", "00:00:60.5", "1:2:3"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		n, ok := Len(b)
		if !ok {
			if n != 0 {
				t.Fatalf("Len(%q) = %d, false", b, n)
			}
			return
		}
		if n < 8 || n > len(b) {
			t.Fatalf("Len(%q) = %d, outside 8..%d", b, n, len(b))
		}
		s := string(b[:n])
		got := At(b[:n], time.UTC)
		if s[6:8] == "60" {
			return
		}
		layout := "15:04:05"
		if n > 8 {
			s = s[:8] + "." + s[9:]
			layout += "." + strings.Repeat("9", n-9)
		}
		want, err := time.Parse(layout, s)
		if err != nil {
			t.Fatalf("Len accepted %q, time.Parse refuses it: %v", b[:n], err)
		}
		if got.Hour() != want.Hour() || got.Minute() != want.Minute() || got.Second() != want.Second() || got.Nanosecond() != want.Nanosecond() {
			t.Fatalf("At(%q) = %s, time.Parse %s", b[:n], got.Format("15:04:05.999999999"), want.Format("15:04:05.999999999"))
		}
	})
}
