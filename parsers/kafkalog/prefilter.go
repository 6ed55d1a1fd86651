package kafkalog

import (
	"bytes"
	"encoding/binary"
)

// The pre-filter decides, for every line, whether it holds one of the
// keywords. Most lines hold none, so the scan is built to reject fast:
//
//   - long keywords (≥ longKeyword bytes) are found by reading the line
//     one 4-byte word every stride bytes. Any occurrence of a keyword that
//     long covers one whole word read, starting at one of its first stride
//     offsets, so those words of every keyword go into a small hash table,
//     and each word read costs one load, one multiply and one bit test —
//     a third of the work of looking at every byte;
//   - short keywords are found with bytes.IndexByte (vectorised in the
//     runtime) on their least common byte, then compared in place.
//
// Both halves are exact: interesting never misses a keyword and never
// reports one that is not there (FuzzPrefilter checks it against a plain
// search).
const (
	// stride is the step between the words read; longKeyword = stride+3
	// is the shortest keyword sure to cover a whole word at one of its
	// first stride offsets.
	stride      = 3
	longKeyword = stride + 3
	gramBits    = 12
)

// gram is one 4-byte word of a long keyword at offset off (< stride).
type gram struct {
	word uint32
	kw   uint8
	off  uint8
}

var (
	// gramSet has bit h set when some gram hashes to h: the quick reject.
	gramSet [1 << gramBits / 64]uint64
	// gramStart[h]…gramStart[h+1] are the grams whose hash is h.
	gramStart [1<<gramBits + 1]uint16
	grams     []gram
	// anchors are the short keywords grouped by the byte IndexByte looks
	// for and where that byte sits in the keyword.
	anchors []anchor
)

type anchor struct {
	c   byte
	off int
	kws []string
}

func init() {
	var byHash [1 << gramBits][]gram
	for k, kw := range keywords {
		if len(kw) < longKeyword {
			addAnchor(kw)
			continue
		}
		for off := 0; off < stride; off++ {
			w := binary.LittleEndian.Uint32([]byte(kw[off:]))
			h := gramHash(w)
			byHash[h] = append(byHash[h], gram{word: w, kw: uint8(k), off: uint8(off)})
			gramSet[h/64] |= 1 << (h % 64)
		}
	}
	for h := range byHash {
		gramStart[h] = uint16(len(grams))
		grams = append(grams, byHash[h]...)
	}
	gramStart[1<<gramBits] = uint16(len(grams))
}

// addAnchor files a short keyword under its least common byte.
func addAnchor(kw string) {
	best := 0
	for i := 1; i < len(kw); i++ {
		if rarity(kw[i]) > rarity(kw[best]) {
			best = i
		}
	}
	for i := range anchors {
		if anchors[i].c == kw[best] && anchors[i].off == best {
			anchors[i].kws = append(anchors[i].kws, kw)
			return
		}
	}
	anchors = append(anchors, anchor{c: kw[best], off: best, kws: []string{kw}})
}

// rarity ranks how seldom a byte shows in log text: capitals and unusual
// punctuation above small letters (by English frequency), the punctuation
// every log header holds, digits and space lowest.
func rarity(c byte) int {
	const byFrequency = "etaoinshrdlcumwfgypbvkjxqz"
	switch {
	case c == ' ' || c >= '0' && c <= '9' || bytes.IndexByte([]byte("[](),.:=-_/"), c) >= 0:
		return 0
	case c >= 'a' && c <= 'z':
		return 1 + bytes.IndexByte([]byte(byFrequency), c)
	case c >= 'A' && c <= 'Z':
		return 30
	}
	return 40
}

func gramHash(w uint32) uint32 { return (w * 0x9E3779B1) >> (32 - gramBits) }

// interesting is the allocation-free, regex-free pre-filter: whether b
// contains one of keywords.
func interesting(b []byte) bool {
	if s, _ := nextLongKeyword(b, 0); s >= 0 {
		return true
	}
	for a := range anchors {
		if s, _ := nextShortKeyword(b, &anchors[a], 0); s >= 0 {
			return true
		}
	}
	return false
}

// nextLongKeyword returns the span of a long keyword in b starting at or
// after from, or -1. Words are read in order, so no keyword ends before
// the returned one starts on a line before it: a block can be scanned
// whole and each hit taken as its line's first.
func nextLongKeyword(b []byte, from int) (start, end int) {
	for i := from; i+4 <= len(b); i += stride {
		w := binary.LittleEndian.Uint32(b[i:])
		h := gramHash(w)
		if gramSet[h/64]&(1<<(h%64)) == 0 {
			continue
		}
		for _, g := range grams[gramStart[h]:gramStart[h+1]] {
			if g.word != w {
				continue
			}
			kw := keywords[g.kw]
			s := i - int(g.off)
			if s >= from && len(b)-s >= len(kw) && string(b[s:s+len(kw)]) == kw {
				return s, s + len(kw)
			}
		}
	}
	return -1, -1
}

// nextShortKeyword returns the span of the first of a's keywords in b
// starting at or after from, or -1.
func nextShortKeyword(b []byte, a *anchor, from int) (start, end int) {
	for p := from + a.off; p < len(b); {
		j := bytes.IndexByte(b[p:], a.c)
		if j < 0 {
			break
		}
		s := p + j - a.off
		for _, kw := range a.kws {
			if len(b)-s >= len(kw) && string(b[s:s+len(kw)]) == kw {
				return s, s + len(kw)
			}
		}
		p += j + 1
	}
	return -1, -1
}
