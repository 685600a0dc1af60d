#!/usr/bin/env python3
"""A small HTTP proxy for the tests and the bench, standing in for a corporate proxy.

Answers CONNECT host:port, then plays that host: it terminates TLS with the given
certificate and forwards the plain bytes to the upstream (the emulator). So a client can use
https://api.pachca.test (a name only the proxy "reaches") with CURL_CA_BUNDLE=cert.
Usage: tls-proxy.py CERT KEY UPSTREAM_HOST UPSTREAM_PORT [LOG]. Prints "port=N", serves
until killed; LOG gets one line per request line received (e.g. "CONNECT api.pachca.test:443").
"""
import select, socket, ssl, sys, threading

cert, key, upstream_host, upstream_port = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
log_path = sys.argv[5] if len(sys.argv) > 5 else None
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(cert, key)
log_lock = threading.Lock()


def relay(tls, plain):
    """Both directions on one thread (an SSL socket is not safe to share between threads)."""
    while True:
        ready, _, _ = select.select([tls, plain], [], [], 600)
        if not ready:
            return
        for sock in ready:
            other = plain if sock is tls else tls
            data = sock.recv(65536)
            if not data:
                return
            other.sendall(data)
            while sock is tls and tls.pending():
                other.sendall(tls.recv(65536))


def handle(client):
    try:
        head = b""
        while b"\r\n\r\n" not in head:
            data = client.recv(4096)
            if not data:
                return
            head += data
        line = head.split(b"\r\n", 1)[0].decode("latin-1")
        if log_path:
            with log_lock, open(log_path, "a") as log:
                log.write(line + "\n")
        if not line.startswith("CONNECT "):
            client.sendall(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            return
        client.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
        tls = context.wrap_socket(client, server_side=True)
        upstream = socket.create_connection((upstream_host, upstream_port))
        try:
            relay(tls, upstream)
        finally:
            upstream.close()
    except (OSError, ssl.SSLError):
        pass
    finally:
        client.close()


listener = socket.socket()
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(("127.0.0.1", 0))
listener.listen(16)
print("port=%d" % listener.getsockname()[1], flush=True)
while True:
    connection, _ = listener.accept()
    threading.Thread(target=handle, args=(connection,), daemon=True).start()
