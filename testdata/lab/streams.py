"""Summarize the TCP streams of a capture for expected.json (reads via tshark).

For each TCP stream: the 5-tuple as the first packet shows it (the SYN's
sender is the originator when a SYN is present), packet counts per direction,
payload bytes, and which side sent SYN, SYN-ACK, FIN and RST.
Usage: streams.py CAPTURE
"""
import json
import subprocess
import sys

FIELDS = ["tcp.stream", "frame.time_epoch", "ip.src", "tcp.srcport", "ip.dst", "tcp.dstport",
          "tcp.flags.syn", "tcp.flags.ack", "tcp.flags.fin", "tcp.flags.reset", "tcp.len",
          "ipv6.src", "ipv6.dst"]


def main(path):
    cmd = ["tshark", "-r", path, "-Y", "tcp", "-T", "fields", "-E", "separator=\t"]
    for f in FIELDS:
        cmd += ["-e", f]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    streams = {}
    for line in out.splitlines():
        v = line.split("\t")
        if len(v) != len(FIELDS) or not v[0]:
            continue
        sid, ts, src, sport, dst, dport = int(v[0]), v[1], v[2], int(v[3]), v[4], int(v[5])
        if not src:  # IPv6: tshark leaves ip.src/ip.dst empty
            src, dst = v[11], v[12]
        syn, ack, fin, rst, plen = (v[6] in ("1", "True"), v[7] in ("1", "True"),
                                    v[8] in ("1", "True"), v[9] in ("1", "True"), int(v[10] or 0))
        s = streams.get(sid)
        if s is None:
            orig = (src, sport) if not (syn and ack) else (dst, dport)
            resp = (dst, dport) if orig == (src, sport) else (src, sport)
            s = streams[sid] = {"stream": sid, "first_ts": ts, "orig_h": orig[0], "orig_p": orig[1],
                                "resp_h": resp[0], "resp_p": resp[1], "orig_pkts": 0, "resp_pkts": 0,
                                "orig_bytes": 0, "resp_bytes": 0, "flags": []}
        side = "orig" if (src, sport) == (s["orig_h"], s["orig_p"]) else "resp"
        s[side + "_pkts"] += 1
        s[side + "_bytes"] += plen
        mark = None
        if syn:
            mark = "synack" if ack else "syn"
        elif rst:
            mark = "rst"
        elif fin:
            mark = "fin"
        if mark:
            tag = f"{side}:{mark}"
            if tag not in s["flags"]:
                s["flags"].append(tag)
    print(json.dumps([streams[k] for k in sorted(streams)]))


if __name__ == "__main__":
    main(sys.argv[1])
