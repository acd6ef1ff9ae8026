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
