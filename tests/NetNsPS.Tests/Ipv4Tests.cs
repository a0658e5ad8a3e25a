using System.Management.Automation;
using NetNsPS.Linux;
using Xunit;

namespace NetNsPS.Tests;

public class Ipv4Tests
{
    [Theory]
    [InlineData("192.168.15.2/24", "192.168.15.2/24", "192.168.15.0/24")]
    [InlineData("10.0.0.1", "10.0.0.1/32", "10.0.0.1/32")]
    [InlineData("0.0.0.0/0", "0.0.0.0/0", "0.0.0.0/0")]
    [InlineData("255.255.255.255/32", "255.255.255.255/32", "255.255.255.255/32")]
    public void Parse_Valid(string text, string expected, string network)
    {
        var cidr = Ipv4Cidr.Parse(text, "IPAddress", 32);
        Assert.Equal(expected, cidr.ToString());
        Assert.Equal(network, cidr.Network.ToString());
    }

    [Theory]
    [InlineData("192.168.15.2/33", "InvalidPrefixLength")]
    [InlineData("192.168.15.2/-1", "InvalidPrefixLength")]
    [InlineData("192.168.15.2/", "InvalidPrefixLength")]
    [InlineData("192.168.15.2/024", "InvalidPrefixLength")]
    [InlineData("192.168.15/24", "InvalidIPAddress")]
    [InlineData("256.1.1.1", "InvalidIPAddress")]
    [InlineData("010.1.1.1", "InvalidIPAddress")]
    [InlineData("1.2.3.4.5", "InvalidIPAddress")]
    [InlineData("red;touch /tmp/pwned", "InvalidIPAddress")]
    [InlineData("fd00::1/64", "IPv6NotSupported")]
    [InlineData("::1", "IPv6NotSupported")]
    [InlineData("", "InvalidIPAddress")]
    [InlineData(" 10.0.0.1", "InvalidIPAddress")]
    [InlineData("10.0.0.1\n", "InvalidIPAddress")]
    [InlineData("10.0.0.1/24\n", "InvalidPrefixLength")]
    [InlineData("\u0661\u0669\u0662.168.15.9/24", "InvalidIPAddress")]
    [InlineData("192.168.15.9/\u0662\u0664", "InvalidPrefixLength")]
    public void Parse_Invalid_NamesTheValue(string text, string errorId)
    {
        var e = Assert.Throws<NetNsException>(() => Ipv4Cidr.Parse(text, "IPAddress", 32));
        Assert.Equal(errorId, e.ErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, e.Category);
        Assert.Contains("IPAddress", e.Message);
    }

    [Fact]
    public void Parse_WithoutPrefix_WhenRequired_IsAnError() =>
        Assert.Equal("InvalidPrefix", Assert.Throws<NetNsException>(() => Ipv4Cidr.Parse("10.0.0.1", "IPAddress", null)).ErrorId);

    [Theory]
    [InlineData("default", "0.0.0.0/0", "default")]
    [InlineData("DEFAULT", "0.0.0.0/0", "default")]
    [InlineData("192.168.15.0/24", "192.168.15.0/24", "192.168.15.0/24")]
    [InlineData("10.9.8.7", "10.9.8.7/32", "10.9.8.7")]
    public void ParseNetwork_Valid(string text, string expected, string routeForm)
    {
        var network = Ipv4Cidr.ParseNetwork(text, "DestinationPrefix");
        Assert.Equal(expected, network.ToString());
        Assert.Equal(routeForm, network.ToRouteDestination());
    }

    [Fact]
    public void ParseNetwork_HostBitsSet_NamesTheNetwork()
    {
        var e = Assert.Throws<NetNsException>(() => Ipv4Cidr.ParseNetwork("192.168.15.2/24", "SourcePrefix"));
        Assert.Equal("HostBitsSet", e.ErrorId);
        Assert.Contains("192.168.15.0/24", e.Message);
    }

    [Fact]
    public void Contains_And_Broadcast()
    {
        var net = Ipv4Cidr.Parse("192.168.15.0/24", "x", null);
        Assert.True(net.Contains(Ipv4Cidr.ParseAddress("192.168.15.200", "x")));
        Assert.False(net.Contains(Ipv4Cidr.ParseAddress("192.168.16.1", "x")));
        Assert.Equal("192.168.15.255", Ipv4Cidr.Format(net.BroadcastAddress));
    }

    [Theory]
    [InlineData("\u001b[2J192.168.15.9/24", "\\u001b[2J192.168.15.9")]
    [InlineData("192.168.15.9/2\u001b[0m4", "\\u001b[0m4")]
    [InlineData("10.0.0.1\n", "10.0.0.1\\u000a")]
    public void Parse_Invalid_ShowsControlCharactersEscaped(string text, string shown)
    {
        var e = Assert.Throws<NetNsException>(() => Ipv4Cidr.Parse(text, "IPAddress", 32));
        Assert.Contains(shown, e.Message);
        Assert.DoesNotMatch(@"\p{Cc}", e.Message);
    }

    [Theory]
    [InlineData("$(touch /tmp/netnsps-pwned)", "InvalidIPAddress")]
    [InlineData("fd00::9/64", "IPv6NotSupported")]
    public void Parse_Invalid_NamesTheWholeValue_NotOnlyThePartBeforeTheSlash(string text, string errorId)
    {
        var e = Assert.Throws<NetNsException>(() => Ipv4Cidr.Parse(text, "IPAddress", 32));
        Assert.Equal(errorId, e.ErrorId);
        Assert.Contains($"'{text}'", e.Message);
        Assert.Equal(text, e.Target);
    }
}
