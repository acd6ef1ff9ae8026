namespace SocketServer.Tests;

/// <summary>
/// Every wait in the tests is on an event, a join or a read, bounded so that a broken build fails
/// instead of hanging CI. The bound is generous: a loaded 2-core machine must never trip it.
/// </summary>
public static class Bounded
{
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    public static void Wait(ManualResetEventSlim signal, string what) =>
        Assert.True(signal.Wait(Limit), $"Timed out waiting for {what}.");

    public static void Wait(CountdownEvent countdown, string what) =>
        Assert.True(countdown.Wait(Limit), $"Timed out waiting for {what} ({countdown.CurrentCount} left).");

    public static void Wait(Barrier barrier, string what) =>
        Assert.True(barrier.SignalAndWait(Limit), $"Timed out waiting for {what}.");

    public static void Wait(Task task, string what) =>
        Assert.True(task.Wait(Limit), $"Timed out waiting for {what}.");

    public static T Result<T>(Task<T> task, string what)
    {
        Wait(task, what);
        return task.Result;
    }

    public static void Join(Thread thread, string what) =>
        Assert.True(thread.Join(Limit), $"Timed out waiting for {what} (thread '{thread.Name}').");
}

public static class Threads
{
    /// <summary>
    /// Starts <paramref name="body"/> on a new thread and returns once that thread is blocked in a wait
    /// (for example Shutdown() waiting for a loop): proof that it got past everything before its wait.
    /// </summary>
    public static Thread StartAndWaitUntilBlocked(string name, Action body)
    {
        var thread = new Thread(() => body()) { Name = name, IsBackground = true };
        thread.Start();
        var clock = Stopwatch.StartNew();
        while ((thread.ThreadState & System.Threading.ThreadState.WaitSleepJoin) == 0)
        {
            Assert.True(thread.IsAlive, $"{name} finished instead of blocking.");
            Assert.True(clock.Elapsed < Bounded.Limit, $"{name} never blocked.");
            Thread.Yield();
        }

        return thread;
    }
}

public static partial class NativeThreads
{
    [System.Runtime.InteropServices.DllImport("libc.so.6", EntryPoint = "gettid")]
    public static extern int CurrentTid();

    /// <summary>
    /// Waits until the kernel reports the thread as sleeping ('S' in /proc/self/task/TID/stat): it is blocked
    /// in a system call such as poll(), which the managed ThreadState cannot show.
    /// </summary>
    public static void WaitUntilSleeping(int tid, Thread thread)
    {
        var clock = Stopwatch.StartNew();
        string stat = $"/proc/self/task/{tid}/stat";
        while (true)
        {
            Assert.True(thread.IsAlive, $"Thread {tid} ended instead of blocking.");
            Assert.True(clock.Elapsed < Bounded.Limit, $"Thread {tid} never blocked.");
            string text = File.ReadAllText(stat);
            char state = text[text.LastIndexOf(')') + 2];
            if (state == 'S')
            {
                return;
            }

            Thread.Yield();
        }
    }
}
