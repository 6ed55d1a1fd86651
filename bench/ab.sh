#!/usr/bin/env bash
# Compares kafkadiag binaries on one input: runs each N times, interleaved
# (A B C A B C ...), so a change in the machine's load hits all alike, and
# prints the median wall time, CPU time (user+sys) and peak RSS of each.
#
#   bench/ab.sh N FILE BINARY...
#   RT=0 bench/ab.sh 5 bench/out/bench-1073741824.pcap /tmp/kd.old /tmp/kd.new
#
# RT=1 (the default, root only) runs each binary under SCHED_FIFO (chrt -f
# 50): on a machine other jobs share, they then do not take its cores.
# Only ever the measured binaries: the go tool under SCHED_FIFO can spin.
set -euo pipefail
n=$1 file=$2; shift 2
prio=()
if [ "${RT:-1}" = 1 ] && [ "$(id -u)" = 0 ]; then prio=(chrt -f 50); fi
declare -A res
cat "$file" > /dev/null
for _ in $(seq "$n"); do
  for b in "$@"; do
    o=$( { "${prio[@]}" /usr/bin/time -f "%e %U %S %M" "$b" analyze --fail-on none --format json "$file" > /dev/null; } 2>&1 | tail -1)
    res[$b]+="$o"$'\n'
  done
done
med() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
for b in "$@"; do
  d=$(printf '%s' "${res[$b]}")
  w=$(echo "$d" | awk '{print $1}' | med)
  c=$(echo "$d" | awk '{print $2+$3}' | med)
  m=$(echo "$d" | awk '{print int($4/1024)}' | med)
  printf '%-40s wall %s s  cpu %s s  rss %s MiB (median of %s)\n' "$b" "$w" "$c" "$m" "$n"
done
echo "load: $(cut -d' ' -f1-3 /proc/loadavg)"
