package synth

import (
	"bytes"
	"crypto/sha256"
	"testing"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

func TestWriteCaptureDeterministic(t *testing.T) {
	spec := CaptureSpec{Bytes: 2 << 20, Seed: 7}
	var a, b bytes.Buffer
	pa, err := WriteCapture(&a, spec)
	if err != nil {
		t.Fatal(err)
	}
	pb, err := WriteCapture(&b, spec)
	if err != nil {
		t.Fatal(err)
	}
	if pa != pb || sha256.Sum256(a.Bytes()) != sha256.Sum256(b.Bytes()) {
		t.Fatalf("same spec gave different captures: %+v vs %+v", pa, pb)
	}
	sum := pa.Healthy + pa.Refused + pa.Unanswered + pa.StaleARP + pa.IdleReset + pa.TLSOnPlaintext
	if sum != pa.Flows {
		t.Errorf("kinds add up to %d, flows %d", sum, pa.Flows)
	}
	if got := a.Len(); got < 2<<20 || got > 3<<20 {
		t.Errorf("size %d, want about %d", got, 2<<20)
	}
}

// TestWriteCaptureDecodes reads the capture back with gopacket and checks
// the packet count, time order and the planted signatures that can be
// counted per packet.
func TestWriteCaptureDecodes(t *testing.T) {
	var buf bytes.Buffer
	planted, err := WriteCapture(&buf, CaptureSpec{Flows: 3000, Bytes: 1 << 30, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	r, err := pcapgo.NewReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	src := gopacket.NewPacketSource(r, layers.LinkTypeEthernet)
	var n, staleSynAcks, forgedRSTs int
	var last int64
	for p := range src.Packets() {
		n++
		ts := p.Metadata().Timestamp.UnixNano()
		if ts < last {
			t.Fatalf("packet %d goes back in time", n)
		}
		last = ts
		eth := p.Layer(layers.LayerTypeEthernet).(*layers.Ethernet)
		tcp, ok := p.Layer(layers.LayerTypeTCP).(*layers.TCP)
		if !ok {
			t.Fatalf("packet %d: no TCP layer", n)
		}
		ip := p.Layer(layers.LayerTypeIPv4).(*layers.IPv4)
		if tcp.SYN && tcp.ACK && eth.DstMAC.String() == "02:42:de:ad:be:ef" {
			staleSynAcks++
		}
		if tcp.RST && ip.TTL == lbTTL {
			forgedRSTs++
		}
	}
	if n != planted.Packets {
		t.Errorf("read %d packets, planted %d", n, planted.Packets)
	}
	if staleSynAcks != 4*planted.StaleARP {
		t.Errorf("%d stale SYN-ACKs, want 4 per planted flow (%d)", staleSynAcks, planted.StaleARP)
	}
	if forgedRSTs != planted.IdleReset {
		t.Errorf("%d forged RSTs, planted %d", forgedRSTs, planted.IdleReset)
	}
	if planted.Flows != 3000 {
		t.Errorf("flows = %d, want 3000", planted.Flows)
	}
}

func TestWriteLogDeterministic(t *testing.T) {
	spec := LogSpec{Bytes: 4 << 20, Seed: 9}
	var a, b bytes.Buffer
	pa, err := WriteLog(&a, spec)
	if err != nil {
		t.Fatal(err)
	}
	pb, _ := WriteLog(&b, spec)
	if pa != pb || !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("same spec gave different logs")
	}
	interesting := pa.ConnectFailed + pa.NodeDisconnected + pa.ConnectionReset + pa.BatchExpired + pa.InvalidReceive
	if interesting == 0 || interesting*100 > pa.Lines {
		t.Errorf("%d interesting of %d records: want some, under 1%%", interesting, pa.Lines)
	}
	if got := bytes.Count(a.Bytes(), []byte("could not be established")); got != pa.ConnectFailed {
		t.Errorf("%d connect-failed lines, planted %d", got, pa.ConnectFailed)
	}
	// A template whose verbs do not match its arguments prints fmt's
	// complaint ("%!d(string=...)"), a line no Kafka writes.
	if i := bytes.Index(a.Bytes(), []byte("%!")); i >= 0 {
		end := min(i+80, a.Len())
		t.Errorf("a line holds a formatting error: %q", a.Bytes()[i:end])
	}
}
