#!/usr/bin/env bash
# healthy: kcat produces and consumes against a plaintext broker; nothing fails.
. "$(dirname "$0")/../lib.sh"
lab_init healthy
net_flat
capture $NS_BRK eth0 "$SCEN/broker-side.pcap" tcp port $BRK_PORT
capture $NS_CLI eth0 "$SCEN/client-side.pcap" tcp port $BRK_PORT
start_broker "$SCEN/server.log"
printf 'order-%s\n' 1 2 3 | kcat_cli -P -b "$BRK_ADDR" -t lab
kcat_cli -C -b "$BRK_ADDR" -t lab -o beginning -e -q >"$WORK/consumed.txt"
stop_captures
end_broker
[ "$(wc -l <"$WORK/consumed.txt")" -eq 3 ] || { echo "healthy: consumed $(wc -l <"$WORK/consumed.txt") records, want 3" >&2; exit 1; }

emit_expected null \
	"kcat produced three records and consumed them back from a plaintext listener; connections close normally (FIN). No finding above info is expected." \
	"$(jq -cn --arg c $CLI_IP --arg b $BRK_IP --argjson p $BRK_PORT '[{"orig_h":$c,"resp_h":$b,"resp_p":$p,"proto":"tcp","conn_state":"SF","note":"producer: ApiVersions, Metadata, Produce, FIN"},{"orig_h":$c,"resp_h":$b,"resp_p":$p,"proto":"tcp","conn_state":"SF","note":"consumer: bootstrap and partition leader connections, FIN"}]')" \
	"$(refs server.log "started (kafka.server.KafkaServer)" client.log "ApiVersion")" \
	"client-side.pcap|tcp.flags.syn==1 && tcp.flags.ack==0" \
	"client-side.pcap|tcp.flags.reset==1" \
	"client-side.pcap|kafka.api_key==0" \
	"broker-side.pcap|tcp.flags.syn==1 && tcp.flags.ack==1"
write_readme "Made by testdata/lab/scenarios/healthy.sh: two network namespaces on a Linux bridge, a broker that is kfake (franz-go's in-memory Kafka, real wire protocol) behind the lab's logging front listener, not Apache Kafka, listening plaintext on $BRK_ADDR, and real kcat (librdkafka) in the client namespace producing three records and consuming them back, with \`-d broker,protocol,security\` logged to client.log. tcpdump ran on the client's and the broker's veth. It shows a normal session: SYN/SYN-ACK, ApiVersions, Metadata, Produce and Fetch, clean FIN closes. Packets and client log are real kernel/librdkafka output; server.log lines are written by the lab front in Apache Kafka's log4j layout and templates. The analyzer must report no warning."
