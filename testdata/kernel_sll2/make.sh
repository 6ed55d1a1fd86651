#!/usr/bin/env bash
# make.sh captures any_refused.pcap: a real `tcpdump -i any` capture (Linux
# cooked v2, link type 276) taken in a network namespace, holding a connect
# refused by the kernel (nothing listens on 198.18.0.2:9092) three times and
# one healthy connection over the namespace's loopback (127.0.0.1:9092).
# Run as root: ./testdata/kernel_sll2/make.sh
#
# Two namespaces this script creates and removes on exit (kdt-cli
# 198.18.0.1, kdt-brk 198.18.0.2, a veth pair between them); nothing is
# routed from the host. Every client, listener and the capture run under
# `timeout`; the script ends only the processes it started.
set -euo pipefail
cd "$(dirname "$0")"

PY=/usr/bin/python3
TRAFFIC=../captures/traffic.py
CLI=kdt-cli
BRK=kdt-brk
OUT=any_refused.pcap
TCPDUMP_PID=
LISTENER_PID=
cleanup() {
	[ -n "$TCPDUMP_PID" ] && kill "$TCPDUMP_PID" 2>/dev/null || true
	[ -n "$LISTENER_PID" ] && kill "$LISTENER_PID" 2>/dev/null || true
	ip netns del "$CLI" 2>/dev/null || true
	ip netns del "$BRK" 2>/dev/null || true
}
trap cleanup EXIT INT TERM
cleanup

ip netns add "$CLI"
ip netns add "$BRK"
ip link add kdt-c0 netns "$CLI" type veth peer name kdt-b0 netns "$BRK"
ip -n "$CLI" addr add 198.18.0.1/24 dev kdt-c0
ip -n "$BRK" addr add 198.18.0.2/24 dev kdt-b0
for ns in "$CLI" "$BRK"; do
	ip -n "$ns" link set lo up
done
ip -n "$CLI" link set kdt-c0 up
ip -n "$BRK" link set kdt-b0 up
# No IPv6 chatter (router solicitations, DAD) in the capture.
ip netns exec "$CLI" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
ip netns exec "$BRK" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
sleep 1

# -i any writes LINUX_SLL2 by default since libpcap 1.10; -y makes it explicit.
ip netns exec "$CLI" timeout 30 tcpdump -i any -y LINUX_SLL2 -U -w "$OUT" 'tcp port 9092 or arp' 2>/dev/null &
TCPDUMP_PID=$!
sleep 1
# Nothing listens on the broker: the broker's kernel answers each SYN with RST.
for _ in 1 2 3; do
	ip netns exec "$CLI" timeout 10 $PY "$TRAFFIC" refused 198.18.0.2 9092 || true
	sleep 1
done
# A healthy connection on the client's loopback: request, reply, FINs.
ip netns exec "$CLI" timeout 10 $PY "$TRAFFIC" sf 127.0.0.1 9092 64 || true
sleep 1
kill -INT "$TCPDUMP_PID"
wait "$TCPDUMP_PID" || true
TCPDUMP_PID=
ls -l "$OUT"
tshark -r "$OUT" 2>/dev/null || true
