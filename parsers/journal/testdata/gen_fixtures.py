#!/usr/bin/env python3
"""Builds the journal fixtures from one list of entries, in every layout
journalctl prints: export (with a binary-safe field), json, json-seq,
short, short-iso, short-precise, short-unix. Message texts follow the
catalog's exact templates (§5, §4, §1.1); hosts and PIDs are made up.
Run from this directory: python3 gen_fixtures.py"""
import json, struct, datetime

CET = datetime.timezone(datetime.timedelta(hours=1))
BOOT = "8f2d6c0e1a0b4c0c9f3e1c2b7a6d5e4f"
MID = "3a1f0e5d2c4b49a8b7c6d5e4f3a2b1c0"
entries = []
t0 = datetime.datetime(2024, 1, 25, 1, 17, 42, 118412, tzinfo=CET)

def add(sec, ident, msg, pid=None, unit=None, sysunit=None, transport="journal", prio=6, host="kafka-b1", comm=None):
    e = {"t": t0 + datetime.timedelta(seconds=sec), "ident": ident, "msg": msg, "pid": pid,
         "unit": unit, "sysunit": sysunit, "transport": transport, "prio": prio, "host": host, "comm": comm}
    entries.append(e)

def sysd(sec, msg, unit, prio=6):
    add(sec, "systemd", msg, pid=1, unit=unit, sysunit="init.scope", prio=prio, comm="systemd")

def kern(sec, msg, prio=3):
    add(sec, "kernel", msg, transport="kernel", prio=prio)

def kafka(sec, msg, pid=2417):
    add(sec, "kafka-server-start.sh", msg, pid=pid, sysunit="kafka.service", transport="stdout", comm="java")

# A running broker, then a kernel OOM kill of its JVM (5.x one-line form,
# cgroup limit), systemd's view of it, and the automatic restart.
kafka(0, "[2024-01-25 01:17:42,118] INFO [SocketServer listenerType=ZK_BROKER, nodeId=1] Failed authentication with /10.20.4.17 (SSL handshake failed) (org.apache.kafka.common.network.Selector)")
kern(5, "java invoked oom-killer: gfp_mask=0x100cca(GFP_HIGHUSER_MOVABLE), order=0, oom_score_adj=0", prio=4)
kern(5.001, "oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,oom_memcg=/system.slice/kafka.service,task_memcg=/system.slice/kafka.service,task=java,pid=2417,uid=994", prio=6)
kern(5.002, "Memory cgroup out of memory: Killed process 2417 (java) total-vm:9358600kB, anon-rss:6241332kB, file-rss:0kB, shmem-rss:0kB, UID:994 pgtables:13012kB oom_score_adj:0")
kern(5.120, "oom_reaper: reaped process 2417 (java), now anon-rss:0kB, file-rss:0kB, shmem-rss:0kB", prio=6)
sysd(5.2, "kafka.service: A process of this unit has been killed by the OOM killer.", "kafka.service", prio=4)
sysd(5.3, "kafka.service: Main process exited, code=killed, status=9/KILL", "kafka.service", prio=5)
sysd(5.31, "kafka.service: Failed with result 'oom-kill'.", "kafka.service", prio=4)
sysd(5.32, "kafka.service: Consumed 2h 13min 7.412s CPU time.", "kafka.service")
# A client on the same host sees the broker gone (librdkafka stderr).
add(6.0, "orders-svc", "%3|1706141868.204|FAIL|rdkafka#producer-1| [thrd:kafka-b1.prod.internal:9092/1]: kafka-b1.prod.internal:9092/1: Connect to ipv4#10.20.1.11:9092 failed: Connection refused (after 0ms in state CONNECT)", pid=4411, sysunit="orders-svc.service", transport="stdout", comm="python3")
sysd(15.4, "kafka.service: Scheduled restart job, restart counter is at 1.", "kafka.service")
sysd(15.41, "Stopped Apache Kafka Server (Broker).", "kafka.service")
sysd(15.45, "Started Apache Kafka Server (Broker).", "kafka.service")
kafka(16.9, "[2024-01-25 01:17:59,012] INFO Registered kafka:type=kafka.Log4jController MBean (kafka.utils.Log4jControllerRegistration$)", pid=2981)
kafka(23.1, "[2024-01-25 01:18:05,220] INFO [KafkaServer id=1] started (kafka.server.KafkaServer)", pid=2981)

