package input

import (
	"bytes"
	"io"

	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// Text encodings are sniffed by their byte-order mark, like every other
// layer by content. Windows tools write logs that the parsers would
// otherwise take for binary or misread: PowerShell's `>` and Out-File
// (Windows PowerShell 5) write UTF-16LE with a BOM, Notepad and .NET's
// File.WriteAllText with Encoding.UTF8 prefix UTF-8 with a BOM. UTF-16 is
// transcoded to UTF-8 as it streams (golang.org/x/text, which carries
// surrogate pairs across reads); a UTF-8 BOM is dropped, so a log's first
// line reads like the rest.
var (
	utf8BOM    = []byte{0xef, 0xbb, 0xbf}
	utf16LEBOM = []byte{0xff, 0xfe}
	utf16BEBOM = []byte{0xfe, 0xff}
)

// utf16Text reports whether head starts with a UTF-16 byte-order mark and
// the two code units after it are ASCII text (printable, tab, newline or
// carriage return), as every log line's start is; a binary file that
// happens to start FF FE is not transcoded.
func utf16Text(head []byte) (bigEndian, ok bool) {
	if len(head) < 6 {
		return false, false
	}
	switch {
	case bytes.HasPrefix(head, utf16LEBOM):
		return false, textUnit(head[3], head[2]) && textUnit(head[5], head[4])
	case bytes.HasPrefix(head, utf16BEBOM):
		return true, textUnit(head[2], head[3]) && textUnit(head[4], head[5])
	}
	return false, false
}

func textUnit(hi, lo byte) bool {
	return hi == 0 && (lo == '\t' || lo == '\n' || lo == '\r' || (lo >= 0x20 && lo < 0x7f))
}

// fromUTF16 decodes a UTF-16 stream with its BOM to UTF-8.
func fromUTF16(r io.Reader, bigEndian bool) io.Reader {
	order := unicode.LittleEndian
	if bigEndian {
		order = unicode.BigEndian
	}
	return transform.NewReader(r, unicode.UTF16(order, unicode.ExpectBOM).NewDecoder())
}
