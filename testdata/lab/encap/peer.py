#!/usr/bin/env python3
"""Both ends of the small TCP exchange the encapsulation captures carry (see
make.sh). Every blocking call has a timeout, so nothing can hang.

    peer.py serve HOST PORT    accept one connection, read the request,
                               reply, wait for the client's FIN, close
    peer.py client HOST PORT   connect; a refused connect is reported and is
                               not an error; else request, reply, FIN first
"""
import socket, sys

T = 5.0  # seconds, bound on every blocking call


def serve(host, port):
    ls = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
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
    c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
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
    mode, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    {"serve": serve, "client": client}[mode](host, port)


main()
