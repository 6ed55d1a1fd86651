#!/usr/bin/env bash
# idle_reset_firewall: a stateful firewall (router namespace) forgets idle TCP
# flows after 20 s and answers the next packet of a forgotten flow with a RST.
# Variant: both captures use a 96-byte snap length (tcpdump -s 96).
# LAB_IDLE_TIMEOUT (conntrack, default 20 s), LAB_IDLE (the producer's pause,
# default 27 s) and LAB_ROUNDS (default 4) change the timings.
. "$(dirname "$0")/../lib.sh"
lab_init idle_reset_firewall
net_routed
IDLE_TIMEOUT=${LAB_IDLE_TIMEOUT:-20}
ROUNDS=${LAB_ROUNDS:-4}
IDLE=${LAB_IDLE:-27}
rtr() { ip netns exec $NS_RTR "$@"; }
rtr $IPT -A FORWARD -p tcp -m conntrack --ctstate INVALID -j REJECT --reject-with tcp-reset
rtr $IPT -A FORWARD -m conntrack --ctstate NEW,ESTABLISHED,RELATED -j ACCEPT
# conntrack timeouts are per network namespace on this kernel (checked below);
# no loose pick-up, so a mid-flow packet of a forgotten flow is INVALID.
rtr sysctl -qw net.netfilter.nf_conntrack_tcp_timeout_established=$IDLE_TIMEOUT
rtr sysctl -qw net.netfilter.nf_conntrack_tcp_loose=0
[ "$(sysctl -n net.netfilter.nf_conntrack_tcp_timeout_established)" != "$IDLE_TIMEOUT" ] ||
	{ echo "conntrack timeout is not per-netns here" >&2; exit 1; }
capture $NS_BRK eth0 "$SCEN/broker-side.pcap" -s "${LAB_SNAPLEN:-96}" tcp port $BRK_PORT
capture $NS_CLI eth0 "$SCEN/client-side.pcap" -s "${LAB_SNAPLEN:-96}" tcp port $BRK_PORT
start_broker "$SCEN/server.log"
ip netns exec $NS_CLI timeout $((ROUNDS * (IDLE + 25) + 50)) /usr/bin/python3 "$LAB_DIR/idle_producer.py" "$BRK_ADDR" $ROUNDS $IDLE 2>"$WORK/client.raw"
grep -v '^round \|^delivery failed' "$WORK/client.raw" >"$SCEN/client.log"
grep '^round \|^delivery failed' "$WORK/client.raw" >&2
stop_captures
end_broker

RTR_RST="tcp.flags.reset==1 && $IPF.src==$BRK_IP && $TTLF==64"
emit_expected '"idle-timeout-reset"' \
	"A router namespace with a stateful iptables firewall forgets established TCP flows after ${IDLE_TIMEOUT} s idle (nf_conntrack_tcp_timeout_established=$IDLE_TIMEOUT, loose pick-up off) and rejects the next packet of a forgotten flow with a TCP reset. A confluent-kafka producer sends one record every ~${IDLE} s: each time its first packet after the idle gap (the ProduceRequest) is answered by a RST forged by the router in the broker's name (IP TTL 64, while the broker's own packets arrive with TTL $((HOST_TTL - 1)) after the router hop; no TCP timestamp option), the broker never sees that request and its side of the connection stays open. The producer reconnects and delivers. Idle gaps before the RSTs all cluster around ${IDLE} s; librdkafka's disconnect lines show connection ages of one repeating value." \
	"$(jq -cn --arg c $CLI_IP --arg b $BRK_IP --argjson p $BRK_PORT --argjson n $((ROUNDS - 1)) '[{"orig_h":$c,"resp_h":$b,"resp_p":$p,"proto":"tcp","conn_state":"RSTR","count":$n,"note":"data, idle gap, client PSH/ACK answered by router-forged RST (TTL 64)"},{"orig_h":$c,"resp_h":$b,"resp_p":$p,"proto":"tcp","conn_state":"SF","count":1,"note":"last connection, closed normally at exit"}]')" \
	"$(refs client.log "Disconnected (after")" \
	"client-side.pcap|$RTR_RST" \
	"client-side.pcap|$IPF.src==$BRK_IP && $TTLF==$((HOST_TTL - 1)) && tcp.flags.syn==1" \
	"client-side.pcap|tcp.flags.syn==1 && tcp.flags.ack==0" \
	"broker-side.pcap|tcp.flags.reset==1" \
	"client-side.pcap|$RTR_RST && tcp.options.timestamp.tsval" \
	"client-side.pcap|$RTR_RST && tcp.flags.ack==0" \
	"client-side.pcap|$IPF.src==$CLI_IP && tcp.len>0" \
	"broker-side.pcap|$IPF.src==$CLI_IP && tcp.len>0"
write_readme "Made by testdata/lab/scenarios/idle_reset_firewall.sh: client ($CLI_IP) and broker ($BRK_IP) namespaces on two subnets joined by a router namespace that runs a real stateful firewall: iptables FORWARD rejects conntrack-INVALID TCP with \`--reject-with tcp-reset\`, and that namespace's own nf_conntrack_tcp_timeout_established is ${IDLE_TIMEOUT} s (a per-netns sysctl on this kernel) with loose pick-up off. The broker is kfake behind the lab's logging front, not Apache Kafka. A real librdkafka producer (Debian python3-confluent-kafka, /usr/bin/python3 testdata/lab/idle_producer.py, \`debug=broker,protocol,security\`, librdkafka's native stderr log kept verbatim as client.log) sends one record, idles ${IDLE} s, and repeats ${ROUNDS} times. After each idle gap the conntrack entry is gone, the ProduceRequest is rejected by the router with a RST in the broker's name (TTL 64 where the broker's own packets show $((HOST_TTL - 1))), librdkafka reports the reset and reconnects, and the broker's capture never sees the request or the RST. Both captures use \`tcpdump -s 96\`. Packets and client log are real; server.log is the lab front's log4j-layout output."
