#!/usr/bin/env bash
# plaintext_to_tls_listener: kcat speaks plaintext Kafka to an SSL listener.
. "$(dirname "$0")/../lib.sh"
lab_init plaintext_to_tls_listener
net_flat
make_certs
capture $NS_BRK eth0 "$SCEN/broker-side.pcap" tcp port $BRK_PORT
capture $NS_CLI eth0 "$SCEN/client-side.pcap" tcp port $BRK_PORT
start_broker "$SCEN/server.log" -tls-cert "$TLS_DIR/broker.pem" -tls-key "$TLS_DIR/broker.key"
kcat_cli -L -b "$BRK_ADDR" -m 3 >/dev/null
stop_captures
end_broker

emit_expected '"plaintext-to-tls-listener"' \
	"kcat uses security.protocol=plaintext against the SSL listener on $BRK_ADDR. Its first payload is a Kafka ApiVersions request (size prefix, api key 18), not a TLS record; the TLS server rejects it and closes, the broker logs 'Failed authentication with /$CLI_IP (channelId=...) (SSL handshake failed)', and librdkafka logs 'Disconnected while requesting ApiVersion: might be caused by incorrect security.protocol configuration (connecting to a SSL listener?)'." \
	"$(jq -cn --arg c $CLI_IP --arg b $BRK_IP --argjson p $BRK_PORT '[{"orig_h":$c,"resp_h":$b,"resp_p":$p,"proto":"tcp","conn_state":"SF","note":"every attempt: handshake, ApiVersions request in plaintext, broker closes"}]')" \
	"$(refs server.log "Failed authentication with" client.log "connecting to a SSL listener?")" \
	"client-side.pcap|kafka.api_key==18 && $IPF.src==$CLI_IP" \
	"client-side.pcap|$IPF.src==$BRK_IP && tcp.len>0" \
	"broker-side.pcap|kafka.api_key==18" \
	"broker-side.pcap|(tcp.flags.fin==1 || tcp.flags.reset==1) && $IPF.src==$BRK_IP"
write_readme "Made by testdata/lab/scenarios/plaintext_to_tls_listener.sh: client and broker namespaces on a Linux bridge; the broker (kfake behind the lab's logging front, not Apache Kafka) listens SSL on $BRK_ADDR (Go crypto/tls with a certificate from a lab CA made by openssl), and real kcat (librdkafka, \`-d broker,protocol,security\` in client.log) connects with the default plaintext protocol. Each attempt sends a plaintext ApiVersions request; the TLS server sees no ClientHello and closes (Go's TLS stack sends no alert here, where a Java broker would send one), the front logs Kafka's \`Failed authentication with /$CLI_IP (channelId=…) (SSL handshake failed)\`, and librdkafka logs its ApiVersion hint about a SSL listener. Packets and client log are real; server.log is written by the lab front in Kafka's log4j layout and templates."
