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
// frame into a Packet and calls Table.Add.
package flow
