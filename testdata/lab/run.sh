#!/usr/bin/env bash
# run.sh [scenario...]: regenerate testdata/scenarios/<name>/ from the fault lab.
# Needs root (network namespaces, iptables, tcpdump). Without arguments it runs
# every script in scenarios/.
set -eu
LAB_DIR=$(cd "$(dirname "$0")" && pwd)
[ "$(id -u)" -eq 0 ] || { echo "run.sh: needs root (network namespaces)" >&2; exit 1; }

need=()
for tool in tcpdump:tcpdump tshark:tshark kcat:kcat iptables:iptables ip:iproute2 openssl:openssl jq:jq conntrack:conntrack; do
	command -v "${tool%%:*}" >/dev/null || need+=("${tool#*:}")
done
/usr/bin/python3 -c 'import confluent_kafka' 2>/dev/null || need+=(python3-confluent-kafka)
if [ ${#need[@]} -gt 0 ]; then
	apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${need[@]}"
fi

export PATH=$PATH:/usr/local/go/bin
(cd "$LAB_DIR/broker" && go build -o "$LAB_DIR/out/broker" .)

if [ $# -eq 0 ]; then
	set -- $(cd "$LAB_DIR/scenarios" && ls *.sh | sed 's/\.sh$//')
fi
failed=()
for s in "$@"; do
	echo "== $s"
	if ! timeout 600 bash "$LAB_DIR/scenarios/$s.sh"; then
		failed+=("$s")
	fi
done
"$LAB_DIR/verify.sh" "$@" || failed+=(verify)
if [ ${#failed[@]} -gt 0 ]; then
	echo "failed: ${failed[*]}" >&2
	exit 1
fi
