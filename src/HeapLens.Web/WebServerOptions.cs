using System.Net;
using HeapLens.Security;

namespace HeapLens.Web;

/// <summary>Where the web UI listens and the secret every request must carry.</summary>
/// <param name="Address">Loopback unless the user asked for another address explicitly.</param>
/// <param name="Port">0 for a port the system picks.</param>
public sealed record WebServerOptions(IPAddress Address, int Port, AccessToken Token)
{
    public bool IsLoopbackOnly => IPAddress.IsLoopback(Address);
}
