namespace SocketServer;

/// <summary>
/// A mix-in with settings: <typeparamref name="TSettings"/> is an interface of properties (defaults given with
/// <see cref="SettingDefaultAttribute"/>) that every server composed with the mix-in implements, with a public property
/// per setting unless the server declares a member of that name itself (Python's class attributes, such as
/// <c>daemon_threads</c>). The mix-in reads them from the server at call time through <see cref="Settings"/>.
/// </summary>
/// <typeparam name="TSettings">The settings interface.</typeparam>
public abstract class ServerMixIn<TSettings> : ServerMixIn
    where TSettings : class
{
    /// <summary>The server's settings for this mix-in: the server itself, seen through <typeparamref name="TSettings"/>.</summary>
    /// <exception cref="System.InvalidOperationException">The mix-in is not part of a server yet, or its server does not implement the settings.</exception>
    protected TSettings Settings => Server as TSettings ?? throw new System.InvalidOperationException(
        $"{Server.GetType().Name} does not implement {typeof(TSettings).Name}, the settings of {GetType().Name}: list the mix-in in its [SocketServer(...)] attribute.");
}
