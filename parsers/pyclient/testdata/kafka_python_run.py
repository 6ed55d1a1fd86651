"""Make kafka-python (Debian python3-kafka) fail one way and log it.

Usage: kafka_python_run.py LAYOUT BOOTSTRAP [SECURITY_PROTOCOL [API_VERSION]]

LAYOUT is "basic" (logging.basicConfig's default "LEVEL:logger:msg"),
"asctime" ("%(asctime)s %(levelname)s %(name)s %(message)s") or "dashed"
("%(asctime)s - %(name)s - %(levelname)s - %(message)s"). The run's own
give-up (NoBrokersAvailable, a raised SSL error) is logged with
log.exception, as applications do, so its traceback is in the output.
API_VERSION ("2.0.0") skips the version probe, so the producer's own
connect timeout (request_timeout_ms) fires instead of the probe's.
"""
import logging
import sys

LAYOUTS = {
    "basic": logging.BASIC_FORMAT,
    "asctime": "%(asctime)s %(levelname)s %(name)s %(message)s",
    "dashed": "%(asctime)s - %(name)s - %(levelname)s - %(message)s",
}

layout, bootstrap = sys.argv[1], sys.argv[2]
protocol = sys.argv[3] if len(sys.argv) > 3 else "PLAINTEXT"
api_version = tuple(int(x) for x in sys.argv[4].split(".")) if len(sys.argv) > 4 else None
logging.basicConfig(level=logging.INFO, format=LAYOUTS[layout], stream=sys.stdout)
log = logging.getLogger("app")

from kafka import KafkaProducer  # noqa: E402

try:
    p = KafkaProducer(bootstrap_servers=bootstrap, security_protocol=protocol,
                      client_id="orders-svc", request_timeout_ms=3000,
                      api_version_auto_timeout_ms=4000, reconnect_backoff_ms=500,
                      api_version=api_version, max_block_ms=8000,
                      sasl_mechanism="PLAIN", sasl_plain_username="orders",
                      sasl_plain_password="wrong")
    p.send("orders", b"x").get(timeout=5)
except Exception:
    log.exception("producer failed")
