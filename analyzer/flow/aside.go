package flow

// aside builds finished flows on a goroutine of its own (Options.Aside).
// In a two-stage replay the stage that calls Add is the slower one, and a
// fifth of its time was building finished flows (summarise, Keep, record,
// emit: about 0.6 µs a flow, nearly all of it cache misses on conns idle
// for long): done aside, that work runs on whichever core the other stage
// leaves idle.
//
// Conns travel in batches, in the order they were finalised, so Keep and
// emit see the flows in the same order as without Aside. A built batch
// comes back, its conns zeroed, as spares for the table: the conns are
// recycled as before, and the table never writes to memory the aside
// goroutine is reading.
type aside struct {
	build   func(*conn, *Summary)
	pending []*conn       // finalised, not yet sent; the table's goroutine only
	todo    chan []*conn  // batches to build
	back    chan spares   // built batches' conns, zeroed, with their parts
	done    chan struct{} // closed when the goroutine has built every batch
}

const (
	// asideBatch is how many conns go to the aside goroutine at once: a
	// hand-over costs a channel send and, now and then, a wake-up.
	asideBatch = 256
	// asideQueue is how many batches may wait: past it the table waits,
	// so a slow Keep or emit bounds the conns in flight.
	asideQueue = 8
)

func startAside(build func(*conn, *Summary)) *aside {
	a := &aside{
		build:   build,
		pending: make([]*conn, 0, asideBatch),
		todo:    make(chan []*conn, asideQueue),
		back:    make(chan spares, 2),
		done:    make(chan struct{}),
	}
	go a.run()
	return a
}

// take hands a finalised conn over; the table must not touch it again.
func (a *aside) take(c *conn) {
	a.pending = append(a.pending, c)
	if len(a.pending) == asideBatch {
		a.send()
	}
}

func (a *aside) send() {
	if len(a.pending) == 0 {
		return
	}
	a.todo <- a.pending
	a.pending = make([]*conn, 0, asideBatch)
}

// end sends what is pending and waits until every conn is built.
func (a *aside) end() {
	a.send()
	close(a.todo)
	<-a.done
}

// refill moves a built batch's conns and parts into sp, if one is back;
// it never waits.
func (a *aside) refill(sp *spares) {
	select {
	case b := <-a.back:
		sp.absorb(&b)
	default:
	}
}

func (a *aside) run() {
	defer close(a.done)
	var sum Summary
	for batch := range a.todo {
		var back spares
		for _, c := range batch {
			a.build(c, &sum)
			back.strip(c)
		}
		back.conns = batch
		select {
		case a.back <- back:
		default: // the table has spares enough: these go to the collector
		}
	}
}
