using System.Globalization;
using System.Runtime.CompilerServices;

namespace PprofWebApp;

/// <summary>Request churn: strings and lists that die with the request.</summary>
public static class Orders
{
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static long Process(int count)
    {
        long total = 0;
        for (int i = 0; i < count; i++)
        {
            string line = string.Create(CultureInfo.InvariantCulture, $"order-{i};qty={i % 7 + 1};price={i * 1.25}");
            var fields = new List<string>(line.Split(';'));
            total += long.Parse(fields[1].AsSpan(4), CultureInfo.InvariantCulture);
        }
        return total;
    }
}

/// <summary>What the app keeps: sessions nobody removes (the heap snapshot counts them).</summary>
public static class SessionStore
{
    private static readonly List<Session> s_sessions = [];

    [MethodImpl(MethodImplOptions.NoInlining)]
    public static int Keep(int count)
    {
        lock (s_sessions)
        {
            for (int i = 0; i < count; i++)
                s_sessions.Add(new Session(s_sessions.Count, DateTime.UtcNow.Ticks));
            return s_sessions.Count;
        }
    }
}

public sealed class Session(long id, long createdTicks)
{
    public long Id { get; } = id;
    public long CreatedTicks { get; } = createdTicks;
}
