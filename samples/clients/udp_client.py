# The UDP client program from Python's socketserver documentation, unchanged: it sends its arguments as one line
# to localhost:9999 and prints the reply. Try it against `dotnet run --project samples/UpperCaseUdp`:
#   python3 samples/clients/udp_client.py hello world
import socket
import sys

HOST, PORT = "localhost", 9999
data = " ".join(sys.argv[1:])

# SOCK_DGRAM is the socket type to use for UDP sockets
sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)

# As you can see, there is no connect() call; UDP has no connections.
# Instead, data is directly sent to the recipient via sendto().
sock.sendto(bytes(data + "\n", "utf-8"), (HOST, PORT))
received = str(sock.recv(1024), "utf-8")

print("Sent:     {}".format(data))
print("Received: {}".format(received))
