#!/usr/bin/env python3
"""Loopback traffic for the capture fixtures (see make.sh). Every socket has a
timeout, so no scenario can hang."""
import socket, struct, sys, threading, time

T = 5.0  # seconds, bound on every blocking call


def listener(host, port, fam):
    s = socket.socket(fam, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.settimeout(T)
    s.bind((host, port))
    s.listen(1)
    return s


def serve(ls, mode):
    c, _ = ls.accept()
    c.settimeout(T)
    data = c.recv(65536)
    if mode == "echo":
        c.sendall(b"pong:" + data[:32])
        c.recv(65536)  # wait for the client's FIN
        c.close()
    elif mode == "reset":
        c.sendall(b"partial reply")
        time.sleep(0.2)
        # SO_LINGER on with a zero timeout: close() sends RST instead of FIN.
        c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        c.close()
    elif mode == "drain":  # read whatever comes (e.g. a TLS ClientHello), then close
        time.sleep(0.3)
        c.close()
    ls.close()


def client(host, port, fam, payload, orderly):
    c = socket.socket(fam, socket.SOCK_STREAM)
    c.settimeout(T)
    try:
        c.connect((host, port))
    except ConnectionRefusedError:
        print("refused", file=sys.stderr)
        return
    try:
        c.sendall(payload)
        c.recv(65536)
        if orderly:  # FIN first, then read until the server's FIN
            c.shutdown(socket.SHUT_WR)
            while c.recv(65536):
                pass
        else:  # the server resets; just wait for it
            time.sleep(0.5)
    except (ConnectionResetError, BrokenPipeError, socket.timeout):
        pass
    c.close()


def main():
    mode, host, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
    size = int(sys.argv[4]) if len(sys.argv) > 4 else 5
    fam = socket.AF_INET6 if ":" in host else socket.AF_INET
    if mode == "refused":
        client(host, port, fam, b"", False)
        return
    if mode == "client":  # client only, against a listener elsewhere
        client(host, port, fam, b"hello kafka", True)
        return
    if mode == "listen-drain":  # server only; the client is another program
        serve(listener(host, port, fam), "drain")
        return
    ls = listener(host, port, fam)
    t = threading.Thread(target=serve, args=(ls, "echo" if mode == "sf" else "reset"))
    t.start()
    payload = (b"ping" * (size // 4 + 1))[:size]
    client(host, port, fam, payload, mode == "sf")
    t.join(T)


main()
