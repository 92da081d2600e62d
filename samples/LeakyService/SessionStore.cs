namespace LeakyService;

public sealed class SessionState(long id, byte[] payload)
{
    public long Id { get; } = id;
    public DateTime Started { get; } = DateTime.UtcNow;
    public byte[] Payload { get; } = payload;
}

/// <summary>The leak: sessions are added on every request and never expire.</summary>
public static class SessionStore
{
    private static readonly Dictionary<long, SessionState> s_sessions = [];

    public static int Count => s_sessions.Count;

    public static void Remember(SessionState session) => s_sessions[session.Id] = session;
}
