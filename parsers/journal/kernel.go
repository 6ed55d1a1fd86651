package journal

import (
	"bytes"

	"github.com/kafkadiag/kafkadiag/analyzer"
	"github.com/kafkadiag/kafkadiag/parsers/internal/text"
)

// pendingOOM is an `oom-kill:constraint=…,task_memcg=…,task=…,pid=…` line
// waiting for its `Killed process PID (name)` line, which it precedes: the
// two describe one kill and become one event carrying the victim's unit.
//
// Kernels before 5.1 first name the victim they chose, `Out of memory:
// Kill process N (name) score S or sacrifice child`, then the one they
// killed (a child, maybe): that first line waits too (announced), and
// whichever Killed line follows replaces it. Alone (a grep of the log for
// "Out of memory"), it stands for the kill.
type pendingOOM struct {
	valid     bool
	announced bool
	ev        analyzer.Event
	pid       int
}

// kernel maps kernel messages (mm/oom_kill.c, neighbour.c, nf_conntrack).
func (h *handler) kernel(e *entry, msg []byte) {
	switch {
	case text.Has(msg, "oom-kill:") && text.Has(msg, "task_memcg="):
		h.oomContext(e, msg)
	case text.Has(msg, "Killed process "):
		h.oomKilled(e, msg)
	case text.Has(msg, "out of memory: Kill process ") || text.Has(msg, "Out of memory: Kill process "):
		h.oomChosen(e, msg)
	case text.Has(msg, "neighbor table overflow") || text.Has(msg, "Neighbour table overflow"):
		ev := h.event(e, analyzer.NeighbourOverflow, "kernel", msg)
		ev.Reason = "arp_cache"
		if text.Has(msg, "ndisc_cache") {
			ev.Reason = "ndisc_cache"
		}
		h.sink.Event(ev)
	case text.Has(msg, "nf_conntrack") && text.Has(msg, "table full"):
		ev := h.event(e, analyzer.ConntrackFull, "kernel", msg)
		ev.Reason = "table full, dropping packet"
		h.sink.Event(ev)
	}
}

// oomKilled reads `[<scope>: ]Killed process N (name) …`.
func (h *handler) oomKilled(e *entry, msg []byte) {
	ev, ok := h.victim(e, msg, "Killed process ")
	if !ok {
		return
	}
	switch {
	case h.oom.valid && h.oom.announced:
		h.oom.valid = false
	case h.oom.valid && h.oom.pid == ev.PID:
		ev.Unit = h.oom.ev.Unit
		h.oom.valid = false
	}
	h.flushOOM()
	h.sink.Event(ev)
}

// oomChosen keeps `Out of memory: Kill process N (name) score S or
// sacrifice child` until its Killed line (see pendingOOM).
func (h *handler) oomChosen(e *entry, msg []byte) {
	ev, ok := h.victim(e, msg, "Kill process ")
	if !ok {
		return
	}
	h.flushOOM()
	h.oom = pendingOOM{valid: true, announced: true, ev: ev, pid: ev.PID}
}

// victim is the OOM event of `<marker>N (name) …`: the PID after marker,
// the process name in the parentheses after it.
func (h *handler) victim(e *entry, msg []byte, marker string) (analyzer.Event, bool) {
	rest := msg[bytes.Index(msg, []byte(marker))+len(marker):]
	sp := bytes.IndexByte(rest, ' ')
	if sp <= 0 {
		return analyzer.Event{}, false
	}
	pid, ok := text.Atoi(rest[:sp])
	if !ok {
		return analyzer.Event{}, false
	}
	ev := h.event(e, analyzer.OOMKill, "kernel", msg)
	ev.PID = int(pid)
	if name := parenthesised(rest[sp+1:]); len(name) > 0 {
		ev.Reason = string(name)
	}
	return ev, true
}

// oomContext keeps the victim's cgroup from
// `oom-kill:constraint=CONSTRAINT_NONE,…,task_memcg=/system.slice/kafka.service,task=java,pid=1234,uid=1000`.
func (h *handler) oomContext(e *entry, msg []byte) {
	h.flushOOM()
	ev := h.event(e, analyzer.OOMKill, "kernel", msg)
	memcg := kv(msg, "task_memcg=")
	if i := bytes.LastIndexByte(memcg, '/'); i >= 0 {
		memcg = memcg[i+1:]
	}
	ev.Unit = string(memcg)
	ev.Reason = string(kv(msg, "task="))
	pid, _ := text.Atoi(kv(msg, "pid="))
	ev.PID = int(pid)
	h.oom = pendingOOM{valid: true, ev: ev, pid: ev.PID}
}

// flushOOM emits an oom-kill context line whose Killed line never came
// (rate limiting, a cut log).
func (h *handler) flushOOM() {
	if h.oom.valid {
		h.oom.valid = false
		h.sink.Event(h.oom.ev)
	}
}

// kv is the value of `,key=value,` in a comma-separated kernel line.
func kv(msg []byte, key string) []byte {
	i := 0
	for {
		j := bytes.Index(msg[i:], []byte(key))
		if j < 0 {
			return nil
		}
		j += i
		if j == 0 || msg[j-1] == ',' || msg[j-1] == ':' || msg[j-1] == ' ' {
			v := msg[j+len(key):]
			if k := bytes.IndexAny(v, ", "); k >= 0 {
				v = v[:k]
			}
			return v
		}
		i = j + 1
	}
}

// parenthesised is "java" in "(java) total-vm:…".
func parenthesised(b []byte) []byte {
	if len(b) < 2 || b[0] != '(' {
		return nil
	}
	if i := bytes.IndexByte(b, ')'); i > 0 {
		return b[1:i]
	}
	return nil
}
