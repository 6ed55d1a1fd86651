package kafkalog

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"math"
	"slices"
	"strings"
)

// The pre-filter decides, for every line, whether it holds one of the
// keywords. Most lines hold none, so the scan is built to reject fast:
//
//   - long keywords (≥ longKeyword bytes) are found by reading the line
//     one 4-byte word every stride bytes. Any occurrence of a keyword that
//     long covers one whole word read starting in any window of stride
//     consecutive offsets of the keyword, so the words of one such window
//     per keyword go into a small hash table, and each word read costs one
//     load, one multiply and one bit test — a third of the work of looking
//     at every byte. The window is chosen away from words routine lines are
//     full of ("afka" of "Kafka Server started" would hit on every
//     "org.apache.kafka"), so the table is seldom hit;
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
	gramBits    = 16
)

// gram is one 4-byte word of a long keyword at offset off.
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

// patterns are what the word scan looks for: the keywords, then
// nodeMarkText, which the reading stage looks for in the same pass (see
// markKeywords) and interesting ignores.
var patterns = append(keywords[:len(keywords):len(keywords)], nodeMarkText)

// nodeMark is nodeMarkText's index in patterns. nodeMarkText is the
// " (id: " every node string the decoder learns holds (learnNodeStrings
// needs the space): long enough for the word scan, unlike "(id: ".
var nodeMark = len(keywords)

const nodeMarkText = " (id: "

func init() {
	for k, kw := range patterns {
		if len(kw) < longKeyword {
			addAnchor(kw)
			continue
		}
		o := gramWindow(kw)
		for off := o; off < o+stride; off++ {
			w := binary.LittleEndian.Uint32([]byte(kw[off:]))
			grams = append(grams, gram{word: w, kw: uint8(k), off: uint8(off)})
			h := gramHash(w)
			gramSet[h/64] |= 1 << (h % 64)
		}
	}
	slices.SortStableFunc(grams, func(a, b gram) int { return cmp.Compare(gramHash(a.word), gramHash(b.word)) })
	i := 0
	for h := range uint32(1 << gramBits) {
		gramStart[h] = uint16(i)
		for i < len(grams) && gramHash(grams[i].word) == h {
			i++
		}
	}
	gramStart[1<<gramBits] = uint16(len(grams))
}

// routineText holds words the routine lines of Kafka logs are full of
// (logger names, the words of ordinary INFO records): gramWindow keeps a
// keyword's grams out of them where it can.
const routineText = "org.apache.kafka.clients.consumer.internals kafka.server kafka.log " +
	"kafka.cluster kafka.coordinator.group Consumer Producer partition offset " +
	"request response group generation coordinator broker node topic leader " +
	"epoch started startup during due to the with from time for and segment"

// gramWindow picks the keyword's window of stride offsets whose least rare
// word is rarest: words of routineText count as common, others by the
// rarity of their bytes.
func gramWindow(kw string) int {
	best, bestScore := 0, math.MinInt
	for o := 0; o+stride-1+4 <= len(kw); o++ {
		score := math.MaxInt
		for j := o; j < o+stride; j++ {
			score = min(score, gramScore(kw[j:j+4]))
		}
		if score > bestScore {
			best, bestScore = o, score
		}
	}
	return best
}

func gramScore(w string) int {
	score := 0
	for i := range len(w) {
		score += rarity(w[i])
	}
	if strings.Contains(routineText, w) {
		score -= 1000
	}
	return score
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
	for from := 0; ; {
		s, _, k := nextLongKeyword(b, from)
		if s < 0 {
			break
		}
		if k != nodeMark {
			return true
		}
		from = s + 1
	}
	for a := range anchors {
		if s, _ := nextShortKeyword(b, &anchors[a], 0); s >= 0 {
			return true
		}
	}
	return false
}

// nextLongKeyword returns the span of a long pattern (a keyword or the
// node mark) in b starting at or after from, and its index in patterns,
// or -1. Words are read in order, so no pattern ends before the returned
// one starts on a line before it: a block can be scanned whole and each
// hit taken as its line's first; of a keyword and the node mark read in
// the same word, the keyword is returned.
func nextLongKeyword(b []byte, from int) (start, end, kw int) {
	i := from
	// Two words a stride apart come from one 8-byte load, and the common
	// case (neither in the table) costs one branch for both.
	for ; i+8 <= len(b); i += 2 * stride {
		x := binary.LittleEndian.Uint64(b[i:])
		w0, w1 := uint32(x), uint32(x>>(8*stride))
		h0, h1 := gramHash(w0), gramHash(w1)
		if (gramSet[h0/64]>>(h0%64)|gramSet[h1/64]>>(h1%64))&1 == 0 {
			continue
		}
		if s, e, k := gramAt(b, from, i, w0, h0); s >= 0 {
			return s, e, k
		}
		if s, e, k := gramAt(b, from, i+stride, w1, h1); s >= 0 {
			return s, e, k
		}
	}
	for ; i+4 <= len(b); i += stride {
		w := binary.LittleEndian.Uint32(b[i:])
		if s, e, k := gramAt(b, from, i, w, gramHash(w)); s >= 0 {
			return s, e, k
		}
	}
	return -1, -1, -1
}

// gramAt returns the span and pattern index of a pattern starting at or
// after from whose gram is the word w (hash h) read at i, a keyword
// before the node mark, or -1.
func gramAt(b []byte, from, i int, w, h uint32) (start, end, kw int) {
	start, end, kw = -1, -1, -1
	for _, g := range grams[gramStart[h]:gramStart[h+1]] {
		if g.word != w {
			continue
		}
		p := patterns[g.kw]
		s := i - int(g.off)
		if s >= from && len(b)-s >= len(p) && string(b[s:s+len(p)]) == p {
			if int(g.kw) != nodeMark {
				return s, s + len(p), int(g.kw)
			}
			start, end, kw = s, s+len(p), nodeMark
		}
	}
	return start, end, kw
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
