namespace HeapLens.Reports;

/// <summary>Why a line allocates: one vocabulary for every view (JSON: kebab-case, e.g. "params-array").</summary>
public enum CauseKind
{
    Boxing,
    ParamsArray,
    Closure,
    Delegate,
    StringConcat,
    StringFormat,
    Enumerator,
    Iterator,
    AsyncStateMachine,
    Linq,
    Collection,
    NewObject,
    NewArray,
    /// <summary>The allocation happens inside a method the line calls (named from the profile's stack).</summary>
    Callee,
    /// <summary>The profile shows an allocation on the line and the source has no compile-time cause for it.</summary>
    Unknown,
}

/// <summary>An allocated type on a line, from the profile.</summary>
/// <param name="Callee">The called method it was allocated in; null when the line allocated it itself.</param>
public sealed record ExplainType(string Name, string? Callee, long AllocSpace, long AllocObjects);

/// <summary>
/// One compile-time cause of heap allocation on a line, in the compiler's form.
/// </summary>
/// <param name="Column">1-based column of the expression that allocates.</param>
/// <param name="Types">The profile's types this cause accounts for (empty when the profile shows none of them).</param>
/// <param name="AllocSpace">Bytes of those types; 0 when the profile shows none.</param>
/// <param name="MayBeRemovedByJit">The JIT can stack-allocate this object when it does not escape; the profile says whether it did.</param>
public sealed record ExplainCause(
    CauseKind Kind,
    int Column,
    string Message,
    string Fix,
    IReadOnlyList<string> Types,
    long AllocSpace,
    long AllocObjects,
    bool MayBeRemovedByJit);

/// <summary>A hot line of the profile and the causes found for it in the source.</summary>
/// <param name="File">The source file as the profile names it (the path the PDB recorded).</param>
/// <param name="SourcePath">The file it was found as in the given sources; null when not found.</param>
/// <param name="Source">The text of the line; null when not found.</param>
/// <param name="Note">Why the line was not analysed, or what was moved to it (display classes).</param>
public sealed record ExplainLine(
    string File,
    long Line,
    string Function,
    long AllocSpace,
    long AllocObjects,
    IReadOnlyList<ExplainType> Types,
    IReadOnlyList<ExplainCause> Causes,
    string? SourcePath = null,
    string? Source = null,
    bool Found = true,
    string? Note = null);

/// <summary>
/// `heaplens explain`: the N hottest lines of an allocation profile, each with every compile-time cause of
/// heap allocation the C# source has on it, the share of the profile it accounts for, and the fix: the
/// "why" that Go's `-gcflags=-m` prints next to pprof's "where".
/// </summary>
/// <param name="SampleType">alloc_space or alloc_objects: what "hottest" and the shares are by.</param>
/// <param name="TotalSpace">The whole profile's alloc_space, what the shares are of.</param>
/// <param name="Sources">What was analysed: the project, solution or directory (or the profile's own paths).</param>
/// <param name="Partial">True when some lines were not found or the project did not load: see Notes.</param>
public sealed record ExplainReport(
    string Profile,
    string SampleType,
    long TotalSpace,
    long TotalObjects,
    string Sources,
    bool Partial,
    IReadOnlyList<string> Notes,
    IReadOnlyList<ExplainLine> Lines)
{
    /// <summary>The total of the sample type the report is by.</summary>
    public long Total => SampleType == "alloc_objects" ? TotalObjects : TotalSpace;
}
