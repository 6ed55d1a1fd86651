package pcap

import (
	"context"

	"github.com/kafkadiag/kafkadiag/analyzer/flow"
)

// The replay runs as two stages on two goroutines: one reads and decodes
// records into batches, the other replays the batches into the flow table.
// Batches, not single packets, cross the channel, so the hand-over costs a
// few nanoseconds per packet; a fixed pool of batches is recycled, so the
// steady state allocates nothing. Order is kept: one producer, one
// consumer, one FIFO channel.
//
// A packet's Payload and MAC slices must stay valid until the consumer is
// done with its batch. Classic pcap files are read into blocks that travel
// with the batches (classicReader), so nothing is copied; pcapng records
// come from pcapgo's reusable buffer and are copied into the batch's arena.
const (
	batchPackets  = 2048    // packets per batch
	batchArena    = 1 << 19 // bytes of payload and MACs a batch holds before it is sent
	batchesInPool = 4       // batches in flight: enough to keep both stages busy
	// blocksInPool bounds the classic-pcap blocks made after the first: one
	// per batch in flight or being replayed, plus the one being read.
	blocksInPool = batchesInPool + 2
)

// batch is a run of decoded frames.
type batch struct {
	// arena holds copies of the packets' slices when the reader reuses its
	// buffer (pcapng).
	arena []byte
	pkts  []flow.Packet
	// macs[i] holds pkts[i]'s source and destination MACs (zero-copy
	// reads): the table reads the MACs of every packet, and side by side
	// they share cache lines, where in the block each costs a miss on the
	// other core (a tenth of the replay).
	macs [][2 * macLen]byte
	arps []flow.ARP // ARP records copy their own slices
	// retire is a block the reader has left: every packet pointing into it
	// is in this batch or an earlier one, so it is free once this batch is
	// replayed.
	retire []byte
	// err, on the last batch, is why reading stopped (nil at the end).
	err error
}

// pipeline is run on two goroutines: tcp and arp are called on the caller's
// goroutine, in capture order, with the same contract as run. The replay's
// counters are final when it returns.
func (rp *replay) pipeline(ctx context.Context, tcp func(*flow.Packet), arp func(*flow.ARP)) error {
	full := make(chan *batch, batchesInPool)
	free := make(chan *batch, batchesInPool)
	for range batchesInPool {
		// Slices start small and grow to their bounds on use: a capture
		// of a few packets must not touch megabytes (on a VM each new
		// page costs a fault, and 4 MiB more heap starts a collection
		// that scans every global: 20 ms of a 60 ms run).
		free <- &batch{pkts: make([]flow.Packet, 0, 64)}
	}
	// The blocks channel holds every pooled block: returning one never waits.
	blocks := make(chan []byte, blocksInPool+1)
	blockSize := 0
	if cr := rp.cf.classic; cr != nil {
		blockSize = cr.blockSize
	}
	go rp.produce(ctx, full, free, blocks)
	var err error
	for b := range full {
		for i := range b.pkts {
			tcp(&b.pkts[i])
		}
		for i := range b.arps {
			arp(&b.arps[i])
		}
		err = b.err
		if b.retire != nil && len(b.retire) == blockSize {
			blocks <- b.retire
		}
		b.arena, b.pkts, b.macs, b.arps, b.retire, b.err = b.arena[:0], b.pkts[:0], b.macs[:0], b.arps[:0], nil, nil
		free <- b
	}
	return err
}

