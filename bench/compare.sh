#!/usr/bin/env bash
# Runs kafkadiag and its peers on the same generated files in one go and
# prints throughput, peak RSS and ratios as a Markdown table.
#
#   bench/compare.sh                    # 1 GiB capture, 1 GiB log
#   CAP_BYTES=268435456 LOG_BYTES=268435456 bench/compare.sh   # quicker
#
# Inputs are generated into bench/out/ (gitignored) when missing. Peers are
# installed with apt-get when missing and we are root. tshark is slow, so it
# reads a slice (TSHARK_BYTES, default 128 MiB) and its MB/s is per slice.
#
# On a machine other jobs share, RUNS=5 takes the median of five runs per
# row, and RT=1 (root only) runs every measured command, peers included,
# under SCHED_FIFO (chrt -f 50), so other jobs do not take its cores. Only
# ever the measured binaries: the go tool under SCHED_FIFO can spin a core.
set -euo pipefail
cd "$(dirname "$0")/.."
CAP_BYTES=${CAP_BYTES:-1073741824}
LOG_BYTES=${LOG_BYTES:-1073741824}
TSHARK_BYTES=${TSHARK_BYTES:-134217728}
RUNS=${RUNS:-1}
prio=()
if [ "${RT:-0}" = 1 ]; then prio=(chrt -f 50); fi
OUT=bench/out
mkdir -p "$OUT"
cap="$OUT/bench-$CAP_BYTES.pcap"
log="$OUT/bench-$LOG_BYTES.log"
slice="$OUT/bench-$CAP_BYTES-slice-$TSHARK_BYTES.pcap"

need() {
  command -v "$1" >/dev/null 2>&1 && return
  if [ "$(id -u)" = 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null
  else
    echo "compare.sh: $1 is missing (apt-get install $2)" >&2; exit 2
  fi
}
need tcpdump tcpdump; need tshark tshark; need editcap tshark
[ -x /usr/bin/time ] || need /usr/bin/time time

go build -o "$OUT/kafkadiag" ./cmd/kafkadiag
[ -f "$cap" ] || go run ./bench/synth -capture "$cap" -capture-bytes "$CAP_BYTES" > "$cap.planted.json"
[ -f "$log" ] || go run ./bench/synth -log "$log" -log-bytes "$LOG_BYTES" > "$log.planted.json"
if [ ! -f "$slice" ]; then
  # editcap -c splits by packet count; estimate the count for the slice size.
  pkts=$(( TSHARK_BYTES / 330 ))
  editcap -r "$cap" "$slice" "1-$pkts" >/dev/null
fi

# run NAME FILE CMD... : time CMD once (page cache warmed by a cat first),
# print one table row.
rows=()
run() {
  local name=$1 file=$2; shift 2
  cat "$file" > /dev/null
  local tf; tf=$(mktemp)
  local all=() secs rss load bytes
  load=$(cut -d' ' -f1 /proc/loadavg)
  for _ in $(seq "$RUNS"); do
    "${prio[@]}" /usr/bin/time -v -o "$tf" "$@" > "$OUT/last.out" 2>>"$OUT/stderr.log" || true
    secs=$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$tf")
    rss=$(awk -F': ' '/Maximum resident set size/ {printf "%.0f", $2/1024}' "$tf")
    all+=("$secs $rss")
  done
  rm -f "$tf"
  # The median run by wall time, with its RSS.
  read -r secs rss < <(printf '%s\n' "${all[@]}" | sort -n | awk '{a[NR]=$0} END {print a[int((NR+1)/2)]}')
  bytes=$(stat -c %s "$file")
  local mbps; mbps=$(awk -v b="$bytes" -v s="$secs" 'BEGIN { if (s<=0) s=0.001; printf "%.0f", b/1e6/s }')
  rows+=("$name|$(basename "$file")|$secs|$mbps|$rss|$load")
  printf '%s\n' "$name: ${secs}s ${mbps} MB/s ${rss} MiB (load $load, median of $RUNS)" >&2
}

run "cat" "$cap" cat "$cap"
run "tcpdump SYN/RST filter" "$cap" tcpdump -r "$cap" -w /dev/null 'tcp[tcpflags] & (tcp-syn|tcp-rst) != 0'
run "tshark -z conv,tcp (slice)" "$slice" tshark -r "$slice" -q -z conv,tcp
run "kafkadiag flows --format json" "$cap" "$OUT/kafkadiag" flows --format json "$cap"
run "kafkadiag analyze --format json" "$cap" "$OUT/kafkadiag" analyze --fail-on none --format json "$cap"
run "grep -c -F Connection" "$log" grep -c -F Connection "$log"
run "kafkadiag analyze (log)" "$log" "$OUT/kafkadiag" analyze --fail-on none --format json "$log"
# Start-up: a capture of a few packets (best of 5 runs, in ms).
tiny=testdata/scenarios/connection_refused/broker-side.pcap
startup=$(for _ in 1 2 3 4 5; do "${prio[@]}" /usr/bin/time -f %e "$OUT/kafkadiag" analyze --fail-on none --format json "$tiny" 2>&1 >/dev/null; done | sort -n | head -1)

echo
echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr); capture $CAP_BYTES B, log $LOG_BYTES B, tshark slice $TSHARK_BYTES B; median of $RUNS run(s)${prio:+, under ${prio[*]}}."
echo
echo "| tool | file | seconds | MB/s | peak RSS MiB | 1-min load before |"
echo "|---|---|---:|---:|---:|---:|"
for r in "${rows[@]}"; do echo "| ${r//|/ | } |"; done
echo
mb() { printf '%s\n' "${rows[@]}" | awk -F'|' -v n="$1" '$1==n {print $4}'; }
ratio() { awk -v a="$(mb "$1")" -v b="$(mb "$2")" 'BEGIN { if (b>0) printf "%.2f×", a/b; else print "n/a" }'; }
echo "Start-up: kafkadiag analyze on $(stat -c %s "$tiny") B capture: $(awk -v s="$startup" 'BEGIN {printf "%.0f", s*1000}') ms wall (best of 5)."
echo "Ratios: analyze/tcpdump = $(ratio 'kafkadiag analyze --format json' 'tcpdump SYN/RST filter'), analyze/tshark = $(ratio 'kafkadiag analyze --format json' 'tshark -z conv,tcp (slice)'), log analyze/grep = $(ratio 'kafkadiag analyze (log)' 'grep -c -F Connection')"
