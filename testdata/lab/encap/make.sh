#!/usr/bin/env bash
# make.sh regenerates the encapsulated-traffic captures in this folder from
# real kernel TCP. Run as root: ./testdata/lab/encap/make.sh
#
# Each exchange is captured twice at the same time: on the UNDERLAY (the
# Kafka-port TCP inside a tunnel, as cloud traffic mirroring and remote SPAN
# deliver it) and on the INNER interface (the same packets, plain). parsers/pcap
# tests check that both decode to the same flows.
#
# What runs over each tunnel, to 9092 (no broker: peer.py plays both ends):
#   1. three connects, 0.2 s apart, with nothing listening: SYN, RST+ACK each
#      (connection refused; a client retries, and the rule wants two or more)
#   2. a healthy connection: handshake, 16-byte request, reply, client FIN, server FIN
#
# Tunnels (the lab kernel has CONFIG_VXLAN but no GENEVE, NET_IPGRE or
# IPV6_GRE, so `ip link add ... type geneve|gretap|erspan` fails there):
#   vxlan4789   kernel vxlan device, id 42, dstport 4789, IPv4 underlay
#   vxlan8472   kernel vxlan device, id 43, dstport 8472 (Linux's old default), IPv6 underlay
#   geneve, gretap, erspan2, erspan3: mirror.py, a software port mirror in
#               the server namespace, sends every frame of the server's
#               interface encapsulated to an analyzer namespace; the
#               underlay capture is taken there, as on a SPAN destination.
#
# Only network namespaces this script creates (kde-a, kde-b, kde-m), IPv4
# addresses from 198.18.0.0/15 and IPv6 from 2001:2::/48 (the benchmarking
# ranges); every wait is bounded, everything is removed on exit.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
cd "$HERE"
PY=/usr/bin/python3
NS_A=kde-a # client; one end of the kernel tunnels
NS_B=kde-b # server; the other end; runs the mirror
NS_M=kde-m # analyzer: receives the mirror's copies
PIDS=()
WORK=$(mktemp -d /tmp/kde.XXXXXX)

cleanup() {
	local p
	for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
	for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
	for ns in $NS_A $NS_B $NS_M; do ip netns del $ns 2>/dev/null || true; done
	rm -rf "$WORK"
}
trap cleanup EXIT INT TERM

in_ns() { local ns=$1; shift; ip netns exec "$ns" "$@"; }

# wait_for FILE TEXT: until FILE holds TEXT, at most 5 s.
wait_for() {
	local i
	for i in $(seq 50); do
		grep -q "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "timed out waiting for '$2' in $1" >&2
	return 1
}

# capture NS IFACE FILE FILTER...: start tcpdump, wait until it listens.
capture() {
	local ns=$1 ifc=$2 file=$3
	shift 3
	timeout 60 ip netns exec "$ns" tcpdump -i "$ifc" -U -w "$file" "$@" >"$WORK/td-$(basename "$file").log" 2>&1 &
	PIDS+=($!)
	wait_for "$WORK/td-$(basename "$file").log" "listening on"
}

# stop_bg: end every background process started so far (tcpdump, mirror).
stop_bg() {
	sleep 1
	local p
	for p in "${PIDS[@]}"; do kill -INT "$p" 2>/dev/null || true; done
	for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
	PIDS=()
}

# exchange NS_CLIENT NS_SERVER SERVER_IP [ext]: the refused connects, then the healthy one.
exchange() {
	local nc=$1 ns=$2 ip=$3 ext=${4:-} i
	for i in 1 2 3; do
		timeout 10 ip netns exec "$nc" $PY peer.py client "$ip" 9092 $ext
		sleep 0.2
	done
	timeout 10 ip netns exec "$ns" $PY peer.py serve "$ip" 9092 $ext >"$WORK/serve.log" &
	local srv=$!
	wait_for "$WORK/serve.log" listening
	timeout 10 ip netns exec "$nc" $PY peer.py client "$ip" 9092 $ext
	wait $srv
}

# link NS1 IF1 MAC1 NS2 IF2 MAC2: a veth pair between two namespaces, up, no IPv6 chatter.
link() {
	ip link add "$2" netns "$1" address "$3" type veth peer name "$5" netns "$4" address "$6"
	local ns
	for ns in "$1:$2" "$4:$5"; do
		in_ns "${ns%%:*}" sysctl -qw "net.ipv6.conf.${ns#*:}.accept_ra=0"
		ip -n "${ns%%:*}" link set "${ns#*:}" up
	done
}

for ns in $NS_A $NS_B $NS_M; do
	ip netns add $ns
	ip -n $ns link set lo up
done

# Underlay between A and B: IPv4 and IPv6 (no DAD, so it is usable at once).
link $NS_A ul0 02:00:c6:12:0a:01 $NS_B ul0 02:00:c6:12:0a:02
ip -n $NS_A addr add 198.18.10.1/24 dev ul0
ip -n $NS_B addr add 198.18.10.2/24 dev ul0
ip -n $NS_A addr add 2001:2::1/64 dev ul0 nodad
ip -n $NS_B addr add 2001:2::2/64 dev ul0 nodad

