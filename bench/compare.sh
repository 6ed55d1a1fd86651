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
# It also times start-up on a tiny capture, and "kafkadiag batch" over 200
# copies of the sample bundle with --jobs 1 and --jobs 2 (the speed-up),
# and the same work as two independent processes: the two-job ceiling.
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

# median: the middle line of stdin, in numeric order.
median() { sort -n | awk '{a[NR]=$0} END {print a[int((NR+1)/2)]}'; }
# over A B: A/B as a ratio, n/a when either is missing.
over() { awk -v a="$1" -v b="$2" 'BEGIN { if (a>0 && b>0) printf "%.2f×", a/b; else print "n/a" }'; }

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
  read -r secs rss < <(printf '%s\n' "${all[@]}" | median)
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
# Start-up: a capture of a few packets (best of 5 runs, in ms; /usr/bin/time
# prints hundredths of a second, too coarse for a few milliseconds).
tiny=testdata/scenarios/connection_refused/broker-side.pcap
startup=$(for _ in 1 2 3 4 5; do
  t0=$EPOCHREALTIME
  "${prio[@]}" "$OUT/kafkadiag" analyze --fail-on none --format json "$tiny" >/dev/null
  t1=$EPOCHREALTIME
  awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f\n", (b-a)*1000}'
done | sort -n | head -1)

# Batch: 200 small support bundles (copies of the README's sample bundle),
# --jobs 1 then --jobs 2, each run into a new folder. On the project's
# disk, and on tmpfs where there is one: on ext4 without a journal, creating
# a file within minutes of deletions in the same block group scans the
# deleted inodes one by one (perf: ext4 recently_deleted), so the disk
# row measures the file system as much as kafkadiag.
bundles="$OUT/bundles"
if [ ! -d "$bundles" ]; then
  mkdir -p "$bundles"
  for i in $(seq -w 1 200); do cp testdata/sample-bundle.tgz "$bundles/case-$i.tgz"; done
