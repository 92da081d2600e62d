using System.Text;

namespace LeakyService;

/// <summary>Simulated request handling: churns short-lived garbage, reads the catalog, leaks a session.</summary>
public sealed class RequestHandler(int leakBytesPerRequest)
{
    private long _nextSession;

    public void Serve(int requests)
    {
        for (int i = 0; i < requests; i++)
            Handle();
    }

    private void Handle()
    {
        long id = _nextSession++;
        // Churn: a response built from temporaries that are garbage as soon as the request ends.
        var lines = new List<string>();
        for (int k = 0; k < 8; k++)
            lines.Add($"item {k} of request {id}: {ProductCatalog.Find((int)((id * 31 + k) % Math.Max(1, ProductCatalog.Count)))?.Name}");
        var response = new StringBuilder();
        foreach (string line in lines)
            response.AppendLine(line);
        GC.KeepAlive(Encoding.UTF8.GetBytes(response.ToString()));

        // The leak: every request leaves its session behind.
        SessionStore.Remember(new SessionState(id, new byte[leakBytesPerRequest]));
    }
}
