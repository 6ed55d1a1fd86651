package input

// The xz container's fixed structures: block header, index, footer,
// integers and checks (xz-file-format 1.0.4). xz.go drives them.

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
