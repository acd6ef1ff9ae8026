// A synchronous TCP server that echoes one line per connection, for the descriptor-exhaustion test. It prints
// "listening on <address>", serves on a thread, and obeys one command per line on standard input:
//   exhaust -> opens /dev/null until the process is out of descriptors (EMFILE), then "exhausted <count>"
//   release -> closes them, then "released"
//   quit    -> Shutdown(), ServerClose(), exit 0
// Holding the descriptors itself, rather than letting clients use them up, keeps the exhaustion exact and leaves the
// runtime's own threads alone (a .NET process that cannot start a thread pool thread may end).
using System.Net;
using Microsoft.Win32.SafeHandles;
using SocketServer;

var server = new LineEchoServer(new IPEndPoint(IPAddress.Loopback, 0), () => new LineEcho());
Console.WriteLine($"listening on {server.ServerAddress}");
var serving = new Thread(() => server.ServeForever(TimeSpan.FromMilliseconds(50))) { Name = "serve forever" };
serving.Start();

var held = new List<SafeFileHandle>();
while (Console.ReadLine() is { } command)
{
    switch (command)
    {
        case "exhaust":
            try
            {
                while (true)
                {
                    held.Add(File.OpenHandle("/dev/null"));
                }
            }
            catch (IOException)
            {
                Console.WriteLine($"exhausted {held.Count}");
            }

            break;
        case "release":
            held.ForEach(handle => handle.Dispose());
            held.Clear();
            Console.WriteLine("released");
            break;
        case "quit":
            server.Shutdown();
            serving.Join();
            server.ServerClose();
            return 0;
    }
}

return 1;

[SocketServer(Transport.Tcp)]
internal sealed partial class LineEchoServer;

internal sealed class LineEcho : StreamRequestHandler
{
    public override void Handle() => WFile.Write(RFile.ReadLine());
}
