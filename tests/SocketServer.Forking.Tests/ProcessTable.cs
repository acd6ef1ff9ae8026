namespace SocketServer.Forking.Tests;

/// <summary>One process as <c>/proc/PID/stat</c> shows it: its pid, its parent, its process group, its state (R, S, Z, …).</summary>
public readonly record struct ProcessEntry(int Pid, int ParentPid, int ProcessGroup, char State)
{
    public override string ToString() => $"{Pid} (parent {ParentPid}, group {ProcessGroup}, state {State})";
}

/// <summary>The system's processes, read from <c>/proc/*/stat</c> in one pass.</summary>
public static class ProcessTable
{
    public static IReadOnlyList<ProcessEntry> Read()
    {
        var entries = new List<ProcessEntry>();
        foreach (string directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out int pid))
            {
                continue;
            }

            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(directory, "stat"));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue; // it exited while the table was read
            }

            // "pid (comm) state ppid pgrp …": comm may hold spaces and parentheses, so the fields start after the last ')'.
            string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            entries.Add(new ProcessEntry(pid, int.Parse(fields[1]), int.Parse(fields[2]), fields[0][0]));
        }

        return entries;
    }

    /// <summary>Every process below <paramref name="root"/>: its children, their children, and so on, by parent pid.</summary>
    public static List<ProcessEntry> DescendantsOf(IReadOnlyList<ProcessEntry> table, int root)
    {
        ILookup<int, ProcessEntry> byParent = table.ToLookup(e => e.ParentPid);
        var found = new List<ProcessEntry>();
        var pending = new Queue<int>([root]);
        while (pending.TryDequeue(out int parent))
        {
            foreach (ProcessEntry child in byParent[parent])
            {
                found.Add(child);
                pending.Enqueue(child.Pid);
            }
        }

        return found;
    }

    /// <summary>The members of process group <paramref name="group"/>, including any whose parent exited (they leave the tree, not the group).</summary>
    public static List<ProcessEntry> GroupMembers(IReadOnlyList<ProcessEntry> table, int group) =>
        table.Where(e => e.ProcessGroup == group).ToList();
}
