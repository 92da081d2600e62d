using Google.Protobuf;
using HeapLens.Profiles;
using F = HeapLens.Formats.Pprof.PprofFields;

namespace HeapLens.Formats.Pprof;

/// <summary>
/// Decodes profile.proto (uncompressed; <see cref="PprofFile"/> removes gzip) into a <see cref="Profile"/>.
/// Strings are referenced by index before the string table may have been read, so messages keep
/// indexes while decoding and are resolved at the end. Every reference is checked: a profile that
/// decodes here is safe to report on.
/// </summary>
public static class PprofReader
{
    /// <exception cref="HeapLensException">The bytes are not a valid profile.</exception>
    public static Profile Read(Stream input)
    {
        try
        {
            return Decode(new CodedInputStream(input, leaveOpen: true)).Resolve();
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new HeapLensException($"not a pprof profile ({e.Message})", e);
        }
    }

    private static RawProfile Decode(CodedInputStream input)
    {
        var raw = new RawProfile();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case F.Profile.SampleType: raw.SampleTypes.Add(DecodeValueType(input.ReadBytes())); break;
                case F.Profile.Sample: raw.Samples.Add(DecodeSample(input.ReadBytes())); break;
                case F.Profile.Mapping: raw.Mappings.Add(DecodeMapping(input.ReadBytes())); break;
                case F.Profile.Location: raw.Locations.Add(DecodeLocation(input.ReadBytes())); break;
                case F.Profile.Function: raw.Functions.Add(DecodeFunction(input.ReadBytes())); break;
                case F.Profile.StringTable: raw.Strings.Add(input.ReadString()); break;
                case F.Profile.TimeNanos: raw.TimeNanos = input.ReadInt64(); break;
                case F.Profile.DurationNanos: raw.DurationNanos = input.ReadInt64(); break;
                case F.Profile.PeriodType: raw.PeriodType = DecodeValueType(input.ReadBytes()); break;
                case F.Profile.Period: raw.Period = input.ReadInt64(); break;
                case F.Profile.Comment: ReadRepeatedInt64(input, tag, raw.Comments); break;
                case F.Profile.DefaultSampleType: raw.DefaultSampleType = input.ReadInt64(); break;
                default: input.SkipLastField(); break;
            }
        }
        return raw;
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
