using NetNsPS.Linux;
using Xunit;

namespace NetNsPS.Tests;

public class CommandSpecTests
{
    [Theory]
    [InlineData("red", "red")]
    [InlineData("192.168.15.0/24", "192.168.15.0/24")]
    [InlineData("!", "!")]
    [InlineData("", "''")]
    [InlineData("red;touch /tmp/pwned", "'red;touch /tmp/pwned'")]
    [InlineData("$(id)", "'$(id)'")]
    [InlineData("it's", "'it'\\''s'")]
    [InlineData("a b", "'a b'")]
    [InlineData("`id`", "'`id`'")]
    public void BashQuote_QuotesOnlyWhatBashWouldInterpret(string value, string expected) =>
        Assert.Equal(expected, CommandSpec.BashQuote(value));

    [Fact]
    public void Render_ReadsLikeTheArticle() =>
        Assert.Equal("ip link add veth-red netns red type veth peer name veth-red-br", Ip.AddVethInNamespace("veth-red", "red", "veth-red-br").Render());

    [Fact]
    public void Render_StandardInputBecomesAHereDocument()
    {
        var spec = new CommandSpec("iptables-restore", new[] { "--noflush" }, "*nat\nCOMMIT\n");
        Assert.Equal("iptables-restore --noflush <<'EOF'\n*nat\nCOMMIT\nEOF", spec.Render());
    }

    [Fact]
    public void Equality_ComparesProgramArgumentsAndInput()
    {
        Assert.Equal(Ip.SetUp("red", "lo"), Ip.Command("red", "link", "set", "dev", "lo", "up"));
        Assert.NotEqual(Ip.SetUp("red", "lo"), Ip.SetUp("blue", "lo"));
    }
}
