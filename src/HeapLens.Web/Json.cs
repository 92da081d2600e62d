using HeapLens.Reports;
using Microsoft.AspNetCore.Http;

namespace HeapLens.Web;

/// <summary>Every answer of the API is a report model in its one JSON form, the bytes `--format json` prints.</summary>
internal static class Json
{
    public static IResult Of<T>(T report) => Results.Text(ReportJson.Serialize(report), "application/json; charset=utf-8");
}

/// <summary>What the page asks first: which views to offer.</summary>
public sealed record WebSession(WebContentKind Kind, IReadOnlyList<string> Files);

/// <summary>A refused request, as JSON.</summary>
public sealed record WebError(string Error);
