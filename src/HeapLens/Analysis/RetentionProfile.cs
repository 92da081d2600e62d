using System.Runtime.InteropServices;
using HeapLens.Profiles;

namespace HeapLens.Analysis;

/// <summary>
/// A snapshot's retention as a pprof profile, so pprof, speedscope and continuous-profiling servers show
/// it: one sample per distinct dominator path, with sample types inuse_objects and inuse_space; each
/// stack reads (root first) GC root -> the types down the dominator tree -> the object's type. An
/// object's own size counts at its leaf, so a frame's cumulative value is what that path retains:
/// `pprof -top -cum` lists the biggest retainers.
/// </summary>
public static class RetentionProfile
{
    /// <summary>Dominator paths longer than this (in runs of one type) stop growing: deeper objects count at this depth.</summary>
    public const int MaxDepth = 64;

    public static Profile Create(AnalyzedSnapshot analyzed)
    {
        var (snapshot, tree) = analyzed;
        var frames = new FrameNames();
        // The path trie: path p is (parent path, frame); -1 is the empty path. Objects of the same type as
        // their dominator stay on its path (runs of a type collapse, as `paths` shows them).
        var parents = new List<int>();
        var frameOf = new List<int>();
        var depths = new List<int>();
        var paths = new Dictionary<long, int>();
        int Child(int parent, int frame)
        {
            ref int slot = ref CollectionsMarshal.GetValueRefOrAddDefault(paths, ((long)(parent + 1) << 32) | (uint)frame, out bool exists);
            if (!exists)
            {
                slot = parents.Count;
                parents.Add(parent);
                frameOf.Add(frame);
                depths.Add(parent < 0 ? 1 : depths[parent] + 1);
            }
            return slot;
        }

        var pathOf = new int[snapshot.NodeCount];
        var objects = new List<long>();
        var bytes = new List<long>();
        // Preorder: every dominator before what it dominates.
        foreach (int node in tree.Preorder)
        {
            int typeFrame = frames.Of(snapshot.TypeNameOf(node));
            int idom = tree.ImmediateDominator[node];
            int path;
            if (idom < 0)
            {
                string root = analyzed.Roots.Of(node)?.ToString() ?? "(held by several roots)";
                path = Child(Child(-1, frames.Of(root)), typeFrame);
            }
            else
            {
                int parentPath = pathOf[idom];
                path = frameOf[parentPath] == typeFrame || depths[parentPath] >= MaxDepth ? parentPath : Child(parentPath, typeFrame);
            }
            pathOf[node] = path;
            while (objects.Count <= path)
            {
                objects.Add(0);
                bytes.Add(0);
            }
            objects[path]++;
            bytes[path] += snapshot.SizeOf(node);
        }

        var profile = new Profile { DefaultSampleType = "inuse_space" };
        profile.SampleTypes.Add(new HeapLens.Profiles.ValueType("inuse_objects", "count"));
        profile.SampleTypes.Add(new HeapLens.Profiles.ValueType("inuse_space", "bytes"));
        profile.Comments.Add($"retention of {snapshot.Metadata.ProcessName} (pid {snapshot.Metadata.ProcessId}) at {snapshot.Metadata.CaptureTime:O}: stacks are GC root -> dominator path -> type");
        profile.TimeNanos = snapshot.Metadata.CaptureTime.ToUnixTimeMilliseconds() * 1_000_000;
        for (int f = 0; f < frames.Names.Count; f++)
        {
            ulong id = (ulong)f + 1;
            profile.Functions.Add(new Function { Id = id, Name = frames.Names[f], SystemName = frames.Names[f] });
            var location = new Location { Id = id };
            location.Lines.Add(new Line(id, 0));
            profile.Locations.Add(location);
        }
        var stack = new List<ulong>();
        for (int p = 0; p < objects.Count; p++)
        {
            if (objects[p] == 0)
                continue;
            stack.Clear();
            for (int q = p; q >= 0; q = parents[q]) // leaf first, as pprof stores stacks
                stack.Add((ulong)frameOf[q] + 1);
            profile.Samples.Add(new Sample { LocationIds = [.. stack], Values = [objects[p], bytes[p]] });
        }
        return profile;
    }

    private sealed class FrameNames
    {
        private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);
        public readonly List<string> Names = [];

        public int Of(string name)
        {
            ref int slot = ref CollectionsMarshal.GetValueRefOrAddDefault(_ids, name, out bool exists);
            if (!exists)
            {
                slot = Names.Count;
                Names.Add(name);
            }
            return slot;
        }
    }
}
