using System.Text;
using HeapLens.Snapshots;

namespace HeapLens.Formats.HeapSnap;

/// <summary>
/// The optional `ASIT` section: where the sampled objects of the snapshot were allocated (written by
/// `heaplens snapshot --allocs`). Layout in docs/heapsnap-format.md. Every count is checked against the
/// bytes left in the section before anything is allocated, every index against its table, and the
/// nodes against the snapshot's objects (strictly ascending, inside the graph).
/// </summary>
internal static class AllocationSitesSection
{
    private const int FrameBytes = 12;
    private const int ObjectBytes = 8;

    public static byte[] Encode(AllocationSites sites)
    {
        using var buffer = new MemoryStream();
        using (var w = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            var window = sites.Window;
            w.Write(window.Seconds);
            w.Write(window.SamplingPeriodBytes);
            w.Write(window.Samples);
            w.Write(window.Tracked);
            w.Write(window.EventsLost);
            w.Write(sites.Strings.Length);
            foreach (string s in sites.Strings)
                w.Write(s);
            w.Write(sites.FrameFunction.Length);
            for (int f = 0; f < sites.FrameFunction.Length; f++)
            {
                w.Write(sites.FrameFunction[f]);
                w.Write(sites.FrameFile[f]);
                w.Write(sites.FrameLine[f]);
            }
            w.Write(sites.StackCount);
            for (int s = 0; s < sites.StackCount; s++)
            {
                var frames = sites.FramesOf(s);
                w.Write(frames.Length);
                foreach (int frame in frames)
                    w.Write(frame);
            }
            w.Write(sites.Count);
            int previous = -1;
            for (int i = 0; i < sites.Count; i++)
            {
                w.Write(sites.Nodes[i] - previous); // ascending nodes: small positive steps
                previous = sites.Nodes[i];
                w.Write(sites.StackOf[i]);
            }
        }
        return buffer.ToArray();
    }

    public static AllocationSites Decode(byte[] bytes, SectionReader reader, int nodeCount)
    {
        try
        {
            using var r = new BinaryReader(new MemoryStream(bytes), Encoding.UTF8);
            long Left() => r.BaseStream.Length - r.BaseStream.Position;
            int Count(long bytesEach, string what)
            {
                int count = r.ReadInt32();
                if (count < 0 || count > Left() / bytesEach)
                    throw reader.Corrupt($"allocation sites: {count} {what} in {Left()} bytes");
                return count;
            }

            var window = new AllocationWindow(r.ReadDouble(), r.ReadInt64(), r.ReadInt64(), r.ReadInt64(), r.ReadInt64());
            if (!double.IsFinite(window.Seconds) || window.Seconds < 0 || window.SamplingPeriodBytes <= 0
                || window.Samples < 0 || window.Tracked < 0 || window.EventsLost < 0)
                throw reader.Corrupt("allocation sites: an impossible window");

            var strings = new string[Count(1, "strings")];
            for (int i = 0; i < strings.Length; i++)
                strings[i] = SafeText.Of(r.ReadString());

            int frames = Count(FrameBytes, "frames");
            var function = new int[frames];
            var file = new int[frames];
            var line = new int[frames];
            for (int f = 0; f < frames; f++)
            {
                function[f] = r.ReadInt32();
                file[f] = r.ReadInt32();
                line[f] = r.ReadInt32();
                if ((uint)function[f] >= (uint)strings.Length || file[f] < -1 || file[f] >= strings.Length || line[f] < 0)
                    throw reader.Corrupt($"allocation sites: frame {f} points outside the string table");
            }

            int stacks = Count(sizeof(int), "stacks");
            var stackStart = new int[stacks + 1];
            var stackFrames = new List<int>();
            for (int s = 0; s < stacks; s++)
            {
                int length = Count(sizeof(int), "frames of a stack");
                for (int i = 0; i < length; i++)
                {
                    int frame = r.ReadInt32();
                    if ((uint)frame >= (uint)frames)
                        throw reader.Corrupt($"allocation sites: stack {s} names frame {frame} of {frames}");
                    stackFrames.Add(frame);
                }
                stackStart[s + 1] = stackFrames.Count;
            }

            int objects = Count(ObjectBytes, "objects");
            var nodes = new int[objects];
            var stackOf = new int[objects];
            long node = -1;
            for (int i = 0; i < objects; i++)
            {
                int step = r.ReadInt32();
                node += step;
                if (step <= 0 || node >= nodeCount)
                    throw reader.Corrupt("allocation sites: an object outside the graph or out of order");
                nodes[i] = (int)node;
                stackOf[i] = r.ReadInt32();
                if ((uint)stackOf[i] >= (uint)stacks)
                    throw reader.Corrupt($"allocation sites: object {node} names stack {stackOf[i]} of {stacks}");
            }
            if (Left() != 0)
                throw reader.Corrupt($"allocation sites: {Left()} bytes after the objects");
            return new AllocationSites(window, nodes, stackOf, stackStart, [.. stackFrames], function, file, line, strings);
        }
        catch (Exception e) when (e is EndOfStreamException or FormatException or IOException or ArgumentException)
        {
            throw reader.Corrupt("the allocation sites do not parse");
        }
    }
}
