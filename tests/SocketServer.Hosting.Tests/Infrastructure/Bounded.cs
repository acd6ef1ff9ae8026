namespace SocketServer.Hosting.Tests;

/// <summary>
/// Every wait in the tests is on an event, a task, a join or a read, bounded so that a broken build fails instead of
/// hanging CI. The bound is generous: a loaded 2-core machine must never trip it.
/// </summary>
public static class Bounded
{
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    public static void Wait(ManualResetEventSlim signal, string what) =>
        Assert.True(signal.Wait(Limit), $"Timed out waiting for {what}.");

    public static async Task Within(Task task, string what)
    {
        try
        {
            await task.WaitAsync(Limit);
        }
        catch (TimeoutException) when (!task.IsCompleted)
        {
            Assert.Fail($"Timed out waiting for {what}.");
        }
    }
}
