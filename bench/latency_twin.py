# CPython's socketserver with the handler LatencyServer runs: `python3 latency_twin.py forking|threading`.
import os
import signal
import socketserver
import sys
import threading


class PidHandler(socketserver.StreamRequestHandler):
    def handle(self):
        self.rfile.readline()
        self.wfile.write(("pid %d\n" % os.getpid()).encode())


server_class = socketserver.ForkingTCPServer if sys.argv[1] == "forking" else socketserver.ThreadingTCPServer
server_class.daemon_threads = True
with server_class(("127.0.0.1", 0), PidHandler) as server:
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    print("listening on {}:{}".format(*server.server_address), flush=True)
    server.serve_forever()
