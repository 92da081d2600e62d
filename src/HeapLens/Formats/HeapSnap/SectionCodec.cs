namespace HeapLens.Formats.HeapSnap;

/// <summary>How a section's stored bytes hold its raw bytes (the header's codec field; docs/heapsnap-format.md).</summary>
internal enum SectionCodec : uint
{
    /// <summary>One raw DEFLATE stream (RFC 1951): the only codec of version 1, still read in version 2.</summary>
    Deflate = 1,

    /// <summary>A sequence of LZ4 blocks, each behind its own lengths (<see cref="Lz4Blocks"/>); version 2 on.</summary>
    Lz4Blocks = 2,
}
