package synth

import (
	"encoding/binary"
	"net"
	"net/netip"
	"time"
)

// Brokers and their MACs: three brokers on one subnet, as in a small
// cluster behind one switch.
var brokers = []netip.AddrPort{
	netip.MustParseAddrPort("10.0.4.31:9092"),
	netip.MustParseAddrPort("10.0.4.32:9092"),
	netip.MustParseAddrPort("10.0.4.33:9092"),
}

// Plaintext Kafka listeners; TLS ClientHellos sent here get no ServerHello.
const (
	brokerTTL = 64 // the broker's own packets, seen on the client's subnet after one hop: 63
	lbTTL     = 253
	clientTTL = 64
)

func mac(b ...byte) net.HardwareAddr { return net.HardwareAddr{0x02, 0x42, b[0], b[1], b[2], b[3]} }

// newScript draws a flow kind from the mix and scripts its packets.
func (g *generator) newScript(at time.Time) *script {
	g.nextID++
	id := g.nextID
	s := &script{id: id}
	b := g.rng.IntN(len(brokers))
	s.srv = brokers[b]
	s.srvMAC = mac(0x0a, 0, 4, byte(31+b))
	c := g.rng.IntN(4000)
	s.cli = netip.AddrPortFrom(netip.AddrFrom4([4]byte{10, 1, byte(c / 250), byte(1 + c%250)}), uint16(32768+g.rng.IntN(28000)))
	s.cliMAC = mac(0x0a, 1, byte(c/250), byte(1+c%250))
	g.planted.Flows++
	switch g.drawKind() {
	case kindRefused:
		g.planted.Refused++
		g.refused(s, at)
	case kindUnanswered:
		g.planted.Unanswered++
		g.unanswered(s, at)
	case kindStaleARP:
		g.planted.StaleARP++
		g.staleARP(s, at)
	case kindIdleReset:
		g.planted.IdleReset++
		g.idleReset(s, at)
	case kindTLSOnPlaintext:
		g.planted.TLSOnPlaintext++
		g.tlsOnPlaintext(s, at)
	default:
		g.planted.Healthy++
		g.healthy(s, at)
	}
	return s
}

func (g *generator) drawKind() flowKind {
	n := g.rng.IntN(1000)
	for _, m := range mix {
		if n < m.perMi {
			return m.kind
		}
		n -= m.perMi
	}
	return kindHealthy
}

// conn tracks sequence numbers while a script is written.
type conn struct {
	s        *script
	at       time.Time
	cseq     uint32
	sseq     uint32
	rttMicro int
}

func (g *generator) open(s *script, at time.Time) *conn {
	return &conn{s: s, at: at, cseq: g.rng.Uint32(), sseq: g.rng.Uint32(), rttMicro: 100 + g.rng.IntN(400)}
}

func (c *conn) cli(flags uint8, payload []byte, gap time.Duration) {
	c.at = c.at.Add(gap)
	c.s.segs = append(c.s.segs, segment{at: c.at, fromCli: true, flags: flags, seq: c.cseq, ack: c.sseq, payload: payload, ttl: clientTTL})
	c.cseq += uint32(len(payload))
	if flags&3 != 0 {
		c.cseq++
	}
}

func (c *conn) srv(flags uint8, payload []byte, gap time.Duration) {
	c.at = c.at.Add(gap)
	c.s.segs = append(c.s.segs, segment{at: c.at, fromCli: false, flags: flags, seq: c.sseq, ack: c.cseq, payload: payload, ttl: brokerTTL - 1})
	c.sseq += uint32(len(payload))
	if flags&3 != 0 {
		c.sseq++
	}
}

func (c *conn) rtt() time.Duration { return time.Duration(c.rttMicro) * time.Microsecond }

func (c *conn) handshake() {
	c.cli(synF, nil, 0)
	c.srv(synF|ackF, nil, c.rtt())
	c.cli(ackF, nil, c.rtt()/4)
}

const (
	finF uint8 = 1
	synF uint8 = 2
	rstF uint8 = 4
	pshF uint8 = 8
	ackF uint8 = 16
)

// healthy: a handshake, a few Kafka request/response pairs of mixed sizes,
// and a clean close, the bulk of any real capture.
func (g *generator) healthy(s *script, at time.Time) {
	c := g.open(s, at)
	c.handshake()
	for i, n := 0, 1+g.rng.IntN(6); i < n; i++ {
		c.cli(pshF|ackF, kafkaRequest(int16(g.rng.IntN(4)), int32(i), 100+g.rng.IntN(300)), time.Duration(g.rng.IntN(5000))*time.Microsecond)
		c.srv(pshF|ackF, payload(200+g.rng.IntN(1600)), c.rtt())
		c.cli(ackF, nil, c.rtt()/4)
	}
	c.cli(finF|ackF, nil, time.Millisecond)
	c.srv(finF|ackF, nil, c.rtt())
	c.cli(ackF, nil, c.rtt()/4)
}

