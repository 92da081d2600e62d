using System.Buffers.Binary;
using System.Text;

namespace HeapLens.Formats.HeapSnap;

/// <summary>The four-character tags of the sections of a .heapsnap file (see docs/heapsnap-format.md).</summary>
internal static class SectionTag
{
    public static readonly uint Metadata = Of("META");
    public static readonly uint TypeNames = Of("TYPE");
    public static readonly uint Addresses = Of("ADDR");
    public static readonly uint Sizes = Of("SIZE");
    public static readonly uint HugeSizes = Of("HUGE");
    public static readonly uint TypeIndex = Of("TIDX");
    public static readonly uint EdgeCounts = Of("ECNT");
    public static readonly uint EdgeTargets = Of("EDGE");
    public static readonly uint Roots = Of("ROOT");
    /// <summary>Optional: where the sampled objects were allocated (`snapshot --allocs`).</summary>
    public static readonly uint AllocationSites = Of("ASIT");
    public static readonly uint End = Of("END!");

    public static uint Of(string tag) => BinaryPrimitives.ReadUInt32LittleEndian(Encoding.ASCII.GetBytes(tag));

    public static string Name(uint tag)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(bytes, tag);
        return SafeText.Of(Encoding.ASCII.GetString(bytes)); // a tag read from a file may hold anything
    }
}
