package input

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"hash/crc64"
	"io"
	"slices"

	"github.com/ulikunitz/xz/lzma"
)

// xzMaxDict caps the LZMA2 dictionary an xz block may make the decoder
// allocate. 64 MiB is what "xz -9" (and -8e, -9e) uses, the largest any
// preset uses; only a hand-set "--lzma2=dict=" goes beyond, up to 1.5 GiB,
// and a hostile header can ask for 4 GiB. Such a stream is refused, not
// allocated.
const xzMaxDict = 64 << 20

// xzDictAllowance and xzDictPerByte bound the dictionary bytes one xz
// layer may allocate in all: each block's decoder allocates (and so
// clears) a fresh one, and a hostile stream of 20-byte blocks each
// declaring 64 MiB would otherwise cost seconds of memory clearing per
// kilobyte. Real streams stay far below: one block per stream from
// single-threaded xz; from "xz -T", blocks of three dictionaries' worth of
// data, which even for zeros (~7000:1) is one dictionary per 1/2400 of its
// size in input.
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

// parseXZBlockHeader reads a whole block header: declared sizes and the
// LZMA2 filter's dictionary size.
func parseXZBlockHeader(hdr []byte) (*xzBlock, int64, error) {
	body, want := hdr[:len(hdr)-4], binary.LittleEndian.Uint32(hdr[len(hdr)-4:])
	if crc32.ChecksumIEEE(body) != want {
		return nil, 0, errors.New("xz: block header checksum mismatch (corrupt header)")
	}
	flags := body[1]
	if flags&0x3c != 0 {
		return nil, 0, errors.New("xz: reserved block header flags set")
	}
	r := bytes.NewReader(body[2:])
	b := &xzBlock{headerLen: int64(len(hdr)), compressed: -1, uncompressed: -1}
	var err error
	if flags&0x40 != 0 {
		if b.compressed, err = readXZVarint(r); err != nil || b.compressed == 0 {
			return nil, 0, errors.New("xz: bad compressed size in block header")
		}
		b.in.limit = b.compressed
	} else {
		b.in.limit = -1
	}
	if flags&0x80 != 0 {
		if b.uncompressed, err = readXZVarint(r); err != nil {
			return nil, 0, errors.New("xz: bad uncompressed size in block header")
		}
	}
	if flags&3 != 0 {
		return nil, 0, fmt.Errorf("xz: %d filters in a chain: only LZMA2 alone is supported", flags&3+1)
	}
	id, err := readXZVarint(r)
	if err != nil {
		return nil, 0, errors.New("xz: bad filter in block header")
	}
	if id != 0x21 {
		return nil, 0, fmt.Errorf("xz: filter %#x not supported (only LZMA2)", id)
	}
	n, err := readXZVarint(r)
	prop, perr := r.ReadByte()
	if err != nil || n != 1 || perr != nil {
		return nil, 0, errors.New("xz: bad LZMA2 filter properties")
	}
	dict, err := lzma.DecodeDictCap(prop)
	if err != nil {
		return nil, 0, errors.New("xz: bad LZMA2 dictionary size")
	}
	rest := make([]byte, r.Len())
	r.Read(rest)
	if !allZero(rest) {
		return nil, 0, errors.New("xz: non-zero block header padding")
	}
	return b, dict, nil
}

