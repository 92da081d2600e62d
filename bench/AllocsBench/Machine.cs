using System.Runtime.InteropServices;

namespace HeapLens.Bench.Allocs;

/// <summary>What the figures were measured on.</summary>
internal static class Machine
{
    public static object Describe() => new
    {
        os = RuntimeInformation.OSDescription,
        runtime = RuntimeInformation.FrameworkDescription,
        cpu = CpuModel(),
        cores = Environment.ProcessorCount,
        memoryGB = Math.Round(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024), 1),
        loadAverage = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "",
        note = "shared machine: other engineers' builds and tests ran at the same time",
    };

    private static string CpuModel()
    {
        if (!File.Exists("/proc/cpuinfo"))
            return RuntimeInformation.ProcessArchitecture.ToString();
        string? line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
        return line is null ? "" : line[(line.IndexOf(':') + 1)..].Trim();
    }

    public static void Save(string directory, string name, object result)
    {
        string path = Path.Combine(directory, name);
        File.WriteAllText(path, System.Text.Json.JsonSerializer.Serialize(result,
            new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        Console.WriteLine($"wrote {path}");
    }
}
