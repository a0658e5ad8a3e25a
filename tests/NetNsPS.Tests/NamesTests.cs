using System.Management.Automation;
using NetNsPS.Linux;
using Xunit;

namespace NetNsPS.Tests;

public class NamesTests
{
    [Theory]
    [InlineData("veth-red")]
    [InlineData("veth-red-br")]
    [InlineData("bridge0")]
    [InlineData("a")]
    [InlineData("abcdefghijklmno")]
    public void Interface_Valid(string name) => Assert.Equal(name, Names.Interface(name));

    [Theory]
    [InlineData("abcdefghijklmnop")]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("a/b")]
    [InlineData("a b")]
    [InlineData("a:b")]
    [InlineData("-x")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("vëth")]
    [InlineData("red;id")]
    [InlineData("$(id)")]
    [InlineData("a\nb")]
    [InlineData("a\tb")]
    [InlineData("br0\n")]
    [InlineData("veth-red\r\n")]
    public void Interface_Invalid(string? name)
    {
        var e = Assert.Throws<NetNsException>(() => Names.Interface(name, "PeerName"));
        Assert.Equal("InvalidInterfaceName", e.ErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, e.Category);
        Assert.Contains("PeerName", e.Message);
        Assert.Contains("15", e.Message);
        Assert.DoesNotContain("\n", e.Message);
    }

    [Theory]
    [InlineData("all")]
    [InlineData("default")]
    public void Interface_ReservedByTheKernel(string name)
    {
        var e = Assert.Throws<NetNsException>(() => Names.Interface(name, "Name"));
        Assert.Equal("InvalidInterfaceName", e.ErrorId);
        Assert.Contains("reserved", e.Message);
        Assert.Contains($"'{name}'", e.Message);
    }

    [Theory]
    [InlineData("red")]
    [InlineData("ns-100")]
    [InlineData("lab_1.a")]
    public void Namespace_Valid(string name) => Assert.Equal(name, Names.Namespace(name));

    [Theory]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("a/b")]
    [InlineData("")]
    [InlineData("-n")]
    [InlineData("red;touch /tmp/pwned")]
    [InlineData("`id`")]
    [InlineData("red\n")]
    public void Namespace_Invalid(string name)
    {
        var e = Assert.Throws<NetNsException>(() => Names.Namespace(name));
        Assert.Equal("InvalidNamespaceName", e.ErrorId);
    }

    [Fact]
    public void Namespace_TooLong() =>
        Assert.Throws<NetNsException>(() => Names.Namespace(new string('n', 65)));

    [Fact]
    public void Show_MakesControlCharactersVisible() =>
        Assert.Equal("a\\u000ab", Names.Show("a\nb"));
}
