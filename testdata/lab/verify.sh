#!/usr/bin/env bash
# verify.sh [scenario...]: re-count every tshark check in the scenarios'
# expected.json and fail when a count differs. Needs tshark and jq, not root.
set -u
ROOT=$(cd "$(dirname "$0")/../scenarios" && pwd)
if [ $# -eq 0 ]; then
	set -- $(cd "$ROOT" && ls -d */ | tr -d /)
fi
bad=0
for s in "$@"; do
	exp=$ROOT/$s/expected.json
	[ -f "$exp" ] || { echo "$s: no expected.json"; bad=1; continue; }
	n=$(jq '.tshark | length' "$exp")
	# a lab variant on another port: decode Kafka there as lib.sh's tshark_count did
	port=$(jq -r '.flows[0].resp_p // 9092' "$exp")
	d=()
	[ "$port" != 9092 ] && d=(-d "tcp.port==$port,kafka")
	for i in $(seq 0 $((n - 1))); do
		file=$(jq -r ".tshark[$i].file" "$exp")
		filter=$(jq -r ".tshark[$i].filter" "$exp")
		want=$(jq -r ".tshark[$i].count" "$exp")
		got=$(tshark -r "$ROOT/$s/$file" "${d[@]}" -Y "$filter" -T fields -e frame.number 2>/dev/null | wc -l)
		if [ "$got" = "$want" ]; then
			echo "ok   $s $file [$filter] = $got"
		else
			echo "FAIL $s $file [$filter] = $got, want $want"
			bad=1
		fi
	done
	for ref in $(jq -r '.lines[]' "$exp"); do
		f=${ref%%:*}
		l=${ref##*:}
		if [ ! -f "$ROOT/$s/$f" ] || [ "$(wc -l <"$ROOT/$s/$f")" -lt "$l" ]; then
			echo "FAIL $s line ref $ref does not exist"
			bad=1
		fi
	done
done
exit $bad
