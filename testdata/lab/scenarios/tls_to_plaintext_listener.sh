#!/usr/bin/env bash
# tls_to_plaintext_listener: kcat speaks TLS to a PLAINTEXT listener.
# Variant: the client-side capture is stored gzip-compressed (client-side.pcap.gz).
. "$(dirname "$0")/../lib.sh"
lab_init tls_to_plaintext_listener
net_flat
make_certs
capture $NS_BRK eth0 "$SCEN/broker-side.pcap" tcp port $BRK_PORT
capture $NS_CLI eth0 "$WORK/client-side.pcap" tcp port $BRK_PORT
start_broker "$SCEN/server.log"
kcat_cli -L -b "$BRK_ADDR" -m 3 -X security.protocol=ssl -X ssl.ca.location="$TLS_DIR/ca.pem" >/dev/null
stop_captures
end_broker
gzip -9 -n -c "$WORK/client-side.pcap" >"$SCEN/client-side.pcap.gz"

emit_expected '"tls-to-plaintext-listener"' \
	"kcat is configured with security.protocol=ssl but the broker's listener on $BRK_ADDR is PLAINTEXT. The client's first payload is a TLS ClientHello (16 03 01 ...); the broker reads its first four bytes as a request size and logs InvalidReceiveException (size = 3692956xx larger than 104857600), then closes; no ServerHello ever comes and librdkafka reports the SSL handshake failure. Client-side capture is gzip-compressed." \
	"$(jq -cn --arg c $CLI_IP --arg b $BRK_IP --argjson p $BRK_PORT '[{"orig_h":$c,"resp_h":$b,"resp_p":$p,"proto":"tcp","conn_state":"RSTR","note":"every attempt: handshake, ClientHello, broker closes (RST, the rest of the hello unread)"}]')" \
	"$(refs server.log "Unexpected error from" server.log "InvalidReceiveException" client.log "SSL handshake failed")" \
	"client-side.pcap.gz|tcp.payload[0:3]==16:03:01" \
	"client-side.pcap.gz|$IPF.src==$BRK_IP && tcp.len>0" \
	"broker-side.pcap|tcp.payload[0:3]==16:03:01" \
	"broker-side.pcap|tcp.flags.reset==1 && $IPF.src==$BRK_IP"
write_readme "Made by testdata/lab/scenarios/tls_to_plaintext_listener.sh: client and broker namespaces on a Linux bridge; the broker (kfake behind the lab's logging front, not Apache Kafka) listens PLAINTEXT on $BRK_ADDR, and real kcat (librdkafka, \`-d broker,protocol,security\` in client.log) connects with security.protocol=ssl. Each attempt sends a TLS ClientHello; the front reads its first four bytes as Kafka's request size exactly as a plaintext Kafka listener does and logs Kafka's \`Unexpected error from /$CLI_IP (channelId=…); closing connection\` with \`InvalidReceiveException: Invalid receive (size = N larger than 104857600)\` (N decodes to 16 03 01 xx, a TLS record header), then closes; librdkafka logs the SSL handshake failure. The client-side capture is stored gzip-compressed (client-side.pcap.gz), the broker side as plain pcap. Packets and client log are real; server.log is written by the lab front in Kafka's log4j layout and templates."
