# shellcheck shell=bash
# Shared fault-lab helpers: namespaces, links, captures, process bookkeeping.
# Sourced by scenarios/*.sh; every scenario calls lab_init first.
#
# Topology (all inside namespaces, nothing routed from the host):
#   flat:   kdl-cli (198.18.0.1) --veth-- kdl-br0 bridge --veth-- kdl-brk (198.18.0.2)
#   routed: kdl-cli (198.18.1.1/24) -- kdl-rtr (198.18.1.254 | 198.18.2.254) -- kdl-brk (198.18.2.2/24)
#
# Overrides from the environment (testdata/lab/variants.sh uses them; unset,
# the lab writes exactly what run.sh always wrote):
#   LAB_OUT       output folder instead of testdata/scenarios/<name>
#   LAB_NET       v4 (default) or v6: IPv6 unique-local addresses instead
#   LAB_V4        the first two IPv4 octets (default 198.18): LAB_V4.0.1 …
#   LAB_V6        the IPv6 /48 prefix for LAB_NET=v6 (default fd00:6b64):
#                 flat ::1/::2 in LAB_V6::/64, routed LAB_V6:1::1 and LAB_V6:2::2
#   LAB_PORT      the broker's port (default 9092)
#   LAB_CAPIF     capture interface on every side (eth0, or any for SLL2),
#                 instead of each scenario's own choice
#   LAB_SNAPLEN   tcpdump -s for every capture (a scenario's own -s stays
#                 its default)
#   LAB_CAPDLT    tcpdump -y for every capture (LINUX_SLL: cooked v1 on any)
#   LAB_TSPREC    nano: tcpdump writes nanosecond pcap (magic a1b23c4d)
#   LAB_CAPTOOL   dumpcap: capture with Wireshark's dumpcap (pcapng, under
#                 the scenario's file name) instead of tcpdump
#   LAB_TTL       the client's and broker's IPv4 TTL / IPv6 hop limit
#                 (default 64, Linux's; 128 is Windows'); the router keeps 64
#   LAB_TCPTS     0: TCP timestamps off on every host (Windows' default)
# Scenarios read their own timings (LAB_IDLE_TIMEOUT, LAB_IDLE, LAB_ROUNDS,
# LAB_SETUP_MS, LAB_WAIT, LAB_DOWN); see each script.
set -u

LAB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$LAB_DIR/../.." && pwd)
BROKER_BIN=$LAB_DIR/out/broker
NS_CLI=kdl-cli
NS_BRK=kdl-brk
NS_RTR=kdl-rtr
NS_BRIDGE=kdl-sw
LAB_NET=${LAB_NET:-v4}
LAB_V4=${LAB_V4:-198.18}
LAB_V6=${LAB_V6:-fd00:6b64}
BRK_PORT=${LAB_PORT:-9092}
# HOST_TTL is what the client and broker send with; one router hop takes 1.
HOST_TTL=${LAB_TTL:-64}
PIDS=()

# _addresses flat|routed: sets CLI_IP, BRK_IP (the hosts), CLI_GW, BRK_GW (the
# router's two legs), PLEN (prefix length) for LAB_NET; and the names that
# depend on the family: IPF (tshark's ip or ipv6), TTLF (ip.ttl or
# ipv6.hlim), IPT (iptables or ip6tables), BRK_ADDR (host:port as clients
# and the broker write it, IPv6 in brackets), RDK_ADDR (librdkafka's
# "ipv4#a:p" / "ipv6#[a]:p" rendering).
_addresses() {
	if [ "$LAB_NET" = v6 ]; then
		if [ "$1" = flat ]; then
			CLI_IP=$LAB_V6::1
			BRK_IP=$LAB_V6::2
		else
			CLI_IP=$LAB_V6:1::1
			BRK_IP=$LAB_V6:2::2
			CLI_GW=$LAB_V6:1::fe
			BRK_GW=$LAB_V6:2::fe
		fi
		PLEN=64
		IPF=ipv6
		TTLF=ipv6.hlim
		IPT=ip6tables
		BRK_ADDR=[$BRK_IP]:$BRK_PORT
		RDK_ADDR=ipv6#$BRK_ADDR
	else
		if [ "$1" = flat ]; then
			CLI_IP=$LAB_V4.0.1
			BRK_IP=$LAB_V4.0.2
		else
			CLI_IP=$LAB_V4.1.1
			BRK_IP=$LAB_V4.2.2
			CLI_GW=$LAB_V4.1.254
			BRK_GW=$LAB_V4.2.254
		fi
		PLEN=24
		IPF=ip
		TTLF=ip.ttl
		IPT=iptables
		BRK_ADDR=$BRK_IP:$BRK_PORT
		RDK_ADDR=ipv4#$BRK_ADDR
	fi
}
_addresses flat

