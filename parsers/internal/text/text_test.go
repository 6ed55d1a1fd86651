package text

import (
	"bytes"
	"testing"
)

func TestHas(t *testing.T) {
	tests := []struct {
		b, s string
		want bool
	}{
		{"Connection refused (after 0ms)", "refused", true},
		{"Connection refused", "Connection refused", true},
		{"refuse", "refused", false},
		{"", "", true},
		{"abc", "", true},
		{"aab", "ab", true},
		{"xyzxyx", "xyx", true},
		{"short", "a much longer needle", false},
	}
	for _, tc := range tests {
		if got := Has([]byte(tc.b), tc.s); got != tc.want {
			t.Errorf("Has(%q, %q) = %v, want %v", tc.b, tc.s, got, tc.want)
		}
	}
}

func TestHasAllocatesNothing(t *testing.T) {
	line := bytes.Repeat([]byte("INFO routine line without the word "), 20)
	needle := "a keyword longer than thirty-two bytes, never found"
	if n := testing.AllocsPerRun(100, func() { Has(line, needle) }); n != 0 {
		t.Errorf("Has allocated %v times", n)
	}
}

func FuzzHas(f *testing.F) {
	f.Add([]byte("Connection reset by peer"), "reset")
	f.Fuzz(func(t *testing.T, b []byte, s string) {
		if got, want := Has(b, s), bytes.Contains(b, []byte(s)); got != want {
			t.Fatalf("Has(%q, %q) = %v, bytes.Contains says %v", b, s, got, want)
		}
	})
}

func TestDigitsAndAtoi(t *testing.T) {
	tests := []struct {
		in     string
		digits int
		dOK    bool
		atoi   int64
		atoiOK bool
	}{
		{"", 0, false, 0, false},
		{"0", 0, true, 0, true},
		{"09", 9, true, 9, true},
		{"2024", 2024, true, 2024, true},
		{"12a", 0, false, 0, false},
		{"-1", 0, false, 0, false},
		{"1234567890123456789", 1234567890123456789, true, 0, false}, // 19 digits: Atoi refuses
	}
	for _, tc := range tests {
		if v, ok := Digits([]byte(tc.in)); v != tc.digits || ok != tc.dOK {
			t.Errorf("Digits(%q) = %d, %v; want %d, %v", tc.in, v, ok, tc.digits, tc.dOK)
		}
		if v, ok := Atoi([]byte(tc.in)); v != tc.atoi || ok != tc.atoiOK {
			t.Errorf("Atoi(%q) = %d, %v; want %d, %v", tc.in, v, ok, tc.atoi, tc.atoiOK)
		}
	}
}

func TestZoneOffset(t *testing.T) {
	tests := []struct {
		in     string
		off, n int
		ok     bool
	}{
		{"Z", 0, 1, true},
		{"+01:00 INFO", 3600, 6, true},
		{"-0530", -(5*3600 + 30*60), 5, true},
		{"+1", 0, 0, false},
		{"+24:00", 0, 0, false},
		{"+01:60", 0, 0, false},
		{"", 0, 0, false},
		{"UTC", 0, 0, false},
	}
	for _, tc := range tests {
		off, n, ok := ZoneOffset([]byte(tc.in))
		if off != tc.off || n != tc.n || ok != tc.ok {
			t.Errorf("ZoneOffset(%q) = %d, %d, %v; want %d, %d, %v", tc.in, off, n, ok, tc.off, tc.n, tc.ok)
		}
	}
}
