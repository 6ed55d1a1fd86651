// Package flow replays TCP packets into flows: one record per connection with
// Zeek-compatible conn_state and history, handshake retransmissions, idle gaps,
// RST fingerprints, first-payload classes and L2 addresses.
//
// The replay is a single pass over packets in capture order. A Table holds the
// live flows keyed by a packed 5-tuple; flows that finish (RST, both FINs) or
// go quiet for longer than the table's idle horizon are finalised and handed to
// the caller's callback, so memory grows with live flows, never with the
// capture's size.
//
// The package knows nothing about files or link types: a parser decodes each
// frame into a Packet and calls Table.Add:
//
//	t := flow.NewTable(path, sink.Flow, flow.Options{})
//	for each TCP frame { t.Add(&pkt) } // pkt's buffers may be reused after
//	t.Flush()
//
// Lifecycle. A flow ends when an RST is seen or both FINs are acknowledged;
// it then lingers EndLinger (2 s of capture time after its last packet) so
// retransmitted FINs and RSTs stay with it. A SYN without ACK carrying a new
// ISN on an ended flow, or on one past its handshake, starts a new flow (the
// port was reused). Flows idle past Options.IdleHorizon (default 2 h, longer
// than any middlebox idle timeout, so idle-then-reset stays one flow) and,
// when the table holds Options.MaxFlows, the longest-idle flow are emitted
// early. Emission order depends only on the packets: expiry in last-seen
// order as packets advance the capture clock, Flush in first-frame order.
//
// Zeek parity. conn_state follows Zeek's endpoint state machine and its
// conn_state function; note that Zeek calls a connection established at the
// SYN-ACK, so SYN + SYN-ACK without the final ACK is S1 (HandshakeDone
// tells the difference). History letters follow Zeek's rules: S, H, F, R
// repeat only with a new sequence number, A, D, I, Q once per side, T
// (retransmitted payload) and W (zero window) at the 1st, 10th, 100th ...
// occurrence, '^' when the originator is not the first packet's sender.
// The history is capped at 24 letters; no C (checksum) or G (gap) letters.
//
// Performance. Add allocates nothing for a packet of an existing flow once
// each side's first payload is classified; the map key is a packed,
// pointer-free 5-tuple and a live flow costs about 400 bytes (map entry
// included). Link-layer addresses are tracked for 6-byte MACs only. A
// replay that runs Add as one stage of a pipeline can have finished flows
// built on a goroutine of the table's own (Options.Aside): Keep and emit
// are then called there, in the same order.
package flow
