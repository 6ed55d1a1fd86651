#!/bin/bash
# Captures kafka-python's real log output for each connection failure the
# parser maps, into kafka-python-<case>.log beside this script. Needs root
# (a network namespace), Debian's python3-kafka and python3 (/usr/bin).
# Loopback and 198.18.0.0/15 inside the namespace only.
# Usage: capture.sh [netns]   ("netns": only the two namespace cases)
set -euo pipefail
cd "$(dirname "$0")"
PY=/usr/bin/python3
NS=pyclient-lab
trap 'ip netns del $NS 2>/dev/null || true; kill $(jobs -p) 2>/dev/null || true' EXIT

run() { # name layout bootstrap [protocol [api_version]]; NETNS set: run inside it
	local out=kafka-python-$1.log
	shift
	if [ -n "${NETNS:-}" ]; then
		timeout 60 ip netns exec "$NETNS" $PY kafka_python_run.py "$@" >"$out" 2>&1 || true
	else
		timeout 60 $PY kafka_python_run.py "$@" >"$out" 2>&1 || true
	fi
	echo "$out: $(wc -l <"$out") lines"
}

# A server on 127.0.0.1:$1 that does $2 to each connection: "silent" (accept,
# never answer), "reset" (RST once the request arrives), "close" (FIN once the
# request arrives), "http" (answer like a web server: a plaintext listener),
# "sasl" (accept a SaslHandshake v0 for PLAIN, then close on the credentials,
# as a broker does when they are wrong).
serve() {
	$PY - "$1" "$2" <<'PYEOF' &
import socket, struct, sys, time
port, mode = int(sys.argv[1]), sys.argv[2]
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", port)); s.listen(16); s.settimeout(70)
held, end = [], time.time() + 70
while time.time() < end:
    try:
        c, _ = s.accept()
    except socket.timeout:
        break
    if mode == "silent":
        held.append(c); continue
    c.settimeout(5)
    req = b""
    try:
        req = c.recv(4096)
    except OSError:
        pass
    if mode == "sasl":
        corr = req[8:12] if len(req) >= 12 else b"\0\0\0\0"
        body = corr + struct.pack(">hih", 0, 1, 5) + b"PLAIN"
        c.sendall(struct.pack(">i", len(body)) + body)
        try:
            c.recv(4096)
        except OSError:
            pass
    if mode == "reset":
        c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    elif mode == "http":
        c.sendall(b"HTTP/1.0 400 Bad Request\r\n\r\n")
    c.close()
PYEOF
	sleep 0.5
}

if [ "${1:-}" != netns ]; then
run refused asctime 127.0.0.1:9092
run refused-basic basic localhost:9092
run dns dashed kafka.invalid:9092

serve 19093 silent
run request-timeout asctime 127.0.0.1:19093
serve 19094 reset
run reset asctime 127.0.0.1:19094
serve 19095 close
run closed basic 127.0.0.1:19095
serve 19096 http
run tls-plaintext asctime 127.0.0.1:19096 SSL
serve 19097 close
run tls-closed asctime 127.0.0.1:19097 SSL
serve 19098 sasl
run sasl-closed asctime 127.0.0.1:19098 SASL_PLAINTEXT 2.0.0
fi

# Namespace: 198.18.0.1/24 on one end of a veth pair whose other end has no
# address; .2 has a permanent neighbour entry, so its SYNs leave and vanish.
# 198.19.0.0/16 is unreachable (EHOSTUNREACH at once).
ip netns del $NS 2>/dev/null || true
ip netns add $NS
ip -n $NS link set lo up
ip -n $NS link add v0 type veth peer name v1
ip -n $NS addr add 198.18.0.1/24 dev v0
ip -n $NS link set v0 up
ip -n $NS link set v1 up
ip -n $NS neigh add 198.18.0.2 lladdr 02:00:00:00:00:02 dev v0 nud permanent
ip -n $NS route add unreachable 198.19.0.0/16
NETNS=$NS run timeout asctime 198.18.0.2:9092 PLAINTEXT 2.0.0
NETNS=$NS run no-route asctime 198.19.0.2:9092
