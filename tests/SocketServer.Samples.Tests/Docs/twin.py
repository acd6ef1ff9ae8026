# Runs a handler class from one of the docs' server programs under CPython's own socketserver, on
# loopback port 0, so a test can compare it with the C# sample serving the same clients. The docs'
# file is imported unchanged; only the address and the stop signal are this harness's.
import importlib.util
import signal
import socketserver
import sys
import threading

path, handler_name, transport = sys.argv[1:4]
spec = importlib.util.spec_from_file_location("docs_server", path)
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
handler = getattr(module, handler_name)
server_class = socketserver.TCPServer if transport == "tcp" else socketserver.UDPServer

with server_class(("127.0.0.1", 0), handler) as server:
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    print("listening on {}:{}".format(*server.server_address), flush=True)
    server.serve_forever()