# Near misses on the same host: ZooKeeper and a Kafka UI are not brokers,
# and a non-java OOM kill (the ≤5.0 two-line form).
sysd(60, "Stopping Apache ZooKeeper...", "zookeeper.service")
sysd(61, "zookeeper.service: Main process exited, code=killed, status=9/KILL", "zookeeper.service", prio=5)
sysd(61.1, "Stopped Apache ZooKeeper.", "zookeeper.service")
sysd(62, "kafka-ui.service: Main process exited, code=exited, status=1/FAILURE", "kafka-ui.service", prio=5)
kern(70, "Out of memory: Kill process 8812 (node) score 712 or sacrifice child")
kern(70.001, "Killed process 8812 (node) total-vm:2304112kB, anon-rss:1790220kB, file-rss:0kB, shmem-rss:0kB")

# A planned restart that overran TimeoutStopSec.
sysd(120, "Stopping Apache Kafka Server (Broker)...", "kafka.service")
kafka(120.01, "[2024-01-25 01:19:42,130] INFO Terminating process due to signal SIGTERM (org.apache.kafka.common.utils.LoggingSignalHandler)", pid=2981)
kafka(120.02, "[2024-01-25 01:19:42,131] INFO [KafkaServer id=1] shutting down (kafka.server.KafkaServer)", pid=2981)
# A stack trace logged as one multi-line message: binary-safe in export.
kafka(150.5, "[2024-01-25 01:20:12,618] ERROR [Controller id=1, targetBrokerId=2] Connection to node 2 (kafka-b2.prod.internal/10.20.1.12:9092) could not be established. Node may not be available. (org.apache.kafka.clients.NetworkClient)\njava.net.ConnectException: Connection refused\n\tat java.base/sun.nio.ch.Net.pollConnect(Native Method)", pid=2981)
sysd(210, "kafka.service: State 'stop-sigterm' timed out. Killing.", "kafka.service", prio=4)
sysd(210.001, "kafka.service: Killing process 2981 (java) with signal SIGKILL.", "kafka.service", prio=4)
sysd(210.2, "kafka.service: Main process exited, code=killed, status=9/KILL", "kafka.service", prio=5)
sysd(210.21, "kafka.service: Failed with result 'timeout'.", "kafka.service", prio=4)
sysd(210.22, "Stopped Apache Kafka Server (Broker).", "kafka.service")
sysd(212, "Started Apache Kafka Server (Broker).", "kafka.service")

# A crash loop: the broker exits 1 at start until the start limit hits.
for i in range(1, 4):
    base = 300 + i * 12
    at = (t0 + datetime.timedelta(seconds=base)).strftime("%Y-%m-%d %H:%M:%S")
    kafka(base, "[%s,%03d] ERROR Exiting Kafka due to fatal exception during startup. (kafka.Kafka$)" % (at, 100 + i), pid=3100 + i)
    sysd(base + 0.4, "kafka.service: Main process exited, code=exited, status=1/FAILURE", "kafka.service", prio=5)
    sysd(base + 0.41, "kafka.service: Failed with result 'exit-code'.", "kafka.service", prio=4)
    sysd(base + 10.4, "kafka.service: Scheduled restart job, restart counter is at %d." % (i + 1), "kafka.service")
    sysd(base + 10.41, "Stopped Apache Kafka Server (Broker).", "kafka.service")
    sysd(base + 10.45, "Started Apache Kafka Server (Broker).", "kafka.service")
sysd(348, "kafka.service: Start request repeated too quickly.", "kafka.service", prio=4)
sysd(348.01, "kafka.service: Failed with result 'start-limit-hit'.", "kafka.service", prio=4)
sysd(348.02, "Failed to start Apache Kafka Server (Broker).", "kafka.service", prio=3)

# Network tables full.
kern(400, "neighbour: arp_cache: neighbor table overflow!", prio=4)
kern(400.5, "net_ratelimit: 212 callbacks suppressed", prio=4)
kern(401, "nf_conntrack: nf_conntrack: table full, dropping packet", prio=4)
# Uninteresting chatter.
add(402, "sshd", "Accepted publickey for ops from 10.20.9.4 port 51312 ssh2: ED25519 SHA256:Qm3x", pid=5120, sysunit="ssh.service", comm="sshd")
add(403, "CRON", "pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)", pid=5131, sysunit="cron.service", comm="cron")

