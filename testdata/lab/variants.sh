#!/usr/bin/env bash
# variants.sh [run|table] [variant[:scenario]...]: run the lab's scenarios under other
# addresses, ports, capture link types and timings, and check that kafkadiag
# still names the scenario's cause. Root only (network namespaces); not in CI.
#
#   run   (default) build kafkadiag, run every scenario of each variant into
#         $KDV/<variant>/<scenario>/ (never testdata/), then print the table
#   table analyse what an earlier run left in $KDV again (after a code fix)
#
# The table has one row per variant × scenario × input: the whole folder,
# then each artifact alone. Expected causes: the folder's expected.json; the
# client-side capture and client.log alone what e2e's TestSingleArtifact
# wants of them; any other artifact alone what the same artifact of the
# committed fixture (testdata/scenarios/<scenario>/) gives with the same
# binary ("=base"), so a variant is judged against the default run.
# "none" means no finding at warning or above. Results also go to
# $KDV/results.tsv (KDV defaults to /tmp/kdv).
set -u
LAB_DIR=$(cd "$(dirname "$0")" && pwd)
REPO_DIR=$(cd "$LAB_DIR/../.." && pwd)
KDV=${KDV:-/tmp/kdv}
# KAFKADIAG names a kafkadiag binary to use instead of building this tree's
# (say, an older commit's, for a before/after table).
BIN=${KAFKADIAG:-$KDV/kafkadiag}

# variant NAME: the lab overrides (lib.sh) of one variant, and which
# scenarios it runs (timing variants only those that have timings).
ALL_VARIANTS="v4alt_port19093 any_snap v6_port19093 v6_sll2_snap96 v4_sll1 nano_v6 dumpcap_pcapng win_hosts ttl_coincide timing_slow timing_fast"
variant_env() {
	case ${1%%:*} in
	default) echo "LAB_DEFAULT=1" ;; # no override: what run.sh writes, into $KDV
	v4alt_port19093) echo "LAB_V4=10.77 LAB_PORT=19093" ;;
	any_snap) echo "LAB_V4=172.31 LAB_CAPIF=any LAB_SNAPLEN=128" ;;
	v6_port19093) echo "LAB_NET=v6 LAB_PORT=19093" ;;
	v6_sll2_snap96) echo "LAB_NET=v6 LAB_V6=fd12:3456:789a LAB_PORT=29092 LAB_CAPIF=any LAB_SNAPLEN=96" ;;
	v4_sll1) echo "LAB_V4=10.200 LAB_PORT=9094 LAB_CAPIF=any LAB_CAPDLT=LINUX_SLL" ;;
	nano_v6) echo "LAB_NET=v6 LAB_V6=fdab:cd:ef LAB_TSPREC=nano" ;;
	dumpcap_pcapng) echo "LAB_V4=192.168 LAB_PORT=9093 LAB_CAPTOOL=dumpcap" ;;
	win_hosts) echo "LAB_V4=10.9 LAB_TTL=128 LAB_TCPTS=0" ;;
	# the broker's packets arrive with the TTL the router forges its RSTs
	# with (64), and no timestamps: only the RST's flags can give it away
	ttl_coincide) echo "LAB_TTL=65 LAB_TCPTS=0" ;;
	timing_slow) echo "LAB_IDLE_TIMEOUT=35 LAB_IDLE=50 LAB_SETUP_MS=20000 LAB_WAIT=22 LAB_DOWN=9" ;;
	timing_fast) echo "LAB_IDLE_TIMEOUT=6 LAB_IDLE=10 LAB_ROUNDS=5 LAB_SETUP_MS=3000 LAB_WAIT=5 LAB_DOWN=2" ;;
	*) echo "variants.sh: unknown variant $1 (have: $ALL_VARIANTS)" >&2; return 1 ;;
	esac
}
variant_scenarios() {
	case $1 in
	*:*) echo "${1#*:}" ;;
	default) (cd "$LAB_DIR/scenarios" && ls *.sh | sed 's/\.sh$//') ;;
	ttl_coincide) echo "idle_reset_firewall" ;;
	timing_*) echo "idle_reset_firewall syn_dropped synack_lost_stale_arp broker_sigkill_restart broker_sigterm_restart" ;;
	*) (cd "$LAB_DIR/scenarios" && ls *.sh | sed 's/\.sh$//') ;;
	esac
}

