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
