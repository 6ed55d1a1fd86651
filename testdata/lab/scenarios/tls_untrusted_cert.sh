#!/usr/bin/env bash
# tls_untrusted_cert: kcat trusts a different CA than the one that signed the broker.
. "$(dirname "$0")/../lib.sh"
lab_init tls_untrusted_cert
net_flat
make_certs
capture $NS_BRK eth0 "$SCEN/broker-side.pcap" tcp port $BRK_PORT
capture $NS_CLI eth0 "$SCEN/client-side.pcap" tcp port $BRK_PORT
start_broker "$SCEN/server.log" -tls-cert "$TLS_DIR/broker.pem" -tls-key "$TLS_DIR/broker.key"
kcat_cli -L -b "$BRK_ADDR" -m 3 -X security.protocol=ssl -X ssl.ca.location="$TLS_DIR/other-ca.pem" >/dev/null
stop_captures
end_broker

emit_expected '"tls-handshake-failure"' \
	"Both sides speak TLS, but kcat's ssl.ca.location names a CA that did not sign the broker's certificate. ClientHello, ServerHello and Certificate go through, then the client sends a fatal unknown_ca alert (48) and closes; librdkafka logs 'SSL handshake failed: ... certificate verify failed' and the broker logs 'Failed authentication with /$CLI_IP (channelId=...) (SSL handshake failed)'. tshark needs '-d tcp.port==$BRK_PORT,tls' to decode the TLS records on the Kafka port; the filters below use raw bytes so they work without it." \
	"$(jq -cn --arg c $CLI_IP --arg b $BRK_IP --argjson p $BRK_PORT '[{"orig_h":$c,"resp_h":$b,"resp_p":$p,"proto":"tcp","conn_state":"SF","note":"every attempt: ClientHello, ServerHello+Certificate, client alert unknown_ca, close"}]')" \
	"$(refs client.log "certificate verify failed" server.log "Failed authentication with")" \
	"client-side.pcap|tcp.payload[0:1]==16 && tcp.payload[5:1]==01 && $IPF.src==$CLI_IP" \
	"client-side.pcap|tcp.payload[0:1]==16 && tcp.payload[5:1]==02 && $IPF.src==$BRK_IP" \
	"client-side.pcap|tcp.payload[0:1]==15 && $IPF.src==$CLI_IP" \
	"broker-side.pcap|tcp.payload[0:1]==15 && $IPF.src==$CLI_IP"
write_readme "Made by testdata/lab/scenarios/tls_untrusted_cert.sh: client and broker namespaces on a Linux bridge; the broker (kfake behind the lab's logging front, not Apache Kafka) listens SSL on $BRK_ADDR with a certificate signed by the lab CA (openssl, SAN IP:$BRK_IP), and real kcat (librdkafka, \`-d broker,protocol,security\` in client.log) connects with security.protocol=ssl but ssl.ca.location pointing at an unrelated CA. The handshake gets as far as the server's certificate, then the client sends a fatal unknown_ca alert and closes; librdkafka logs the certificate verification failure and the front logs Kafka's \`Failed authentication … (SSL handshake failed)\`. TLS 1.3 was negotiated; OpenSSL sends the unknown_ca alert as a cleartext alert record (15 03 03 …), visible without keys (\`tshark -d tcp.port==$BRK_PORT,tls\` decodes it). Packets and client log are real; server.log is written by the lab front."
