using HeapLens.Profiles;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Etlx;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace HeapLens.Collection;

/// <summary>The profile made from a trace, and what went into it.</summary>
public sealed record AllocationConversion(Profile Profile, AllocationEventKind Source, long Samples, int EventsLost,
    bool HasRundown)
{
    /// <summary>What became of the survivors when inuse was asked for; null when it was not.</summary>
    public InuseSummary? Inuse { get; init; }

    /// <summary>The sampled objects movement followed to the walk's GC (their profile samples included); null without inuse.</summary>
    internal TrackedObjects? Tracked { get; init; }

    /// <summary>True when the samples come from GCAllocationTick, whose estimates are biased.</summary>
    public bool IsBiased => Source == AllocationEventKind.AllocationTick;
}

/// <summary>
/// Turns a .nettrace file (recorded by HeapLens or by dotnet-trace) into an allocation profile.
/// TraceEvent converts the trace to its indexed ETLX form, which resolves every event's stack to
/// methods and modules using the method load and rundown events; source lines come from the
/// portable PDBs found next to the assemblies. Each distinct stack is resolved once.
/// </summary>
public static class AllocationTraceConverter
{
    public const string BiasedComment =
        "estimated from GCAllocationTick (runtime before .NET 10): one event per ~100 KB, biased for periodic allocation patterns";

    public static AllocationConversion Convert(string tracePath, IProgress<string>? progress = null) =>
        Convert(tracePath, progress, walk: null);

    /// <summary>
    /// With <paramref name="walk"/> (the heap walk that ended a live recording made with survivor
    /// tracking), the profile also gets inuse_objects and inuse_space: the sampled objects still alive
    /// after the walk's GC, weighted like the allocations.
    /// </summary>
    public static AllocationConversion Convert(string tracePath, IProgress<string>? progress, InducedHeapWalk? walk)
    {
        if (!File.Exists(tracePath))
            throw new HeapLensException($"{tracePath}: no such file");
        if (new FileInfo(tracePath).Length == 0)
            throw new HeapLensException($"{tracePath}: the file is empty");

        StaleTemporaryFiles.SweepEtlx();
        string etlxPath = StaleTemporaryFiles.NewEtlxPath();
        try
        {
            progress?.Report("indexing the trace");
            CreateEtlx(tracePath, etlxPath);
            using var log = new TraceLog(etlxPath);
            progress?.Report("building the profile");
            try
            {
                return new Conversion(log, tracePath, walk, progress).Run();
            }
            catch (Exception e) when (e is not (HeapLensException or OutOfMemoryException))
            {
                throw new HeapLensException($"{tracePath}: the trace is truncated or corrupt ({e.Message.ReplaceLineEndings(" ")})", e);
            }
        }
        finally
        {
            File.Delete(etlxPath);
        }
    }

    private static void CreateEtlx(string tracePath, string etlxPath)
    {
        try
        {
            TraceLog.CreateFromEventPipeDataFile(tracePath, etlxPath, new TraceLogOptions { ContinueOnError = true });
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // TraceEvent reports a foreign or truncated file with assorted exception types.
            throw new HeapLensException($"{tracePath}: not a readable .nettrace file ({e.Message.ReplaceLineEndings(" ")})", e);
        }
    }

    /// <summary>One conversion: a profile under construction per event kind, and the source line lookup.</summary>
    private sealed class Conversion(TraceLog log, string tracePath, InducedHeapWalk? walk, IProgress<string>? progress)
    {
        private readonly AllocationSourceLines _sourceLines = new(log, tracePath);
        private readonly ProfileUnderConstruction _sampled = new(log);
        private readonly ProfileUnderConstruction _ticks = new(log);
        private SurvivorTracker? _survivors;
        private TrackedObjects? _tracked;
        private bool _hasRundown;

        // GCAllocationTick fires when ~100 KB have been allocated on a heap since the last tick.
        private const long AllocationTickPeriodBytes = 100 * 1024;

        public AllocationConversion Run()
        {
            using (_sourceLines)
            {
                var source = log.Events.GetSource();
                source.Clr.AllocationSampling += OnSampled;
                source.Clr.GCAllocationTick += OnTick;
                // Rundown at the end of a session names every method; without it (a truncated trace, a
                // process that exited mid-capture) frames of methods jitted before the session stay unnamed.
                new ClrRundownTraceEventParser(source).MethodDCStopComplete += _ => _hasRundown = true;
                if (walk is { Problem: null })
                    _survivors = new SurvivorTracker(source, walk.GcNumber);
                source.Process();
            }
            var inuse = walk is null ? null : Survivors(walk);

            long start = new DateTimeOffset(log.SessionStartTime.ToUniversalTime()).ToUnixTimeMilliseconds() * 1_000_000;
            long duration = (long)(log.SessionDuration.TotalMilliseconds * 1_000_000);
            // With both kinds present (a runtime that has AllocationSampled), the unbiased events win.
            if (_sampled.Builder.SampleCount > 0 || _ticks.Builder.SampleCount == 0)
            {
                var comments = new List<string> { "estimated from AllocationSampled events (randomized per-byte sampling, p = 1/102400)" };
                if (inuse is not null)
                    comments.Add(inuse.Comment(log.EventsLost));
                var profile = _sampled.Builder.Build(start, duration, AllocationEstimator.SamplingPeriodBytes, comments);
                return new AllocationConversion(profile, AllocationEventKind.AllocationSampled, _sampled.Builder.SampleCount,
                    log.EventsLost, _hasRundown) { Inuse = inuse, Tracked = _tracked };
            }
            var biased = _ticks.Builder.Build(start, duration, AllocationTickPeriodBytes, [BiasedComment]);
            return new AllocationConversion(biased, AllocationEventKind.AllocationTick, _ticks.Builder.SampleCount,
                log.EventsLost, _hasRundown) { Inuse = inuse };
        }

