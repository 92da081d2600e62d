using Microsoft.Diagnostics.Symbols;
using Microsoft.Diagnostics.Tracing.Etlx;

namespace HeapLens.Collection;

/// <summary>
/// Source file and line of code addresses, from portable PDBs found next to their assemblies.
/// Calls are located by <see cref="AllocationCallSites"/>; TraceEvent's own lookup is the fallback.
/// </summary>
internal sealed class AllocationSourceLines(TraceLog log, string tracePath) : IDisposable
{
    private readonly Lazy<AllocationCallSites> _callSites = new(() => AllocationCallSites.Collect(tracePath));
    private readonly Dictionary<string, bool> _hasPdb = new(StringComparer.Ordinal);
    private readonly Dictionary<string, bool> _pdbMatches = new(StringComparer.Ordinal);
    private readonly HashSet<string> _symbolDirectories = new(StringComparer.Ordinal);
    private SymbolReader? _reader;

    public bool HasPdb(TraceModuleFile? module)
    {
        if (module is null || string.IsNullOrEmpty(module.FilePath))
            return false;
        if (!_hasPdb.TryGetValue(module.FilePath, out bool found))
        {
            found = File.Exists(PdbPath(module.FilePath));
            _hasPdb.Add(module.FilePath, found);
        }
        return found;
    }

    public (string File, long Line) Find(CodeAddressIndex address, TraceModuleFile? module)
    {
        if (!HasPdb(module))
            return ("", 0);
        _reader ??= CreateReader();
        try
        {
            if (_callSites.Value.CallAt(log.CodeAddresses.Address(address)) is { } call
                && MatchingPdb(module!) is { } pdb
                && AllocationCallSites.Line(pdb, call.Token, call.IlOffset) is { } line)
                return line;
            return TraceEventLine(address, module!);
        }
        catch (Exception e) when (e is IOException or InvalidOperationException or BadImageFormatException)
        {
            return ("", 0); // an unreadable PDB only costs the line numbers
        }
    }

    private (string File, long Line) TraceEventLine(CodeAddressIndex address, TraceModuleFile module)
    {
        string directory = Path.GetDirectoryName(module.FilePath)!;
        if (_symbolDirectories.Add(directory))
            _reader!.SymbolPath = string.Join(";", _symbolDirectories);
        var location = log.CodeAddresses.GetSourceLine(_reader, address);
        if (location?.SourceFile is null)
            return ("", 0);
        return (location.SourceFile.BuildTimeFilePath ?? "", location.LineNumber);
    }

    /// <summary>
    /// The PDB next to the assembly, if it is the one built with the code that ran (same PDB id as
    /// the module in the trace): a rebuilt assembly's PDB would give wrong lines, or none.
    /// The module is asked of the reader at every use, never kept: the reader caches only a few open
    /// PDBs and disposes the ones it evicts (unmapping their memory), so a module kept across calls
    /// can be read after it is gone (an access violation: seen when a process with more than ten PDBs
    /// profiled itself).
    /// </summary>
    private ManagedSymbolModule? MatchingPdb(TraceModuleFile module)
    {
        if (_pdbMatches.TryGetValue(module.FilePath, out bool matches) && !matches)
            return null;
        var pdb = _reader!.OpenSymbolFile(PdbPath(module.FilePath)) as ManagedSymbolModule;
        if (!_pdbMatches.ContainsKey(module.FilePath))
        {
            matches = pdb is not null && module.PdbSignature != Guid.Empty && pdb.PdbGuid == module.PdbSignature;
            _pdbMatches.Add(module.FilePath, matches);
        }
        return _pdbMatches[module.FilePath] ? pdb : null;
    }

    private static string PdbPath(string assemblyPath) => Path.ChangeExtension(assemblyPath, ".pdb");

    private static SymbolReader CreateReader() => new(TextWriter.Null, "")
    {
        // Only local files next to the assemblies: never a symbol server.
        SecurityCheck = _ => true,
    };

    public void Dispose() => _reader?.Dispose();
}
