package input

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"hash/crc64"
	"io"

	"github.com/ulikunitz/xz/lzma"
)

// xzMaxDict caps the LZMA2 dictionary an xz block may make the decoder
// allocate. 64 MiB is what "xz -9" and "-9e" use, the largest of any
// preset; only a hand-set "--lzma2=dict=" goes beyond, up to 1.5 GiB,
// and a hostile header can ask for 4 GiB. Such a stream is refused, not
// allocated.
const xzMaxDict = 64 << 20

// xzDictAllowance and xzDictPerByte bound the dictionary bytes one xz
// layer may allocate in all: each block's decoder allocates (and so
// clears) a fresh one, and a hostile stream of 20-byte blocks each
// declaring 64 MiB would otherwise cost seconds of memory clearing per
// kilobyte. Real streams stay far below: single-threaded xz writes one
// block per stream; "xz -T" one block per three dictionaries' worth of
// data, which even for zeros (~7000:1) asks some 2400 dictionary bytes per
// input byte.
const (
	xzDictAllowance = 2 * xzMaxDict
	xzDictPerByte   = 4096
)

// xzReader decodes the xz container (all its streams, stream padding
// included) with ulikunitz/xz's LZMA2 decoder for each block's data.
//
// The container is parsed here rather than by xz.Reader because xz.Reader
// takes ReaderConfig.DictCap as a floor, not a cap: it allocates whatever
// dictionary a block header declares, up to 4 GiB, before decoding a
// byte. Parsing the headers here is what lets xzMaxDict be enforced for
// every block, however the blocks before it were made. Only the LZMA2
// filter alone is decoded, as with ulikunitz/xz; the BCJ and delta filters
// are refused by name.
type xzReader struct {
	in    *countingReader
	check byte      // check type of the current stream
	sum   hash.Hash // the current block's check; nil when not verified
	flags [2]byte   // stream flags, repeated in the footer

	// blocks and recordSum describe the current stream's blocks for the
	// comparison with its index.
	blocks    uint64
	recordSum hash.Hash64

	// allocated is the dictionary bytes all blocks so far allocated,
	// bounded by xzDictAllowance and xzDictPerByte.
	allocated int64
	blocksAll int64 // blocks of all streams, for messages

	block *xzBlock // the block being decoded; nil between blocks
	done  bool     // the last stream ended cleanly: padding or EOF next
	err   error    // sticky
}

// xzBlock is one block being decoded.
type xzBlock struct {
	data      *lzma.Reader2
	in        xzBlockInput
	headerLen int64
	// compressed and uncompressed are the sizes the block header
	// declares, -1 when absent.
	compressed, uncompressed int64
	out                      int64
}

// xzBlockInput counts a block's compressed bytes and stops at the size its
// header declares, so the LZMA2 decoder cannot read past the block.
type xzBlockInput struct {
	r     io.Reader
	n     int64
	limit int64 // -1: none
}

func (b *xzBlockInput) Read(p []byte) (int, error) {
	if b.limit >= 0 {
		if b.n >= b.limit {
			return 0, errors.New("xz: block data longer than its header says")
		}
		p = p[:min(int64(len(p)), b.limit-b.n)]
	}
	n, err := b.r.Read(p)
	b.n += int64(n)
	return n, err
}

var xzMagic = []byte{0xfd, '7', 'z', 'X', 'Z', 0}

var crc64Table = crc64.MakeTable(crc64.ECMA)

// newXZ reads the first stream header and the first block header, so a
// stream that cannot be decoded (an unknown filter, a dictionary over the
// cap) is refused before it yields anything.
func newXZ(in *countingReader) (*xzReader, error) {
	x := &xzReader{in: in}
	if err := x.readStreamHeader(); err != nil {
		return nil, err
	}
	if err := x.nextBlock(); err != nil {
		return nil, err
	}
	return x, nil
}

func (x *xzReader) Read(p []byte) (int, error) {
	if x.err != nil {
		return 0, x.err
	}
	for len(p) > 0 {
		var err error
		switch {
		case x.block != nil:
			var n int
			n, err = x.readBlock(p)
			if n > 0 || err != nil {
				x.err = err
				return n, err
			}
		case x.done:
			err = x.nextStream()
		default:
			err = x.nextBlock()
		}
		if err != nil {
			if err != io.EOF {
				err = xzError(err)
			}
			x.err = err
			return 0, err
		}
	}
	return 0, nil
}

// xzError makes a read error say it is xz's, and a cut-short input
// "truncated".
func xzError(err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) || err == io.EOF {
		return errors.New("xz: truncated")
	}
	return err
}

// readBlock decodes block data; at the block's end it checks padding,
// sizes and check, and returns with no bytes and no error.
func (x *xzReader) readBlock(p []byte) (int, error) {
	b := x.block
	n, err := b.data.Read(p)
	b.out += int64(n)
	if x.sum != nil {
		x.sum.Write(p[:n])
	}
	if b.uncompressed >= 0 && b.out > b.uncompressed {
		return n, errors.New("xz: block longer than its header says")
	}
	if err == nil {
		return n, nil
	}
	if err != io.EOF {
		return n, xzError(err)
	}
	if err := x.endBlock(); err != nil {
		return n, xzError(err)
	}
	return n, nil
}