// readIndex reads the index (its indicator byte already read) and the
// stream footer, comparing both with what the stream held.
func (x *xzReader) readIndex() error {
	crc := crc32.NewIEEE()
	crc.Write([]byte{0})
	r := &xzIndexReader{r: x.in, crc: crc, n: 1}
	count, err := readXZVarint(r)
	if err != nil {
		return xzError(err)
	}
	if uint64(count) != x.blocks {
		return fmt.Errorf("xz: index lists %d blocks, the stream has %d", count, x.blocks)
	}
	sum := crc64.New(crc64Table)
	var rec [16]byte
	for range count {
		unpadded, err1 := readXZVarint(r)
		uncompressed, err2 := readXZVarint(r)
		if err := errors.Join(err1, err2); err != nil {
			return xzError(err)
		}
		binary.LittleEndian.PutUint64(rec[:8], uint64(unpadded))
		binary.LittleEndian.PutUint64(rec[8:], uint64(uncompressed))
		sum.Write(rec[:])
	}
	if sum.Sum64() != x.recordSum.Sum64() {
		return errors.New("xz: index differs from the blocks read")
	}
	tail := make([]byte, pad4(r.n)+4)
	if _, err := io.ReadFull(r, tail[:len(tail)-4]); err != nil {
		return xzError(err)
	}
	if _, err := io.ReadFull(x.in, tail[len(tail)-4:]); err != nil {
		return xzError(err)
	}
	if !allZero(tail[:len(tail)-4]) || crc.Sum32() != binary.LittleEndian.Uint32(tail[len(tail)-4:]) {
		return errors.New("xz: index corrupt")
	}
	return x.readFooter(r.n + 4)
}

// readFooter reads the 12-byte stream footer; indexSize is what the index
// took, which the footer repeats.
func (x *xzReader) readFooter(indexSize int64) error {
	f := make([]byte, 12)
	if _, err := io.ReadFull(x.in, f); err != nil {
		return xzError(err)
	}
	if string(f[10:]) != "YZ" || crc32.ChecksumIEEE(f[4:10]) != binary.LittleEndian.Uint32(f) {
		return errors.New("xz: stream footer corrupt")
	}
	if int64(binary.LittleEndian.Uint32(f[4:]))+1 != indexSize/4 || [2]byte(f[8:10]) != x.flags {
		return errors.New("xz: stream footer differs from its header and index")
	}
	x.done = true
	return nil
}

// xzIndexReader feeds the index bytes to its CRC and counts them.
type xzIndexReader struct {
	r   *countingReader
	crc hash.Hash32
	n   int64
}

func (r *xzIndexReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	r.crc.Write(p[:n])
	r.n += int64(n)
	return n, err
}

func (r *xzIndexReader) ReadByte() (byte, error) {
	b, err := r.r.ReadByte()
	if err == nil {
		r.crc.Write([]byte{b})
		r.n++
	}
	return b, err
}

// readXZVarint reads xz's multibyte integer: 7 bits a byte, at most 9
// bytes, no needless zero byte at the end.
func readXZVarint(r io.ByteReader) (int64, error) {
	var v uint64
	for i := 0; i < 9; i++ {
		b, err := r.ReadByte()
		if err != nil {
			return 0, err
		}
		v |= uint64(b&0x7f) << (7 * i)
		if b&0x80 == 0 {
			if b == 0 && i > 0 {
				return 0, errors.New("xz: badly encoded integer")
			}
			return int64(v), nil
		}
	}
	return 0, errors.New("xz: integer too long")
}

// xzCheckSize is the size of a check type's field; the spec fixes it for
// the reserved types too, so a stream with one can be read unverified.
func xzCheckSize(check byte) int {
	if check == 0 {
		return 0
	}
	return 4 << ((check - 1) / 3)
}

// xzCheckHash is the check a stream's blocks carry, nil for none and for
// the reserved types.
func xzCheckHash(check byte) hash.Hash {
	switch check {
	case 0x01:
		return crc32.NewIEEE()
	case 0x04:
		return crc64.New(crc64Table)
	case 0x0a:
		return sha256.New()
	}
	return nil
}

// xzSum is a check's value as xz stores it: CRC32 and CRC64 little-endian,
// where Go's hash.Sum gives them big-endian.
func xzSum(h hash.Hash, check byte) []byte {
	s := h.Sum(nil)
	if check == 0x01 || check == 0x04 {
		slices.Reverse(s)
	}
	return s
}

func pad4(n int64) int64 { return (4 - n%4) % 4 }

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}
