using HeapLens.Formats.Pprof;
using HeapLens.Profiles;
using HeapLens.Tests.Infrastructure;
using Xunit;

namespace HeapLens.Tests.Hostile;

/// <summary>The pprof reader and `list` against crafted input: one HeapLensException each, memory that follows the data.</summary>
public sealed class PprofLimitsTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private string Write(byte[] bytes, string name = "p.pb.gz")
    {
        string path = _directory.File(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static (HeapLensException Error, long AllocatedBytes) LoadFails(string path)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<HeapLensException>(() => PprofFile.Load(path));
        return (error, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void A_small_gzip_of_empty_samples_is_refused_without_piling_up_objects()
    {
        // 16 MB of empty samples (field 2, length 0) in 16 KB of gzip; no sample types. It made
        // 8M sample objects (gigabytes) before "no sample types".
        string path = Write(CraftedProfiles.GzippedRepeat([0x12, 0x00], 16 << 20));
        Assert.True(new FileInfo(path).Length < 128 * 1024, $"{new FileInfo(path).Length:N0} bytes");
        var (error, allocated) = LoadFails(path);
        Assert.Contains("no sample types", error.Message);
        Assert.True(allocated < 3L * (16 << 20), $"allocated {allocated:N0} bytes for 16 MB of profile.proto");
    }

    [Fact]
    public void Empty_samples_after_a_sample_type_are_refused_at_the_first()
    {
        byte[] head = CraftedProfiles.Uncompressed(CraftedProfiles.Build());
        string path = Write([.. head, .. Enumerable.Repeat(new byte[] { 0x12, 0x00 }, 1 << 20).SelectMany(b => b)], "p.pb");
        var (error, allocated) = LoadFails(path);
        Assert.Contains("a sample has 0 values for 2 sample types", error.Message);
        Assert.True(allocated < 24 << 20, $"allocated {allocated:N0} bytes");
    }

    [Fact]
    public void Values_summing_past_long_max_are_refused_with_a_message()
    {
        // top printed "Total: -2 B", traces and list overflowed.
        string path = Write(CraftedProfiles.Gzipped(CraftedProfiles.Build(values: [(1, long.MaxValue), (1, 1)])));
        var (error, _) = LoadFails(path);
        Assert.Contains("add up past 9,223,372,036,854,775,807", error.Message);
    }

    [Fact]
    public void Negative_values_count_by_magnitude()
    {
        string path = Write(CraftedProfiles.Gzipped(CraftedProfiles.Build(values: [(1, long.MinValue + 1), (1, -2)])));
        var (error, _) = LoadFails(path);
        Assert.Contains("add up past", error.Message);
        string fine = Write(CraftedProfiles.Gzipped(CraftedProfiles.Build(values: [(1, long.MaxValue - 5), (1, -5)])), "fine.pb.gz");
        Assert.Equal(2, PprofFile.Load(fine).Samples.Count);
    }

    [Fact]
    public async Task Devices_pipes_and_directories_are_not_profiles()
    {
        string fifo = _directory.File("fifo.pb.gz");
        Assert.Equal(0, Mkfifo(fifo));
        var load = Task.Run(() => Assert.Throws<HeapLensException>(() => PprofFile.Load(fifo)));
        var error = await load.WaitAsync(TimeSpan.FromMinutes(1)); // throws TimeoutException if the open blocks
        Assert.Contains("not a regular file", error.Message);
        Assert.Contains("not a regular file", LoadFails("/dev/zero").Error.Message);
        Assert.Contains("is a directory", LoadFails(_directory.Path).Error.Message);
    }

    [Fact]
    public async Task List_reads_only_regular_source_files_of_bounded_size()
    {
        string fifo = _directory.File("Source.cs");
        Assert.Equal(0, Mkfifo(fifo));
        Assert.Null(await Task.Run(() => SourceFile.TryReadLines(fifo)).WaitAsync(TimeSpan.FromMinutes(1)));

        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Null(SourceFile.TryReadLines("/dev/zero"));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20);

        string big = _directory.File("Big.cs");
        using (var file = File.Create(big))
            file.SetLength(SourceFile.MaxBytes + 1);
        Assert.Null(SourceFile.TryReadLines(big));

        string real = _directory.File("Real.cs");
        File.WriteAllText(real, "class A\n{\u001b[31m\n}\n");
        Assert.Equal(["class A", "{\\x1B[31m", "}"], SourceFile.TryReadLines(real)!);
    }

    [Fact]
    public async Task List_with_sources_on_dev_zero_and_a_fifo_finishes_with_the_lines()
    {
        string fifo = _directory.File("Fifo.cs");
        Assert.Equal(0, Mkfifo(fifo));
        var profile = CraftedProfiles.Build(leafFile: "/dev/zero");
        profile.Functions[1] = new Function { Id = 2, Name = "App.Program.Main", SystemName = "App.Program.Main", FileName = fifo };
        string path = Write(CraftedProfiles.Gzipped(profile));

        var result = await HeapLensCli.RunAsync(TimeSpan.FromMinutes(2), "list", path, "App");

        Assert.True(result.ExitCode == 0, result.StandardError);
        Assert.Contains("source file not found: /dev/zero", result.StandardOutput);
        Assert.Contains("source file not found: " + fifo, result.StandardOutput);
    }

    [Fact]
    public void A_pathological_list_regex_is_one_line_not_an_internal_error()
    {
        var profile = CraftedProfiles.Build(leafName: new string('a', 40) + "!");
        string path = Write(CraftedProfiles.Gzipped(profile));

        var result = HeapLensCli.Run("list", path, "^(a|aa)+$");

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("heaplens: the regular expression '^(a|aa)+$' took longer than 1s", result.StandardError);
        Assert.Equal(1, result.StandardError.Count(c => c == '\n'));
    }

    [Theory]
    [InlineData("top")]
    [InlineData("traces")]
    [InlineData("list")]
    public void Overflowing_values_give_one_line_in_every_profile_command(string command)
    {
        string path = Write(CraftedProfiles.Gzipped(CraftedProfiles.Build(values: [(1, long.MaxValue), (1, long.MaxValue)])));
        string[] arguments = command == "list" ? [command, path, "App"] : [command, path];

        var result = HeapLensCli.Run(arguments);

        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith($"heaplens: {path}: not a valid pprof profile: the values of sample type 2 add up past", result.StandardError);
        Assert.Equal("", result.StandardOutput);
    }

    internal static int Mkfifo(string path)
    {
        using var process = System.Diagnostics.Process.Start("mkfifo", [path]);
        process.WaitForExit();
        return process.ExitCode;
    }
}
