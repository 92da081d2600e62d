using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.MSBuild;

namespace HeapLens.Explain.Sources;

/// <summary>
/// Loads the code to explain a profile against: a solution or project through MSBuildWorkspace (its
/// references, defines and language version: the semantic model the compiler had), a directory's single
/// project or solution, or a directory's .cs files alone over the runtime's reference assemblies. A
/// project that does not load falls back to its files alone, with a note, and the results are partial.
/// </summary>
public static class SourceLoader
{
    /// <summary>Files above this count are not parsed as loose files (a directory such as / by mistake).</summary>
    public const int MaxLooseFiles = 20_000;

    // The SDK's default implicit usings, which loose files of an SDK project rely on.
    private const string ImplicitUsings =
        "global using System; global using System.Collections.Generic; global using System.IO; global using System.Linq; " +
        "global using System.Net.Http; global using System.Threading; global using System.Threading.Tasks;";

    /// <param name="source">A .sln/.slnx/.csproj file or a directory.</param>
    public static SourceSet Load(string source)
    {
        if (File.Exists(source))
        {
            string extension = Path.GetExtension(source).ToLowerInvariant();
            return extension switch
            {
                ".csproj" => LoadProject(Path.GetFullPath(source)),
                ".sln" or ".slnx" or ".slnf" => LoadSolution(Path.GetFullPath(source)),
                _ => throw new HeapLensException($"{source}: not a C# project (.csproj), a solution (.sln, .slnx) or a directory"),
            };
        }
        if (!Directory.Exists(source))
            throw new HeapLensException($"{source}: no such file or directory");
        string directory = Path.GetFullPath(source);
        var projects = Directory.GetFiles(directory, "*.csproj");
        var solutions = Directory.GetFiles(directory, "*.sln").Concat(Directory.GetFiles(directory, "*.slnx")).ToArray();
        if (projects.Length == 1)
            return LoadProject(projects[0]);
        if (projects.Length == 0 && solutions.Length == 1)
            return LoadSolution(solutions[0]);
        return Loose(directory, [], partial: false);
    }

    /// <summary>The project that holds a file: the nearest .csproj in its directory or above; null when none.</summary>
    public static string? ProjectOf(string file)
    {
        for (var directory = new FileInfo(file).Directory; directory is not null; directory = directory.Parent)
        {
            if (!directory.Exists)
                continue;
            var projects = directory.GetFiles("*.csproj");
            if (projects.Length == 1)
                return projects[0].FullName;
            if (projects.Length > 1)
                return null;
        }
        return null;
    }

    private static SourceSet LoadProject(string project)
    {
        var notes = new List<string>();
        if (MSBuildRegistration.EnsureRegistered() is { } noSdk)
            return Fallback(project, noSdk, notes);
        try
        {
            var (compilations, failures) = OpenProject(project);
            if (compilations.Count == 0 || compilations.All(c => !c.SyntaxTrees.Any()))
                return Fallback(project, failures.FirstOrDefault() ?? "no C# documents", notes);
            notes.AddRange(failures.Take(3).Select(f => $"while loading {Path.GetFileName(project)}: {f}"));
            return new SourceSet(project, compilations, notes, partial: false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return Fallback(project, e.Message, notes);
        }
    }

    private static SourceSet LoadSolution(string solution)
    {
        if (MSBuildRegistration.EnsureRegistered() is { } noSdk)
            throw new HeapLensException($"{solution}: cannot load a solution: {noSdk}; give a directory instead");
        try
        {
            var (compilations, failures) = OpenSolution(solution);
            if (compilations.Count == 0)
                throw new HeapLensException($"{solution}: the solution did not load: {failures.FirstOrDefault() ?? "no C# projects"}");
            return new SourceSet(solution, compilations, failures.Take(3).Select(f => $"while loading {Path.GetFileName(solution)}: {f}").ToList(), partial: false);
        }
        catch (Exception e) when (e is not (HeapLensException or OutOfMemoryException))
        {
            throw new HeapLensException($"{solution}: the solution did not load: {e.Message}");
        }
    }

    private static SourceSet Fallback(string project, string reason, List<string> notes)
    {
        notes.Add($"the project {Path.GetFileName(project)} did not load ({reason.ReplaceLineEndings(" ")}); its .cs files were analysed alone over the runtime's reference assemblies: causes that depend on its references may be missing");
        return Loose(Path.GetDirectoryName(project)!, notes, partial: true);
    }

    /// <summary>Every .cs file under the directory (bin and obj left out), parsed into one compilation.</summary>
    public static SourceSet Loose(string directory, List<string> notes, bool partial)
    {
        var files = new List<string>();
        var pending = new Stack<string>();
        pending.Push(directory);
        while (pending.Count > 0)
        {
            string current = pending.Pop();
            foreach (string sub in Directory.EnumerateDirectories(current))
                if (Path.GetFileName(sub) is not ("bin" or "obj" or ".git" or "node_modules"))
                    pending.Push(sub);
            files.AddRange(Directory.EnumerateFiles(current, "*.cs"));
            if (files.Count > MaxLooseFiles)
                throw new HeapLensException($"{directory}: more than {MaxLooseFiles:N0} .cs files; give the project (.csproj) or a smaller directory");
        }
        return LooseFiles(directory, files, notes, partial);
    }

    /// <summary>The given files alone, parsed into one compilation over the runtime's reference assemblies.</summary>
    public static SourceSet LooseFiles(string description, IEnumerable<string> files, List<string> notes, bool partial)
    {
        var options = new CSharpParseOptions(LanguageVersion.Latest);
        var trees = new List<SyntaxTree> { CSharpSyntaxTree.ParseText(ImplicitUsings, options) };
        foreach (string file in files.Order(StringComparer.Ordinal))
            if (Profiles.SourceFile.TryReadLines(file) is { } lines)
                trees.Add(CSharpSyntaxTree.ParseText(string.Join('\n', lines), options, path: Path.GetFullPath(file)));
        var compilation = CSharpCompilation.Create("explain", trees, ReferenceAssemblies.Runtime,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, allowUnsafe: true));
        return new SourceSet(description, [compilation], notes, partial);
    }

    // MSBuild types are touched only in these methods, compiled after MSBuildLocator registered the SDK.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (List<Compilation>, List<string>) OpenProject(string path)
    {
        using var workspace = MSBuildWorkspace.Create();
        var failures = new List<string>();
        workspace.RegisterWorkspaceFailedHandler(e =>
        {
            if (e.Diagnostic.Kind == WorkspaceDiagnosticKind.Failure)
                failures.Add(e.Diagnostic.Message);
        });
        var project = workspace.OpenProjectAsync(path).GetAwaiter().GetResult();
        var compilations = new List<Compilation>();
        if (project.GetCompilationAsync().GetAwaiter().GetResult() is { } compilation)
            compilations.Add(compilation);
        return (compilations, failures);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (List<Compilation>, List<string>) OpenSolution(string path)
    {
        using var workspace = MSBuildWorkspace.Create();
        var failures = new List<string>();
        workspace.RegisterWorkspaceFailedHandler(e =>
        {
            if (e.Diagnostic.Kind == WorkspaceDiagnosticKind.Failure)
                failures.Add(e.Diagnostic.Message);
        });
        var solution = workspace.OpenSolutionAsync(path).GetAwaiter().GetResult();
        var compilations = new List<Compilation>();
        foreach (var project in solution.Projects.Where(p => p.Language == LanguageNames.CSharp))
            if (project.GetCompilationAsync().GetAwaiter().GetResult() is { } compilation)
                compilations.Add(compilation);
        return (compilations, failures);
    }
}
