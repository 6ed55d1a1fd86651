package flow

import (
	"cmp"
	"slices"
	"time"
)

// Options tune a Table. The zero value gives the defaults.
type Options struct {
	// IdleHorizon: a live flow with no packet for this long (capture time)
	// is finalised and evicted. It must exceed middlebox idle timeouts (AWS
	// NLB 350 s, Azure 240 s, some firewalls up to an hour) so that an
	// idle-then-reset connection stays ONE flow. Default (zero) 2 h.
	IdleHorizon time.Duration
	// MaxFlows bounds live flows; past it the longest-idle flow is
	// finalised early. Default (zero) 1<<20.
	MaxFlows int
	// Keep, when set, is asked about every finished flow before it is
	// built: a flow it declines is never materialised nor emitted, so Keep
	// is where the consumer counts it. The Summary is valid during the call
	// only. Nil keeps every flow.
	Keep func(*Summary) bool
	// Aside builds finished flows (Keep, the Flow, emit) on a goroutine
	// of the table's own, beside Add. Keep and emit are then called on
	// that goroutine, one at a time and in the same order as without
	// Aside, and every call has returned when Flush returns: until then
	// the caller must not touch what they touch. For a replay whose Add
	// is the slower stage of a pipeline.
	Aside bool
}

// Defaults applied for zero Options fields.
const (
	DefaultIdleHorizon = 2 * time.Hour
	DefaultMaxFlows    = 1 << 20
)

// EndLinger is how long, in capture time, a flow that clearly ended (an RST
// seen, or both FINs acknowledged) stays live after its last packet, so that
// retransmitted FINs and RSTs and late ACKs land in the same flow. Each
// packet restarts it. A new SYN with another ISN ends it at once: the port
// was reused for a new connection.
const EndLinger = 2 * time.Second

// Table replays packets, in capture order, into flows. It is not safe for
// concurrent use.
type Table struct {
	capture string
	emit    func(*Flow)
	keep    func(*Summary) bool
	sum     Summary // reused for every keep call: no allocation per flow
	horizon int64
	max     int
	// flows4 holds flows between IPv4 endpoints, flows6 the rest: the
	// small key makes the common lookup cheap.
	flows4 map[key4]*conn
	flows6 map[flowKey]*conn
	spare  spares
	// active and ended are LRU lists (head = most recently touched); a
	// flow moves to ended when it closes, where it waits EndLinger
	// instead of IdleHorizon.
	active, ended lru
	clock         int64 // latest packet time seen, ns
	started       bool  // clock is set
	// aside builds finished flows on its own goroutine (Options.Aside);
	// nil builds them inside Add.
	aside *aside
}

// NewTable returns a Table for the capture at path capture (used in Flow
// UIDs and Flow.Capture). emit receives every finished flow and owns it; it
// runs inside Add and Flush and must not call back into the table.
func NewTable(capture string, emit func(*Flow), opts Options) *Table {
	if opts.IdleHorizon <= 0 {
		opts.IdleHorizon = DefaultIdleHorizon
	}
	if opts.MaxFlows <= 0 {
		opts.MaxFlows = DefaultMaxFlows
	}
	t := &Table{
		capture: capture,
		emit:    emit,
		keep:    opts.Keep,
		horizon: int64(opts.IdleHorizon),
		max:     opts.MaxFlows,
		flows4:  make(map[key4]*conn),
		flows6:  make(map[flowKey]*conn),
	}
	if opts.Aside && emit != nil {
		t.aside = startAside(t.build)
	}
	return t
}

// Add replays one decoded TCP segment. p's slices are only read during the
// call; what the table keeps is copied. Flows that expire by p's time are
// emitted first.
func (t *Table) Add(p *Packet) {
	if p == nil {
		return
	}
	if ns := p.Time.UnixNano(); ns > t.clock || !t.started {
		t.clock, t.started = ns, true
	}
	t.expire()
	pl := placeOf(p)
	srcIsA := pl.srcIsA
	var c *conn
	if pl.v4 {
		c = t.flows4[pl.k4]
	} else {
		c = t.flows6[pl.k6]
	}
	if c != nil && c.reusedBy(p, c.dir(srcIsA)) {
		t.finalise(c)
		c = nil
	}
	var from *lru // the list c is on; nil for a new flow
	if c == nil {
		c = t.open(pl.key(), srcIsA, p)
	} else {
		from = t.list(c)
	}
	c.add(p, c.dir(srcIsA), &t.spare)
	to := t.list(c)
	if from == to && to.head == c {
		return // a burst of one flow: moving it would touch its neighbours for nothing
	}
	if from != nil {
		from.remove(c)
	}
	to.pushFront(c)
}

// Flush finalises every live flow, in first-frame order: call it at the end
// of the capture. With Options.Aside it returns when every flow is built
// and emitted; the table builds later flows itself.
func (t *Table) Flush() {
	defer t.endAside()
	live := make([]*conn, 0, t.Live())
	for _, c := range t.flows4 {
		live = append(live, c)
	}
	for _, c := range t.flows6 {
		live = append(live, c)
	}
	slices.SortFunc(live, func(a, b *conn) int {
		return cmp.Or(cmp.Compare(a.firstFrame, b.firstFrame), compareKeys(&a.key, &b.key))
	})
	for _, c := range live {
		t.finalise(c)
	}
}

// Live is the number of flows not yet emitted.
func (t *Table) Live() int { return len(t.flows4) + len(t.flows6) }

