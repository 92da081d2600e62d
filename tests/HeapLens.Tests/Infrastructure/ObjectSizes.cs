namespace HeapLens.Tests.Infrastructure;

/// <summary>
/// The sizes of objects on the 64-bit CoreCLR heap, from its object layout rather than from anything
/// HeapLens computes: an 8-byte header before each object, an 8-byte method table pointer, and for arrays an
/// 8-byte length word; every object rounded up to 8 bytes.
/// </summary>
internal static class ObjectSizes
{
    private const long ArrayBase = 8 + 8 + 8;

    public static long ByteArray(long length) => AlignUp(ArrayBase + length);

    public static long ReferenceArray(long length) => ArrayBase + 8 * length;

    /// <summary>A List&lt;T&gt; of a reference type: _items (8), _size and _version (4 + 4), after header and method table.</summary>
    public const long ListOfReferences = 8 + 8 + 8 + 4 + 4;

    private static long AlignUp(long size) => (size + 7) & ~7L;
}
