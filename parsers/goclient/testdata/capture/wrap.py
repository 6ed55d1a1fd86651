#!/usr/bin/env python3
"""wrap.py: writes testdata/wrapped from testdata/captured, each captured log
as it reaches a journal or a container runtime when the application runs
under systemd or in a container: a journal `-o short-iso` export, a Docker
json-file log and a CRI (containerd) log. Line text is kept byte for byte."""
import datetime, json, os, re, sys

here = os.path.dirname(os.path.abspath(__file__))
cap = os.path.join(here, "..", "captured")
out = os.path.join(here, "..", "wrapped")
stamp = re.compile(r"(\d{4})[/-](\d\d)[/-](\d\d) (\d\d):(\d\d):(\d\d)")

def when(line, prev):
    m = stamp.search(line)
    if not m:
        return prev
    return datetime.datetime(*map(int, m.groups()), 123456, tzinfo=datetime.timezone.utc)

def lines(name):
    with open(os.path.join(cap, name)) as f:
        prev = None
        for l in f.read().splitlines():
            prev = when(l, prev)
            yield prev, l

with open(os.path.join(out, "sarama-refused.journal"), "w") as f:
    for t, l in lines("sarama-refused.log"):
        f.write("%s app-1 orders-svc[812]: %s\n" % (t.strftime("%Y-%m-%dT%H:%M:%S+0000"), l))
with open(os.path.join(out, "sarama-tls.docker.log"), "w") as f:
    for t, l in lines("sarama-tls.log"):
        f.write(json.dumps({"log": l + "\n", "stream": "stderr", "time": t.strftime("%Y-%m-%dT%H:%M:%S.%f000Z")}, separators=(",", ":")) + "\n")
with open(os.path.join(out, "franz-timeout.cri.log"), "w") as f:
    for t, l in lines("franz-timeout.log"):
        f.write("%s stderr F %s\n" % (t.strftime("%Y-%m-%dT%H:%M:%S.%f000Z"), l))
