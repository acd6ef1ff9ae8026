using System.Collections.Concurrent;

namespace SocketServer.Tests;

/// <summary>
/// Records the steps of the request path as they happen, and lets a test wait for a step.
/// </summary>
public sealed class Recorder
{
    private readonly List<string> _events = [];
    private readonly object _gate = new();

    /// <summary>What VerifyRequest answers; a test may swap it.</summary>
    public Func<object, EndPoint?, bool> Verify { get; set; } = (_, _) => true;

    /// <summary>Exceptions passed to HandleError, in order.</summary>
    public ConcurrentQueue<Exception> Errors { get; } = new();

    /// <summary>The client addresses seen by HandleError.</summary>
    public ConcurrentQueue<EndPoint?> ErrorAddresses { get; } = new();

    public int HandlersCreated;

    public void Add(string step)
    {
        lock (_gate)
        {
            _events.Add(step);
            Monitor.PulseAll(_gate);
        }
    }

    public string[] Events
    {
        get
        {
            lock (_gate)
            {
                return [.. _events];
            }
        }
    }

    public int Count(string step)
    {
        lock (_gate)
        {
            return _events.Count(e => e == step);
        }
    }

    /// <summary>Waits until <paramref name="step"/> has been recorded <paramref name="times"/> times.</summary>
    public void WaitFor(string step, int times = 1)
    {
        DateTime deadline = DateTime.UtcNow + Bounded.Limit;
        lock (_gate)
        {
            while (_events.Count(e => e == step) < times)
            {
                TimeSpan left = deadline - DateTime.UtcNow;
                if (left <= TimeSpan.Zero)
                {
                    Assert.Fail($"Timed out waiting for {step} x{times}; saw: {string.Join(", ", _events)}");
                }

                Monitor.Wait(_gate, left);
            }
        }
    }

    /// <summary>The events with the periodic ServiceActions/HandleTimeout calls left out.</summary>
    public string[] RequestPath => Events.Where(e => e is not "ServiceActions").ToArray();
}

/// <summary>What a recording handler does besides recording.</summary>
public sealed record HandlerScript(bool ThrowInSetup = false, bool ThrowInHandle = false, bool ThrowInFinish = false);

public sealed class RecordingStreamHandler(Recorder recorder, HandlerScript script) : StreamRequestHandler
{
    public override void Setup()
    {
        recorder.Add("Setup");
        base.Setup();
        if (script.ThrowInSetup)
        {
            throw new InvalidOperationException("setup failed on purpose");
        }
    }

    public override void Handle()
    {
        recorder.Add("Handle");
        byte[] line = RFile.ReadLine();
        WFile.Write(Encoding.ASCII.GetBytes(Encoding.ASCII.GetString(line).ToUpperInvariant()));
        if (script.ThrowInHandle)
        {
            throw new InvalidOperationException("handle failed on purpose");
        }
    }

    public override void Finish()
    {
        recorder.Add("Finish");
        base.Finish();
        if (script.ThrowInFinish)
        {
            throw new FormatException("finish failed on purpose");
        }
    }
}

public sealed class RecordingDatagramHandler(Recorder recorder, HandlerScript script) : DatagramRequestHandler
{
    public override void Setup()
    {
        recorder.Add("Setup");
        base.Setup();
        if (script.ThrowInSetup)
        {
            throw new InvalidOperationException("setup failed on purpose");
        }
    }

    public override void Handle()
    {
        recorder.Add("Handle");
        WFile.Write(Encoding.ASCII.GetBytes(Encoding.ASCII.GetString(Packet).ToUpperInvariant()));
        if (script.ThrowInHandle)
        {
            throw new InvalidOperationException("handle failed on purpose");
        }
    }

    public override void Finish()
    {
        recorder.Add("Finish");
        base.Finish();
        if (script.ThrowInFinish)
        {
            throw new FormatException("finish failed on purpose");
        }
    }
}
