package pcap

import "testing"

// FuzzParse feeds arbitrary bytes to the parser: it must never panic,
// hang, or allocate far beyond the input's size.
func FuzzParse(f *testing.F) {
	for _, name := range fixtures(f) {
		f.Add(readFixture(f, name))
	}
	for _, c := range encapCaptures {
		f.Add(readEncap(f, c.name+"-underlay.pcap"))
	}
	f.Add(readEncap(f, "vxlan4789-any.pcap")) // segments captured twice
	f.Add(readEncap(f, "ipv6ext.pcap"))
	// Rarer pcapng blocks, so mutations start from them too.
	ng := readFixture(f, "sf_loopback.pcapng")
	epb := ngBlocks(f, ng, ngEPB)[0]
	f.Add(spliceBlock(ng, epb, simpleBlock(60)))
	f.Add(spliceBlock(ng, epb, secretsBlock(4)))
	f.Fuzz(func(t *testing.T, data []byte) {
		if !New().Sniff(data) {
			return
		}
		rec, st, _ := parseBytes(t, "fuzz", data)
		pkts := 0
		for _, fl := range rec.flows {
			pkts += fl.OrigPkts + fl.RespPkts
			if fl.FirstFrame < 1 || fl.LastFrame > st.Packets || fl.FirstFrame > fl.LastFrame {
				t.Fatalf("flow frames %d-%d outside 1-%d", fl.FirstFrame, fl.LastFrame, st.Packets)
			}
		}
		if pkts > st.Packets {
			t.Fatalf("flows hold %d packets, only %d frames read", pkts, st.Packets)
		}
	})
}