# _inet NS DEV: the namespace's IP settings for LAB_NET (IPv6 off for v4, as
# the lab always had it; on without duplicate address detection for v6, so
# addresses are usable at once), and LAB_TCPTS and LAB_TTL (the router's
# TTL stays Linux's 64, so a RST it forges still differs from the broker's).
_inet() {
	if [ "$LAB_NET" = v6 ]; then
		ip netns exec "$1" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
	else
		ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	fi
	if [ -n "${LAB_TCPTS:-}" ]; then
		ip netns exec "$1" sysctl -qw net.ipv4.tcp_timestamps="$LAB_TCPTS"
	fi
	if [ -n "${LAB_TTL:-}" ] && [ "$1" != "$NS_RTR" ]; then
		local dev
		ip netns exec "$1" sysctl -qw net.ipv4.ip_default_ttl="$LAB_TTL"
		if [ "$LAB_NET" = v6 ]; then
			# the hop limit is per interface: the ones that exist, and
			# (default) any made later
			for dev in $(ip netns exec "$1" ls /proc/sys/net/ipv6/conf); do
				ip netns exec "$1" sysctl -qw "net.ipv6.conf.$dev.hop_limit=$LAB_TTL"
			done
		fi
	fi
}

# _addr NS DEV ADDR: add ADDR/PLEN to DEV (nodad for IPv6).
_addr() {
	if [ "$LAB_NET" = v6 ]; then
		ip -n "$1" addr add "$3/$PLEN" dev "$2" nodad
	else
		ip -n "$1" addr add "$3/$PLEN" dev "$2"
	fi
}

# lab_variant: one sentence naming the overrides in effect ("" when none), so
# a README made by a variant run says how it differs from the script's text.
lab_variant() {
	local v="" n
	for n in LAB_NET LAB_V4 LAB_V6 LAB_PORT LAB_CAPIF LAB_CAPDLT LAB_TSPREC LAB_CAPTOOL LAB_TTL LAB_TCPTS LAB_SNAPLEN LAB_IDLE_TIMEOUT LAB_IDLE LAB_ROUNDS LAB_SETUP_MS LAB_WAIT LAB_DOWN; do
		[ -n "$(printenv "$n")" ] && v="$v $n=$(printenv "$n")"
	done
	[ -z "$v" ] || printf ' Lab variant (testdata/lab/variants.sh):%s; where the text above names another interface, address family or capture setting, these overrides win.' "$v"
}

# lab_init NAME: sets SCEN (output dir) and WORK (scratch), installs the trap.
lab_init() {
	SCEN=${LAB_OUT:-$REPO_DIR/testdata/scenarios/$1}
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
	_addresses flat
	ip netns add $NS_CLI
	ip netns add $NS_BRK
	ip netns add $NS_BRIDGE
	ip -n $NS_BRIDGE link add sw0 type bridge
	ip -n $NS_BRIDGE link set sw0 up
	_port $NS_CLI $CLI_IP $MAC_CLI
	_port $NS_BRK $BRK_IP $MAC_BRK
}

