"""Write what systemd would have journaled for the lab's broker unit.

The lab runs no systemd; restart scenarios record the real times of their
actions (stop, kill, exit, start) and this script renders the matching
systemd messages as `journalctl -o export` and `journalctl -o json` output.
Input lines: REALTIME_US<TAB>PRIORITY<TAB>MESSAGE[<TAB>FIELD=VALUE...]
Kafka's stdout appender also lands in the journal under kafka.service, so the
lines of server.log are added as _TRANSPORT=stdout entries of the broker
process that wrote them (PIDS lists the lab broker's PIDs, one per start).
Usage: journal.py EVENTS SERVER_LOG PIDS EXPORT_OUT JSON_OUT
"""
import hashlib
import calendar
import json
import sys
import time

HOST = "kdl-brk"
BOOT_ID = "6c1f0a3e9b2d4f7a8e5c1d2b3a4f5e6d"
SEQNUM_ID = "b7e2c4d1a9f04e3c8d6b5a4f3e2d1c0b"
# monotonic clock of the synthetic boot: booted one hour before the first event
MESSAGE_IDS = {
    "Starting ": "7d4958e842da4a758f6c1cdc7b36dcc5",
    "Started ": "39f53479d3a045ac8e11786248231fbf",
    "Stopping ": "de5b426a63be47a7b6ac3eaac82e2f6f",
    "Stopped ": "9d1aaa27d60140bd96365438aad20286",
    "kafka.service: Main process exited": "98e322203f7a4ed290d09fe03c09fe15",
    "kafka.service: Failed with result": "d9b373ed55a64feb8242e02dbe79a49c",
    "kafka.service: Scheduled restart job": "5eb03494b6584870a536b337290809b3",
    "kafka.service: Deactivated successfully.": "7ad2d189f7e94e70a38c781354912448",
}


def systemd_rows(path):
    with open(path) as f:
        for line in f:
            if line.strip():
                row = line.rstrip("\n").split("\t")
                yield int(row[0]), "systemd", row[1], row[2], row[3:]


def broker_rows(path, pids):
    """server.log records as the start script's stdout entries."""
    run = -1
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.startswith("["):
                continue
            if "Registered kafka:type=kafka.Log4jController MBean" in line:
                run += 1
            stamp = line[1:24]
            secs = calendar.timegm(time.strptime(stamp[:19], "%Y-%m-%d %H:%M:%S"))
            rt = secs * 1_000_000 + int(stamp[20:23]) * 1000 + 250
            yield rt, "stdout", "6", line, ["_PID=" + pids[max(run, 0)]]


def entries(rows):
    rows = sorted(rows, key=lambda r: r[0])
    boot_us = rows[0][0] - 3600 * 1_000_000
    invocation = 0
    for seq, (rt, kind, prio, msg, extra) in enumerate(rows, start=1):
        mono = rt - boot_us
        if msg.startswith("Starting kafka.service"):
            invocation += 1
        e = {
            "__CURSOR": "s=%s;i=%x;b=%s;m=%x;t=%x;x=%s" % (
                SEQNUM_ID, 4000 + seq, BOOT_ID, mono, rt,
                hashlib.sha1(f"{rt}{msg}".encode()).hexdigest()[:16]),
            "__REALTIME_TIMESTAMP": str(rt),
            "__MONOTONIC_TIMESTAMP": str(mono),
            "__SEQNUM": str(4000 + seq),
            "__SEQNUM_ID": SEQNUM_ID,
            "_BOOT_ID": BOOT_ID,
            "PRIORITY": prio,
        }
        if kind == "systemd":
            e.update({
                "SYSLOG_FACILITY": "3",
                "SYSLOG_IDENTIFIER": "systemd",
                "_PID": "1",
                "_UID": "0",
                "_GID": "0",
                "_COMM": "systemd",
                "_EXE": "/usr/lib/systemd/systemd",
                "_CMDLINE": "/sbin/init",
                "_TRANSPORT": "journal",
                "_HOSTNAME": HOST,
                "_SYSTEMD_CGROUP": "/init.scope",
                "_SYSTEMD_UNIT": "init.scope",
                "_SYSTEMD_SLICE": "-.slice",
                "UNIT": "kafka.service",
                "CODE_FILE": "src/core/job.c" if not msg.startswith("kafka.service:") else "src/core/service.c",
                "INVOCATION_ID": hashlib.md5(f"kafka-{invocation}".encode()).hexdigest(),
                "MESSAGE": msg,
                "_SOURCE_REALTIME_TIMESTAMP": str(rt - 37),
            })
            for prefix, mid in MESSAGE_IDS.items():
                if msg.startswith(prefix):
                    e["MESSAGE_ID"] = mid
        else:
            e.update({
                "SYSLOG_FACILITY": "3",
                "SYSLOG_IDENTIFIER": "kafka-server-start.sh",
                "_UID": "998",
                "_GID": "998",
                "_COMM": "java",
                "_EXE": "/usr/lib/jvm/java-17-openjdk-amd64/bin/java",
                "_TRANSPORT": "stdout",
                "_HOSTNAME": HOST,
                "_SYSTEMD_CGROUP": "/system.slice/kafka.service",
                "_SYSTEMD_UNIT": "kafka.service",
                "_SYSTEMD_SLICE": "system.slice",
                "_SYSTEMD_INVOCATION_ID": hashlib.md5(f"kafka-{invocation}".encode()).hexdigest(),
                "MESSAGE": msg,
            })
        for kv in extra:
            k, v = kv.split("=", 1)
            e[k] = v
        yield e


def main(events, server_log, pids, export_out, json_out):
    rows = list(systemd_rows(events)) + list(broker_rows(server_log, pids.split(",")))
    es = list(entries(rows))
    with open(export_out, "w") as f:
        for e in es:
            for k, v in e.items():
                f.write(f"{k}={v}\n")
            f.write("\n")
    with open(json_out, "w") as f:
        for e in es:
            f.write(json.dumps(e, separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main(*sys.argv[1:6])