# single_expect SCENARIO KIND: what TestSingleArtifact wants of the
# client-side capture (packets) or client.log (logs) alone.
single_expect() {
	case $1 in
	broker_sigkill_restart | broker_sigterm_restart) echo broker-restart ;;
	connection_refused) echo connection-refused ;;
	healthy) echo none ;;
	idle_reset_firewall) echo idle-timeout-reset ;;
	plaintext_to_tls_listener) echo plaintext-to-tls-listener ;;
	syn_dropped | synack_lost_stale_arp) echo syn-unanswered ;;
	tls_to_plaintext_listener) echo tls-to-plaintext-listener ;;
	tls_untrusted_cert) echo tls-handshake-failure ;;
	esac
}

# verdict PATH: "cause severity confidence" of findings[0], "none - -" when
# there is no finding at warning or above.
verdict() {
	"$BIN" analyze --format json --fail-on none "$1" 2>/dev/null |
		jq -r '(.findings // []) as $f
			| if ($f | map(select(.severity != "info")) | length) == 0 then "none - -"
			  else "\($f[0].cause) \($f[0].severity) \($f[0].confidence * 100 | round / 100)" end'
}

build() {
	mkdir -p "$KDV"
	[ -z "${KAFKADIAG:-}" ] || return 0
	(cd "$REPO_DIR" && PATH=$PATH:/usr/local/go/bin nice -n 19 go build -o "$BIN" ./cmd/kafkadiag) || exit 1
}

run_variant() {
	local v=$1 s env
	env=$(variant_env "$v") || return 1
	for s in $(variant_scenarios "$v"); do
		v=${v%%:*}
		echo "== $v $s ($env)" >&2
		# shellcheck disable=SC2086 # env is a list of NAME=VALUE words
		if ! env $env LAB_OUT="$KDV/$v/$s" timeout 900 bash "$LAB_DIR/scenarios/$s.sh" >"$KDV/$v.$s.log" 2>&1; then
			echo "   lab run failed, see $KDV/$v.$s.log" >&2
		fi
	done
}

table() {
	local v s dir f want got sev conf res base
	: >"$KDV/results.tsv"
	printf '%-16s %-26s %-22s %-27s %-27s %-5s %s\n' variant scenario input expected got conf result
	for v in "$@"; do
		for s in $(variant_scenarios "$v"); do
			v=${v%%:*}
			dir=$KDV/$v/$s
			if [ ! -f "$dir/expected.json" ]; then
				printf '%-16s %-26s %-22s %-27s %-27s %-5s %s\n' "$v" "$s" folder - "(no lab output)" - LABFAIL
				continue
			fi
			want=$(jq -r '.cause // "none"' "$dir/expected.json")
			row "$v" "$s" folder "$dir" "$want"
			for f in "$dir"/*; do
				case ${f##*/} in
				README.md | expected.json) continue ;;
				client-side.*) want=$(single_expect "$s") ;;
				client.log) want=$(single_expect "$s") ;;
				*)
					base=$REPO_DIR/testdata/scenarios/$s/${f##*/}
					if [ -f "$base" ]; then
						read -r want _ _ <<<"$(verdict "$base")"
						# where the variant changes what the scenario can show
						# (no MACs in an SLL2 capture), the base's cause maps to
						# the variant's own expected cause
						[ "$want" = "$(jq -r '.cause // "none"' "${base%/*}/expected.json")" ] &&
							want=$(jq -r '.cause // "none"' "$dir/expected.json")
						want="=base:$want"
					else
						want="?"
					fi
					;;
				esac
				row "$v" "$s" "${f##*/}" "$f" "$want"
			done
		done
	done
}

# row VARIANT SCENARIO INPUT PATH WANT: analyse PATH and print one table row.
row() {
	local got sev conf res want=${5#=base:}
	read -r got sev conf <<<"$(verdict "$4")"
	if [ "$5" = "?" ]; then
		res=INFO
	elif [ "$got" = "$want" ]; then
		res=PASS
	else
		res=FAIL
	fi
	[ "$sev" = - ] || got="$got/$sev"
	printf '%-16s %-26s %-22s %-27s %-27s %-5s %s\n' "$1" "$2" "$3" "$5" "$got" "$conf" "$res"
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$5" "$got" "$conf" "$res" >>"$KDV/results.tsv"
}

cmd=run
case ${1:-} in run | table) cmd=$1; shift ;; esac
[ $# -gt 0 ] || set -- $ALL_VARIANTS
for v in "$@"; do variant_env "$v" >/dev/null || exit 2; done
build
if [ "$cmd" = run ]; then
	[ "$(id -u)" -eq 0 ] || { echo "variants.sh run: needs root (network namespaces)" >&2; exit 1; }
	(cd "$LAB_DIR/broker" && PATH=$PATH:/usr/local/go/bin nice -n 19 go build -o "$LAB_DIR/out/broker" .) || exit 1
	for v in "$@"; do run_variant "$v"; done
fi
table "$@"
