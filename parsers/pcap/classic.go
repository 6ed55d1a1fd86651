package pcap

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
	"time"

	"github.com/gopacket/gopacket"

	"github.com/kafkadiag/kafkadiag/analyzer"
)

// classicReader reads the records of a classic pcap file straight out of
// large blocks, without copying them: a record's bytes stay where the read
// put them until the block is handed back. pcapgo.Reader copies every
// record into a buffer of its own, which is valid only until its next read,
// so a two-stage replay had to copy each packet again to hand it over; the
// two copies cost more than the decoding (profile of a 1 GiB capture:
// 0.7 of 2.3 CPU seconds).
//
// pcapgo still reads and checks the file header (openCapture) and stays the
// reference for records: FuzzClassicReader feeds both the same bytes and
// requires the same records, times and errors.
type classicReader struct {
	r          *bufio.Reader
	bigEndian  bool   // the file's byte order; a bool, not a binary.ByteOrder: no call through an interface per field
	nanoFactor uint32 // 1000 for microsecond files, 1 for nanosecond
	maxCapLen  int    // longest record accepted (pcapgo's maxCaptureLength)

	blockSize  int    // size of a new block; a larger record gets a block its size
	block      []byte // the current block; records are block[start:end]
	start, end int
	err        error // sticky read error, returned once the block is drained

	// swap, when set, is called when the next record does not fit in what
	// is left of the block: it gets the bytes not yet returned (a partial
	// record) and returns a fresh block of at least n bytes that begins
	// with a copy of them. Records already returned then stay valid in the
	// old block. Without
	// swap the block is compacted in place, so a record is valid only until
	// the next read, as with pcapgo.
	swap func(tail []byte, n int) []byte
}

// recordHeaderLen is the size of a classic pcap record header.
const recordHeaderLen = 16

// classicBlockSize is the size of a block: twice the walker's read buffer,
// so most reads go straight into the block (see shortRoom), and more than
// the largest record, so every record is read in place.
const classicBlockSize = 2 << 20

// firstBlockSize is the size of the first block; see renew.
const firstBlockSize = 64 << 10

// newClassicReader reads records from r, which must be positioned just past
// the 24-byte file header whose first four bytes are magic.
func newClassicReader(r *bufio.Reader, magic []byte, maxCapLen int) *classicReader {
	c := &classicReader{r: r, nanoFactor: 1000, maxCapLen: maxCapLen, blockSize: classicBlockSize}
	switch {
	case string(magic) == string(magicMicroBE):
		c.bigEndian = true
	case string(magic) == string(magicNanoLE):
		c.nanoFactor = 1
	case string(magic) == string(magicNanoBE):
		c.bigEndian, c.nanoFactor = true, 1
	}
	return c
}

func (c *classicReader) uint32(b []byte) uint32 {
	if c.bigEndian {
		return binary.BigEndian.Uint32(b)
	}
	return binary.LittleEndian.Uint32(b)
}

// ZeroCopyReadPacketData returns the next record. It reports the errors
// pcapgo reports, in the same cases: io.EOF at a clean end,
// io.ErrUnexpectedEOF inside a record, and a length error for a record
// longer than maxCapLen or than the packet it claims to hold. One case
// differs on purpose: a file that ends right after a record header is cut
// short (io.ErrUnexpectedEOF), where pcapgo reports a clean end.
func (c *classicReader) ZeroCopyReadPacketData() ([]byte, gopacket.CaptureInfo, error) {
	var ci gopacket.CaptureInfo
	data, err := c.readRecord(&ci)
	return data, ci, err
}

// readRecord is ZeroCopyReadPacketData filling a CaptureInfo of the
// caller's: the replay calls it for every record, and returning the struct
// through the recordReader interface cost a tenth of the reading stage.
func (c *classicReader) readRecord(ci *gopacket.CaptureInfo) ([]byte, error) {
	*ci = gopacket.CaptureInfo{}
	if err := c.fill(recordHeaderLen); err != nil {
		return nil, err
	}
	h := c.block[c.start : c.start+recordHeaderLen]
	sec, frac := c.uint32(h[0:4]), c.uint32(h[4:8])
	ci.Timestamp = time.Unix(int64(sec), int64(frac*c.nanoFactor)).UTC()
	ci.CaptureLength = int(c.uint32(h[8:12]))
	ci.Length = int(c.uint32(h[12:16]))
	if ci.CaptureLength > c.maxCapLen {
		// pcapgo names the snaplen it was given, which openCapture set to
		// MaxFrame: the same number.
		return nil, fmt.Errorf("capture length exceeds snap length: %d > %d", ci.CaptureLength, c.maxCapLen)
	}
	if ci.CaptureLength > ci.Length {
		return nil, fmt.Errorf("capture length exceeds original packet length: %d > %d", ci.CaptureLength, ci.Length)
	}
	if err := c.fill(recordHeaderLen + ci.CaptureLength); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	from := c.start + recordHeaderLen
	c.start = from + ci.CaptureLength
	return c.block[from:c.start:c.start], nil
}

// fill makes sure n unread bytes are in the block, reading more as needed.
// io.EOF means the input ended with no unread byte left; io.ErrUnexpectedEOF
// that it ended with some, fewer than n.
func (c *classicReader) fill(n int) error {
	if c.end-c.start >= n {
		return nil
	}
	if c.start+n > len(c.block) || (c.start > 0 && len(c.block) >= c.blockSize && c.shortRoom()) {
		c.renew(n)
	}
	for c.end-c.start < n && c.err == nil {
		var m int
		m, c.err = c.r.Read(c.block[c.end:])
		c.end += m
	}
	if c.end-c.start >= n {
		return nil
	}
	if c.err == io.EOF && c.end > c.start {
		return io.ErrUnexpectedEOF
	}
	return c.err
}

// shortRoom reports whether a read now would be copied twice: bufio.Reader
// reads straight into the caller's slice only when the slice is at least
// its buffer's size and its buffer is empty; a smaller read first fills
// its own buffer. A fresh block is cheaper than the extra copy.
func (c *classicReader) shortRoom() bool {
	return len(c.block)-c.end < c.r.Size() && c.r.Buffered() == 0
}

// renew moves the unread bytes to the front of a block of at least n
// bytes. The first block is small (firstBlockSize, or the input's size
// when the reader's buffer holds all of it): most captures in a bundle are
// a few kilobytes. Later ones come from swap, or are the
// current block when it is full size, else a new one twice as large.
func (c *classicReader) renew(n int) {
	tail := c.block[c.start:c.end]
	switch {
	case c.block == nil:
		size := min(firstBlockSize, c.blockSize)
		if rest, whole := analyzer.WholeInBuffer(c.r); whole {
			// Room for one more record header, so the read that finds
			// the end needs no second block.
			size = min(size, len(rest)+recordHeaderLen)
		}
		c.block = make([]byte, max(n, size))
	case c.swap != nil:
		c.block = c.swap(tail, n)
	case n <= len(c.block) && len(c.block) >= c.blockSize:
		copy(c.block, tail)
	default: // grow by doubling: a small capture read on one goroutine stays small
		size := max(n, min(2*len(c.block), c.blockSize))
		c.block = append(make([]byte, 0, size), tail...)[:size]
	}
	c.start, c.end = 0, len(tail)
}
