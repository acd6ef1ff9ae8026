namespace SocketServer.Tests;

// Transport is the runtime's own enum (SocketServer.Transport); Mode is the subset of Concurrency these tests run.

public enum Mode
{
    Sync,
    Threading,
    Async,
}

public static class TransportExtensions
{
    public static bool IsStream(this Transport transport) => transport is Transport.Tcp or Transport.UnixStream;

    public static bool IsUnix(this Transport transport) => transport is Transport.UnixStream or Transport.UnixDatagram;

    /// <summary>Every transport with each concurrency mode, for [MemberData].</summary>
    public static TheoryData<Transport, Mode> AllPairs()
    {
        var data = new TheoryData<Transport, Mode>();
        foreach (Transport transport in Enum.GetValues<Transport>())
        {
            foreach (Mode mode in Enum.GetValues<Mode>())
            {
                data.Add(transport, mode);
            }
        }

        return data;
    }

    public static TheoryData<Transport> All()
    {
        var data = new TheoryData<Transport>();
        foreach (Transport transport in Enum.GetValues<Transport>())
        {
            data.Add(transport);
        }

        return data;
    }
}
