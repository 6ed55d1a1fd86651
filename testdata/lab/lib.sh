# shellcheck shell=bash
# Shared fault-lab helpers: namespaces, links, captures, process bookkeeping.
# Sourced by scenarios/*.sh; every scenario calls lab_init first.
#
# Topology (all inside namespaces, nothing routed from the host):
#   flat:   kdl-cli (198.18.0.1) --veth-- kdl-br0 bridge --veth-- kdl-brk (198.18.0.2)
#   routed: kdl-cli (198.18.1.1/24) -- kdl-rtr (198.18.1.254 | 198.18.2.254) -- kdl-brk (198.18.2.2/24)
set -u

LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$LAB_DIR/../.." && pwd)
BROKER_BIN=$LAB_DIR/out/broker
NS_CLI=kdl-cli
NS_BRK=kdl-brk
NS_RTR=kdl-rtr
NS_BRIDGE=kdl-sw
CLI_IP=198.18.0.1
BRK_IP=198.18.0.2
PIDS=()

# lab_init NAME: sets SCEN (output dir) and WORK (scratch), installs the trap.
lab_init() {
	SCEN=$REPO_DIR/testdata/scenarios/$1
	WORK=$(mktemp -d /tmp/kdl-$1.XXXXXX)
	rm -rf "$SCEN"
	mkdir -p "$SCEN"
	trap lab_cleanup EXIT INT TERM
	lab_teardown_net
}

lab_cleanup() {
	local p
	for p in "${PIDS[@]}"; do
		kill "$p" 2>/dev/null
	done
	for p in "${PIDS[@]}"; do
		wait "$p" 2>/dev/null
	done
	PIDS=()
	lab_teardown_net
	[ -n "${WORK:-}" ] && rm -rf "$WORK"
}

lab_teardown_net() {
	local ns
	for ns in $NS_CLI $NS_BRK $NS_RTR $NS_BRIDGE; do
		ip netns del "$ns" 2>/dev/null
	done
	return 0
}

# track PID: remember a background process so cleanup ends it (and only it).
track() { PIDS+=("$1"); }

# untrack PID: forget a process the scenario already ended itself.
untrack() {
	local keep=() p
	for p in "${PIDS[@]}"; do [ "$p" != "$1" ] && keep+=("$p"); done
	PIDS=("${keep[@]}")
}

# fixed MACs make captures reproducible and let the stale-ARP case name the MAC.
MAC_CLI=02:00:c6:12:00:01
MAC_BRK=02:00:c6:12:00:02

# net_flat: client and broker on one bridge (its own namespace).
net_flat() {
	ip netns add $NS_CLI
	ip netns add $NS_BRK
	ip netns add $NS_BRIDGE
	ip -n $NS_BRIDGE link add sw0 type bridge
	ip -n $NS_BRIDGE link set sw0 up
	_port $NS_CLI $CLI_IP/24 $MAC_CLI
	_port $NS_BRK $BRK_IP/24 $MAC_BRK
}

