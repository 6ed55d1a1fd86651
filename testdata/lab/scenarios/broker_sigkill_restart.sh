#!/usr/bin/env bash
# broker_sigkill_restart: the broker is killed with SIGKILL while clients are
# connected, stays down 4 s (systemd RestartSec), and comes back.
. "$(dirname "$0")/../lib.sh"
lab_init broker_sigkill_restart
run_restart KILL

emit_expected '"broker-restart"' \
	"A confluent-kafka producer (one record every 0.5 s) and a kcat consumer are connected when the broker process is killed with SIGKILL. Its kernel closes the sockets with FIN (RST where unread data waited), so several flows on port 9092 end at the same instant; for ~4 s new SYNs are refused (RST+ACK), then the broker is started again and both clients reconnect. server.log simply stops (no shutdown lines) and the next lines are a new start; the synthesized journal shows Main process exited, code=killed, status=9/KILL, Failed with result 'signal', Scheduled restart job, Stopped, Starting, Started." \
	"$(jq -cn --arg c $CLI_IP --arg b $BRK_IP '[{"orig_h":$c,"resp_h":$b,"resp_p":9092,"proto":"tcp","conn_state":"SF or RSTR","note":"producer and consumer connections, all ended by the broker at the kill instant"},{"orig_h":$c,"resp_h":$b,"resp_p":9092,"proto":"tcp","conn_state":"REJ","note":"reconnect attempts while the broker is down"},{"orig_h":$c,"resp_h":$b,"resp_p":9092,"proto":"tcp","conn_state":"SF","note":"reconnections after the restart"}]')" \
	"$(refs journal.export "status=9/KILL" server.log "started (kafka.server.KafkaServer)" client.log "Connection refused" client.log "Disconnected")" \
	"client-side.pcap|tcp.flags.fin==1 && ip.src==$BRK_IP" \
	"client-side.pcap|tcp.flags.reset==1 && tcp.flags.ack==1 && ip.src==$BRK_IP && tcp.seq==1" \
	"client-side.pcap|tcp.flags.syn==1 && tcp.flags.ack==0" \
	"broker-side.pcap|(tcp.flags.fin==1 || tcp.flags.reset==1) && ip.src==$BRK_IP"
write_readme "Made by testdata/lab/scenarios/broker_sigkill_restart.sh: client and broker namespaces on a Linux bridge; the broker (kfake behind the lab's logging front, not Apache Kafka) serves $BRK_IP:9092 while a real librdkafka producer (Debian python3-confluent-kafka, testdata/lab/idle_producer.py, native librdkafka stderr log as client.log) sends a record every 0.5 s and real kcat consumes (consumer-client.log), both with \`debug=broker,protocol,security\`. After 5 s the broker process gets SIGKILL, stays down 4 s, and is started again. Packets (tcpdump on both veths) and client logs are real: the kernel closes the killed process's sockets, connections end together, reconnects are refused while it is down, then succeed. server.log is the lab front's log4j-layout output and, as after a real kill, has no shutdown lines between the two starts. journal.export (\`journalctl -o export\` layout) and journal.json (\`-o json\`) are SYNTHESIZED by testdata/lab/journal.py from the lab's actions at their real times (µs): what systemd with Restart=always, RestartSec=4 would have logged for kafka.service; no systemd ran."
