#!/bin/sh
# capture.sh OUTDIR — runs ./capture (main.go.txt) against real failures on
# loopback and in a private network namespace and keeps each client's log.
#   refused:  nothing listens on 127.0.0.1:19092
#   dns:      kafka.invalid does not resolve (RFC 6761)
#   tls:      a TLS client against a plaintext HTTP listener
#   reset:    a listener that accepts and closes with SO_LINGER 0 (RST)
#   timeout:  198.18.0.2 in netns gcap, a static neighbour entry on a veth
#             whose peer has no address: SYNs leave and nothing answers
#   noroute:  198.18.0.3 there, whose ARP requests nobody answers
set -eu
out=$1; mkdir -p "$out"
cleanup() { kill $HTTP $RST 2>/dev/null || true; ip netns del gcap 2>/dev/null || true; }
trap cleanup EXIT
python3 -m http.server --bind 127.0.0.1 19180 >/dev/null 2>&1 & HTTP=$!
python3 -c '
import socket, struct
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 19181)); s.listen(16); s.settimeout(60)
for _ in range(200):
    c, _ = s.accept(); c.recv(1)
    c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)); c.close()
' & RST=$!
ip netns add gcap; ip -n gcap link set lo up
ip -n gcap link add d0 type veth peer name d1
ip -n gcap addr add 198.18.0.1/24 dev d0; ip -n gcap link set d0 up; ip -n gcap link set d1 up
ip -n gcap neigh add 198.18.0.2 lladdr 02:00:00:00:00:02 dev d0
sleep 1
for lib in ${LIBS:-sarama kafkago kafkago-reader franz franz-bare franz-slog franz-json}; do
  timeout 30 ./capture -lib $lib 127.0.0.1:19092 2>"$out/$lib-refused.log" || true
  timeout 30 ./capture -lib $lib kafka.invalid:9092 2>"$out/$lib-dns.log" || true
  timeout 30 ./capture -lib $lib -tls 127.0.0.1:19180 2>"$out/$lib-tls.log" || true
  timeout 30 ./capture -lib $lib 127.0.0.1:19181 2>"$out/$lib-reset.log" || true
  timeout 30 ip netns exec gcap ./capture -lib $lib 198.18.0.2:9092 2>"$out/$lib-timeout.log" || true
  timeout 30 ip netns exec gcap ./capture -lib $lib 198.18.0.3:9092 2>"$out/$lib-noroute.log" || true
done
