namespace HeapLens.Collection;

/// <summary>
/// The target is already being walked by another capture: try again later. A type of its own so that
/// an HTTP endpoint can answer 429 (busy) rather than 500.
/// </summary>
public sealed class TargetBusyException : HeapLensException
{
    public TargetBusyException(string message) : base(message) { }
    public TargetBusyException(string message, Exception inner) : base(message, inner) { }
}
