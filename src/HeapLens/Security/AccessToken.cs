using System.Security.Cryptography;
using System.Text;

namespace HeapLens.Security;

/// <summary>
/// The secret that guards HeapLens's HTTP servers (`web`, `serve`): anyone who can reach the port could
/// otherwise read a process's heap, which holds its secrets. One type for every server, so generation,
/// comparison and the token file are checked once.
/// </summary>
public sealed class AccessToken
{
    // 32 random bytes: far beyond guessing, and URL-safe once encoded so it can travel in ?token=.
    private const int RandomBytes = 32;
    private const int MaxFileBytes = 4096;
    private readonly byte[] _utf8;

    private AccessToken(string value)
    {
        Value = value;
        _utf8 = Encoding.UTF8.GetBytes(value);
    }

    /// <summary>The token as it appears in a URL or an Authorization header.</summary>
    public string Value { get; }

    public static AccessToken Generate()
    {
        string value = Convert.ToBase64String(RandomNumberGenerator.GetBytes(RandomBytes))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return new AccessToken(value);
    }

    /// <exception cref="HeapLensException">Empty, too short, or containing characters a URL or header cannot carry.</exception>
    public static AccessToken FromText(string text, string source)
    {
        string value = text.Trim();
        if (value.Length < 16)
            throw new HeapLensException($"the token in {source} is too short (at least 16 characters)");
        foreach (char c in value)
        {
            if (c <= ' ' || c > '~')
                throw new HeapLensException($"the token in {source} contains a space, control or non-ASCII character");
        }
        return new AccessToken(value);
    }

    /// <summary>Reads the token from the first line of a file (a secret mounted by the user).</summary>
    /// <exception cref="HeapLensException">A missing, unreadable, oversized or invalid token file.</exception>
    public static AccessToken ReadFile(string path)
    {
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists)
                throw new HeapLensException($"token file {path} does not exist");
            if (info.Length > MaxFileBytes)
                throw new HeapLensException($"token file {path} is {info.Length:N0} bytes; a token file holds one line");
            string firstLine = File.ReadLines(path).FirstOrDefault() ?? "";
            return FromText(firstLine, path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new HeapLensException($"cannot read token file {path}: {e.Message}");
        }
    }

    /// <summary>
    /// Writes the token to a new file only its owner can read (0600), so another user of the machine who
    /// sees the server's port cannot learn the token from the file.
    /// </summary>
    public void WriteUserOnlyFile(string path)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using var stream = new FileStream(path, options);
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite); // an existing file keeps its mode otherwise
        stream.Write(Encoding.UTF8.GetBytes(Value + "\n"));
    }

    /// <summary>
    /// Compares in constant time (for a given length), so response timing does not reveal how many
    /// leading characters of a guess were right.
    /// </summary>
    public bool Matches(string? candidate)
    {
        if (candidate is null)
            return false;
        byte[] given = Encoding.UTF8.GetBytes(candidate);
        return CryptographicOperations.FixedTimeEquals(given, _utf8);
    }

    /// <summary>Matches the value of an `Authorization: Bearer TOKEN` header.</summary>
    public bool MatchesBearer(string? authorizationHeader)
    {
        const string scheme = "Bearer ";
        if (authorizationHeader is null || !authorizationHeader.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
            return false;
        return Matches(authorizationHeader[scheme.Length..].Trim());
    }

    public override string ToString() => "(access token)"; // never leak the secret into a log by accident
}
