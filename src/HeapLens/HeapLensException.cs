namespace HeapLens;

/// <summary>
/// A failure the user can act on (a dead process, a corrupt file, a full disk).
/// The CLI prints its message as one line on stderr; it never carries a stack trace to the user.
/// </summary>
public class HeapLensException : Exception
{
    public HeapLensException(string message) : base(message) { }
    public HeapLensException(string message, Exception inner) : base(message, inner) { }
}