        /// <summary>Confirms the tracked survivors against the walk and adds them to the profile as inuse.</summary>
        private InuseSummary Survivors(InducedHeapWalk walk)
        {
            if (walk.Problem is { } problem)
                return InuseSummary.Unavailable(problem);
            var tracker = _survivors!;
            if (tracker.AtWalk is not { } tracked)
                return InuseSummary.Unavailable($"the allocation recording does not hold the end of the heap walk's GC (#{walk.GcNumber})");
            if (tracker.RangeEvents == 0 && tracker.GcsApplied == 0)
                return InuseSummary.Unavailable("the recording holds no GC movement events (keyword 0x400000)");
            progress?.Report("confirming survivors with the heap walk");
            bool[] confirmed = walk.Confirm(tracked);
            _tracked = tracked;
            var builder = _sampled.Builder;
            builder.WithInuse = true;
            long count = 0;
            for (int i = 0; i < confirmed.Length; i++)
            {
                if (!confirmed[i])
                    continue;
                int sample = tracked.Samples[i];
                long size = builder.ObjectSizeOf(sample);
                builder.AddInuse(sample, AllocationEstimator.ObjectsPerSample(size), AllocationEstimator.BytesPerSample(size));
                count++;
            }
            return new InuseSummary(walk.GcNumber, tracker.GcsApplied, tracked.Count, count, walk.Objects, null)
            {
                MovementEvents = tracker.RangeEvents + tracker.GenerationRangeEvents + 2L * tracker.GcsApplied,
            };
        }

        private void OnSampled(AllocationSampledTraceData data)
        {
            long size = data.ObjectSize;
            int sample = _sampled.Builder.Add(_sampled.StackOf(data, _sourceLines), TypeName(data.TypeName),
                size, AllocationEstimator.ObjectsPerSample(size), AllocationEstimator.BytesPerSample(size));
            _survivors?.OnSampled(data.Address, data.TypeID, sample);
        }

        private void OnTick(GCAllocationTickTraceData data)
        {
            long size = data.ObjectSize;
            long amount = data.AllocationAmount64;
            // The tick attributes everything since the previous tick to the object that crossed the threshold.
            double objects = size > 0 ? (double)amount / size : 1;
            _ticks.Builder.Add(_ticks.StackOf(data, _sourceLines), TypeName(data.TypeName), size, objects, amount);
        }

        private static string TypeName(string name) => string.IsNullOrEmpty(name) ? "(unknown type)" : name;
    }

    /// <summary>A profile builder and the caches that map TraceEvent's stack and address indexes to its ids.</summary>
    internal sealed class ProfileUnderConstruction(TraceLog log)
    {
        private readonly Dictionary<CallStackIndex, int> _stacks = [];
        private readonly Dictionary<CodeAddressIndex, ulong> _locations = [];
        private readonly List<ulong> _frames = [];

        public AllocationProfileBuilder Builder { get; } = new();

        public int StackOf(TraceEvent data, AllocationSourceLines sourceLines)
        {
            var index = data.CallStackIndex();
            if (_stacks.TryGetValue(index, out int id))
                return id;
            _frames.Clear();
            var callStacks = log.CallStacks;
            // Walk from the leaf to the root with a loop: stacks can be thousands of frames deep.
            for (var frame = index; frame != CallStackIndex.Invalid; frame = callStacks.Caller(frame))
                _frames.Add(LocationOf(callStacks.CodeAddressIndex(frame), sourceLines));
            id = Builder.Stack([.. _frames]);
            _stacks.Add(index, id);
            return id;
        }

        private ulong LocationOf(CodeAddressIndex address, AllocationSourceLines sourceLines)
        {
            if (_locations.TryGetValue(address, out ulong id))
                return id;
            var codeAddresses = log.CodeAddresses;
            var module = codeAddresses.ModuleFile(address);
            var method = codeAddresses.MethodIndex(address);
            string? methodName = method != MethodIndex.Invalid ? codeAddresses.Methods.FullMethodName(method) : null;
            // Code the trace never described (no rundown, or native code): module and address, like pprof.
            string name = string.IsNullOrEmpty(methodName)
                ? $"{(string.IsNullOrEmpty(module?.Name) ? "?" : module.Name)}!0x{codeAddresses.Address(address):x}"
                : MethodName(methodName);
            var line = methodName is null ? (File: "", Line: 0L) : sourceLines.Find(address, module);
            ulong function = Builder.Function(name, name, line.File);
            ulong mapping = Builder.Mapping(module?.FilePath ?? "", sourceLines.HasPdb(module));
            id = Builder.Location(function, line.Line, mapping, codeAddresses.Address(address));
            _locations.Add(address, id);
            return id;
        }

        /// <summary>"Ns.Type.Method(int32,class X)" → "Ns.Type.Method": pprof groups by name, and the short form reads well.</summary>
        private static string MethodName(string fullName)
        {
            int paren = fullName.IndexOf('(');
            return paren > 0 ? fullName[..paren] : fullName;
        }
    }
}
