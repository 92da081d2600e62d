using Google.Protobuf;
using HeapLens.Profiles;
using F = HeapLens.Formats.Pprof.PprofFields;

namespace HeapLens.Formats.Pprof;

/// <summary>
/// Decodes profile.proto (uncompressed; <see cref="PprofFile"/> removes gzip) into a <see cref="Profile"/>.
/// Strings are referenced by index before the string table may have been read, so messages keep
/// indexes while decoding and are resolved at the end. Every reference is checked: a profile that
/// decodes here is safe to report on.
/// Hostile input is refused before it costs memory: the bytes are bounded (<see cref="MaxProfileBytes"/>),
/// a first pass reads the sample types so that every sample is checked as it is decoded (a run of
/// empty messages cannot pile up objects), and ids are checked when their message is read.
/// </summary>
public static class PprofReader
{
    /// <summary>
    /// The largest uncompressed profile read: 1 GB of profile.proto is millions of stacks, far
    /// beyond what an allocation profile holds; beyond it the objects would not fit in memory anyway.
    /// </summary>
    public const long MaxProfileBytes = 1L << 30;

    /// <exception cref="HeapLensException">The bytes are not a valid profile, or are more than <see cref="MaxProfileBytes"/>.</exception>
    public static Profile Read(Stream input)
    {
        var (bytes, length) = ReadBounded(input, MaxProfileBytes);
        try
        {
            var raw = new RawProfile();
            ReadSampleTypes(new CodedInputStream(bytes, 0, length), raw);
            if (raw.SampleTypes.Count == 0)
                throw RawProfile.Invalid("it has no sample types");
            Decode(new CodedInputStream(bytes, 0, length), raw);
            return raw.Resolve();
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new HeapLensException($"not a pprof profile ({e.Message})", e);
        }
    }

