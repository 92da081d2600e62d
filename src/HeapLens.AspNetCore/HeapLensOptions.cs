using HeapLens.Monitoring;

namespace HeapLens.AspNetCore;

/// <summary>The knobs of the HeapLens endpoints (bind them from configuration or set them in AddHeapLens).</summary>
public sealed class HeapLensOptions
{
    /// <summary>The recording length when a request gives no `seconds` (Go's /debug/pprof/profile default).</summary>
    public int DefaultSeconds { get; set; } = 30;

    /// <summary>The longest recording a request may ask for; above it the answer is 400.</summary>
    public int MaxSeconds { get; set; } = 300;

    /// <summary>
    /// In-process endpoints answer loopback callers only, unless the app protects them itself
    /// (RequireAuthorization on what MapHeapLens returns) or sets this to true.
    /// </summary>
    public bool AllowRemoteCallers { get; set; }

    /// <summary>Where raw event streams are kept while they are parsed.</summary>
    public string TempDirectory { get; set; } = Path.GetTempPath();

    /// <summary>A heap snapshot (GC, walk, stream) must end within this time.</summary>
    public TimeSpan SnapshotTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>The floor-trend analysis behind /debug/heaplens/gc and the leak metrics.</summary>
    public TrendOptions Trend { get; set; } = new();
}
