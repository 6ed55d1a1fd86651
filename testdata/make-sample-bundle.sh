#!/usr/bin/env bash
# Builds testdata/sample-bundle.tgz, the support bundle of the README's quick
# start, from the broker_sigkill_restart lab scenario, arranged the way a
# customer sends one: a folder per host, the broker log split into a
# rotation (server.log.1.gz holds the run before the kill, server.log the
# run after it).
#
# Deterministic: fixed member order, mtimes, owners and modes, and gzip -n
# (no name or time in the gzip header), so the same inputs give the same
# bytes and CI can check the committed file is current:
#   bash testdata/make-sample-bundle.sh && git diff --exit-code testdata/sample-bundle.tgz
set -euo pipefail
cd "$(dirname "$0")"
src=scenarios/broker_sigkill_restart
out=sample-bundle.tgz
# The second start of the broker: the rotation point.
split='\[KafkaServer id=0\] starting'
mtime='2026-11-23 12:50:00Z'

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/kafka-1" "$stage/app-7"

# Broker host: rotated server.log, journal export, broker-side capture.
second=$(grep -n "$split" "$src/server.log" | sed -n 2p | cut -d: -f1)
# The rotation starts at the line before the second "starting" (the new
# process's first line).
cut_at=$((second - 1))
head -n $((cut_at - 1)) "$src/server.log" | gzip -n -9 >"$stage/kafka-1/server.log.1.gz"
tail -n +"$cut_at" "$src/server.log" >"$stage/kafka-1/server.log"
cp "$src/journal.export" "$stage/kafka-1/journal.export"
cp "$src/broker-side.pcap" "$stage/kafka-1/broker-side.pcap"

# Application host: the producer's and the consumer's logs, client capture.
cp "$src/client.log" "$stage/app-7/client.log"
cp "$src/consumer-client.log" "$stage/app-7/consumer.log"
cp "$src/client-side.pcap" "$stage/app-7/client-side.pcap"

tar --sort=name --format=gnu --mtime="$mtime" --owner=0 --group=0 --numeric-owner \
	--mode='u=rwX,go=rX' -C "$stage" -cf - app-7 kafka-1 | gzip -n -9 >"$out.tmp"
mv "$out.tmp" "$out"
echo "wrote testdata/$out"
