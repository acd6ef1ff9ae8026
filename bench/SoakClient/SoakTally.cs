using System.Collections.Concurrent;

/// <summary>
/// What a soak run counted, updated from every connection at once. Nothing is ignored: every message is either
/// echoed whole and equal, or lost, or mismatched, and each problem's reason is kept with its count.
/// </summary>
internal sealed class SoakTally
{
    private const int MaxReasons = 32;

    private readonly ConcurrentDictionary<string, long> _reasons = new(StringComparer.Ordinal);
    private long _messages;
    private long _bytes;
    private long _lost;
    private long _lostBytes;
    private long _mismatched;
    private long _late;
    private long _opened;
    private long _reconnects;
    private long _connectFailures;
    private long _closeErrors;

    public long Messages => Interlocked.Read(ref _messages);

    /// <summary>A message came back whole and equal.</summary>
    public void Echoed(int bytes)
    {
        Interlocked.Increment(ref _messages);
        Interlocked.Add(ref _bytes, bytes);
    }

    /// <summary>A message whose echo did not come back whole: the stream ended or broke, or the reply timed out.</summary>
    public void Lost(int missingBytes, string reason)
    {
        Interlocked.Increment(ref _lost);
        Interlocked.Add(ref _lostBytes, missingBytes);
        Note("lost: " + reason);
    }

    /// <summary>An echo that differs from the message (content, length, or another message's).</summary>
    public void Mismatched(string detail)
    {
        Interlocked.Increment(ref _mismatched);
        Note("mismatched: " + detail);
    }

    /// <summary>A datagram's reply that came after its message was already counted lost.</summary>
    public void Late() => Interlocked.Increment(ref _late);

    public void Opened() => Interlocked.Increment(ref _opened);

    /// <summary>A connection closed after its share of messages, to be replaced by a new one.</summary>
    public void Reconnected() => Interlocked.Increment(ref _reconnects);

    public void ConnectFailed(string reason)
    {
        Interlocked.Increment(ref _connectFailures);
        Note("connect failed: " + reason);
    }

    /// <summary>Closing a connection cleanly (shut down sending, read to the end) failed.</summary>
    public void CloseFailed(string reason)
    {
        Interlocked.Increment(ref _closeErrors);
        Note("close failed: " + reason);
    }

    public void Note(string reason)
    {
        // The first few distinct reasons are kept verbatim; later distinct ones are only counted together.
        string key = _reasons.Count < MaxReasons || _reasons.ContainsKey(reason) ? reason : "(other reasons)";
        _reasons.AddOrUpdate(key, 1, (_, count) => count + 1);
    }

    public Dictionary<string, object> Figures(string transport, double seconds) => new()
    {
        ["transport"] = transport,
        ["seconds"] = Math.Round(seconds, 1),
        ["messages"] = Messages,
        ["bytes"] = Interlocked.Read(ref _bytes),
        ["lost"] = Interlocked.Read(ref _lost),
        ["lost_bytes"] = Interlocked.Read(ref _lostBytes),
        ["mismatched"] = Interlocked.Read(ref _mismatched),
        ["late"] = Interlocked.Read(ref _late),
        ["connections_opened"] = Interlocked.Read(ref _opened),
        ["reconnects"] = Interlocked.Read(ref _reconnects),
        ["connect_failures"] = Interlocked.Read(ref _connectFailures),
        ["close_errors"] = Interlocked.Read(ref _closeErrors),
        ["reasons"] = new SortedDictionary<string, long>(_reasons, StringComparer.Ordinal),
    };
}
