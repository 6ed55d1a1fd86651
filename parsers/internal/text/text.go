// Package text holds the byte-scanning helpers the line parsers share on
// their hot paths, where every uninteresting line must cost no allocation.
package text

import "bytes"

// Has reports whether b contains s. Unlike bytes.Contains(b, []byte(s)) it
// never allocates, whatever the length of s.
func Has(b []byte, s string) bool {
	if len(s) == 0 {
		return true
	}
	for len(b) >= len(s) {
		i := bytes.IndexByte(b[:len(b)-len(s)+1], s[0])
		if i < 0 {
			return false
		}
		if string(b[i:i+len(s)]) == s {
			return true
		}
		b = b[i+1:]
	}
	return false
}

// Digits reads b as a decimal number; ok is false when b is empty or holds
// anything but digits. The time and port fields of every layout go
// through it, so none of the parsers carries its own copy.
func Digits(b []byte) (v int, ok bool) {
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + int(c-'0')
	}
	return v, len(b) > 0
}

// Atoi reads b as a decimal number of at most 18 digits (never overflows
// an int64); ok is false otherwise.
func Atoi(b []byte) (int64, bool) {
	if len(b) == 0 || len(b) > 18 {
		return 0, false
	}
	var n int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	return n, true
}

// ZoneOffset reads a numeric zone, "Z", "±hh:mm" or "±hhmm", as the
// offset in seconds east of UTC and the bytes it took.
func ZoneOffset(b []byte) (off, n int, ok bool) {
	if len(b) == 0 {
		return 0, 0, false
	}
	if b[0] == 'Z' {
		return 0, 1, true
	}
	if b[0] != '+' && b[0] != '-' || len(b) < 5 {
		return 0, 0, false
	}
	hh, ok1 := Digits(b[1:3])
	n = 3
	if b[n] == ':' {
		n++
	}
	if len(b) < n+2 {
		return 0, 0, false
	}
	mm, ok2 := Digits(b[n : n+2])
	if !ok1 || !ok2 || hh > 23 || mm > 59 {
		return 0, 0, false
	}
	off = hh*3600 + mm*60
	if b[0] == '-' {
		off = -off
	}
	return off, n + 2, true
}
