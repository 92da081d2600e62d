namespace HeapLens.Monitoring;

/// <summary>How a monitor run watches, when it stops and what it captures.</summary>
public sealed record MonitorOptions
{
    /// <summary>Where the timeline, the capture log and the captures go; created when missing.</summary>
    public required string OutputDirectory { get; init; }

    /// <summary>Stop after this long; null runs until the target exits or the run is cancelled.</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>How often the trend is analysed, the triggers checked and the status reported.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(5);

    public TrendOptions Trend { get; init; } = new();

    public TriggerOptions Triggers { get; init; } = new();

    public int MaxCaptures { get; init; } = 5;

    public TimeSpan Cooldown { get; init; } = TimeSpan.FromMinutes(5);
}
