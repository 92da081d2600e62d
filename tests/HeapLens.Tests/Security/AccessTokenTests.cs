using HeapLens.Security;
using Xunit;

namespace HeapLens.Tests.Security;

public class AccessTokenTests
{
    [Fact]
    public void Generated_tokens_are_distinct_url_safe_and_match_only_themselves()
    {
        var a = AccessToken.Generate();
        var b = AccessToken.Generate();
        Assert.NotEqual(a.Value, b.Value);
        Assert.Equal(43, a.Value.Length); // 32 bytes, base64 without padding
        Assert.Matches("^[A-Za-z0-9_-]+$", a.Value);
        Assert.True(a.Matches(a.Value));
        Assert.False(a.Matches(b.Value));
        Assert.False(a.Matches(a.Value[..^1]));
        Assert.False(a.Matches(null));
        Assert.True(a.MatchesBearer("Bearer " + a.Value));
        Assert.True(a.MatchesBearer("bearer " + a.Value));
        Assert.False(a.MatchesBearer("Basic " + a.Value));
        Assert.False(a.MatchesBearer(a.Value));
        Assert.DoesNotContain(a.Value, a.ToString());
    }

    [Fact]
    public void Token_file_is_written_user_only_and_read_back()
    {
        string dir = Directory.CreateTempSubdirectory("heaplens-token-").FullName;
        try
        {
            string path = Path.Combine(dir, "token");
            var token = AccessToken.Generate();
            token.WriteUserOnlyFile(path);
            if (!OperatingSystem.IsWindows())
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            Assert.True(AccessToken.ReadFile(path).Matches(token.Value));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("short")]
    [InlineData("has a space inside the token")]
    [InlineData("non-ascii-tokén-0123456789")]
    public void Bad_token_text_is_refused_with_a_message(string text)
    {
        var e = Assert.Throws<HeapLensException>(() => AccessToken.FromText(text, "test"));
        Assert.StartsWith("the token in test", e.Message);
    }

    [Fact]
    public void A_missing_or_oversized_token_file_is_refused()
    {
        string dir = Directory.CreateTempSubdirectory("heaplens-token-").FullName;
        try
        {
            Assert.Contains("does not exist", Assert.Throws<HeapLensException>(() => AccessToken.ReadFile(Path.Combine(dir, "none"))).Message);
            string big = Path.Combine(dir, "big");
            File.WriteAllText(big, new string('x', 10_000));
            Assert.Contains("one line", Assert.Throws<HeapLensException>(() => AccessToken.ReadFile(big)).Message);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
