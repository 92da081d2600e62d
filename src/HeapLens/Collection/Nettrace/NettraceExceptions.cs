namespace HeapLens.Collection.Nettrace;

/// <summary>
/// A nettrace stream that is cut short or does not follow the format: refused, with where and why.
/// </summary>
public sealed class CorruptNettraceException(string message) : HeapLensException(message);

/// <summary>
/// A well-formed stream in a version or layout the fast reader does not decode (another nettrace version,
/// 32-bit pointers, an object it has no rule for): TraceEvent reads it instead.
/// </summary>
internal sealed class UnsupportedNettraceException(string message) : Exception(message);
