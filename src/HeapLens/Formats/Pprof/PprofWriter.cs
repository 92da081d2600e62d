using Google.Protobuf;
using HeapLens.Profiles;
using F = HeapLens.Formats.Pprof.PprofFields;
using ProfileValueType = HeapLens.Profiles.ValueType;

namespace HeapLens.Formats.Pprof;

/// <summary>
/// Encodes a <see cref="Profile"/> as profile.proto (uncompressed; <see cref="PprofFile"/> adds gzip).
/// Nested messages are encoded into one reused scratch buffer and then copied into the output as a
/// length-delimited field, so writing allocates little beyond the string table.
/// </summary>
public static class PprofWriter
{
    public static void Write(Profile profile, Stream output)
    {
        var strings = new StringTable(profile);
        var scratch = new MemoryStream();
        var coded = new CodedOutputStream(output, leaveOpen: true);

        foreach (var type in profile.SampleTypes)
            WriteMessage(coded, F.Profile.SampleType, scratch, o => WriteValueType(o, type, strings));
        foreach (var sample in profile.Samples)
            WriteMessage(coded, F.Profile.Sample, scratch, o => WriteSample(o, sample, strings));
        foreach (var mapping in profile.Mappings)
            WriteMessage(coded, F.Profile.Mapping, scratch, o => WriteMapping(o, mapping, strings));
        foreach (var location in profile.Locations)
            WriteMessage(coded, F.Profile.Location, scratch, o => WriteLocation(o, location));
        foreach (var function in profile.Functions)
            WriteMessage(coded, F.Profile.Function, scratch, o => WriteFunction(o, function, strings));
        foreach (string text in strings.InOrder)
        {
            coded.WriteTag(F.Profile.StringTable, WireFormat.WireType.LengthDelimited);
            coded.WriteString(text);
        }
        WriteInt64(coded, F.Profile.TimeNanos, profile.TimeNanos);
        WriteInt64(coded, F.Profile.DurationNanos, profile.DurationNanos);
        if (profile.PeriodType is { } periodType)
            WriteMessage(coded, F.Profile.PeriodType, scratch, o => WriteValueType(o, periodType, strings));
        WriteInt64(coded, F.Profile.Period, profile.Period);
        foreach (string comment in profile.Comments)
        {
            coded.WriteTag(F.Profile.Comment, WireFormat.WireType.Varint);
            coded.WriteInt64(strings[comment]);
        }
        if (profile.DefaultSampleType.Length > 0)
            WriteInt64(coded, F.Profile.DefaultSampleType, strings[profile.DefaultSampleType]);
        coded.Flush();
    }

    private static void WriteValueType(CodedOutputStream o, ProfileValueType type, StringTable strings)
    {
        WriteInt64(o, F.ValueType.Type, strings[type.Type]);
        WriteInt64(o, F.ValueType.Unit, strings[type.Unit]);
    }

    private static void WriteSample(CodedOutputStream o, Sample sample, StringTable strings)
    {
        if (sample.LocationIds.Length > 0)
        {
            int length = 0;
            foreach (ulong id in sample.LocationIds)
                length += CodedOutputStream.ComputeUInt64Size(id);
            o.WriteTag(F.Sample.LocationId, WireFormat.WireType.LengthDelimited);
            o.WriteLength(length);
            foreach (ulong id in sample.LocationIds)
                o.WriteUInt64(id);
        }
        if (sample.Values.Length > 0)
        {
            int length = 0;
            foreach (long value in sample.Values)
                length += CodedOutputStream.ComputeInt64Size(value);
            o.WriteTag(F.Sample.Value, WireFormat.WireType.LengthDelimited);
            o.WriteLength(length);
            foreach (long value in sample.Values)
                o.WriteInt64(value);
        }
        foreach (var label in sample.Labels)
        {
            int length = LabelSize(label, strings);
            o.WriteTag(F.Sample.Label, WireFormat.WireType.LengthDelimited);
            o.WriteLength(length);
            WriteInt64(o, F.Label.Key, strings[label.Key]);
            if (label.Text is not null)
                WriteInt64(o, F.Label.Str, strings[label.Text]);
            else
            {
                WriteInt64(o, F.Label.Num, label.Number);
                if (label.NumberUnit is not null)
                    WriteInt64(o, F.Label.NumUnit, strings[label.NumberUnit]);
            }
        }
    }

    private static int LabelSize(Label label, StringTable strings)
    {
        int size = Int64FieldSize(strings[label.Key]);
        if (label.Text is not null)
            return size + Int64FieldSize(strings[label.Text]);
        size += Int64FieldSize(label.Number);
        if (label.NumberUnit is not null)
            size += Int64FieldSize(strings[label.NumberUnit]);
        return size;
    }

    private static int Int64FieldSize(long value) => value == 0 ? 0 : 1 + CodedOutputStream.ComputeInt64Size(value);

