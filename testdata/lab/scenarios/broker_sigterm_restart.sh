#!/usr/bin/env bash
# broker_sigterm_restart: an operator stops the broker (SIGTERM, clean
# shutdown), waits 4 s (LAB_DOWN) and starts it again while clients are connected.
. "$(dirname "$0")/../lib.sh"
lab_init broker_sigterm_restart
run_restart TERM

emit_expected '"broker-restart"' \
	"A confluent-kafka producer (one record every 0.5 s) and a kcat consumer are connected when the broker is stopped with SIGTERM: server.log shows 'Terminating process due to signal SIGTERM', 'shutting down' and 'shut down completed'; its connections end together with FIN; for ~${LAB_DOWN:-4} s SYNs are refused, then the broker starts again and the clients reconnect. The synthesized journal shows Stopping, Deactivated successfully, Stopped, Starting, Started for kafka.service." \
	"$(jq -cn --arg c $CLI_IP --arg b $BRK_IP --argjson p $BRK_PORT '[{"orig_h":$c,"resp_h":$b,"resp_p":$p,"proto":"tcp","conn_state":"SF","note":"producer and consumer connections closed by the broker at shutdown"},{"orig_h":$c,"resp_h":$b,"resp_p":$p,"proto":"tcp","conn_state":"REJ","note":"reconnect attempts while the broker is down"},{"orig_h":$c,"resp_h":$b,"resp_p":$p,"proto":"tcp","conn_state":"SF","note":"reconnections after the restart"}]')" \
	"$(refs server.log "Terminating process due to signal SIGTERM" server.log "shut down completed" journal.export "Stopping kafka.service" client.log "Connection refused")" \
	"client-side.pcap|tcp.flags.fin==1 && $IPF.src==$BRK_IP" \
	"client-side.pcap|tcp.flags.reset==1 && tcp.flags.ack==1 && $IPF.src==$BRK_IP && tcp.seq==1" \
	"client-side.pcap|tcp.flags.syn==1 && tcp.flags.ack==0" \
	"broker-side.pcap|(tcp.flags.fin==1 || tcp.flags.reset==1) && $IPF.src==$BRK_IP"
write_readme "Made by testdata/lab/scenarios/broker_sigterm_restart.sh: client and broker namespaces on a Linux bridge; the broker (kfake behind the lab's logging front, not Apache Kafka) serves $BRK_ADDR while a real librdkafka producer (Debian python3-confluent-kafka, testdata/lab/idle_producer.py, native librdkafka stderr log as client.log) sends a record every 0.5 s and real kcat consumes (consumer-client.log), both with \`debug=broker,protocol,security\`. After 5 s the broker gets SIGTERM, logs Kafka's signal and shutdown lines, exits, stays down ${LAB_DOWN:-4} s and starts again. Packets (tcpdump on both veths) and client logs are real; server.log is the lab front's log4j-layout output. journal.export (\`journalctl -o export\` layout) and journal.json (\`-o json\`) are SYNTHESIZED by testdata/lab/journal.py from the lab's actions at their real times (µs): what systemd would have logged for an operator's \`systemctl stop kafka\` then \`systemctl start kafka\`; no systemd ran. They also carry the lines of server.log as the stdout entries (_TRANSPORT=stdout, SYSLOG_IDENTIFIER=kafka-server-start.sh, _SYSTEMD_UNIT=kafka.service, the real lab broker PID of each run) that Kafka's console appender would have put there; systemd's own messages carry UNIT=kafka.service and _SYSTEMD_UNIT=init.scope as real ones do."
