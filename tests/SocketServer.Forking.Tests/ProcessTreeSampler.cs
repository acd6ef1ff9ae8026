namespace SocketServer.Forking.Tests;

/// <summary>
/// Watches a program's processes from a background loop until disposed: the most it had at once, counted two ways —
/// its tree (the program and every descendant, by parent pid) and its process group (which keeps a process whose
/// parent exited) — every process below it that is not its direct child, and every process below it that opened a
/// Forking control channel (the abstract Unix socket <c>@socketserver-forking-PID-…</c> children are invited to). A
/// violation (more than <c>bound</c> processes, a grandchild, a child with a control channel) is a runaway: children that start children multiply without end. The
/// sampler then ends the whole process group at once and sets <see cref="Runaway"/>.
/// </summary>
public sealed class ProcessTreeSampler : IDisposable
{
    // A sampling period, not a synchronisation: /proc is read about 200 times a second without taking a core.
    private static readonly TimeSpan Period = TimeSpan.FromMilliseconds(5);

    private readonly int _root;
    private readonly int _bound;
    private readonly Action _endGroup;
    private readonly ManualResetEventSlim _runaway = new();
    private readonly ManualResetEventSlim _stop = new();
    private readonly Thread _loop;
    private readonly object _gate = new();
    private readonly List<string> _violations = [];
    private readonly HashSet<int> _seen = [];
    private int _samples;
    private int _maxTree;
    private int _maxGroup;

    /// <param name="root">The program's pid, which is also its process group's id.</param>
    /// <param name="bound">The most processes the program may have at once, itself included.</param>
    /// <param name="endGroup">Kills the program's process group.</param>
    public ProcessTreeSampler(int root, int bound, Action endGroup)
    {
        _root = root;
        _bound = bound;
        _endGroup = endGroup;
        Sample();
        _loop = new Thread(Loop) { IsBackground = true, Name = $"process tree of {root}" };
        _loop.Start();
    }

    /// <summary>Set when the tree broke the rule; the group has been killed.</summary>
    public WaitHandle Runaway => _runaway.WaitHandle;

    public int MaxTree
    {
        get
        {
            lock (_gate)
            {
                return _maxTree;
            }
        }
    }

    public int MaxGroup
    {
        get
        {
            lock (_gate)
            {
                return _maxGroup;
            }
        }
    }

    public IReadOnlyList<string> Violations
    {
        get
        {
            lock (_gate)
            {
                return [.. _violations];
            }
        }
    }

    /// <summary>What was seen, for a failure message.</summary>
    public string Report
    {
        get
        {
            lock (_gate)
            {
                return $"{_samples} samples of process {_root}: at most {_maxTree} in its tree and {_maxGroup} in its group " +
                    $"(bound {_bound}), {_seen.Count} distinct processes below it. " +
                    (_violations.Count == 0 ? "No violation." : "Violations: " + string.Join("; ", _violations.Take(5)));
            }
        }
    }

    /// <summary>
    /// After the program exited: waits (bounded) until no process of its group is left. Returns the pids that were
    /// still there at the bound, after killing them (by pid, and the group).
    /// </summary>
    public int[] WaitForEmptyGroup(TimeSpan bound)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            int[] left = ProcessTable.GroupMembers(ProcessTable.Read(), _root).Select(e => e.Pid).ToArray();
            if (left.Length == 0)
            {
                return [];
            }

            if (clock.Elapsed > bound)
            {
                foreach (int pid in left)
                {
                    try
                    {
                        System.Diagnostics.Process.GetProcessById(pid).Kill();
                    }
                    catch (Exception e) when (e is ArgumentException or InvalidOperationException)
                    {
                        // Already gone.
                    }
                }

                _endGroup();
                return left;
            }

            _stop.Wait(Period);
        }
    }

    public void Dispose()
    {
        _stop.Set();
        _loop.Join();
    }

    private void Loop()
    {
        while (!_stop.Wait(Period))
        {
            Sample();
        }

        Sample();
    }

    /// <summary>The pids in the names of the Forking control channels listening now (<c>/proc/net/unix</c>).</summary>
    private static IEnumerable<int> ControlChannelOwners()
    {
        const string Prefix = "@socketserver-forking-";
        foreach (string line in File.ReadLines("/proc/net/unix"))
        {
            int at = line.IndexOf(Prefix, StringComparison.Ordinal);
            if (at >= 0 && line.IndexOf('-', at + Prefix.Length) is var dash and > 0
                && int.TryParse(line.AsSpan(at + Prefix.Length, dash - at - Prefix.Length), out int pid))
            {
                yield return pid;
            }
        }
    }

    private void Sample()
    {
        IReadOnlyList<ProcessEntry> table = ProcessTable.Read();
        List<ProcessEntry> descendants = ProcessTable.DescendantsOf(table, _root);
        bool rootAlive = table.Any(e => e.Pid == _root);
        int tree = (rootAlive ? 1 : 0) + descendants.Count;
        List<ProcessEntry> group = ProcessTable.GroupMembers(table, _root);
        var found = new List<string>();
        if (tree > _bound)
        {
            found.Add($"{tree} processes in the tree: {string.Join(", ", descendants)}");
        }

        if (group.Count > _bound)
        {
            found.Add($"{group.Count} processes in the group: {string.Join(", ", group)}");
        }

        found.AddRange(descendants.Where(e => e.ParentPid != _root).Select(e => $"grandchild {e}"));
        var below = group.Select(e => e.Pid).Concat(descendants.Select(e => e.Pid)).Where(pid => pid != _root).ToHashSet();
        found.AddRange(ControlChannelOwners().Where(below.Contains).Select(pid => $"control channel in child {pid}"));
        lock (_gate)
        {
            _samples++;
            _maxTree = Math.Max(_maxTree, tree);
            _maxGroup = Math.Max(_maxGroup, group.Count);
            _seen.UnionWith(descendants.Select(e => e.Pid));
            _violations.AddRange(found);
        }

        if (found.Count > 0 || (_runaway.IsSet && group.Count > 0))
        {
            // Again while anything of the group is left: a runaway may be starting processes as it is killed.
            _endGroup();
            _runaway.Set();
        }
    }
}
