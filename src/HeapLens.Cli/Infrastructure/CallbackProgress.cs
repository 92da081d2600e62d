namespace HeapLens.Cli.Infrastructure;

/// <summary>
/// An <see cref="IProgress{T}"/> that calls back at once, on the reporting thread. The framework's
/// Progress posts to the thread pool, where two reports can overtake each other.
/// </summary>
internal sealed class CallbackProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
