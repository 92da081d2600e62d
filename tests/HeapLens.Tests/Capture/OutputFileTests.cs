using System.Diagnostics;
using HeapLens.Formats;
using HeapLens.Tests.Infrastructure;
using Xunit;

namespace HeapLens.Tests.Capture;

/// <summary>
/// Every output goes through one atomic save that only ever replaces a regular file: a device or a
/// FIFO given as -o is refused before the capture. AtomicFile's own behaviour, without a target
/// process, is tested in Formats/AtomicFileTests.
/// </summary>
public class OutputFileTests
{
    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("-")]
    public void Empty_or_stdout_names_are_refused_in_one_line(string output)
    {
        using var target = TargetProcess.StartTestTarget();
        using var directory = new TempDirectory();

        var snapshot = HeapLensCli.RunIn(directory.Path, "snapshot", "-p", target.Id.ToString(), "-o", output);
        var allocs = HeapLensCli.RunIn(directory.Path, "allocs", "-p", target.Id.ToString(), "-o", output, "-d", "1s");

        foreach (var result in new[] { snapshot, allocs })
        {
            Assert.Equal(1, result.ExitCode);
            Assert.Matches("output file name is empty|cannot be written to stdout", result.StandardError);
            AssertOneLine(result.StandardError);
        }
        Assert.Empty(Directory.GetFileSystemEntries(directory.Path));
    }

    [Fact]
    public void A_fifo_or_a_device_given_as_output_is_never_replaced()
    {
        using var target = TargetProcess.StartTestTarget();
        using var directory = new TempDirectory();
        var specials = new List<string> { directory.File("fifo") };
        Run("mkfifo", specials[0]);
        if (Environment.UserName == "root")
        {
            // A private null device: the real /dev/null must not be put at risk by a failing test.
            specials.Add(directory.File("null"));
            Run("mknod", specials[1], "c", "1", "3");
        }

        foreach (string special in specials)
        {
            var snapshot = HeapLensCli.Run("snapshot", "-p", target.Id.ToString(), "-o", special);
            var allocs = HeapLensCli.Run("allocs", "-p", target.Id.ToString(), "-o", special, "-d", "1s");
            foreach (var result in new[] { snapshot, allocs })
            {
                Assert.Equal(1, result.ExitCode);
                Assert.Contains("is not a regular file", result.StandardError);
                AssertOneLine(result.StandardError);
            }
            Assert.Equal(FileKind.Special, FileKinds.Of(special));
        }
        Assert.Equal(specials.Count, Directory.GetFileSystemEntries(directory.Path).Length);
    }

    internal static void AssertOneLine(string stderr)
    {
        Assert.StartsWith("heaplens: ", stderr);
        Assert.Single(stderr.TrimEnd('\n').Split('\n'));
        Assert.DoesNotContain("   at ", stderr);
    }

    private static void Run(string program, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(program, arguments) { UseShellExecute = false })!;
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
    }
}
