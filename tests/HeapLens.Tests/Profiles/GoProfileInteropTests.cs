using System.Diagnostics;
using HeapLens.Formats.Pprof;
using HeapLens.Profiles;
using Xunit;

namespace HeapLens.Tests.Profiles;

/// <summary>
/// Profiles written by Go's runtime/pprof (the format's reference writer) read correctly, and survive
/// a round trip through our writer unchanged for `go tool pprof`.
/// </summary>
public sealed class GoProfileInteropTests : IDisposable
{
    private const string Program = """
        package main

        import (
        	"os"
        	"runtime"
        	"runtime/pprof"
        )

        var sink [][]byte

        func alloc() {
        	for i := 0; i < 100000; i++ {
        		sink = append(sink, make([]byte, 1000))
        		if len(sink) > 100 {
        			sink = sink[:0]
        		}
        	}
        }

        func main() {
        	runtime.MemProfileRate = 4096
        	alloc()
        	runtime.GC()
        	f, _ := os.Create(os.Args[1])
        	pprof.Lookup("allocs").WriteTo(f, 0)
        	f.Close()
        }
        """;

    private readonly string _directory = Directory.CreateTempSubdirectory("heaplens-go-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void A_go_heap_profile_reads_and_round_trips()
    {
        string goProfile = WriteGoProfile();
        var profile = PprofFile.Load(goProfile);
        Assert.Equal(["alloc_objects", "alloc_space", "inuse_objects", "inuse_space"], profile.SampleTypes.Select(t => t.Type));

        // Go's own estimate of the 100,000 arrays of 1000 bytes (1024-byte size class).
        var objects = FunctionTotals.Compute(new ProfileIndex(profile), "alloc_objects", byCum: true)
            .Functions.Single(f => f.Name == "main.alloc").Cum;
        Assert.InRange(objects, 95_000, 105_000);

        string ours = Path.Combine(_directory, "ours.pb.gz");
        PprofFile.Save(profile, ours);
        string Top(string path) => string.Join('\n', GoPprof.Run("-top", "-sample_index=alloc_space", "-unit=b", path)
            .Split('\n').SkipWhile(l => !l.Contains("flat%")));
        Assert.Equal(Top(goProfile), Top(ours));
    }

    private string WriteGoProfile()
    {
        string source = Path.Combine(_directory, "main.go");
        File.WriteAllText(source, Program);
        string output = Path.Combine(_directory, "go.pb.gz");
        var info = new ProcessStartInfo("go") { WorkingDirectory = _directory, RedirectStandardError = true };
        foreach (string arg in new[] { "run", source, output })
            info.ArgumentList.Add(arg);
        info.Environment["GO111MODULE"] = "off";
        info.Environment["GOFLAGS"] = "";
        using var go = Process.Start(info)!;
        string errors = go.StandardError.ReadToEnd();
        go.WaitForExit();
        Assert.True(go.ExitCode == 0, errors);
        return output;
    }
}
