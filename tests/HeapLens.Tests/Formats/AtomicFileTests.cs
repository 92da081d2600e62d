using HeapLens.Formats;
using HeapLens.Tests.Hostile;
using HeapLens.Tests.Infrastructure;
using Xunit;

namespace HeapLens.Tests.Formats;

/// <summary>
/// The one atomic save every output goes through, without a target process: which destinations it
/// refuses and with what exact message, which file a symbolic link makes it write, and that a
/// failing writer leaves the old file as it was and no temporary file behind.
/// </summary>
public sealed class AtomicFileTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private static string Refusal(string path) => Assert.Throws<HeapLensException>(() => AtomicFile.CheckDestination(path)).Message;

    [Fact]
    public void Destinations_that_cannot_take_a_file_are_refused_with_why()
    {
        Assert.Equal("the output file name is empty", Refusal(""));
        Assert.Equal("the output file name is empty", Refusal(" "));
        Assert.Equal("this output cannot be written to stdout ('-'); give a file name", Refusal("-"));
        Assert.Equal($"cannot write {_directory.Path}: it is a directory", Refusal(_directory.Path));
        string fifo = _directory.File("fifo");
        Assert.Equal(0, PprofLimitsTests.Mkfifo(fifo));
        Assert.Equal($"cannot write {fifo}: it is not a regular file (a device, FIFO or socket is never replaced)", Refusal(fifo));
        Assert.Equal("cannot write /dev/null: it is not a regular file (a device, FIFO or socket is never replaced)", Refusal("/dev/null"));
        string inMissing = _directory.File("gone/out.bin");
        Assert.Equal($"cannot write {inMissing}: directory {_directory.File("gone")} does not exist", Refusal(inMissing));
    }

    [Fact]
    public void A_writable_destination_is_returned_as_a_full_path()
    {
        string file = _directory.File("new.bin");
        Assert.Equal(file, AtomicFile.CheckDestination(file));
        File.WriteAllText(file, "old");
        Assert.Equal(file, AtomicFile.CheckDestination(file));
        Assert.Equal(Path.GetFullPath("relative.bin"), AtomicFile.CheckDestination("relative.bin"));
    }

    [Fact]
    public void A_chain_of_links_leads_to_the_final_file_and_a_loop_to_the_link_itself()
    {
        string real = _directory.File("real.bin");
        File.WriteAllText(real, "old");
        string first = _directory.File("first.bin"), second = _directory.File("second.bin");
        File.CreateSymbolicLink(first, real);
        File.CreateSymbolicLink(second, first);
        Assert.Equal(real, AtomicFile.CheckDestination(second));

        string a = _directory.File("a.bin"), b = _directory.File("b.bin");
        File.CreateSymbolicLink(a, b);
        File.CreateSymbolicLink(b, a);
        Assert.Equal(a, AtomicFile.CheckDestination(a));
    }

    [Fact]
    public void A_complete_write_replaces_the_file_and_leaves_nothing_else()
    {
        string path = _directory.File("out.bin");
        File.WriteAllText(path, "old");
        AtomicFile.Write(path, stream => stream.Write("new contents"u8));
        Assert.Equal("new contents", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFileSystemEntries(_directory.Path));
    }

    [Fact]
    public void A_complete_write_replaces_the_file_through_a_symbolic_link()
    {
        string real = _directory.File("real.bin");
        File.WriteAllText(real, "old");
        string link = _directory.File("link.bin");
        File.CreateSymbolicLink(link, real);

        AtomicFile.Write(link, stream => stream.Write("new"u8));

        Assert.Equal("new", File.ReadAllText(real));
        Assert.NotNull(new FileInfo(link).LinkTarget); // the link is still a link
        Assert.Equal(2, Directory.GetFileSystemEntries(_directory.Path).Length);
    }

    [Fact]
    public void A_failing_writer_leaves_the_old_file_and_no_temporary_file()
    {
        string path = _directory.File("out.bin");
        File.WriteAllText(path, "old");

        var error = Assert.Throws<InvalidOperationException>(() =>
            AtomicFile.Write(path, stream =>
            {
                stream.Write("half a file"u8);
                throw new InvalidOperationException("writer failed");
            }));

        Assert.Equal("writer failed", error.Message);
        Assert.Equal("old", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFileSystemEntries(_directory.Path));
    }

    [Fact]
    public void A_write_that_fails_on_io_names_the_file_and_leaves_the_old_one()
    {
        string path = _directory.File("out.bin");
        File.WriteAllText(path, "old");
        var diskFull = new IOException("No space left on device");

        var error = Assert.Throws<HeapLensException>(() =>
            AtomicFile.Write(path, stream =>
            {
                stream.Write("half a file"u8);
                throw diskFull;
            }));

        Assert.Equal($"cannot write {path}: No space left on device", error.Message);
        Assert.Same(diskFull, error.InnerException);
        Assert.Equal("old", File.ReadAllText(path));
        Assert.Equal([path], Directory.GetFileSystemEntries(_directory.Path));
    }

    [Fact]
    public void A_temporary_file_that_cannot_be_deleted_does_not_hide_the_writer_s_error()
    {
        // The writer replaces its temporary file by a directory holding a file: deleting it then fails.
        string path = _directory.File("out.bin");
        string? temporary = null;
        var error = Assert.Throws<InvalidOperationException>(() =>
            AtomicFile.Write(path, stream =>
            {
                temporary = ((FileStream)stream).Name;
                File.Delete(temporary);
                Directory.CreateDirectory(temporary);
                File.WriteAllText(Path.Combine(temporary, "inside"), "x");
                throw new InvalidOperationException("writer failed");
            }));
        Assert.Equal("writer failed", error.Message);
        Assert.True(Directory.Exists(temporary));
        Assert.False(File.Exists(path));
    }
}
