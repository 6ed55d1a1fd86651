#!/usr/bin/env python3
"""A software port mirror, as a SPAN session or a cloud traffic-mirroring
agent works: every frame seen on IFACE (both directions, read with an
AF_PACKET socket) is sent, encapsulated, to the analyzer at DEST. The kernel
adds the outer IPv4 and Ethernet headers. See make.sh for why this exists:
the lab kernel has VXLAN but no Geneve, GRE or ERSPAN devices.

    mirror.py MODE IFACE DEST SECONDS

MODE is one of
    geneve    UDP to port 6081, Geneve (RFC 8926) VNI 42, protocol 0x6558 (Ethernet)
    gretap    GRE (RFC 2890) with key 42, protocol 0x6558 (Ethernet)
    erspan2   GRE with sequence numbers, protocol 0x88be, ERSPAN type II header,
              session 123
    erspan3   GRE with sequence numbers, protocol 0x22eb, ERSPAN type III header,
              session 124, hardware id 7, frame type 0 (Ethernet), no subheader

It stops after SECONDS, or at SIGTERM/SIGINT.
"""
import select, signal, socket, struct, sys, time

ETH_P_ALL = 0x0003
IPPROTO_GRE = 47
VNI = 42


def geneve(frame, seq):
    # version 0, no options, protocol Transparent Ethernet Bridging, VNI in the top 24 bits
    return struct.pack("!BBHI", 0, 0, 0x6558, VNI << 8) + frame


def gretap(frame, seq):
    return struct.pack("!HHI", 0x2000, 0x6558, VNI) + frame  # K bit: a key follows


def erspan2(frame, seq):
    gre = struct.pack("!HHI", 0x1000, 0x88BE, seq)  # S bit: a sequence number follows
    # version 1, VLAN 0 | COS 0, encap 0, T 0, session 123 | reserved, index 0
    return gre + struct.pack("!HHI", 1 << 12, 123, 0) + frame


def erspan3(frame, seq):
    gre = struct.pack("!HHI", 0x1000, 0x22EB, seq)
    ts = (time.monotonic_ns() // 100_000) & 0xFFFFFFFF  # granularity 00: 100 us units
    # version 2, VLAN 0 | COS 0, BSO 0, T 0, session 124 | timestamp | SGT 0 |
    # P 0, frame type 0 (Ethernet), hardware id 7, D 0, granularity 0, O 0
    return gre + struct.pack("!HHIHH", 2 << 12, 124, ts, 0, 7 << 4) + frame


def main():
    mode, iface, dest, seconds = sys.argv[1], sys.argv[2], sys.argv[3], float(sys.argv[4])
    wrap = {"geneve": geneve, "gretap": gretap, "erspan2": erspan2, "erspan3": erspan3}[mode]
    rx = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    rx.bind((iface, 0))
    if mode == "geneve":
        tx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        addr = (dest, 6081)
    else:
        tx = socket.socket(socket.AF_INET, socket.SOCK_RAW, IPPROTO_GRE)
        addr = (dest, 0)
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    print("mirroring", flush=True)
    end, seq = time.monotonic() + seconds, 0
    while not stop and time.monotonic() < end:
        r, _, _ = select.select([rx], [], [], 0.1)
        if not r:
            continue
        frame = rx.recv(65535)
        tx.sendto(wrap(frame, seq), addr)
        seq += 1


main()
