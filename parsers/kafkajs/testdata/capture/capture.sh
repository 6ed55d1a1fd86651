#!/bin/bash
# capture.sh makes KafkaJS fail for real on loopback (and in a network
# namespace it creates for the timeout run) and keeps its log output in
# ../*.log. KafkaJS is installed outside the repository:
#   mkdir -p /tmp/kafkajs-capture && cd /tmp/kafkajs-capture &&
#   npm init -y && npm install kafkajs@2.2.4 pino winston
# Run as root (the timeout run needs a netns): ./capture.sh
set -u
here=$(cd "$(dirname "$0")" && pwd)
out=$here/..
export NODE_PATH=${KAFKAJS_DIR:-/tmp/kafkajs-capture}/node_modules
ns=kjs-capture-$$
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	ip netns del "$ns" 2>/dev/null
}
trap cleanup EXIT

# Every run but the DNS one happens in a network namespace of our own, so
# no listener of another process on this machine answers.
ip netns add "$ns"
ip netns exec "$ns" ip link set lo up
inns() { ip netns exec "$ns" "$@"; }

run() { # run NAME ENV... : one client run in the netns, stdout+stderr kept
	local name=$1; shift
	inns env NODE_PATH="$NODE_PATH" "$@" timeout 30 node "$here/client.js" >"$out/$name.log" 2>&1
	echo "$name: $(wc -l <"$out/$name.log") lines"
}
fake() { # fake PORT MODE : a misbehaving listener in the netns for 25 s
	inns python3 "$here/fakebroker.py" "$1" "$2" 25 & pids+=($!)
	for _ in $(seq 50); do # up to 5 s for it to listen
		inns ss -ltn "sport = :$1" | grep -q LISTEN && return
		sleep 0.1
	done
	echo "fake $1 $2 did not start" >&2; exit 1
}

# Nothing listens on 127.0.0.1:9092 in the fresh netns: refused.
run refused BROKERS=127.0.0.1:9092
run refused-winston BROKERS=127.0.0.1:9092 LOGGER=winston
run refused-pino BROKERS=127.0.0.1:9092 LOGGER=pino
run refused-text BROKERS=127.0.0.1:9092 LOGGER=text
run refused-two BROKERS=localhost:9092,127.0.0.1:9093 CLIENT_ID=orders-svc
# .invalid never resolves (RFC 2606): ENOTFOUND from the host's resolver,
# EAI_AGAIN inside the netns, where no name server is reachable.
env BROKERS=kafka.invalid:9092 timeout 30 node "$here/client.js" >"$out/dns.log" 2>&1
echo "dns: $(wc -l <"$out/dns.log") lines"
run dns-noserver BROKERS=kafka.invalid:9092 RETRIES=1
# TLS client against a listener that answers plain HTTP.
fake 19443 http
run tls BROKERS=127.0.0.1:19443 SSL=1
# TLS client against a TLS listener whose certificate is self-signed.
tmp=$(mktemp -d); trap 'cleanup; rm -rf "$tmp"' EXIT
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$tmp/key.pem" -out "$tmp/cert.pem" \
	-subj /CN=kafka-capture -days 1 2>/dev/null
inns timeout 25 openssl s_server -quiet -accept 19445 -cert "$tmp/cert.pem" -key "$tmp/key.pem" >/dev/null 2>&1 & pids+=($!)
for _ in $(seq 50); do inns ss -ltn 'sport = :19445' | grep -q LISTEN && break; sleep 0.1; done
# s_server serves one connection at a time: one attempt, no retries.
run tls-selfsigned BROKERS=127.0.0.1:19445 SSL=1 RETRIES=0
# Accept then close / reset / never answer.
fake 19092 close
run closed BROKERS=127.0.0.1:19092 DEBUG=1
fake 19093 reset
run reset BROKERS=127.0.0.1:19093
fake 19094 silent
run request-timeout BROKERS=127.0.0.1:19094 REQUEST_TIMEOUT=1000 RETRIES=1
# Timeout: the netns's loopback drops SYNs to 9095.
inns iptables -A INPUT -p tcp --dport 9095 --syn -j DROP
run timeout BROKERS=127.0.0.1:9095 RETRIES=1
# A consumer gives up: its runner's crash line names the retry give-up.
run consumer-refused BROKERS=127.0.0.1:9092 CONSUMER=1 CLIENT_ID=billing
# The default logger's lines as Docker's json-file driver stores them
# (stderr stream, the daemon's receive time = the line's own time here).
python3 - "$out/refused.log" >"$out/refused-docker.log" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    t = json.loads(line)["timestamp"].replace("Z", "123456Z")
    print(json.dumps({"log": line, "stream": "stderr", "time": t}, separators=(",", ":")))
PY
echo "refused-docker: $(wc -l <"$out/refused-docker.log") lines"
# The pino run as pino-pretty shows it (the CLI many read logs through).
"$NODE_PATH/.bin/pino-pretty" <"$out/refused-pino.log" >"$out/refused-pino-pretty.log"
echo "refused-pino-pretty: $(wc -l <"$out/refused-pino-pretty.log") lines"