// produce reads every record into batches sent on full, taking empty ones
// from free, and closes full at the end.
func (rp *replay) produce(ctx context.Context, full chan<- *batch, free <-chan *batch, blocks chan []byte) {
	defer close(full)
	b := <-free
	cr := rp.cf.classic
	zeroCopy := cr != nil
	if zeroCopy {
		// Records stay in their blocks, and each is decoded straight into
		// the next packet slot of the batch: a Packet is 200 bytes, and
		// copying it there was a sixth of this stage.
		defer func() { rp.dec.out = &rp.dec.pkt }()
		made := 0
		cr.swap = func(tail []byte, n int) []byte {
			var blk []byte
			switch {
			case n > cr.blockSize:
				blk = make([]byte, n) // larger than a block: not pooled
			case made < blocksInPool:
				blk, made = make([]byte, cr.blockSize), made+1
			default:
				blk = <-blocks
			}
			copy(blk, tail)
			if cr.block != nil { // not the first block: hand over what it holds
				b.retire = cr.block
				full <- b
				b = <-free
				rp.dec.out = b.slot() // the record being read goes to the new batch
			}
			return blk
		}
	}
	for {
		if rp.frames%ctxCheckEvery == 0 {
			if b.err = ctx.Err(); b.err != nil {
				break
			}
		}
		if zeroCopy {
			if len(b.pkts) == batchPackets {
				full <- b
				b = <-free
			}
			rp.dec.out = b.slot()
		}
		v, err := rp.read()
		if err != nil || v == frameEnd {
			b.err = err
			break
		}
		switch v {
		case frameTCP:
			if zeroCopy {
				b.pkts = b.pkts[:len(b.pkts)+1] // the slot read() filled
				b.keepMACs(&b.pkts[len(b.pkts)-1])
				break
			}
			p := rp.dec.out
			if b.arena == nil {
				b.arena = make([]byte, 0, batchArena)
			}
			need := len(p.Payload) + len(p.SrcMAC) + len(p.DstMAC)
			if len(b.pkts) == batchPackets || len(b.arena)+need > cap(b.arena) {
				full <- b
				b = <-free
			}
			b.pkts = append(b.pkts, *p)
			b.keep(&b.pkts[len(b.pkts)-1])
		case frameARP:
			if a, ok := rp.dec.arpRecord(rp.frames); ok {
				a.Time = rp.dec.out.Time
				if len(b.arps) == batchPackets {
					full <- b
					b = <-free
				}
				b.arps = append(b.arps, a)
			}
		}
	}
	full <- b
}

// slot returns the packet past the batch's last, growing its room when
// full; the packet is not yet counted in the batch, and holds whatever an
// earlier use of the room left there.
func (b *batch) slot() *flow.Packet {
	n := len(b.pkts)
	if n == cap(b.pkts) {
		b.pkts = append(b.pkts, flow.Packet{})[:n]
	}
	return &b.pkts[:n+1][n]
}

// macLen is the length of an Ethernet MAC.
const macLen = 6

// keepMACs copies p's MACs into a new slot of the batch's (MACs of
// another length, not Ethernet's, go to the arena). A slot array that
// grows leaves earlier packets pointing into the old one: still theirs.
func (b *batch) keepMACs(p *flow.Packet) {
	b.macs = append(b.macs, [2 * macLen]byte{})
	slot := &b.macs[len(b.macs)-1]
	if len(p.SrcMAC) == macLen {
		copy(slot[:macLen], p.SrcMAC)
		p.SrcMAC = slot[:macLen:macLen]
	} else {
		p.SrcMAC = b.copy(p.SrcMAC)
	}
	if len(p.DstMAC) == macLen {
		copy(slot[macLen:], p.DstMAC)
		p.DstMAC = slot[macLen:]
	} else {
		p.DstMAC = b.copy(p.DstMAC)
	}
}

// keep copies the slices of p into the arena and points p at the copies. A
// payload larger than the arena's room gets its own allocation (only
// super-frames near MaxFrame).
func (b *batch) keep(p *flow.Packet) {
	p.Payload = b.copy(p.Payload)
	p.SrcMAC = b.copy(p.SrcMAC)
	p.DstMAC = b.copy(p.DstMAC)
}

func (b *batch) copy(s []byte) []byte {
	if s == nil {
		return nil
	}
	if len(b.arena)+len(s) > cap(b.arena) {
		return append([]byte(nil), s...)
	}
	start := len(b.arena)
	b.arena = append(b.arena, s...)
	return b.arena[start:len(b.arena):len(b.arena)]
}
