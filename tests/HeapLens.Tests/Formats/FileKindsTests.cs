using HeapLens.Formats;
using HeapLens.Tests.Hostile;
using HeapLens.Tests.Infrastructure;
using Xunit;

namespace HeapLens.Tests.Formats;

/// <summary>What a path names, as the kernel says (statx), following symbolic links.</summary>
public sealed class FileKindsTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Files_directories_devices_fifos_and_nothing_are_told_apart_through_links()
    {
        string file = _directory.File("file");
        File.WriteAllText(file, "x");
        string fifo = _directory.File("fifo");
        Assert.Equal(0, PprofLimitsTests.Mkfifo(fifo));
        string toDirectory = _directory.File("to-directory"), dangling = _directory.File("dangling");
        File.CreateSymbolicLink(toDirectory, _directory.Path);
        File.CreateSymbolicLink(dangling, _directory.File("nothing"));

        Assert.Equal(FileKind.Regular, FileKinds.Of(file));
        Assert.Equal(FileKind.Directory, FileKinds.Of(_directory.Path));
        Assert.Equal(FileKind.Directory, FileKinds.Of(toDirectory));
        Assert.Equal(FileKind.Special, FileKinds.Of(fifo));
        Assert.Equal(FileKind.Special, FileKinds.Of("/dev/null"));
        Assert.Equal(FileKind.Missing, FileKinds.Of(_directory.File("nothing")));
        Assert.Equal(FileKind.Missing, FileKinds.Of(dangling));
    }
}
