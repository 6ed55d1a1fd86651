#!/usr/bin/env bash
# connection_refused: nothing listens on the broker's port; every SYN gets RST+ACK.
# Variant: the client side is captured with `tcpdump -i any` (LINUX_SLL2 link type).
. "$(dirname "$0")/../lib.sh"
lab_init connection_refused
net_flat
capture $NS_BRK eth0 "$SCEN/broker-side.pcap" tcp port $BRK_PORT
capture $NS_CLI any "$SCEN/client-side.pcap" tcp port $BRK_PORT
kcat_cli -L -b "$BRK_ADDR" -m 4 >/dev/null
stop_captures

emit_expected '"connection-refused"' \
	"No process listens on $BRK_ADDR (the broker was never started). Each kcat connect attempt is answered by the broker host's kernel with RST+ACK within a millisecond; librdkafka logs 'Connect to $RDK_ADDR failed: Connection refused (after 0ms in state CONNECT)'. Client-side capture uses tcpdump -i any (LINUX_SLL2)." \
	"$(jq -cn --arg c $CLI_IP --arg b $BRK_IP --argjson p $BRK_PORT '[{"orig_h":$c,"resp_h":$b,"resp_p":$p,"proto":"tcp","conn_state":"REJ","note":"every attempt: SYN, RST+ACK from the broker address"}]')" \
	"$(refs client.log "Connection refused")" \
	"client-side.pcap|tcp.flags.syn==1 && tcp.flags.ack==0" \
	"client-side.pcap|tcp.flags.reset==1 && tcp.flags.ack==1" \
	"client-side.pcap|sll.pkttype==4" \
	"broker-side.pcap|tcp.flags.reset==1 && $IPF.src==$BRK_IP"
write_readme "Made by testdata/lab/scenarios/connection_refused.sh: client and broker namespaces on a Linux bridge; the lab broker (kfake behind a logging front, not Apache Kafka) is deliberately not started, so nothing listens on $BRK_ADDR. Real kcat (librdkafka, \`-d broker,protocol,security\`, client.log) asks for metadata for 4 s and reconnects with backoff; every SYN is answered by the broker host's kernel with RST+ACK at once, and librdkafka logs \`Connect to $RDK_ADDR failed: Connection refused (after 0ms in state CONNECT)\`. The client side was captured with \`tcpdump -i any\` (LINUX_SLL2 link type, so no Ethernet header), the broker side on its veth. Everything here is real; there is no server.log because no broker ran."