// refused: nothing listens; the kernel answers the SYN with RST+ACK.
func (g *generator) refused(s *script, at time.Time) {
	c := g.open(s, at)
	c.cli(synF, nil, 0)
	c.s.segs = append(c.s.segs, segment{at: c.at.Add(c.rtt()), flags: rstF | ackF, ack: c.cseq, ttl: brokerTTL - 1, noOpts: true})
}

// unanswered: the SYN is dropped in the path and retransmitted with the
// classic 1, 2, 4 s backoff.
func (g *generator) unanswered(s *script, at time.Time) {
	c := g.open(s, at)
	isn := c.cseq
	for _, gap := range []time.Duration{0, time.Second, 2 * time.Second, 4 * time.Second} {
		c.cseq = isn
		c.cli(synF, nil, gap)
	}
}

// staleARP: the broker answers every SYN, but its SYN-ACKs go to the MAC of
// the host that held the client's IP before; the client re-sends its SYN.
func (g *generator) staleARP(s *script, at time.Time) {
	c := g.open(s, at)
	stale := mac(0xde, 0xad, 0xbe, 0xef)
	isn, sisn := c.cseq, c.sseq
	for _, gap := range []time.Duration{0, time.Second, 2 * time.Second, 4 * time.Second} {
		c.cseq, c.sseq = isn, sisn
		c.cli(synF, nil, gap)
		c.srv(synF|ackF, nil, c.rtt())
		c.s.segs[len(c.s.segs)-1].dstMAC = stale
	}
}

// idleReset: a consumer's connection idles past a load balancer's 350 s
// timeout; its next request is answered by a RST the balancer forged.
func (g *generator) idleReset(s *script, at time.Time) {
	c := g.open(s, at)
	c.handshake()
	c.cli(pshF|ackF, kafkaRequest(1, 1, 120), time.Millisecond)
	c.srv(pshF|ackF, payload(400), c.rtt())
	c.cli(ackF, nil, c.rtt()/4)
	idle := 350*time.Second + time.Duration(g.rng.IntN(2000))*time.Millisecond
	c.cli(pshF|ackF, kafkaRequest(1, 2, 120), idle)
	c.s.segs = append(c.s.segs, segment{at: c.at.Add(80 * time.Microsecond), flags: rstF, seq: c.sseq, ttl: lbTTL, noOpts: true})
}

// tlsOnPlaintext: a client configured for SSL opens a plaintext listener;
// the broker reads the record header as a huge size and closes.
func (g *generator) tlsOnPlaintext(s *script, at time.Time) {
	c := g.open(s, at)
	c.handshake()
	c.cli(pshF|ackF, clientHelloStub(g.rng.IntN(256)), time.Millisecond)
	c.srv(ackF, nil, c.rtt())
	c.srv(finF|ackF, nil, 2*time.Millisecond)
	c.cli(finF|ackF, nil, c.rtt())
	c.srv(ackF, nil, c.rtt())
}

// kafkaRequest is a Kafka request header (size, api key, version,
// correlation id, client id) padded to n bytes.
func kafkaRequest(apiKey int16, corr int32, n int) []byte {
	const clientID = "consumer-orders-1"
	if n < 14+len(clientID) {
		n = 14 + len(clientID)
	}
	b := make([]byte, n)
	binary.BigEndian.PutUint32(b[0:], uint32(n-4))
	binary.BigEndian.PutUint16(b[4:], uint16(apiKey))
	binary.BigEndian.PutUint16(b[6:], 9)
	binary.BigEndian.PutUint32(b[8:], uint32(corr))
	binary.BigEndian.PutUint16(b[12:], uint16(len(clientID)))
	copy(b[14:], clientID)
	return b
}

func payload(n int) []byte { return make([]byte, n) }

// clientHelloStub is a TLS 1.2 handshake record carrying a ClientHello
// header and zeroed body: enough for the record and handshake headers a
// classifier reads first.
func clientHelloStub(extra int) []byte {
	body := 200 + extra
	b := make([]byte, 5+4+body)
	b[0], b[1], b[2] = 0x16, 0x03, 0x01
	binary.BigEndian.PutUint16(b[3:], uint16(4+body))
	b[5] = 1
	b[6], b[7], b[8] = byte(body>>16), byte(body>>8), byte(body)
	b[9], b[10] = 0x03, 0x03
	return b
}
