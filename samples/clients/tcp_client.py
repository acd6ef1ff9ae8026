# The TCP client program from Python's socketserver documentation, unchanged: it sends its arguments as one line
# to localhost:9999 and prints the reply. Try it against `dotnet run --project samples/UpperCaseTcp`:
#   python3 samples/clients/tcp_client.py hello world
import socket
import sys

HOST, PORT = "localhost", 9999
data = " ".join(sys.argv[1:])

# Create a socket (SOCK_STREAM means a TCP socket)
with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
    # Connect to server and send data
    sock.connect((HOST, PORT))
    sock.sendall(bytes(data + "\n", "utf-8"))

    # Receive data from the server and shut down
    received = str(sock.recv(1024), "utf-8")

print("Sent:     {}".format(data))
print("Received: {}".format(received))
