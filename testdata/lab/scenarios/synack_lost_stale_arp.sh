#!/usr/bin/env bash
# synack_lost_stale_arp: the broker's neighbour entry for the client's IP points
# at a MAC nobody owns any more, so its SYN-ACKs never reach the client.
# LAB_SETUP_MS (socket.connection.setup.timeout.ms, default 8000) and LAB_WAIT
# (kcat -m, default 9 s) set how long the client tries.
. "$(dirname "$0")/../lib.sh"
lab_init synack_lost_stale_arp
net_flat
STALE_MAC=02:00:c6:12:00:99 # the MAC of the host that held the client's IP before
# The bridge must not flood frames for the unknown MAC to the client's port
# (a switch that has aged the dead MAC out would, which only widens the leak;
# the real incident's fabric delivered to the old host).
ip -n $NS_BRIDGE link set p-cli type bridge_slave flood off
ip -n $NS_BRK neigh replace $CLI_IP lladdr $STALE_MAC nud permanent dev eth0
# IPv6 only: Linux sends its Neighbor Advertisement to the MAC its neighbour
# cache holds, so the stale entry would eat the broker's NA too and the client
# would fail with "No route to host" before any SYN (ARP replies go to the
# request's sender MAC, so IPv4 needs no help). The client already knows the
# broker, as a long-running client would.
[ "$LAB_NET" = v6 ] && ip -n $NS_CLI neigh replace $BRK_IP lladdr $MAC_BRK nud permanent dev eth0
capture $NS_BRK eth0 "$SCEN/broker-side.pcap" tcp port $BRK_PORT
capture $NS_CLI eth0 "$SCEN/client-side.pcap" tcp port $BRK_PORT
start_broker "$SCEN/server.log"
kcat_cli -L -b "$BRK_ADDR" -m "${LAB_WAIT:-9}" -X socket.connection.setup.timeout.ms="${LAB_SETUP_MS:-8000}" >/dev/null
ip -n $NS_BRK neigh show $CLI_IP >"$WORK/neigh.txt"
stop_captures
end_broker

# tcpdump -i any (LINUX_SLL2) records only the sender's MAC, so the SYN-ACK's
# destination MAC, the stale entry's only trace, is not in the captures: what
# they can prove is the lost SYN-ACK.
CAUSE='"stale-arp-entry"' MACS="Both captures are Ethernet; the SYN-ACK's destination MAC differs from the SYN's source MAC."
if [ "${LAB_CAPIF:-eth0}" = any ]; then
	CAUSE='"syn-ack-lost"' MACS="Both captures are LINUX_SLL2 (tcpdump -i any), which keeps no destination MAC: they show where the SYN-ACK died, not why, so the expected cause is syn-ack-lost."
fi
emit_expected "$CAUSE" \
	"On the broker host the neighbour entry for $CLI_IP is $STALE_MAC (permanent), not the client's $MAC_CLI. The client's SYNs reach the broker; every SYN-ACK leaves the broker addressed to $STALE_MAC and never reaches the client, which keeps re-sending the same SYN (same ISN) until librdkafka's setup timeout. $MACS" \
	"$(jq -cn --arg c $CLI_IP --arg b $BRK_IP --argjson p $BRK_PORT '[{"orig_h":$c,"resp_h":$b,"resp_p":$p,"proto":"tcp","conn_state":"S0","history":"S","side":"client","note":"SYN retransmitted with one ISN, nothing comes back"},{"orig_h":$c,"resp_h":$b,"resp_p":$p,"proto":"tcp","conn_state":"S1","history":"Sh","side":"broker","note":"SYN-ACKs to the stale MAC"}]')" \
	"$(refs client.log "timed out in state CONNECT" server.log "started (kafka.server.KafkaServer)")" \
	"client-side.pcap|tcp.flags.syn==1 && tcp.flags.ack==0" \
	"client-side.pcap|tcp.flags.syn==1 && tcp.flags.ack==1" \
	"broker-side.pcap|tcp.flags.syn==1 && tcp.flags.ack==0 && eth.src==$MAC_CLI" \
	"broker-side.pcap|tcp.flags.syn==1 && tcp.flags.ack==1 && eth.dst==$STALE_MAC" \
	"broker-side.pcap|tcp.flags.syn==1 && tcp.flags.ack==1 && eth.dst==$MAC_CLI"
write_readme "Made by testdata/lab/scenarios/synack_lost_stale_arp.sh: client ($CLI_IP, MAC $MAC_CLI) and broker ($BRK_IP) namespaces on a Linux bridge; on the broker host \`ip neigh replace $CLI_IP lladdr $STALE_MAC nud permanent\` recreates the AWS incident where the client reused the IP of a terminated host and the broker's ARP entry still named the old MAC (the bridge port of the client has unknown-unicast flooding off, so frames for the dead MAC go nowhere). The broker is kfake behind the lab's logging front, not Apache Kafka. Real kcat (librdkafka, \`-d broker,protocol,security\` in client.log) asks for metadata with socket.connection.setup.timeout.ms=${LAB_SETUP_MS:-8000}. The broker-side capture (Ethernet) shows the SYNs arriving from $MAC_CLI and every SYN-ACK leaving for $STALE_MAC; the client-side capture (Ethernet) shows only the same SYN (same ISN) re-sent until librdkafka times out. Packets and client log are real; server.log is the lab front's log4j-layout output."