# _port NS CIDR MAC: veth eth0 in NS, peer on the bridge.
_port() {
	local peer=p-${1#kdl-}
	ip link add eth0 netns "$1" address "$3" type veth peer name "$peer" netns $NS_BRIDGE
	ip -n "$1" addr add "$2" dev eth0
	ip -n "$1" link set eth0 up
	ip -n "$1" link set lo up
	ip -n $NS_BRIDGE link set "$peer" master sw0
	ip -n $NS_BRIDGE link set "$peer" up
	ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
}

# net_routed: client and broker on two subnets joined by the router namespace.
net_routed() {
	CLI_IP=198.18.1.1
	BRK_IP=198.18.2.2
	ip netns add $NS_CLI
	ip netns add $NS_BRK
	ip netns add $NS_RTR
	ip link add eth0 netns $NS_CLI address $MAC_CLI type veth peer name cli0 netns $NS_RTR
	ip link add eth0 netns $NS_BRK address $MAC_BRK type veth peer name brk0 netns $NS_RTR
	ip -n $NS_CLI addr add $CLI_IP/24 dev eth0
	ip -n $NS_BRK addr add $BRK_IP/24 dev eth0
	ip -n $NS_RTR addr add 198.18.1.254/24 dev cli0
	ip -n $NS_RTR addr add 198.18.2.254/24 dev brk0
	local ns
	for ns in $NS_CLI $NS_BRK $NS_RTR; do
		ip netns exec $ns sysctl -qw net.ipv6.conf.all.disable_ipv6=1
		ip -n $ns link set lo up
	done
	ip -n $NS_CLI link set eth0 up
	ip -n $NS_BRK link set eth0 up
	ip -n $NS_RTR link set cli0 up
	ip -n $NS_RTR link set brk0 up
	ip -n $NS_CLI route add default via 198.18.1.254
	ip -n $NS_BRK route add default via 198.18.2.254
	ip netns exec $NS_RTR sysctl -qw net.ipv4.ip_forward=1
}

# capture NS IFACE FILE [tcpdump args...]: start tcpdump, wait until it listens.
capture() {
	local ns=$1 ifc=$2 file=$3
	shift 3
	ip netns exec "$ns" tcpdump -i "$ifc" -U -w "$file" "$@" >"$WORK/tcpdump-$ns.log" 2>&1 &
	track $!
	local i
	for i in $(seq 50); do
		grep -q "listening on" "$WORK/tcpdump-$ns.log" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "tcpdump in $ns did not start" >&2
	return 1
}

# stop_captures: end every tcpdump this scenario started (flushes the files).
stop_captures() {
	sleep 1
	local p
	for p in "${PIDS[@]}"; do
		if [ "$(ps -o comm= -p "$p" 2>/dev/null)" = tcpdump ] || ps -o args= -p "$p" 2>/dev/null | grep -q "tcpdump"; then
			kill -INT "$p" 2>/dev/null
			wait "$p" 2>/dev/null
			untrack "$p"
		fi
	done
}

# start_broker LOG [broker args...]: run the lab broker in the broker namespace
# on BRK_IP:9092; sets BROKER_PID. Waits until it logs "started".
start_broker() {
	local log=$1
	shift
	ip netns exec $NS_BRK "$BROKER_BIN" -listen $BRK_IP:9092 -log "$log" "$@" 2>>"$WORK/broker.stderr" &
	BROKER_PID=$!
	track $BROKER_PID
	local i n
	n=$(started_count "$log")
	for i in $(seq 50); do
		[ "$(started_count "$log")" -gt "$n" ] && return 0
		sleep 0.1
	done
	echo "broker did not start" >&2
	return 1
}

# started_count LOG: how many broker starts LOG records (0 when it does not exist).
started_count() {
	if [ -f "$1" ]; then grep -c "started (kafka.server.KafkaServer)" "$1"; else echo 0; fi
}

# stop_broker SIGNAL: send SIGNAL to the broker and wait for it to exit.
stop_broker() {
	kill -"$1" "$BROKER_PID"
	wait "$BROKER_PID" 2>/dev/null
	untrack "$BROKER_PID"
}

# end_broker: after the captures, end the broker without a shutdown sequence,
# so server.log reads as collected from a live broker (no lab-made stop at the end).
end_broker() { stop_broker KILL; }

# in_cli CMD...: run a command in the client namespace.
in_cli() { ip netns exec $NS_CLI "$@"; }

# kcat_cli ARGS...: kcat in the client namespace with broker/protocol/security
# debug; librdkafka's log (stderr) is appended to $SCEN/client.log.
kcat_cli() {
	ip netns exec $NS_CLI timeout 60 kcat -d broker,protocol,security "$@" 2>>"$SCEN/client.log"
}

# tshark_count FILE FILTER: number of packets matching a display filter.
tshark_count() {
	tshark -r "$1" -Y "$2" -T fields -e frame.number 2>/dev/null | wc -l
}

# write_readme TEXT: the scenario README (one paragraph).
write_readme() { printf '%s\n' "$1" >"$SCEN/README.md"; }

# emit_expected CAUSE DESCRIPTION FLOWS_JSON LINES_JSON CHECKS...: writes
# expected.json; each CHECK is FILE|FILTER, counted now with tshark. "streams"
# lists every TCP stream of every capture (streams.py) with its real ports.
emit_expected() {
	local cause=$1 desc=$2 flows=$3 lines=$4
	shift 4
	local checks="" c file filter n
	for c in "$@"; do
		file=${c%%|*}
		filter=${c#*|}
		n=$(tshark_count "$SCEN/$file" "$filter")
		checks="$checks$(jq -cn --arg f "$file" --arg y "$filter" --argjson n "$n" '{file:$f,filter:$y,count:$n}'),"
	done
	local streams="{}" cap
	for cap in "$SCEN"/*.pcap "$SCEN"/*.pcapng "$SCEN"/*.pcap.gz; do
		[ -f "$cap" ] || continue
		streams=$(jq -c --arg f "$(basename "$cap")" --argjson l "$(python3 "$LAB_DIR/streams.py" "$cap")" '. + {($f): $l}' <<<"$streams")
	done
	jq -n --argjson cause "$cause" --arg d "$desc" --argjson flows "$flows" --argjson lines "$lines" \
		--argjson t "[${checks%,}]" --argjson streams "$streams" \
		'{cause:$cause, description:$d, flows:$flows, lines:$lines, tshark:$t, streams:$streams}' >"$SCEN/expected.json"
}

# line_ref FILE PATTERN: "file:line" of the first line matching PATTERN.
line_ref() {
	local n
	n=$(grep -n -m1 -F -- "$2" "$SCEN/$1" | cut -d: -f1)
	[ -n "$n" ] && printf '%s:%s' "$1" "$n"
}

# refs FILE PATTERN [FILE PATTERN...]: JSON array of line_ref results.
refs() {
	local out=() r
	while [ $# -ge 2 ]; do
		r=$(line_ref "$1" "$2")
		[ -n "$r" ] && out+=("$r")
		shift 2
	done
	printf '%s\n' "${out[@]}" | jq -R . | jq -sc 'map(select(length>0))'
}

# make_certs: a lab CA and a broker certificate for BRK_IP in $WORK/tls, plus
# an unrelated CA (other-ca.pem) for the untrusted-certificate case.
make_certs() {
	local d=$WORK/tls
	mkdir -p "$d"
	(
		cd "$d" || exit 1
		openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=kafkadiag lab CA" -keyout ca.key -out ca.pem
		openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=some other CA" -keyout other-ca.key -out other-ca.pem
		openssl req -newkey rsa:2048 -nodes -subj "/CN=broker0" -keyout broker.key -out broker.csr
		printf 'subjectAltName=IP:%s\n' "$BRK_IP" >san.ext
		openssl x509 -req -in broker.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -extfile san.ext -out broker.pem
	) >"$WORK/openssl.log" 2>&1
	TLS_DIR=$d
}

# now_us: wall clock in microseconds, for the synthesized journal.
now_us() { date +%s%6N; }

# journal_event PRIORITY MESSAGE [FIELD=VALUE...]: note a systemd message at this instant.
journal_event() {
	local t
	t=$(now_us)
	(IFS=$'\t'; printf '%s\t%s\n' "$t" "$*") >>"$WORK/journal.events"
}

# run_restart SIGNAL: producer (confluent-kafka) and consumer (kcat) run while
# the broker is stopped with SIGNAL (TERM = operator stop/start, KILL = kill -9
# and systemd Restart=), stays down DOWN seconds, and starts again.
run_restart() {
	local sig=$1 DOWN=4 desc="Apache Kafka"
	net_flat
	capture $NS_BRK eth0 "$SCEN/broker-side.pcap" tcp port 9092
	capture $NS_CLI eth0 "$SCEN/client-side.pcap" tcp port 9092
	# Type=simple: systemd logs Started as soon as it has forked the process.
	journal_event 6 "Starting kafka.service - $desc..."
	journal_event 6 "Started kafka.service - $desc."
	start_broker "$SCEN/server.log"
	local pids=$BROKER_PID
	ip netns exec $NS_CLI timeout 40 /usr/bin/python3 "$LAB_DIR/idle_producer.py" $BRK_IP:9092 36 0.5 2>"$WORK/client.raw" &
	local prod=$!
	track $prod
	ip netns exec $NS_CLI timeout 22 kcat -d broker,protocol,security -C -b $BRK_IP:9092 -t lab -o end -q >/dev/null 2>"$SCEN/consumer-client.log" &
	local cons=$!
	track $cons
	sleep 5
	if [ "$sig" = TERM ]; then
		journal_event 6 "Stopping kafka.service - $desc..."
		stop_broker TERM
		journal_event 6 "kafka.service: Deactivated successfully."
		journal_event 6 "Stopped kafka.service - $desc."
		sleep $DOWN
		journal_event 6 "Starting kafka.service - $desc..."
	else
		stop_broker KILL
		journal_event 5 "kafka.service: Main process exited, code=killed, status=9/KILL" "EXIT_CODE=killed" "EXIT_STATUS=9"
		journal_event 4 "kafka.service: Failed with result 'signal'." "UNIT_RESULT=signal"
		sleep $DOWN
		journal_event 6 "kafka.service: Scheduled restart job, restart counter is at 1." "N_RESTARTS=1"
		journal_event 6 "Stopped kafka.service - $desc."
		journal_event 6 "Starting kafka.service - $desc..."
	fi
	journal_event 6 "Started kafka.service - $desc."
	start_broker "$SCEN/server.log"
	pids=$pids,$BROKER_PID
	wait $prod
	untrack $prod
	wait $cons
	untrack $cons
	grep -v '^round \|^delivery failed' "$WORK/client.raw" >"$SCEN/client.log"
	grep -c '^round ' "$WORK/client.raw" >&2
	stop_captures
	end_broker
	python3 "$LAB_DIR/journal.py" "$WORK/journal.events" "$SCEN/server.log" "$pids" "$SCEN/journal.export" "$SCEN/journal.json"
}