// endBlock reads the block padding and check after the LZMA2 data.
func (x *xzReader) endBlock() error {
	b := x.block
	x.block = nil
	if (b.compressed >= 0 && b.in.n != b.compressed) || (b.uncompressed >= 0 && b.out != b.uncompressed) {
		return errors.New("xz: block sizes differ from its header")
	}
	tail := make([]byte, pad4(b.headerLen+b.in.n)+int64(xzCheckSize(x.check)))
	if _, err := io.ReadFull(x.in, tail); err != nil {
		return err
	}
	pad := pad4(b.headerLen + b.in.n)
	if !allZero(tail[:pad]) {
		return errors.New("xz: non-zero block padding")
	}
	if x.sum != nil && !bytes.Equal(xzSum(x.sum, x.check), tail[pad:]) {
		return errors.New("xz: block check mismatch (corrupt data)")
	}
	x.blocks++
	x.record(b.headerLen+b.in.n+int64(xzCheckSize(x.check)), b.out)
	return nil
}

// record adds a block's index record to the running sum the index is
// compared with; a sum rather than a list keeps memory flat however many
// blocks a stream has.
func (x *xzReader) record(unpadded, uncompressed int64) {
	var rec [16]byte
	binary.LittleEndian.PutUint64(rec[:8], uint64(unpadded))
	binary.LittleEndian.PutUint64(rec[8:], uint64(uncompressed))
	x.recordSum.Write(rec[:])
}

// nextStream skips stream padding (zero bytes in fours) and starts the
// next concatenated stream, or returns io.EOF at a clean end.
func (x *xzReader) nextStream() error {
	var four [4]byte
	for {
		n, err := io.ReadFull(x.in, four[:])
		if n == 0 && err == io.EOF {
			return io.EOF
		}
		if err != nil {
			return errors.New("xz: stream padding not a multiple of four bytes")
		}
		if !allZero(four[:]) {
			break
		}
	}
	if !bytes.Equal(four[:], xzMagic[:4]) {
		return errors.New("xz: data after the end of the stream")
	}
	return x.readStreamHeader(four[:]...)
}

// readStreamHeader reads the 12-byte stream header; got is what of it
// was already read.
func (x *xzReader) readStreamHeader(got ...byte) error {
	h := make([]byte, 12)
	copy(h, got)
	if _, err := io.ReadFull(x.in, h[len(got):]); err != nil {
		return xzError(err)
	}
	if !bytes.Equal(h[:6], xzMagic) {
		return errors.New("xz: bad stream magic")
	}
	if crc32.ChecksumIEEE(h[6:8]) != binary.LittleEndian.Uint32(h[8:]) {
		return errors.New("xz: stream header checksum mismatch (corrupt header)")
	}
	if h[6] != 0 || h[7] > 0x0f {
		return fmt.Errorf("xz: unsupported stream flags %#02x%02x", h[6], h[7])
	}
	x.flags = [2]byte{h[6], h[7]}
	x.check, x.done, x.blocks = h[7], false, 0
	x.recordSum = crc64.New(crc64Table)
	return nil
}

// nextBlock reads the next block header and starts its decoder, or reads
// the index and footer that end the stream.
func (x *xzReader) nextBlock() error {
	start := x.in.n
	size, err := x.in.ReadByte()
	if err != nil {
		return xzError(err)
	}
	if size == 0 {
		return x.readIndex()
	}
	hdr := make([]byte, (int(size)+1)*4)
	hdr[0] = size
	if _, err := io.ReadFull(x.in, hdr[1:]); err != nil {
		return xzError(err)
	}
	b, dict, err := parseXZBlockHeader(hdr)
	if err != nil {
		return err
	}
	if dict > xzMaxDict {
		return fmt.Errorf("xz: block at compressed byte %d needs a %s dictionary, over the %s cap (xz -9 uses 64 MiB): not decoded",
			start, byteSize(dict), byteSize(xzMaxDict))
	}
	// A block never looks back further than it reaches: one that declares
	// its size needs no larger window than that.
	if b.uncompressed >= 0 {
		dict = min(dict, b.uncompressed)
	}
	dict = max(dict, lzma.MinDictCap)
	x.allocated += dict
	x.blocksAll++
	if limit := xzDictAllowance + xzDictPerByte*x.in.n; x.allocated > limit {
		return fmt.Errorf("xz: %d blocks in the first %s of input declare %s of dictionaries, over the limit of %s plus %d bytes per input byte: not decoded",
			x.blocksAll, byteSize(x.in.n), byteSize(x.allocated), byteSize(xzDictAllowance), xzDictPerByte)
	}
	b.in.r = x.in
	b.data, err = lzma.Reader2Config{DictCap: int(dict)}.NewReader2(&b.in)
	if err != nil {
		return fmt.Errorf("xz: %w", err)
	}
	x.sum = xzCheckHash(x.check)
	x.block = b
	return nil
}
