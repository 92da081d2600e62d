using Microsoft.CodeAnalysis;

namespace HeapLens.Explain.Sources;

/// <summary>
/// The C# code the profile is explained against: one or more compilations (the projects loaded with their
/// references, or loose files over the runtime's reference assemblies) and what went wrong loading them.
/// </summary>
public sealed class SourceSet
{
    private readonly Dictionary<string, SyntaxTree> _byPath = new(StringComparer.Ordinal);
    private readonly Dictionary<SyntaxTree, Compilation> _compilations = [];
    private readonly Dictionary<SyntaxTree, SemanticModel> _models = [];

    public SourceSet(string description, IEnumerable<Compilation> compilations, IReadOnlyList<string> notes, bool partial)
    {
        Description = description;
        Notes = notes;
        Partial = partial;
        foreach (var compilation in compilations)
            foreach (var tree in compilation.SyntaxTrees)
                if (tree.FilePath.Length > 0 && _byPath.TryAdd(Path.GetFullPath(tree.FilePath), tree))
                    _compilations.Add(tree, compilation);
    }

    /// <summary>What was loaded, for the report's header.</summary>
    public string Description { get; }

    public IReadOnlyList<string> Notes { get; }

    /// <summary>True when a project did not load and its files were analysed alone.</summary>
    public bool Partial { get; }

    public int FileCount => _byPath.Count;

    /// <summary>
    /// The tree of a file the profile names. The exact path first; else the one file whose path ends with
    /// the most of the profile's path segments (the code was built elsewhere); null when none or a tie.
    /// </summary>
    public SyntaxTree? Find(string profilePath)
    {
        if (_byPath.TryGetValue(profilePath, out var exact))
            return exact;
        string[] wanted = Segments(profilePath);
        SyntaxTree? best = null;
        int bestLength = 0;
        bool tie = false;
        foreach (var (path, tree) in _byPath)
        {
            int common = CommonSuffix(Segments(path), wanted);
            if (common > bestLength)
                (best, bestLength, tie) = (tree, common, false);
            else if (common == bestLength && common > 0)
                tie = true;
        }
        return tie ? null : best;
    }

    public SemanticModel Model(SyntaxTree tree)
    {
        if (!_models.TryGetValue(tree, out var model))
            _models.Add(tree, model = _compilations[tree].GetSemanticModel(tree));
        return model;
    }

    private static string[] Segments(string path) => path.Split('/', '\\', StringSplitOptions.RemoveEmptyEntries);

    private static int CommonSuffix(string[] a, string[] b)
    {
        int n = 0;
        while (n < a.Length && n < b.Length && a[^(n + 1)] == b[^(n + 1)])
            n++;
        return n;
    }
}
