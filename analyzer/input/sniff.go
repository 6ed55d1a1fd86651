package input

import (
	"bytes"
	"strconv"
)

// layerKind is what a stream's first bytes say it is.
type layerKind int

const (
	plainLayer layerKind = iota // not a container: hand it to the parsers
	gzipLayer
	zstdLayer
	bzip2Layer
	xzLayer
	tarLayer
	zipLayer
)

var layerNames = [...]string{"plain", "gzip", "zstd", "bzip2", "xz", "tar", "zip"}

func (k layerKind) String() string { return layerNames[k] }

// sniffHeadLen is how much sniffLayer wants: a whole tar header block.
const sniffHeadLen = 512

// sniffLayer decides by content alone, never by name.
func sniffLayer(head []byte) layerKind {
	switch {
	case len(head) >= 3 && head[0] == 0x1f && head[1] == 0x8b && head[2] == 8:
		return gzipLayer
	case bytes.HasPrefix(head, []byte{0x28, 0xb5, 0x2f, 0xfd}):
		return zstdLayer
	case isBzip2(head):
		return bzip2Layer
	case bytes.HasPrefix(head, []byte{0xfd, '7', 'z', 'X', 'Z', 0}):
		return xzLayer
	case bytes.HasPrefix(head, []byte("PK\x03\x04")), bytes.HasPrefix(head, []byte("PK\x05\x06")):
		return zipLayer
	case isTarHeader(head):
		return tarLayer
	}
	return plainLayer
}

// isBzip2 wants the stream magic, a block size digit and the first block's
// (or the end-of-stream) magic, so text starting "BZh" is not taken.
func isBzip2(head []byte) bool {
	if len(head) < 10 || string(head[:3]) != "BZh" || head[3] < '1' || head[3] > '9' {
		return false
	}
	block := string(head[4:10])
	return block == "\x31\x41\x59\x26\x53\x59" || block == "\x17\x72\x45\x38\x50\x90"
}

// isTarHeader accepts a ustar, GNU or pax header by its magic at offset 257,
// and an old v7 header by its checksum, which text never matches.
func isTarHeader(head []byte) bool {
	if len(head) < sniffHeadLen {
		return false
	}
	magic := head[257:265]
	if string(magic[:6]) == "ustar\x00" || string(magic) == "ustar  \x00" {
		return tarChecksumOK(head)
	}
	return head[0] != 0 && tarChecksumOK(head)
}

// tarChecksumOK compares the header's stored checksum with the sum of its
// bytes, the checksum field counted as spaces. Old tars summed signed bytes;
// both are accepted, as archive/tar does.
func tarChecksumOK(h []byte) bool {
	field := bytes.Trim(h[148:156], " \x00")
	if len(field) == 0 {
		return false
	}
	want, err := strconv.ParseInt(string(field), 8, 64)
	if err != nil || want == 0 {
		return false
	}
	var unsigned, signed int64
	for i, b := range h[:sniffHeadLen] {
		if i >= 148 && i < 156 {
			b = ' '
		}
		unsigned += int64(b)
		signed += int64(int8(b))
	}
	return want == unsigned || want == signed
}
