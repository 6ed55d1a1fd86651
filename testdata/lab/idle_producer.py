"""Lab client: produce a record, stay idle, repeat; librdkafka logs natively.

No `logger` is configured, so librdkafka's own printer writes its lines to
stderr in the native `%level|secs.ms|FAC|name| text` layout.
Usage: idle_producer.py BOOTSTRAP ROUNDS IDLE_SECONDS
"""
import sys
import time

from confluent_kafka import Producer

bootstrap, rounds, idle = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
p = Producer({
    "bootstrap.servers": bootstrap,
    "debug": "broker,protocol,security",
    "message.timeout.ms": 20000,
    "linger.ms": 0,
})
failed = 0


def report(err, msg):
    global failed
    if err is not None:
        failed += 1
        print(f"delivery failed: {err}", file=sys.stderr, flush=True)


for i in range(rounds):
    p.produce("lab", value=f"order-{i}".encode(), on_delivery=report)
    left = p.flush(25)
    print(f"round {i}: {left} not delivered", file=sys.stderr, flush=True)
    if i < rounds - 1:
        deadline = time.monotonic() + idle
        while time.monotonic() < deadline:
            p.poll(0.5)
p.flush(25)
sys.exit(1 if failed else 0)