// open starts a flow for p, making room first when the table is full.
func (t *Table) open(k flowKey, srcIsA bool, p *Packet) *conn {
	if t.Live() >= t.max {
		t.evictOldest()
	}
	if t.aside != nil && len(t.spare.conns) == 0 {
		t.aside.refill(&t.spare)
	}
	origIsA := originatorIsA(k, srcIsA, p)
	c := newConn(t.spare.conn(), k, origIsA, origIsA != srcIsA, p)
	if k.family == 4 {
		t.flows4[k.short()] = c
	} else {
		t.flows6[k] = c
	}
	return c
}

// originatorIsA decides, from a flow's first packet, which side originated
// it, as Zeek does: a SYN's sender; a SYN-ACK's receiver. Without either
// (the capture began mid-connection) the side on a well-known server port is
// the responder, else the side on the lower port (clients use ephemeral
// ports); the first sender breaks a tie.
func originatorIsA(k flowKey, srcIsA bool, p *Packet) bool {
	aServer, bServer := likelyServerPort(k.aPort), likelyServerPort(k.bPort)
	switch {
	case p.Has(SYN) && !p.Has(ACK):
		return srcIsA
	case p.Has(SYN | ACK):
		return !srcIsA
	case aServer != bServer:
		return bServer
	case k.aPort > k.bPort:
		return true
	case k.aPort < k.bPort:
		return false
	}
	return srcIsA
}

// likelyServerPort reports ports below 1024 and the usual Kafka, ZooKeeper
// and Confluent listener ports: a client rarely gets one as its ephemeral
// port, and a client on a low ephemeral port (1024-9091) must not pass for
// the server.
func likelyServerPort(port uint16) bool {
	switch port {
	case 2181, 2182, 2888, 3888, 8081, 8082, 8083, 8090, 9091, 9092, 9093, 9094, 9095, 9096, 9097,
		9192, 9292, 19092, 29092, 39092, 49092:
		return true
	}
	return port < 1024
}

// reusedBy reports whether p, sent by side d, opens a new connection on this
// flow's 5-tuple: a SYN without ACK after the flow ended, or past its
// handshake with another ISN (Zeek's connection reuse).
func (c *conn) reusedBy(p *Packet, d int) bool {
	if !p.Has(SYN) || p.Has(ACK) {
		return false
	}
	s, peer := &c.sides[d], &c.sides[1-d]
	if s.hasISN && p.Seq == s.isn {
		return false // a retransmission of this flow's SYN
	}
	if c.ended {
		return true
	}
	if s.hasISN {
		return peer.pkts > 0
	}
	return peer.pkts > 0 && s.pkts > 0
}

// expire finalises flows idle past the horizon, and ended flows past their
// linger, oldest first.
func (t *Table) expire() {
	for t.active.overdue(t.clock, t.horizon) {
		t.finalise(t.active.tail)
	}
	for t.ended.overdue(t.clock, int64(EndLinger)) {
		t.finalise(t.ended.tail)
	}
}

// evictOldest finalises the flow idle the longest, preferring an ended one.
func (t *Table) evictOldest() {
	a, e := t.active.tail, t.ended.tail
	switch {
	case e != nil && (a == nil || e.lastNS <= a.lastNS):
		t.finalise(e)
	case a != nil:
		t.finalise(a)
	}
}

func (t *Table) finalise(c *conn) {
	t.list(c).remove(c)
	if c.key.family == 4 {
		delete(t.flows4, c.key.short())
	} else {
		delete(t.flows6, c.key)
	}
	if t.aside != nil {
		t.aside.take(c)
		return
	}
	t.build(c, &t.sum)
	t.spare.recycle(c)
}

// build emits c's flow when Keep accepts it; sum is the Summary Keep gets.
// It reads only what NewTable set, so an aside goroutine may run it.
func (t *Table) build(c *conn, sum *Summary) {
	if t.emit == nil {
		return
	}
	if t.keep != nil {
		c.summarise(t.capture, sum)
		if !t.keep(sum) {
			return
		}
	}
	t.emit(c.record(t.capture))
}

// endAside waits for the aside goroutine to build every flow handed to
// it, and stops it.
func (t *Table) endAside() {
	if t.aside != nil {
		t.aside.end()
		t.aside = nil
	}
}

func (t *Table) list(c *conn) *lru {
	if c.ended {
		return &t.ended
	}
	return &t.active
}

// lru is an intrusive doubly linked list of conns.
type lru struct {
	head, tail *conn
	// low is at most tail.lastNS (a conn's lastNS only grows): while the
	// clock is within a span of low, nothing on the list is overdue, and
	// the tail, cold in cache, need not be read. Reading both tails on
	// every packet took 0.10 of Add's 0.73 s in a profile of a 1 GiB
	// capture.
	low int64
}

func (l *lru) pushFront(c *conn) {
	c.prev, c.next = nil, l.head
	if l.head != nil {
		l.head.prev = c
	} else {
		l.tail, l.low = c, c.lastNS
	}
	l.head = c
}

func (l *lru) remove(c *conn) {
	if c.prev != nil {
		c.prev.next = c.next
	} else if l.head == c {
		l.head = c.next
	}
	if c.next != nil {
		c.next.prev = c.prev
	} else if l.tail == c {
		l.tail = c.prev
		if l.tail != nil { // capture times may go back: the new tail can be older
			l.low = min(l.low, l.tail.lastNS)
		}
	}
	c.prev, c.next = nil, nil
}

// overdue reports whether the least recently touched conn has been idle
// longer than span at capture time now.
func (l *lru) overdue(now, span int64) bool {
	if l.tail == nil || now-l.low <= span {
		return false
	}
	l.low = l.tail.lastNS
	return now-l.low > span
}