# _port NS ADDR MAC: veth eth0 in NS, peer on the bridge.
_port() {
	local peer=p-${1#kdl-}
	ip link add eth0 netns "$1" address "$3" type veth peer name "$peer" netns $NS_BRIDGE
	_inet "$1"
	_addr "$1" eth0 "$2"
	ip -n "$1" link set eth0 up
	ip -n "$1" link set lo up
	ip -n $NS_BRIDGE link set "$peer" master sw0
	ip -n $NS_BRIDGE link set "$peer" up
}

# net_routed: client and broker on two subnets joined by the router namespace.
net_routed() {
	_addresses routed
	ip netns add $NS_CLI
	ip netns add $NS_BRK
	ip netns add $NS_RTR
	ip link add eth0 netns $NS_CLI address $MAC_CLI type veth peer name cli0 netns $NS_RTR
	ip link add eth0 netns $NS_BRK address $MAC_BRK type veth peer name brk0 netns $NS_RTR
	local ns
	for ns in $NS_CLI $NS_BRK $NS_RTR; do
		_inet $ns
	done
	_addr $NS_CLI eth0 $CLI_IP
	_addr $NS_BRK eth0 $BRK_IP
	_addr $NS_RTR cli0 $CLI_GW
	_addr $NS_RTR brk0 $BRK_GW
	for ns in $NS_CLI $NS_BRK $NS_RTR; do
		ip -n $ns link set lo up
	done
	ip -n $NS_CLI link set eth0 up
	ip -n $NS_BRK link set eth0 up
	ip -n $NS_RTR link set cli0 up
	ip -n $NS_RTR link set brk0 up
	ip -n $NS_CLI route add default via $CLI_GW
	ip -n $NS_BRK route add default via $BRK_GW
	if [ "$LAB_NET" = v6 ]; then
		ip netns exec $NS_RTR sysctl -qw net.ipv6.conf.all.forwarding=1
	else
		ip netns exec $NS_RTR sysctl -qw net.ipv4.ip_forward=1
	fi
}

# capture NS IFACE FILE [tcpdump args...]: start tcpdump, wait until it
# listens. LAB_CAPIF replaces IFACE; LAB_SNAPLEN and LAB_CAPDLT add -s and
# -y before the args.
capture() {
	local ns=$1 ifc=${LAB_CAPIF:-$2} file=$3
	shift 3
	[ -n "${LAB_SNAPLEN:-}" ] && set -- -s "$LAB_SNAPLEN" "$@"
	[ -n "${LAB_CAPDLT:-}" ] && set -- -y "$LAB_CAPDLT" "$@"
	if [ "${LAB_CAPTOOL:-tcpdump}" = dumpcap ]; then
		_dumpcap "$ns" "$ifc" "$file" "$@"
	else
		[ "${LAB_TSPREC:-}" = nano ] && set -- --time-stamp-precision=nano "$@"
		ip netns exec "$ns" tcpdump -i "$ifc" -U -w "$file" "$@" >"$WORK/tcpdump-$ns.log" 2>&1 &
	fi
	track $!
	local i
	for i in $(seq 50); do
		grep -q "listening on\|Capturing on" "$WORK/tcpdump-$ns.log" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "capture in $ns did not start" >&2
	return 1
}

# _dumpcap NS IFACE FILE [tcpdump args...]: dumpcap in the background with
# tcpdump's -s and -y options and its filter words.
_dumpcap() {
	local ns=$1 ifc=$2 file=$3 opts=()
	shift 3
	while [ $# -gt 0 ]; do
		case $1 in
		-s | -y) opts+=("$1" "$2"); shift 2 ;;
		*) break ;;
		esac
	done
	ip netns exec "$ns" dumpcap -q -i "$ifc" "${opts[@]}" -f "$*" -w "$file" >"$WORK/tcpdump-$ns.log" 2>&1 &
}

# stop_captures: end every capture this scenario started (flushes the files).
stop_captures() {
	sleep 1
	local p
	for p in "${PIDS[@]}"; do
		# by command name: a LAB_OUT path in another process's arguments
		# may well contain "tcpdump" or "dumpcap"
		case $(ps -o comm= -p "$p" 2>/dev/null) in
		tcpdump | dumpcap)
			kill -INT "$p" 2>/dev/null
			wait "$p" 2>/dev/null
			untrack "$p"
			;;
		esac
	done
}

# start_broker LOG [broker args...]: run the lab broker in the broker namespace
# on BRK_ADDR; sets BROKER_PID. Waits until it logs "started".
start_broker() {
	local log=$1
	shift
	ip netns exec $NS_BRK "$BROKER_BIN" -listen "$BRK_ADDR" -log "$log" "$@" 2>>"$WORK/broker.stderr" &
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

# tshark_count FILE FILTER: number of packets matching a display filter
# (Kafka decoded on BRK_PORT as well as on tshark's default 9092).
tshark_count() {
	local d=()
	[ "$BRK_PORT" != 9092 ] && d=(-d "tcp.port==$BRK_PORT,kafka")
	tshark -r "$1" "${d[@]}" -Y "$2" -T fields -e frame.number 2>/dev/null | wc -l
}

# write_readme TEXT: the scenario README (one paragraph).
write_readme() { printf '%s%s\n' "$1" "$(lab_variant)" >"$SCEN/README.md"; }

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
	local sig=$1 DOWN=${LAB_DOWN:-4} desc="Apache Kafka"
	net_flat
	capture $NS_BRK eth0 "$SCEN/broker-side.pcap" tcp port $BRK_PORT
	capture $NS_CLI eth0 "$SCEN/client-side.pcap" tcp port $BRK_PORT
	# Type=simple: systemd logs Started as soon as it has forked the process.
	journal_event 6 "Starting kafka.service - $desc..."
	journal_event 6 "Started kafka.service - $desc."
	start_broker "$SCEN/server.log"
	local pids=$BROKER_PID
	ip netns exec $NS_CLI timeout 40 /usr/bin/python3 "$LAB_DIR/idle_producer.py" "$BRK_ADDR" 36 0.5 2>"$WORK/client.raw" &
	local prod=$!
	track $prod
	ip netns exec $NS_CLI timeout 22 kcat -d broker,protocol,security -C -b "$BRK_ADDR" -t lab -o end -q >/dev/null 2>"$SCEN/consumer-client.log" &
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