# vxlan(NAME ID DSTPORT LOCAL_A REMOTE_A INNER_NET): the device on both sides.
vxlan() {
	local name=$1 id=$2 port=$3 a=$4 b=$5 net=$6
	ip -n $NS_A link add "$name" address 02:00:c6:12:$id:01 type vxlan id "$id" local "$a" remote "$b" dstport "$port" dev ul0
	ip -n $NS_B link add "$name" address 02:00:c6:12:$id:02 type vxlan id "$id" local "$b" remote "$a" dstport "$port" dev ul0
	ip -n $NS_A addr add "$net.1/24" dev "$name"
	ip -n $NS_B addr add "$net.2/24" dev "$name"
	local ns
	for ns in $NS_A $NS_B; do
		in_ns $ns sysctl -qw "net.ipv6.conf.$name.disable_ipv6=1"
		ip -n $ns link set "$name" up
	done
}
vxlan vx42 42 4789 198.18.10.1 198.18.10.2 198.18.11
vxlan vx43 43 8472 2001:2::1 2001:2::2 198.18.12

# Mirror topology: A and B on a direct link, B mirrors it to M.
link $NS_A eth0 02:00:c6:12:1e:01 $NS_B eth0 02:00:c6:12:1e:02
ip -n $NS_A addr add 198.18.30.1/24 dev eth0
ip -n $NS_B addr add 198.18.30.2/24 dev eth0
link $NS_B mir0 02:00:c6:12:1f:01 $NS_M mir0 02:00:c6:12:1f:02
ip -n $NS_B addr add 198.18.31.1/24 dev mir0
ip -n $NS_M addr add 198.18.31.2/24 dev mir0
for ns in "$NS_A eth0" "$NS_B eth0" "$NS_B mir0" "$NS_M mir0"; do
	set -- $ns
	in_ns "$1" sysctl -qw "net.ipv6.conf.$2.disable_ipv6=1"
done
ip -n $NS_B link set mir0 mtu 9000
ip -n $NS_M link set mir0 mtu 9000
# The analyzer only listens: it must not answer the copies (ICMP unreachable).
in_ns $NS_M iptables -A INPUT -i mir0 -j DROP
sleep 1 # let the links settle before the first capture

# Kernel VXLAN: underlay and inner interface captured on the client side.
for t in "vxlan4789 vx42 198.18.11.2" "vxlan8472 vx43 198.18.12.2"; do
	set -- $t
	capture $NS_A ul0 "$1-underlay.pcap"
	capture $NS_A "$2" "$1-inner.pcap" arp or tcp port 9092
	# A host that is a tunnel endpoint, captured on every interface: each
	# packet twice, inside the tunnel on ul0 and plain on the vxlan device.
	capture $NS_A any "$1-any.pcap" -y LINUX_SLL2
	exchange $NS_A $NS_B "$3"
	stop_bg
	# Forget the neighbours, so the next run starts with ARP again.
	ip -n $NS_A neigh flush dev "$2"
	ip -n $NS_B neigh flush dev "$2"
done

# IPv6 with a hop-by-hop and a destination options header before TCP, on the
# underlay itself (no tunnel). tcpdump's "tcp" would not look past them.
capture $NS_A ul0 ipv6ext.pcap ip6 protochain 6
exchange $NS_A $NS_B 2001:2::2 ext
stop_bg

# Software mirror: the server's interface, mirrored to the analyzer.
for mode in geneve gretap erspan2 erspan3; do
	capture $NS_M mir0 "$mode-underlay.pcap"
	capture $NS_B eth0 "$mode-inner.pcap" arp or tcp port 9092
	timeout 60 ip netns exec $NS_B $PY mirror.py $mode eth0 198.18.31.2 30 >"$WORK/mirror.log" &
	PIDS+=($!)
	wait_for "$WORK/mirror.log" mirroring
	exchange $NS_A $NS_B 198.18.30.2
	stop_bg
	ip -n $NS_A neigh flush dev eth0
	ip -n $NS_B neigh flush dev eth0
done

# What tshark makes of each capture (VXLAN on 8472 has to be named to it).
for f in *.pcap; do
	{
		echo "# tshark -r $f -d udp.port==8472,vxlan -q -z conv,tcp"
		tshark -r "$f" -d udp.port==8472,vxlan -q -z conv,tcp 2>/dev/null
	} >"$f.tshark.txt"
done
# ipv6ext.pcap has no tunnel: its frames are recorded as testdata/captures/make.sh
# records them, for the same comparison (parsers/pcap TestFlowsMatchTshark).
f=ipv6ext.pcap
{
	echo "# tshark -r $f -T fields -e frame.number -e frame.time_epoch -e tcp.stream -e ip.src -e ipv6.src -e tcp.srcport -e ip.dst -e ipv6.dst -e tcp.dstport -e tcp.flags -e tcp.len -e arp.opcode"
	tshark -r "$f" -T fields -e frame.number -e frame.time_epoch -e tcp.stream -e ip.src -e ipv6.src -e tcp.srcport \
		-e ip.dst -e ipv6.dst -e tcp.dstport -e tcp.flags -e tcp.len -e arp.opcode 2>/dev/null
} >>"$f.tshark.txt"
ls -l *.pcap