fi
batchruns=0
batch() { # NAME DIR JOBS
  local name=$1 dir=$2 jobs=$3 all=() t0 t1
  mkdir -p "$dir"
  for _ in $(seq "$RUNS"); do
    batchruns=$((batchruns + 1))
    t0=$EPOCHREALTIME
    "${prio[@]}" "$OUT/kafkadiag" batch --jobs "$jobs" --out "$dir/run-$batchruns" "$bundles"/*.tgz >/dev/null 2>>"$OUT/stderr.log" || true
    t1=$EPOCHREALTIME
    all+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", b-a}')")
  done
  local secs; secs=$(printf '%s\n' "${all[@]}" | median)
  batchrows+=("$name|$(stat -f -c %T "$dir")|$secs")
  printf '%s\n' "$name: ${secs}s (median of $RUNS)" >&2
}
batchrows=()
diskdir="$OUT/batch-reports"
batch "batch --jobs 1, disk" "$diskdir" 1
batch "batch --jobs 2, disk" "$diskdir" 2
rm -rf "$diskdir"
if [ -d /dev/shm ] && [ -w /dev/shm ]; then
  shmdir=$(mktemp -d /dev/shm/kafkadiag-bench.XXXXXX)
  batch "batch --jobs 1, tmpfs" "$shmdir" 1
  batch "batch --jobs 2, tmpfs" "$shmdir" 2
  rm -rf "$shmdir"
fi

# The machine's own ceiling for two jobs: the same 200 bundles as two
# independent "--jobs 1" processes of 100 each, side by side, against one
# "--jobs 1" and one "--jobs 2" process over all 200, interleaved. Two
# processes share nothing but the hardware, so their speed-up is what the
# cores, caches and memory allow; --jobs 2 cannot be expected to beat it.
# Never under SCHED_FIFO: two real-time Go processes on two cores can
# livelock (a runtime thread spinning for work never lets the other
# process's threads of the same priority run; seen here: 11 minutes).
ceilingrow=""
ceiling() { # DIR
  local dir=$1 one=() two=() jobs2=() t0 t1 t2 t3
  local all=("$bundles"/*.tgz); local half=$(( ${#all[@]} / 2 ))
  for _ in $(seq "$RUNS"); do
    rm -rf "$dir"/c1 "$dir"/ca "$dir"/cb "$dir"/c2
    t0=$EPOCHREALTIME
    timeout 120 "$OUT/kafkadiag" batch --jobs 1 --out "$dir/c1" "${all[@]}" >/dev/null 2>>"$OUT/stderr.log" || true
    t1=$EPOCHREALTIME
    timeout 120 "$OUT/kafkadiag" batch --jobs 1 --out "$dir/ca" "${all[@]:0:half}" >/dev/null 2>>"$OUT/stderr.log" &
    timeout 120 "$OUT/kafkadiag" batch --jobs 1 --out "$dir/cb" "${all[@]:half}" >/dev/null 2>>"$OUT/stderr.log" || true
    wait || true
    t2=$EPOCHREALTIME
    timeout 120 "$OUT/kafkadiag" batch --jobs 2 --out "$dir/c2" "${all[@]}" >/dev/null 2>>"$OUT/stderr.log" || true
    t3=$EPOCHREALTIME
    one+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.3f", b-a}')")
    two+=("$(awk -v a="$t1" -v b="$t2" 'BEGIN {printf "%.3f", b-a}')")
    jobs2+=("$(awk -v a="$t2" -v b="$t3" 'BEGIN {printf "%.3f", b-a}')")
  done
  local m1 m2 mj
  m1=$(printf '%s\n' "${one[@]}" | median)
  m2=$(printf '%s\n' "${two[@]}" | median)
  mj=$(printf '%s\n' "${jobs2[@]}" | median)
  ceilingrow="one --jobs 1 process ${m1}s, two side by side ${m2}s ($(over "$m1" "$m2")), one --jobs 2 process ${mj}s ($(over "$m1" "$mj"))"
  rm -rf "$dir"/c1 "$dir"/ca "$dir"/cb "$dir"/c2
  printf '%s\n' "ceiling: $ceilingrow (median of $RUNS)" >&2
}
if [ -n "${shmdir:-}" ]; then
  shmdir=$(mktemp -d /dev/shm/kafkadiag-bench.XXXXXX)
  ceiling "$shmdir"
  rm -rf "$shmdir"
fi

echo
echo "Machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -sr); capture $CAP_BYTES B, log $LOG_BYTES B, tshark slice $TSHARK_BYTES B; median of $RUNS run(s)${prio:+, under ${prio[*]}}."
echo
# table HEAD ALIGN ROW...: a Markdown table of "a|b|c" rows.
table() {
  echo "$1"; echo "$2"; shift 2
  for r in "$@"; do echo "| ${r//|/ | } |"; done
  echo
}
# field COLUMN NAME ROW...: that column of the row named NAME.
field() {
  local col=$1 name=$2; shift 2
  printf '%s\n' "$@" | awk -F'|' -v n="$name" -v c="$col" '$1==n {print $c}'
}
mbps() { field 4 "$1" "${rows[@]}"; }
secs() { field 3 "$1" "${batchrows[@]}"; }
table "| tool | file | seconds | MB/s | peak RSS MiB | 1-min load before |" "|---|---|---:|---:|---:|---:|" "${rows[@]}"
table "| batch, 200 bundles | file system | seconds |" "|---|---|---:|" "${batchrows[@]}"
echo "Start-up: kafkadiag analyze on $(stat -c %s "$tiny") B capture: $startup ms wall (best of 5)."
echo "Batch speed-up, --jobs 2 over --jobs 1: $(over "$(secs 'batch --jobs 1, disk')" "$(secs 'batch --jobs 2, disk')") on the disk, $(over "$(secs 'batch --jobs 1, tmpfs')" "$(secs 'batch --jobs 2, tmpfs')") on tmpfs."
[ -z "$ceilingrow" ] || echo "Two-job ceiling on tmpfs, no SCHED_FIFO: $ceilingrow."
echo "Ratios: analyze/tcpdump = $(over "$(mbps 'kafkadiag analyze --format json')" "$(mbps 'tcpdump SYN/RST filter')"), analyze/tshark = $(over "$(mbps 'kafkadiag analyze --format json')" "$(mbps 'tshark -z conv,tcp (slice)')"), log analyze/grep = $(over "$(mbps 'kafkadiag analyze (log)')" "$(mbps 'grep -c -F Connection')")"
