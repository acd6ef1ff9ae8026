#!/usr/bin/env python3
"""CPython's peer in bench/run.py: socketserver's Threading servers with the handler our Echo sample runs.

    python3 bench/python_echo.py --transport tcp|udp|unixstream [--port 0] [--path P]

Prints "listening on <address>" and echoes until SIGTERM/SIGINT: every byte back until the client closes (stream),
each datagram back (udp). The stream handler is a StreamRequestHandler reading rfile.read1() and writing wfile, the
same shape as samples/Echo's StreamEchoHandler; the datagram handler writes the packet back through wfile, as
samples/Echo's DatagramEchoHandler does.
"""
import argparse
import os
import signal
import socketserver
import sys
import tempfile
import threading


class StreamEcho(socketserver.StreamRequestHandler):
    def handle(self):
        while True:
            data = self.rfile.read1(64 * 1024)
            if not data:
                return
            self.wfile.write(data)


class TcpStreamEcho(StreamEcho):
    # As samples/Echo, RawEcho and Kestrel do: an echo sends each reply at once. TCP only: CPython raises on a Unix
    # socket when this is set.
    disable_nagle_algorithm = True


class DatagramEcho(socketserver.DatagramRequestHandler):
    def handle(self):
        self.wfile.write(self.rfile.read())


class Settings:
    daemon_threads = True  # long-lived echoes must not hold the interpreter at exit
    allow_reuse_address = True
    # CPython's default backlog is 5; the load generator opens up to 64 connections at once, so the backlog is raised
    # to what our servers and the other peers use (the system maximum), or CPython would be measured on SYN retries.
    request_queue_size = 4096


class TCP(Settings, socketserver.ThreadingTCPServer):
    pass


class UDP(Settings, socketserver.ThreadingUDPServer):
    pass


class UnixStream(Settings, socketserver.ThreadingUnixStreamServer):
    pass


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--transport", choices=["tcp", "udp", "unixstream"], default="tcp")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--path", default=os.path.join(tempfile.gettempdir(), "python-echo.sock"))
    args = parser.parse_args()

    if args.transport == "unixstream":
        if os.path.exists(args.path):
            os.unlink(args.path)
        server = UnixStream(args.path, StreamEcho)
    elif args.transport == "udp":
        server = UDP(("127.0.0.1", args.port), DatagramEcho)
    else:
        server = TCP(("127.0.0.1", args.port), TcpStreamEcho)

    def stop(signum, frame):
        # shutdown() blocks until serve_forever() returns, so it must not run on the serving thread.
        threading.Thread(target=server.shutdown).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    address = server.server_address
    print("listening on %s" % (address if isinstance(address, str) else "%s:%d" % address[:2]), flush=True)
    with server:
        server.serve_forever()
    if args.transport == "unixstream":
        os.unlink(args.path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
