#!/usr/bin/env bash
# syn_dropped: a router in front of the broker drops SYNs to 9092; the client retransmits.
# Variant: the client-side capture is stored as pcapng (converted with editcap).
# LAB_SETUP_MS (socket.connection.setup.timeout.ms, default 8000) and LAB_WAIT
# (kcat -m, default 9 s) set how long the client tries.
. "$(dirname "$0")/../lib.sh"
lab_init syn_dropped
net_routed
ip netns exec $NS_RTR $IPT -A FORWARD -p tcp --dport $BRK_PORT --syn -j DROP
capture $NS_BRK eth0 "$SCEN/broker-side.pcap" tcp port $BRK_PORT
capture $NS_CLI eth0 "$WORK/client-side.pcap" tcp port $BRK_PORT
start_broker "$SCEN/server.log"
kcat_cli -L -b "$BRK_ADDR" -m "${LAB_WAIT:-9}" -X socket.connection.setup.timeout.ms="${LAB_SETUP_MS:-8000}" >/dev/null
stop_captures
end_broker
editcap -F pcapng "$WORK/client-side.pcap" "$SCEN/client-side.pcapng"

emit_expected '"syn-unanswered"' \
	"The router namespace between client and broker drops every SYN to port $BRK_PORT (iptables FORWARD DROP). The client's kernel retransmits the SYN with the same ISN (1 s, 2 s, 4 s backoff) and never gets an answer; librdkafka gives up after socket.connection.setup.timeout.ms=${LAB_SETUP_MS:-8000} ('Connection setup timed out in state CONNECT'). The broker-side capture has no packet of the flow; the broker ran and logged nothing about it." \
	"$(jq -cn --arg c $CLI_IP --arg b $BRK_IP --argjson p $BRK_PORT '[{"orig_h":$c,"resp_h":$b,"resp_p":$p,"proto":"tcp","conn_state":"S0","note":"SYN and its retransmissions, no reply"}]')" \
	"$(refs client.log "timed out in state CONNECT" server.log "started (kafka.server.KafkaServer)")" \
	"client-side.pcapng|tcp.flags.syn==1 && tcp.flags.ack==0" \
	"client-side.pcapng|tcp.analysis.retransmission && tcp.flags.syn==1" \
	"client-side.pcapng|$IPF.src==$BRK_IP" \
	"broker-side.pcap|tcp"
write_readme "Made by testdata/lab/scenarios/syn_dropped.sh: client ($CLI_IP) and broker ($BRK_IP) namespaces on two subnets joined by a router namespace whose iptables FORWARD chain drops SYNs to port $BRK_PORT. The broker (kfake behind the lab's logging front, not Apache Kafka) runs and listens. Real kcat (librdkafka, \`-d broker,protocol,security\` in client.log) asks for metadata with socket.connection.setup.timeout.ms=${LAB_SETUP_MS:-8000}: its kernel retransmits the SYN with the same ISN and gets no answer, and librdkafka reports the connection setup timeout in state CONNECT. tcpdump ran on the client's veth (stored as pcapng, converted with editcap from the pcap tcpdump wrote) and on the broker's veth, which saw nothing of the flow. Packets, client log are real; server.log is the lab front's log4j-layout output."
