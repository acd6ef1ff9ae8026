// The socketserver.TCPServer example from the Python docs, in C#.
//
//   dotnet run --project samples/UpperCaseTcp                      # StreamRequestHandler variant
//   dotnet run --project samples/UpperCaseTcp -- --handler recv    # BaseRequestHandler variant
//
// Then, from another terminal, the docs' own client:  python3 client.py hello world with TCP
using SocketServer.Samples;
using static SocketServer.Transport;

var options = SampleOptions.Parse(args, "stream", ["stream", "recv"]);
Func<BaseRequestHandler> handler = options.Handler == "recv" ? () => new MyTcpHandler() : () => new MyStreamHandler();

// Create the server, binding to localhost on port 9999.
using var server = new UpperCaseTcpServer(options.Host, options.Port, handler);
using var stop = new StopOnSignal(server);
Console.WriteLine($"listening on {server.ServerAddress}");

// Activate the server; this keeps running until you interrupt the program with Ctrl+C.
server.ServeForever();

/// <summary>
/// The docs' <c>socketserver.TCPServer</c>: synchronous, one connection at a time. Without <c>Handler = typeof(...)</c>
/// its constructors take a handler factory, so <c>--handler</c> can choose one at run time.
/// </summary>
[SocketServer(Tcp)]
internal sealed partial class UpperCaseTcpServer;

/// <summary>
/// The request handler class for our server. It is instantiated once per connection to the server, and must
/// override Handle() to implement communication to the client.
/// </summary>
internal sealed class MyTcpHandler : BaseRequestHandler
{
    public override void Handle()
    {
        // Request is the TCP socket connected to the client.
        var socket = (Socket)Request;
        var buffer = new byte[1024];
        byte[] data = PythonBytes.Strip(buffer.AsSpan(0, socket.Receive(buffer)));
        Console.WriteLine($"{((IPEndPoint)ClientAddress!).Address} wrote:");
        Console.WriteLine(PythonBytes.Repr(data));

        // Just send back the same data, but upper-cased.
        socket.Send(PythonBytes.Upper(data));
    }
}

/// <summary>The alternative handler, with file-like streams that simplify communication.</summary>
internal sealed class MyStreamHandler : StreamRequestHandler
{
    public override void Handle()
    {
        // RFile is a buffered stream created by the handler: ReadLine() instead of raw Receive() calls.
        byte[] data = PythonBytes.Strip(RFile.ReadLine());
        Console.WriteLine($"{((IPEndPoint)ClientAddress!).Address} wrote:");
        Console.WriteLine(PythonBytes.Repr(data));

        // Likewise, WFile is a stream used to write back to the client.
        WFile.Write(PythonBytes.Upper(data));
    }
}
