"""fakebroker.py listens on 127.0.0.1:PORT and misbehaves as MODE says:
close (accept, then close), reset (accept, then RST), silent (accept,
never answer), http (answer like a plain HTTP server: no TLS). It serves
for SECONDS and exits."""
import socket, struct, sys, time, threading

port, mode, seconds = int(sys.argv[1]), sys.argv[2], float(sys.argv[3])
srv = socket.socket()
srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
srv.bind(("127.0.0.1", port))
srv.listen(16)
srv.settimeout(0.5)
held = []
end = time.time() + seconds
while time.time() < end:
    try:
        c, _ = srv.accept()
    except socket.timeout:
        continue
    if mode == "close":
        c.recv(4096); c.close()
    elif mode == "reset":
        c.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        c.recv(4096); c.close()
    elif mode == "http":
        c.recv(4096); c.sendall(b"HTTP/1.0 400 Bad Request\r\n\r\n"); c.close()
    else:
        held.append(c)
