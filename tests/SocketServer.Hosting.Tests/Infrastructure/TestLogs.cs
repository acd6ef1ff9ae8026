using Microsoft.Extensions.Logging;

namespace SocketServer.Hosting.Tests;

/// <summary>One log entry as a logger received it, with its structured values.</summary>
public sealed record LogEntry(string Category, LogLevel Level, EventId EventId, string Message, Exception? Exception, IReadOnlyDictionary<string, object?> Values);

/// <summary>An <see cref="ILoggerProvider"/> that keeps every entry, so tests can wait for one and inspect it.</summary>
public sealed class TestLogs : ILoggerProvider
{
    private readonly List<LogEntry> _entries = [];

    public IReadOnlyList<LogEntry> Entries
    {
        get
        {
            lock (_entries)
            {
                return [.. _entries];
            }
        }
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    /// <summary>Waits (bounded) until an entry matches, and returns it.</summary>
    public LogEntry WaitFor(Func<LogEntry, bool> match, string what)
    {
        var clock = Stopwatch.StartNew();
        lock (_entries)
        {
            while (true)
            {
                if (_entries.FirstOrDefault(match) is { } found)
                {
                    return found;
                }

                TimeSpan left = Bounded.Limit - clock.Elapsed;
                Assert.True(left > TimeSpan.Zero, $"Timed out waiting for the log entry: {what}. Logged:{Environment.NewLine}{Describe()}");
                Monitor.Wait(_entries, left);
            }
        }
    }

    /// <summary>Every entry, one a line, for failure messages.</summary>
    public string Describe() => string.Join(Environment.NewLine, Entries.Select(e => $"  {e.Level} {e.Category}[{e.EventId.Id} {e.EventId.Name}] {e.Message} {e.Exception?.GetType().Name}"));

    private void Add(LogEntry entry)
    {
        lock (_entries)
        {
            _entries.Add(entry);
            Monitor.PulseAll(_entries);
        }
    }

    private sealed class Logger(TestLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = new Dictionary<string, object?>();
            if (state is IEnumerable<KeyValuePair<string, object?>> pairs)
            {
                foreach ((string key, object? value) in pairs)
                {
                    values[key] = value;
                }
            }

            owner.Add(new LogEntry(category, logLevel, eventId, formatter(state, exception), exception, values));
        }
    }
}
