using System.Text;
using HeapLens.Profiles;
using HeapLens.Tests.Infrastructure;
using Xunit;

namespace HeapLens.Tests.Profiles;

/// <summary>Reading the source file `list` shows: the size limit at its edge and the file's own encoding.</summary>
public sealed class SourceFileTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void A_file_of_exactly_the_limit_is_read()
    {
        string path = _directory.File("big.cs");
        const int lineLength = 1024; // 1023 characters and a newline
        using (var file = File.Create(path))
        {
            byte[] line = Encoding.ASCII.GetBytes(new string('x', lineLength - 1) + "\n");
            for (long written = 0; written < SourceFile.MaxBytes; written += lineLength)
                file.Write(line);
        }
        Assert.Equal(SourceFile.MaxBytes, new FileInfo(path).Length);
        var lines = SourceFile.TryReadLines(path);
        Assert.NotNull(lines);
        Assert.Equal(SourceFile.MaxBytes / lineLength, lines.Length);
    }

    [Fact]
    public void A_file_with_a_byte_order_mark_is_read_in_its_encoding()
    {
        string path = _directory.File("wide.cs");
        File.WriteAllText(path, "class Ä\n{\n}\n", Encoding.Unicode);
        Assert.Equal(["class Ä", "{", "}"], SourceFile.TryReadLines(path)!);
    }

    [Fact]
    public void An_empty_name_or_file_reads_nothing()
    {
        string path = _directory.File("empty.cs");
        File.WriteAllText(path, "");
        Assert.Null(SourceFile.TryReadLines(""));
        Assert.Null(SourceFile.TryReadLines(path));
        Assert.Null(SourceFile.TryReadLines(_directory.File("missing.cs")));
    }

    [Fact]
    public void A_file_another_holder_locked_reads_nothing_instead_of_throwing()
    {
        string path = _directory.File("locked.cs");
        File.WriteAllText(path, "class Locked {}\n");
        // FileShare.None takes an exclusive lock (flock on Unix): the reader's open fails with an IOException.
        using (new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
            Assert.Null(SourceFile.TryReadLines(path));
        Assert.Equal(["class Locked {}"], SourceFile.TryReadLines(path)!);
    }
}
