using System.Globalization;

namespace SocketServer.Samples.Tests;

/// <summary>
/// Which process holds the server end of each TCP connection on loopback, read from Linux's <c>/proc</c>: a process's
/// sockets are its <c>/proc/PID/fd</c> links <c>socket:[INODE]</c>, and <c>/proc/net/tcp</c> gives each inode's
/// local and remote address.
/// </summary>
internal static class ConnectionOwners
{
    /// <summary>For each client port connected to <paramref name="serverPort"/>: the process, of <paramref name="processIds"/>, that holds the server end.</summary>
    public static Dictionary<int, int> ByClientPort(int serverPort, params int[] processIds)
    {
        Dictionary<long, int> ownerByInode = [];
        foreach (int processId in processIds)
        {
            foreach (long inode in SocketInodes(processId))
            {
                ownerByInode[inode] = processId;
            }
        }

        Dictionary<int, int> owners = [];
        foreach (string line in File.ReadLines("/proc/net/tcp").Skip(1))
        {
            // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ...
            string[] fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            int localPort = Port(fields[1]);
            int remotePort = Port(fields[2]);
            long inode = long.Parse(fields[9], CultureInfo.InvariantCulture);
            if (localPort == serverPort && remotePort != 0 && ownerByInode.TryGetValue(inode, out int owner))
            {
                owners[remotePort] = owner;
            }
        }

        return owners;
    }

    private static IEnumerable<long> SocketInodes(int processId)
    {
        foreach (string descriptor in Directory.EnumerateFileSystemEntries($"/proc/{processId}/fd"))
        {
            string? target = null;
            try
            {
                target = new FileInfo(descriptor).LinkTarget;
            }
            catch (IOException)
            {
                // closed between the listing and the read
            }

            if (target is not null && target.StartsWith("socket:[", StringComparison.Ordinal))
            {
                yield return long.Parse(target["socket:[".Length..^1], CultureInfo.InvariantCulture);
            }
        }
    }

    /// <summary>The port of an address as <c>/proc/net/tcp</c> writes it: <c>0100007F:1F90</c> (hex).</summary>
    private static int Port(string address) => int.Parse(address[(address.IndexOf(':', StringComparison.Ordinal) + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
}
