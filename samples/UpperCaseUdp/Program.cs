// The socketserver.UDPServer example from the Python docs, in C#.
//
//   dotnet run --project samples/UpperCaseUdp
//
// Then, from another terminal, the docs' own client:  python3 client.py hello world with UDP
using SocketServer.Samples;
using static SocketServer.Transport;

var options = SampleOptions.Parse(args);
using var server = new UpperCaseUdpServer(options.Host, options.Port);
using var stop = new StopOnSignal(server);
Console.WriteLine($"listening on {server.ServerAddress}");
server.ServeForever();

/// <summary>The docs' <c>socketserver.UDPServer</c> with its handler: one datagram at a time.</summary>
[SocketServer(Udp, Handler = typeof(MyUdpHandler))]
internal sealed partial class UpperCaseUdpServer;

/// <summary>
/// Works like the TCP handler, except that Request is a DatagramRequest (the data and the server's socket),
/// and since there is no connection the client address must be given explicitly when sending data back.
/// </summary>
internal sealed class MyUdpHandler : BaseRequestHandler
{
    public override void Handle()
    {
        var (packet, socket) = (DatagramRequest)Request;
        byte[] data = PythonBytes.Strip(packet);
        Console.WriteLine($"{((IPEndPoint)ClientAddress!).Address} wrote:");
        Console.WriteLine(PythonBytes.Repr(data));
        socket.SendTo(PythonBytes.Upper(data), ClientAddress!);
    }
}
