namespace HeapLens.Monitoring;

/// <summary>
/// Rate limit for captures: each trigger fires at most once per cooldown, and the whole run
/// captures at most a fixed number of times. A heap snapshot pauses the target, so a condition
/// that stays true must not snapshot it every few seconds.
/// </summary>
public sealed class CaptureBudget(int maxCaptures, TimeSpan cooldown)
{
    private readonly Dictionary<TriggerKind, double> _lastFiredAt = [];

    public int Used { get; private set; }
    public int Max => maxCaptures;

    /// <summary>True, and counted, when <paramref name="kind"/> may capture at <paramref name="nowSeconds"/>.</summary>
    public bool TryTake(TriggerKind kind, double nowSeconds)
    {
        if (Used >= maxCaptures)
            return false;
        if (_lastFiredAt.TryGetValue(kind, out double last) && nowSeconds - last < cooldown.TotalSeconds)
            return false;
        _lastFiredAt[kind] = nowSeconds;
        Used++;
        return true;
    }
}
