namespace HeapLens.AspNetCore;

/// <summary>A request that ends with an HTTP error: the status and one line saying why.</summary>
public sealed class HttpProblem(int statusCode, string message) : Exception(message)
{
    public int StatusCode { get; } = statusCode;
}