    private static void WriteMapping(CodedOutputStream o, Mapping m, StringTable strings)
    {
        WriteUInt64(o, F.Mapping.Id, m.Id);
        WriteUInt64(o, F.Mapping.MemoryStart, m.MemoryStart);
        WriteUInt64(o, F.Mapping.MemoryLimit, m.MemoryLimit);
        WriteUInt64(o, F.Mapping.FileOffset, m.FileOffset);
        WriteInt64(o, F.Mapping.FileName, strings[m.FileName]);
        WriteInt64(o, F.Mapping.BuildId, strings[m.BuildId]);
        WriteBool(o, F.Mapping.HasFunctions, m.HasFunctions);
        WriteBool(o, F.Mapping.HasFileNames, m.HasFileNames);
        WriteBool(o, F.Mapping.HasLineNumbers, m.HasLineNumbers);
        WriteBool(o, F.Mapping.HasInlineFrames, m.HasInlineFrames);
    }

    private static void WriteLocation(CodedOutputStream o, Location location)
    {
        WriteUInt64(o, F.Location.Id, location.Id);
        WriteUInt64(o, F.Location.MappingId, location.MappingId);
        WriteUInt64(o, F.Location.Address, location.Address);
        foreach (var line in location.Lines)
        {
            int length = (line.FunctionId == 0 ? 0 : 1 + CodedOutputStream.ComputeUInt64Size(line.FunctionId))
                + Int64FieldSize(line.LineNumber);
            o.WriteTag(F.Location.Line, WireFormat.WireType.LengthDelimited);
            o.WriteLength(length);
            WriteUInt64(o, F.Line.FunctionId, line.FunctionId);
            WriteInt64(o, F.Line.LineNumber, line.LineNumber);
        }
    }

    private static void WriteFunction(CodedOutputStream o, Function function, StringTable strings)
    {
        WriteUInt64(o, F.Function.Id, function.Id);
        WriteInt64(o, F.Function.Name, strings[function.Name]);
        WriteInt64(o, F.Function.SystemName, strings[function.SystemName]);
        WriteInt64(o, F.Function.FileName, strings[function.FileName]);
        WriteInt64(o, F.Function.StartLine, function.StartLine);
    }

    /// <summary>Encodes a nested message into the scratch buffer, then writes it length-delimited.</summary>
    private static void WriteMessage(CodedOutputStream output, int field, MemoryStream scratch, Action<CodedOutputStream> body)
    {
        scratch.SetLength(0);
        var nested = new CodedOutputStream(scratch, leaveOpen: true);
        body(nested);
        nested.Flush();
        output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(UnsafeByteOperations.UnsafeWrap(new ReadOnlyMemory<byte>(scratch.GetBuffer(), 0, (int)scratch.Length)));
    }

    // proto3: fields equal to their default are not written.
    private static void WriteInt64(CodedOutputStream o, int field, long value)
    {
        if (value == 0)
            return;
        o.WriteTag(field, WireFormat.WireType.Varint);
        o.WriteInt64(value);
    }

    private static void WriteUInt64(CodedOutputStream o, int field, ulong value)
    {
        if (value == 0)
            return;
        o.WriteTag(field, WireFormat.WireType.Varint);
        o.WriteUInt64(value);
    }

    private static void WriteBool(CodedOutputStream o, int field, bool value)
    {
        if (!value)
            return;
        o.WriteTag(field, WireFormat.WireType.Varint);
        o.WriteBool(true);
    }

    /// <summary>The profile's strings, each once, with "" at index 0 as profile.proto requires.</summary>
    private sealed class StringTable
    {
        private readonly Dictionary<string, long> _index = new(StringComparer.Ordinal);
        public List<string> InOrder { get; } = [];

        public StringTable(Profile profile)
        {
            Add("");
            foreach (var type in profile.SampleTypes)
                AddValueType(type);
            foreach (var sample in profile.Samples)
                foreach (var label in sample.Labels)
                {
                    Add(label.Key);
                    if (label.Text is not null)
                        Add(label.Text);
                    if (label.NumberUnit is not null)
                        Add(label.NumberUnit);
                }
            foreach (var mapping in profile.Mappings)
            {
                Add(mapping.FileName);
                Add(mapping.BuildId);
            }
            foreach (var function in profile.Functions)
            {
                Add(function.Name);
                Add(function.SystemName);
                Add(function.FileName);
            }
            if (profile.PeriodType is { } periodType)
                AddValueType(periodType);
            foreach (string comment in profile.Comments)
                Add(comment);
            Add(profile.DefaultSampleType);
        }

        public long this[string text] => _index[text];

        private void AddValueType(ProfileValueType type)
        {
            Add(type.Type);
            Add(type.Unit);
        }

        private void Add(string text)
        {
            if (_index.TryAdd(text, InOrder.Count))
                InOrder.Add(text);
        }
    }
}
