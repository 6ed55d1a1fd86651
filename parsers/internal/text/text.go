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
