namespace HeapLens.Formats.Pprof;

/// <summary>Field numbers of google/pprof proto/profile.proto.</summary>
internal static class PprofFields
{
    public static class Profile
    {
        public const int SampleType = 1, Sample = 2, Mapping = 3, Location = 4, Function = 5, StringTable = 6,
            DropFrames = 7, KeepFrames = 8, TimeNanos = 9, DurationNanos = 10, PeriodType = 11, Period = 12,
            Comment = 13, DefaultSampleType = 14;
    }

    public static class ValueType { public const int Type = 1, Unit = 2; }

    public static class Sample { public const int LocationId = 1, Value = 2, Label = 3; }

    public static class Label { public const int Key = 1, Str = 2, Num = 3, NumUnit = 4; }

    public static class Mapping
    {
        public const int Id = 1, MemoryStart = 2, MemoryLimit = 3, FileOffset = 4, FileName = 5, BuildId = 6,
            HasFunctions = 7, HasFileNames = 8, HasLineNumbers = 9, HasInlineFrames = 10;
    }

    public static class Location { public const int Id = 1, MappingId = 2, Address = 3, Line = 4, IsFolded = 5; }

    public static class Line { public const int FunctionId = 1, LineNumber = 2; }

    public static class Function { public const int Id = 1, Name = 2, SystemName = 3, FileName = 4, StartLine = 5; }
}