def us(t):
    return str(int(t.timestamp()) * 1000000 + t.microsecond)

def fields(i, e):
    f = [("__CURSOR", "s=%s;i=%x;b=%s;m=%x;t=%x;x=%x" % (MID, 0x1a2b00 + i, BOOT, 1000000 + i, int(us(e["t"])), 0xabc + i)),
         ("__REALTIME_TIMESTAMP", us(e["t"])),
         ("__MONOTONIC_TIMESTAMP", str(864000000000 + i * 1000)),
         ("_BOOT_ID", BOOT), ("PRIORITY", str(e["prio"])), ("_TRANSPORT", e["transport"]),
         ("SYSLOG_FACILITY", "0" if e["transport"] == "kernel" else "3"), ("SYSLOG_IDENTIFIER", e["ident"]),
         ("MESSAGE", e["msg"]), ("_MACHINE_ID", MID), ("_HOSTNAME", e["host"])]
    if e["pid"]:
        f.append(("_PID", str(e["pid"])))
    if e["comm"]:
        f.append(("_COMM", e["comm"]))
    if e["sysunit"]:
        f.append(("_SYSTEMD_UNIT", e["sysunit"]))
    if e["unit"]:
        f.append(("UNIT", e["unit"]))
        f.append(("CODE_FILE", "src/core/unit.c"))
    if e["ident"] == "systemd" and "Failed with result" in e["msg"]:
        f.append(("MESSAGE_ID", "d9b373ed55a64feb8242e02dbe79a49c"))
        f.append(("UNIT_RESULT", e["msg"].split("'")[1]))
    return f

def printable(v):
    return all(c == "\t" or ord(c) >= 32 for c in v)

with open("journal.export", "wb") as out:
    for i, e in enumerate(entries):
        fl = fields(i, e)
        if i % 7 == 3:
            fl.reverse()  # field order is undefined
        for k, v in fl:
            b = v.encode()
            if printable(v):
                out.write(k.encode() + b"=" + b + b"\n")
            else:
                out.write(k.encode() + b"\n" + struct.pack("<Q", len(b)) + b + b"\n")
        out.write(b"\n")

def jval(v):
    return v if printable(v) else list(v.encode())

with open("journal.json", "w") as out, open("journal.json-seq", "w") as seq:
    for i, e in enumerate(entries):
        obj = {k: jval(v) for k, v in fields(i, e)}
        if i == 4:
            obj["_CMDLINE"] = None  # over the size threshold
        if i == 6:
            obj["SYSLOG_IDENTIFIER"] = ["systemd", "systemd"]  # a repeated field
        line = json.dumps(obj, separators=(",", ":"))
        out.write(line + "\n")
        seq.write("\x1e" + line + "\n")

def tag(e):
    return "%s[%d]" % (e["ident"], e["pid"]) if e["pid"] and e["ident"] != "kernel" else e["ident"]

def firstline(e):
    return e["msg"].split("\n")

layouts = {
    "journal.short": lambda t: t.strftime("%b %d %H:%M:%S"),
    "journal.short-precise": lambda t: t.strftime("%b %d %H:%M:%S.%f"),
    "journal.short-iso": lambda t: t.strftime("%Y-%m-%dT%H:%M:%S%z"),
    "journal.short-iso-precise": lambda t: t.strftime("%Y-%m-%dT%H:%M:%S.%f%z"),
    "journal.short-unix": lambda t: "%d.%06d" % (int(t.timestamp()), t.microsecond),
}
for name, fmt in layouts.items():
    with open(name, "w") as out:
        out.write("-- Logs begin at Wed 2024-01-24 09:00:01 CET, end at Thu 2024-01-25 01:24:25 CET. --\n")
        for e in entries:
            prefix = "%s %s %s: " % (fmt(e["t"]), e["host"], tag(e))
            parts = firstline(e)
            out.write(prefix + parts[0] + "\n")
            for part in parts[1:]:  # journalctl indents a multi-line message's further lines
                out.write(" " * len(prefix) + part + "\n")
