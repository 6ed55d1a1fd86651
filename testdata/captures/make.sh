#!/usr/bin/env bash
# make.sh regenerates the capture fixtures from real traffic. Run as root from
# anywhere: ./testdata/captures/make.sh
#
# Loopback only, plus one veth pair into a network namespace this script
# creates (kdiag-pcap, 198.18.0.0/24) and removes on exit. Every capture and
# every client is bounded by `timeout`. Afterwards it records what tshark says
# about each capture in FILE.tshark.txt, which the Go tests compare against.
set -euo pipefail
cd "$(dirname "$0")"

PY=/usr/bin/python3
NS=kdiag-pcap
TCPDUMP_PID=
cleanup() {
	[ -n "$TCPDUMP_PID" ] && kill "$TCPDUMP_PID" 2>/dev/null || true
	ip netns del "$NS" 2>/dev/null || true
	ip link del kdpcap0 2>/dev/null || true
	}
trap cleanup EXIT

# capture FILE IFACE FILTER [tcpdump options...] -- COMMAND...
# Captures while COMMAND runs, with a second of margin each side.
capture() {
	local tool=tcpdump
	if [ "$1" = "-dumpcap" ]; then tool=dumpcap; shift; fi
	local file=$1 iface=$2 filter=$3
	shift 3
	local opts=()
	while [ "$1" != "--" ]; do opts+=("$1"); shift; done
	shift
	if [ $tool = dumpcap ]; then # native pcapng, with interface statistics blocks
		timeout 20 dumpcap -q -i "$iface" -w "$file" "${opts[@]}" -f "$filter" 2>/dev/null &
	else
		timeout 20 tcpdump -i "$iface" -U -w "$file" "${opts[@]}" "$filter" 2>/dev/null &
	fi
	TCPDUMP_PID=$!
	sleep 1
	timeout 10 "$@" || true
	sleep 1
	kill -INT "$TCPDUMP_PID"; wait "$TCPDUMP_PID" || true
	TCPDUMP_PID=
}

# Connection refused: nothing listens on 127.0.0.1:39101, the kernel answers RST.
capture rej_refused.pcap lo "tcp port 39101" -- $PY traffic.py refused 127.0.0.1 39101
# Orderly: connect, request, reply, FIN from the client, FIN from the server.
capture sf_loopback.pcap lo "tcp port 39102" -- $PY traffic.py sf 127.0.0.1 39102 64
# The server sends a partial reply, then closes with SO_LINGER 0: an RST.
capture rst_linger0.pcap lo "tcp port 39103" -- $PY traffic.py reset 127.0.0.1 39103 100
# A TLS client (openssl s_client) against a plaintext listener.
$PY traffic.py listen-drain 127.0.0.1 39104 &
LISTENER=$!
capture tls_client_plaintext_listener.pcap lo "tcp port 39104" -- \
	bash -c 'echo | openssl s_client -connect 127.0.0.1:39104 -servername kafka-1.example >/dev/null 2>&1'
wait "$LISTENER" || true
# IPv6 on ::1.
capture sf_ipv6.pcap lo "tcp port 39105" -- $PY traffic.py sf ::1 39105 32
# tcpdump -i any, forced to Linux cooked v2 (libpcap >= 1.10).
capture sf_any_sll2.pcap any "tcp port 39106" -y LINUX_SLL2 -- $PY traffic.py sf 127.0.0.1 39106 48
# Snaplen 96: 3000 bytes of request, frames cut at 96 bytes.
capture snap96.pcap lo "tcp port 39107" -s 96 -- $PY traffic.py sf 127.0.0.1 39107 3000
# dumpcap writes pcapng itself, with an interface statistics block (drops).
capture -dumpcap sf_dumpcap.pcapng lo "tcp port 39110" -- $PY traffic.py sf 127.0.0.1 39110 16
# The orderly capture as pcapng, and gzip-compressed.
editcap -F pcapng sf_loopback.pcap sf_loopback.pcapng
gzip -9 -n -c sf_loopback.pcap >sf_loopback.pcap.gz

# Real Ethernet: a veth pair into a namespace. ARP resolves the peer first.
ip netns add "$NS"
ip link add kdpcap0 type veth peer name kdpcap1
ip link set kdpcap1 netns "$NS"
ip addr add 198.18.0.1/24 dev kdpcap0
ip link set kdpcap0 up
ip netns exec "$NS" ip addr add 198.18.0.2/24 dev kdpcap1
ip netns exec "$NS" ip link set kdpcap1 up
ip netns exec "$NS" ip link set lo up
sleep 2 # let IPv6 DAD and router solicitations pass before capturing
ip netns exec "$NS" timeout 15 $PY traffic.py listen-drain 198.18.0.2 39108 &
LISTENER=$!
sleep 0.5
capture veth_ether.pcap kdpcap0 "arp or tcp port 39108 or tcp port 39109" -- \
	bash -c "$PY traffic.py refused 198.18.0.2 39109; $PY traffic.py client 198.18.0.2 39108"
wait "$LISTENER" || true
# Two link types in one pcapng: the Ethernet veth captures plus the SLL2 one.
mergecap -F pcapng -w mixed_linktypes.pcapng veth_ether.pcap sf_any_sll2.pcap

for f in *.pcap *.pcapng *.pcap.gz; do
	{
		echo "# tshark -r $f -q -z conv,tcp"
		tshark -r "$f" -q -z conv,tcp 2>/dev/null
		echo "# tshark -r $f -T fields -e frame.number -e frame.time_epoch -e tcp.stream -e ip.src -e ipv6.src -e tcp.srcport -e ip.dst -e ipv6.dst -e tcp.dstport -e tcp.flags -e tcp.len -e arp.opcode"
		tshark -r "$f" -T fields -e frame.number -e frame.time_epoch -e tcp.stream -e ip.src -e ipv6.src -e tcp.srcport \
			-e ip.dst -e ipv6.dst -e tcp.dstport -e tcp.flags -e tcp.len -e arp.opcode 2>/dev/null
	} >"$f.tshark.txt"
done
ls -l
