namespace HeapLens.Reports;

public enum NoteLevel { Note, Warning }

/// <summary>A sentence a report adds about how far its figures can be trusted.</summary>
public sealed record ReportNote(NoteLevel Level, string Text);
