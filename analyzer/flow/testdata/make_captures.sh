#!/bin/sh
# Records the real-kernel captures TestRealCaptures replays. Run as root:
#   sh analyzer/flow/testdata/make_captures.sh
# Three network namespaces: client (198.18.1.2) - router (198.18.1.1 /
# 198.18.2.1) - server (198.18.2.2:9092). The router forwards, so the
# server's packets reach the client with TTL 63; anything the router sends
# itself has TTL 64.
#
# forged_rst.pcap: the client sends a request, idles 3 s, and while it is
# idle the router starts answering with tcp-reset (a middlebox that forgot
# the flow). The RST the client sees carries the server's address and the
# router's TTL.
# server_rst.pcap: the server aborts the connection itself (SO_LINGER 0):
# the RST has the server's TTL.
set -eu
out=$(cd "$(dirname "$0")" && pwd)
ns="kdflow_c kdflow_r kdflow_s"
cleanup() { for n in $ns; do ip netns del "$n" 2>/dev/null || true; done; }
trap cleanup EXIT INT TERM
cleanup
for n in $ns; do ip netns add "$n"; ip -n "$n" link set lo up; done
ip link add kdc0 netns kdflow_c type veth peer name kdr0 netns kdflow_r
ip link add kds0 netns kdflow_s type veth peer name kdr1 netns kdflow_r
ip -n kdflow_c addr add 198.18.1.2/24 dev kdc0
ip -n kdflow_r addr add 198.18.1.1/24 dev kdr0
ip -n kdflow_r addr add 198.18.2.1/24 dev kdr1
ip -n kdflow_s addr add 198.18.2.2/24 dev kds0
for l in "kdflow_c kdc0" "kdflow_r kdr0" "kdflow_r kdr1" "kdflow_s kds0"; do
	set -- $l; ip -n "$1" link set "$2" up
done
ip -n kdflow_c route add default via 198.18.1.1
ip -n kdflow_s route add default via 198.18.2.1
ip netns exec kdflow_r sysctl -qw net.ipv4.ip_forward=1

record() { # name, client program, server program
	ip netns exec kdflow_s timeout 20 python3 -c "$3" &
	srv=$!
	sleep 0.5
	ip netns exec kdflow_c timeout 25 tcpdump -q -i kdc0 -w "$out/$1.pcap" -U tcp 2>/dev/null &
	dump=$!
	sleep 1
	ip netns exec kdflow_c timeout 15 python3 -c "$2" || true
	sleep 0.5
	kill "$dump" 2>/dev/null || true
	wait "$dump" 2>/dev/null || true
	kill "$srv" 2>/dev/null || true
	wait "$srv" 2>/dev/null || true
	ip netns exec kdflow_r iptables -F FORWARD
}

echo_server='
import socket
s = socket.create_server(("198.18.2.2", 9092))
c, _ = s.accept()
while True:
    b = c.recv(4096)
    if not b:
        break
    c.sendall(b)
'
idle_client='
import socket, subprocess, time
c = socket.create_connection(("198.18.2.2", 9092))
c.sendall(b"request-1\n"); c.recv(100)
subprocess.run(["ip", "netns", "exec", "kdflow_r", "iptables", "-A", "FORWARD", "-p", "tcp",
    "-s", "198.18.1.2", "-j", "REJECT", "--reject-with", "tcp-reset"], check=True)
time.sleep(3)
try:
    c.sendall(b"request-2\n"); c.recv(100)
except OSError as e:
    print("client:", e)
'
record forged_rst "$idle_client" "$echo_server"

abort_server='
import socket, struct
s = socket.create_server(("198.18.2.2", 9092))
c, _ = s.accept()
c.recv(100)
c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
c.close()
'
plain_client='
import socket, time
c = socket.create_connection(("198.18.2.2", 9092))
c.sendall(b"request-1\n")
time.sleep(1)
try:
    c.recv(100)
except OSError as e:
    print("client:", e)
'
record server_rst "$plain_client" "$abort_server"

# kcat_apiversions.bin / kcat_clienthello.bin: the first bytes kcat
# (librdkafka) sends to a listener, plaintext and with security.protocol=ssl.
grab='
import socket, sys
s = socket.create_server(("127.0.0.1", 9092)); s.settimeout(10)
c, _ = s.accept(); c.settimeout(5)
open(sys.argv[1], "wb").write(c.recv(4096))
'
for mode in apiversions clienthello; do
	ip netns exec kdflow_c timeout 15 python3 -c "$grab" "$out/kcat_$mode.bin" &
	sleep 0.5
	tls=""
	[ "$mode" = clienthello ] && tls="-X security.protocol=ssl"
	ip netns exec kdflow_c timeout 8 kcat -b 127.0.0.1:9092 -L $tls >/dev/null 2>&1 || true
	wait
done

# stale_arp.pcap, captured on the broker side (the router namespace plays the
# broker): the broker's neighbour entry for the client's IP points at a MAC
# the client no longer has, so every SYN-ACK goes to that dead MAC and the
# client keeps retransmitting its SYN.
ip -n kdflow_r neigh replace 198.18.1.2 lladdr 02:00:00:00:00:ee dev kdr0 nud permanent
ip netns exec kdflow_r timeout 15 python3 -c '
import socket
s = socket.create_server(("198.18.1.1", 9092)); s.settimeout(8)
try:
    s.accept()
except OSError:
    pass
' &
srv=$!
sleep 0.5
ip netns exec kdflow_r timeout 15 tcpdump -q -i kdr0 -w "$out/stale_arp.pcap" -U tcp 2>/dev/null &
dump=$!
sleep 1
ip netns exec kdflow_c timeout 10 python3 -c '
import socket
try:
    socket.create_connection(("198.18.1.1", 9092), timeout=3.5)
except OSError as e:
    print("client:", e)
' || true
sleep 0.5
kill "$dump" "$srv" 2>/dev/null || true
wait 2>/dev/null || true
