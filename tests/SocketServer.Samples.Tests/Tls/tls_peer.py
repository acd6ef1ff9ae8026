"""A TLS peer written with Python's ssl module, for the TlsEcho tests. One action per run; prints one result line.

    tls_peer.py echo PORT CAFILE SERVERNAME SIZE [--version 1.2|1.3|1.0] [--cert C --key K]
        sends SIZE random bytes, reads the echo, prints "ok VERSION SHA256-OF-SERVER-CERT" (exit 0), or "refused ERROR"
        (exit 3) when the handshake fails or the server closes without echoing anything
    tls_peer.py handshakes PORT CAFILE COUNT     COUNT handshakes in a row, each echoing one byte; prints "ok COUNT"
    tls_peer.py silent PORT                      connects and sends nothing; prints "closed" when the server closes it
    tls_peer.py plain PORT                       sends plain text; prints "closed BYTES" when the server closes it
"""
import hashlib
import os
import socket
import ssl
import sys

TIMEOUT = 60


def context(cafile, version=None, cert=None, key=None):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.load_verify_locations(cafile)
    if version == "1.2":
        ctx.minimum_version = ctx.maximum_version = ssl.TLSVersion.TLSv1_2
    elif version == "1.3":
        ctx.minimum_version = ctx.maximum_version = ssl.TLSVersion.TLSv1_3
    elif version == "1.0":
        ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
        ctx.minimum_version = ctx.maximum_version = ssl.TLSVersion.TLSv1
    if cert:
        ctx.load_cert_chain(cert, key)
    return ctx


def echo(port, cafile, servername, size, version=None, cert=None, key=None):
    payload = os.urandom(size)
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as raw:
            with context(cafile, version, cert, key).wrap_socket(raw, server_hostname=servername) as tls:
                der = tls.getpeercert(binary_form=True)
                version_used = tls.version()
                tls.sendall(payload)
                received = bytearray()
                while len(received) < size:
                    chunk = tls.recv(65536)
                    if not chunk:
                        break
                    received += chunk
    except (ssl.SSLError, OSError) as e:
        print("refused", type(e).__name__, e)
        return 3
    if not received:
        # TLS 1.3: the client's handshake ends before the server has checked its certificate; a refusal shows as the
        # connection closing unanswered.
        print("refused closed before any echo")
        return 3
    if bytes(received) != payload:
        print("mismatch", len(received), "of", size)
        return 4
    print("ok", version_used, hashlib.sha256(der).hexdigest().upper())
    return 0


def handshakes(port, cafile, count):
    ctx = context(cafile)
    for i in range(count):
        with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as raw:
            with ctx.wrap_socket(raw, server_hostname="localhost") as tls:
                tls.sendall(b"x")
                if tls.recv(1) != b"x":
                    print("no echo at", i)
                    return 4
    print("ok", count)
    return 0


def until_closed(sock):
    total = 0
    try:
        while True:
            chunk = sock.recv(4096)
            if not chunk:
                return total
            total += len(chunk)
    except ConnectionResetError:
        return total


def main(argv):
    action, port = argv[1], int(argv[2])
    if action == "echo":
        options = dict(zip(argv[6::2], argv[7::2]))
        return echo(port, argv[3], argv[4], int(argv[5]), options.get("--version"), options.get("--cert"), options.get("--key"))
    if action == "handshakes":
        return handshakes(port, argv[3], int(argv[4]))
    with socket.create_connection(("127.0.0.1", port), timeout=TIMEOUT) as raw:
        if action == "silent":
            print("connected", flush=True)
            until_closed(raw)
            print("closed")
        else:
            raw.sendall(b"hello, this is not TLS\r\n\r\n")
            print("closed", until_closed(raw))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
