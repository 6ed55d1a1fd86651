package pcap

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// MaxFrame is the largest captured record accepted, in bytes. libpcap's own
// ceiling is 256 KiB; GRO/BIG TCP on loopback can hand tcpdump larger
// super-frames, so allow 1 MiB. A longer record is damage, not traffic, and
// accepting it would let a hostile file make the reader allocate gigabytes.
const MaxFrame = 1 << 20

// maxKeptBlockBytes bounds the pcapng blocks the reader keeps in memory for
// the whole file (interface descriptions, name resolution, decryption
// secrets). Real captures carry kilobytes of them.
const maxKeptBlockBytes = 64 << 20

// ErrBadBlock reports a pcapng block whose lengths contradict each other or
// exceed what any real capture writes.
var ErrBadBlock = errors.New("pcapng: bad block")

// pcapng block types the guard inspects.
const (
	ngSHB = 0x0A0D0D0A
	ngIDB = 0x00000001
	ngPB  = 0x00000002 // obsolete Packet Block
	ngSPB = 0x00000003
	ngNRB = 0x00000004
	ngEPB = 0x00000006
	ngDSB = 0x0000000A
)

// ngGuard sits between the input and pcapgo's NgReader and checks every
// block's lengths before pcapgo sees the block. pcapgo sizes a packet buffer
// from the packet's captured length without checking it against the block
// that holds it, and keeps decryption secrets and name records of any
// claimed size; a crafted 80-byte file could otherwise ask for gigabytes.
//
// The guard never hands pcapgo bytes of a block it rejected: Read returns
// the bytes of the previous blocks, then the error.
type ngGuard struct {
	r     *bufio.Reader
	order binary.ByteOrder // of the current section; nil before the first SHB
	left  uint32           // bytes of the current block not yet passed on
	off   int64            // file offset of the next byte passed on
	// snap0 is the snaplen of the section's first interface (what pcapgo
	// uses for simple packet blocks); -1 until that interface is seen.
	snap0 int64
	kept  int64 // bytes of kept metadata blocks so far
	err   error
}

func newNgGuard(r *bufio.Reader) *ngGuard { return &ngGuard{r: r, snap0: -1} }

func (g *ngGuard) Read(p []byte) (int, error) {
	if g.err != nil {
		return 0, g.err
	}
	if g.left == 0 {
		if err := g.nextBlock(); err != nil {
			g.err = err
			return 0, err
		}
	}
	if uint64(len(p)) > uint64(g.left) {
		p = p[:g.left]
	}
	n, err := g.r.Read(p)
	g.left -= uint32(n)
	g.off += int64(n)
	if err == io.EOF && g.left > 0 {
		err = io.ErrUnexpectedEOF
	}
	return n, err
}

// nextBlock checks the header of the block starting at the reader's
// position and sets left to its length. Headers cut short by the end of the
// file pass through: pcapgo reports those as io.ErrUnexpectedEOF.
func (g *ngGuard) nextBlock() error {
	hdr, _ := g.r.Peek(28)
	if len(hdr) == 0 {
		return io.EOF
	}
	if len(hdr) < 12 {
		g.left = uint32(len(hdr))
		return nil
	}
	if binary.LittleEndian.Uint32(hdr) == ngSHB { // palindrome: any order
		switch binary.BigEndian.Uint32(hdr[8:12]) {
		case 0x1A2B3C4D:
			g.order = binary.BigEndian
		case 0x4D3C2B1A:
			g.order = binary.LittleEndian
		default:
			return g.bad("section header with byte-order magic % x", hdr[8:12])
		}
		g.snap0 = -1
	}
	if g.order == nil { // not pcapng at all; pcapgo says so
		g.left = uint32(len(hdr))
		return nil
	}
	typ, length := g.order.Uint32(hdr), g.order.Uint32(hdr[4:8])
	if length < 12 || length%4 != 0 {
		return g.bad("block type %#x with length %d (must be a multiple of 4, at least 12)", typ, length)
	}
	if err := g.checkBody(typ, length, hdr); err != nil {
		return err
	}
	g.left = length
	return nil
}

// checkBody validates the lengths inside the block types whose lengths
// pcapgo trusts.
func (g *ngGuard) checkBody(typ, length uint32, hdr []byte) error {
	switch typ {
	case ngEPB, ngPB:
		if len(hdr) < 28 {
			return nil
		}
		capLen := g.order.Uint32(hdr[20:24])
		if capLen > length-32 || capLen > MaxFrame {
			return g.bad("packet block of %d bytes claims %d captured bytes", length, capLen)
		}
	case ngSPB:
		if len(hdr) < 12 {
			return nil
		}
		capLen := int64(g.order.Uint32(hdr[8:12]))
		if g.snap0 > 0 && capLen > g.snap0 {
			capLen = g.snap0
		}
		if capLen > int64(length)-16 || capLen > MaxFrame {
			return g.bad("simple packet block of %d bytes claims %d captured bytes", length, capLen)
		}
	case ngIDB, ngNRB, ngDSB:
		if typ == ngIDB && g.snap0 < 0 && len(hdr) >= 16 {
			g.snap0 = int64(g.order.Uint32(hdr[12:16]))
		}
		if typ == ngDSB && len(hdr) >= 16 && g.order.Uint32(hdr[12:16]) > length-20 {
			return g.bad("decryption secrets block of %d bytes claims %d bytes of secrets", length, g.order.Uint32(hdr[12:16]))
		}
		g.kept += int64(length)
		if g.kept > maxKeptBlockBytes {
			return g.bad("more than %d MiB of interface, name and secrets blocks", maxKeptBlockBytes>>20)
		}
	}
	return nil
}

func (g *ngGuard) bad(format string, args ...any) error {
	return fmt.Errorf("%w at byte %d: %s", ErrBadBlock, g.off, fmt.Sprintf(format, args...))
}
