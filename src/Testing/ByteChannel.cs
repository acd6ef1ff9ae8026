using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace SocketServer.Testing;

/// <summary>
/// One direction of an in-memory connection: bytes written at one end, read at the other, in order. Writes never block
/// (the buffer grows); reads wait for bytes or the writer's end, at most a timeout. Thread-safe for one reader and one writer.
/// </summary>
internal sealed class ByteChannel
{
    private readonly object _gate = new();
    private byte[] _buffer = new byte[4096];
    private int _start;
    private int _end;
    private bool _completed;
    private long _written;

    // Completed (and replaced) whenever bytes arrive or the writer ends, so asynchronous readers wait without a thread.
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>How many bytes were written so far.</summary>
    public long Written
    {
        get
        {
            lock (_gate)
            {
                return _written;
            }
        }
    }

    /// <summary>Whether the writer has ended (no more bytes will come after those buffered).</summary>
    public bool IsCompleted
    {
        get
        {
            lock (_gate)
            {
                return _completed;
            }
        }
    }

    /// <summary>Appends bytes for the reader.</summary>
    /// <exception cref="IOException">The writer has already ended this direction.</exception>
    public void Write(ReadOnlySpan<byte> data, string afterEnd)
    {
        lock (_gate)
        {
            if (_completed)
            {
                throw new IOException(afterEnd);
            }

            if (_end + data.Length > _buffer.Length)
            {
                int length = _end - _start;
                byte[] target = length + data.Length > _buffer.Length ? new byte[Math.Max(_buffer.Length * 2, length + data.Length)] : _buffer;
                Array.Copy(_buffer, _start, target, 0, length);
                _buffer = target;
                _start = 0;
                _end = length;
            }

            data.CopyTo(_buffer.AsSpan(_end));
            _end += data.Length;
            _written += data.Length;
            SignalLocked();
        }
    }

    /// <summary>Ends this direction: the reader gets the end of the stream once it has read what is buffered. Idempotent.</summary>
    public void Complete()
    {
        lock (_gate)
        {
            if (!_completed)
            {
                _completed = true;
                SignalLocked();
            }
        }
    }

    /// <summary>Reads what is buffered, waiting at most <paramref name="timeout"/> for something to arrive.</summary>
    /// <returns>The bytes read; 0 at the end of the stream; -1 when nothing arrived in time.</returns>
    public int Read(Span<byte> destination, TimeSpan timeout)
    {
        if (destination.IsEmpty)
        {
            return 0;
        }

        long deadline = Deadline(timeout);
        lock (_gate)
        {
            while (_start == _end && !_completed)
            {
                TimeSpan left = Left(deadline);
                if (left == TimeSpan.Zero || !Monitor.Wait(_gate, left))
                {
                    if (_start == _end && !_completed)
                    {
                        return -1;
                    }
                }
            }

            return TakeLocked(destination);
        }
    }

    /// <summary><see cref="Read"/> without blocking a thread.</summary>
    public async ValueTask<int> ReadAsync(Memory<byte> destination, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (destination.IsEmpty)
        {
            return 0;
        }

        long deadline = Deadline(timeout);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (_start != _end || _completed)
                {
                    return TakeLocked(destination.Span);
                }

                changed = _changed.Task;
            }

            TimeSpan left = Left(deadline);
            if (left == TimeSpan.Zero)
            {
                return -1;
            }

            try
            {
                await changed.WaitAsync(left, cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Checked again at the top: something may have arrived just as the time ran out.
                deadline = 0;
            }
        }
    }

    private int TakeLocked(Span<byte> destination)
    {
        int count = Math.Min(destination.Length, _end - _start);
        _buffer.AsSpan(_start, count).CopyTo(destination);
        _start += count;
        if (_start == _end)
        {
            _start = _end = 0;
        }

        return count;
    }

    private void SignalLocked()
    {
        Monitor.PulseAll(_gate);
        TaskCompletionSource changed = _changed;
        _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        changed.TrySetResult();
    }

    // Deadlines as Environment.TickCount64 values; long.MaxValue for an infinite timeout, 0 for one already passed.
    private static long Deadline(TimeSpan timeout) =>
        timeout == Timeout.InfiniteTimeSpan ? long.MaxValue : Environment.TickCount64 + (long)Math.Ceiling(timeout.TotalMilliseconds);

    private static TimeSpan Left(long deadline)
    {
        if (deadline == long.MaxValue)
        {
            return Timeout.InfiniteTimeSpan;
        }

        long left = deadline - Environment.TickCount64;
        return left <= 0 ? TimeSpan.Zero : TimeSpan.FromMilliseconds(left);
    }
}
