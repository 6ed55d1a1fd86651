#!/usr/bin/env python3
"""Both ends of the small TCP exchange the encapsulation captures carry (see
make.sh). Every blocking call has a timeout, so nothing can hang.

    peer.py serve HOST PORT [ext]   accept one connection, read the request,
                                    reply, wait for the client's FIN, close
    peer.py client HOST PORT [ext]  connect; a refused connect is reported and
                                    is not an error; else request, reply, FIN first

HOST may be IPv6. With "ext" (IPv6 only, needs CAP_NET_RAW) every packet the
socket sends carries a hop-by-hop and a destination options extension header
(each one PadN option), set as sticky options; an accepted connection
inherits them from the listener.
"""
import socket, sys

T = 5.0  # seconds, bound on every blocking call
PADN8 = bytes([0, 0, 1, 4, 0, 0, 0, 0])  # next header (set by the kernel), length 0 (8 bytes), PadN of 4
EXT = False


def new_socket(host):
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_STREAM)
    if EXT:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_HOPOPTS, PADN8)
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_DSTOPTS, PADN8)
    return s


def serve(host, port):
    ls = new_socket(host)
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.settimeout(T)
    ls.bind((host, port))
    ls.listen(1)
    print("listening", flush=True)
    c, _ = ls.accept()
    c.settimeout(T)
    req = c.recv(65536)
    c.sendall(b"reply:" + req[:32])
    while c.recv(65536):  # until the client's FIN
        pass
    c.close()
    ls.close()


def client(host, port):
    c = new_socket(host)
    c.settimeout(T)
    try:
        c.connect((host, port))
    except ConnectionRefusedError:
        print("refused", file=sys.stderr)
        return
    c.sendall(b"\x00\x00\x00\x0ckafka-request")
    c.recv(65536)
    c.shutdown(socket.SHUT_WR)
    while c.recv(65536):
        pass
    c.close()


def main():
    global EXT
    mode, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    EXT = sys.argv[4:] == ["ext"]
    {"serve": serve, "client": client}[mode](host, port)


main()
