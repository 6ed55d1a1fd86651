#!/usr/bin/python3
"""Captures python_logging.log: confluent-kafka-python (Debian's
python3-confluent-kafka) logging through the standard logging module with
the asctime layout, plus the application's error callback printing the
KafkaError object. Loopback only: one port nothing listens on, one listener
that accepts and closes at once. Run: ./capture_python.py > python_logging.log
"""
import logging
import socket
import sys
import threading
import time

from confluent_kafka import Producer

logging.basicConfig(stream=sys.stdout, level=logging.INFO,
                    format="%(asctime)s %(levelname)s %(name)s %(message)s")
log = logging.getLogger("orders.kafka")

closer = socket.socket()
closer.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
closer.bind(("127.0.0.1", 19192))
closer.listen(8)
closer.settimeout(0.2)


def accept_and_close(until):
    while time.time() < until:
        try:
            conn, _ = closer.accept()
            conn.close()
        except socket.timeout:
            pass


end = time.time() + 4
threading.Thread(target=accept_and_close, args=(end,), daemon=True).start()
p = Producer({
    "bootstrap.servers": "127.0.0.1:1,127.0.0.1:19192",
    "client.id": "orders",
    "logger": log,
    "message.timeout.ms": 3000,
    "error_cb": lambda err: log.error("kafka error: %s", err),
})
p.produce("orders", b"x")
while time.time() < end:
    p.poll(0.2)
p.flush(1)
closer.close()
