using System.Text.Json;
using HeapLens.Formats.HeapSnap;
using HeapLens.Snapshots;
using Xunit;

namespace HeapLens.Tests.Formats;

/// <summary>
/// The metadata section's generated serializer writes what the reflection-based one wrote (files written before it
/// hold those bytes) and reads them back.
/// </summary>
public class MetadataJsonTests
{
    private static readonly SnapshotMetadata Metadata = new()
    {
        ProcessId = 4242,
        ProcessName = "Leaky \"Service\" ü",
        CommandLine = "dotnet x.dll --a \u001b[31m",
        RuntimeVersion = "10.0.12",
        CaptureTime = new DateTimeOffset(2026, 12, 5, 0, 58, 1, 234, TimeSpan.Zero).AddTicks(5678),
        GcPauseMilliseconds = 5123.456789,
        GcNumber = 2455,
        StreamBytes = 1_035_695_934,
        UnresolvedReferences = 17,
        HeapLensVersion = "0.1.0.0",
    };

    [Fact]
    public void The_generated_serializer_writes_the_bytes_of_the_reflection_based_one()
    {
        byte[] generated = JsonSerializer.SerializeToUtf8Bytes(Metadata, MetadataJson.Default.SnapshotMetadata);
        byte[] reflected = JsonSerializer.SerializeToUtf8Bytes(Metadata, JsonSerializerOptions.Default);

        Assert.Equal(reflected, generated);
    }

    [Fact]
    public void What_the_reflection_based_serializer_wrote_reads_back_the_same()
    {
        byte[] reflected = JsonSerializer.SerializeToUtf8Bytes(Metadata, JsonSerializerOptions.Default);

        Assert.Equal(Metadata, JsonSerializer.Deserialize(reflected, MetadataJson.Default.SnapshotMetadata));
    }
}
