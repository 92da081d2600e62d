using System.Runtime.InteropServices;

namespace HeapLens.Formats;

public enum FileKind
{
    Missing,
    Regular,
    Directory,
    /// <summary>A character or block device, a FIFO or a socket.</summary>
    Special,
}

/// <summary>
/// What a path names, following symbolic links. .NET's file APIs do not tell a device or a FIFO from a
/// regular file, so on Linux this asks the kernel (statx, whose layout is the same on every
/// architecture); elsewhere only directories are told apart.
/// </summary>
public static partial class FileKinds
{
    private const int AtCurrentDirectory = -100;
    private const uint StatxType = 0x1;
    private const int StatxModeOffset = 28;
    private const int FileTypeMask = 0xF000;
    private const int RegularFileType = 0x8000;
    private const int DirectoryType = 0x4000;

    public static FileKind Of(string path)
    {
        if (Directory.Exists(path))
            return FileKind.Directory;
        if (!OperatingSystem.IsLinux())
            return File.Exists(path) ? FileKind.Regular : FileKind.Missing;
        var buffer = new byte[256]; // struct statx is 256 bytes
        if (statx(AtCurrentDirectory, path, 0, StatxType, buffer) != 0)
            return FileKind.Missing;
        int type = BitConverter.ToUInt16(buffer, StatxModeOffset) & FileTypeMask;
        return type switch
        {
            RegularFileType => FileKind.Regular,
            DirectoryType => FileKind.Directory,
            _ => FileKind.Special,
        };
    }

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int statx(int directoryFd, string path, int flags, uint mask, [Out] byte[] buffer);
}