    /// <summary>All of a stream (a buffer and its used length), refused past <paramref name="limit"/> bytes; grows with the data.</summary>
    private static (byte[] Buffer, int Length) ReadBounded(Stream input, long limit)
    {
        var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = input.Read(chunk)) > 0)
        {
            if (buffer.Length + read > limit)
                throw new HeapLensException($"the profile is larger than {limit / (1 << 20):N0} MB uncompressed, more than HeapLens reads");
            buffer.Write(chunk, 0, read);
        }
        return (buffer.GetBuffer(), (int)buffer.Length); // no copy: the reader only reads
    }

    private static void ReadSampleTypes(CodedInputStream input, RawProfile raw)
    {
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) == F.Profile.SampleType
                && WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited)
                raw.SampleTypes.Add(DecodeValueType(input.ReadBytes()));
            else
                input.SkipLastField();
        }
    }

    private static void Decode(CodedInputStream input, RawProfile raw)
    {
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case F.Profile.SampleType: input.SkipLastField(); break; // read by the first pass
                case F.Profile.Sample: raw.AddSample(DecodeSample(input.ReadBytes())); break;
                case F.Profile.Mapping: raw.AddMapping(DecodeMapping(input.ReadBytes())); break;
                case F.Profile.Location: raw.AddLocation(DecodeLocation(input.ReadBytes())); break;
                case F.Profile.Function: raw.AddFunction(DecodeFunction(input.ReadBytes())); break;
                // Names come from a file: made safe to print once, here, for every view.
                case F.Profile.StringTable: raw.Strings.Add(SafeText.Of(input.ReadString())); break;
                case F.Profile.TimeNanos: raw.TimeNanos = input.ReadInt64(); break;
                case F.Profile.DurationNanos: raw.DurationNanos = input.ReadInt64(); break;
                case F.Profile.PeriodType: raw.PeriodType = DecodeValueType(input.ReadBytes()); break;
                case F.Profile.Period: raw.Period = input.ReadInt64(); break;
                case F.Profile.Comment: ReadRepeatedInt64(input, tag, raw.Comments); break;
                case F.Profile.DefaultSampleType: raw.DefaultSampleType = input.ReadInt64(); break;
                default: input.SkipLastField(); break;
            }
        }
    }

    private static (long Type, long Unit) DecodeValueType(ByteString bytes)
    {
        var input = bytes.CreateCodedInput();
        long type = 0, unit = 0;
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case F.ValueType.Type: type = input.ReadInt64(); break;
                case F.ValueType.Unit: unit = input.ReadInt64(); break;
                default: input.SkipLastField(); break;
            }
        }
        return (type, unit);
    }

    private static RawSample DecodeSample(ByteString bytes)
    {
        var input = bytes.CreateCodedInput();
        var sample = new RawSample();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case F.Sample.LocationId: ReadRepeatedUInt64(input, tag, sample.LocationIds); break;
                case F.Sample.Value: ReadRepeatedInt64(input, tag, sample.Values); break;
                case F.Sample.Label: sample.Labels.Add(DecodeLabel(input.ReadBytes())); break;
                default: input.SkipLastField(); break;
            }
        }
        return sample;
    }

    private static RawLabel DecodeLabel(ByteString bytes)
    {
        var input = bytes.CreateCodedInput();
        var label = new RawLabel();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case F.Label.Key: label.Key = input.ReadInt64(); break;
                case F.Label.Str: label.Str = input.ReadInt64(); break;
                case F.Label.Num: label.Num = input.ReadInt64(); break;
                case F.Label.NumUnit: label.NumUnit = input.ReadInt64(); break;
                default: input.SkipLastField(); break;
            }
        }
        return label;
    }

    private static RawMapping DecodeMapping(ByteString bytes)
    {
        var input = bytes.CreateCodedInput();
        var m = new RawMapping();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case F.Mapping.Id: m.Id = input.ReadUInt64(); break;
                case F.Mapping.MemoryStart: m.MemoryStart = input.ReadUInt64(); break;
                case F.Mapping.MemoryLimit: m.MemoryLimit = input.ReadUInt64(); break;
                case F.Mapping.FileOffset: m.FileOffset = input.ReadUInt64(); break;
                case F.Mapping.FileName: m.FileName = input.ReadInt64(); break;
                case F.Mapping.BuildId: m.BuildId = input.ReadInt64(); break;
                case F.Mapping.HasFunctions: m.HasFunctions = input.ReadBool(); break;
                case F.Mapping.HasFileNames: m.HasFileNames = input.ReadBool(); break;
                case F.Mapping.HasLineNumbers: m.HasLineNumbers = input.ReadBool(); break;
                case F.Mapping.HasInlineFrames: m.HasInlineFrames = input.ReadBool(); break;
                default: input.SkipLastField(); break;
            }
        }
        return m;
    }

    private static Location DecodeLocation(ByteString bytes)
    {
        var input = bytes.CreateCodedInput();
        ulong id = 0, mappingId = 0, address = 0;
        var lines = new List<Line>();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case F.Location.Id: id = input.ReadUInt64(); break;
                case F.Location.MappingId: mappingId = input.ReadUInt64(); break;
                case F.Location.Address: address = input.ReadUInt64(); break;
                case F.Location.Line: lines.Add(DecodeLine(input.ReadBytes())); break;
                default: input.SkipLastField(); break;
            }
        }
        var location = new Location { Id = id, MappingId = mappingId, Address = address };
        location.Lines.AddRange(lines);
        return location;
    }

    private static Line DecodeLine(ByteString bytes)
    {
        var input = bytes.CreateCodedInput();
        ulong functionId = 0;
        long line = 0;
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case F.Line.FunctionId: functionId = input.ReadUInt64(); break;
                case F.Line.LineNumber: line = input.ReadInt64(); break;
                default: input.SkipLastField(); break;
            }
        }
        return new Line(functionId, line);
    }

    private static RawFunction DecodeFunction(ByteString bytes)
    {
        var input = bytes.CreateCodedInput();
        var f = new RawFunction();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case F.Function.Id: f.Id = input.ReadUInt64(); break;
                case F.Function.Name: f.Name = input.ReadInt64(); break;
                case F.Function.SystemName: f.SystemName = input.ReadInt64(); break;
                case F.Function.FileName: f.FileName = input.ReadInt64(); break;
                case F.Function.StartLine: f.StartLine = input.ReadInt64(); break;
                default: input.SkipLastField(); break;
            }
        }
        return f;
    }

    // Repeated scalars may come packed (one length-delimited run) or one per tag; readers accept both.
    private static void ReadRepeatedUInt64(CodedInputStream input, uint tag, List<ulong> into)
    {
        if (WireFormat.GetTagWireType(tag) != WireFormat.WireType.LengthDelimited)
        {
            into.Add(input.ReadUInt64());
            return;
        }
        var packed = input.ReadBytes().CreateCodedInput();
        while (!packed.IsAtEnd)
            into.Add(packed.ReadUInt64());
    }

    private static void ReadRepeatedInt64(CodedInputStream input, uint tag, List<long> into)
    {
        if (WireFormat.GetTagWireType(tag) != WireFormat.WireType.LengthDelimited)
        {
            into.Add(input.ReadInt64());
            return;
        }
        var packed = input.ReadBytes().CreateCodedInput();
        while (!packed.IsAtEnd)
            into.Add(packed.ReadInt64());
    }
}
