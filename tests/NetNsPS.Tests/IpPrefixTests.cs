using System;
using System.Management.Automation;
using System.Net;
using System.Net.Sockets;
using NetNsPS.Linux;
using Xunit;

namespace NetNsPS.Tests;

/// <summary>IPv4 exactly as before (what the cmdlets accept today), and IPv6 as it parses once the cmdlets accept it.</summary>
public class IpPrefixTests
{
    [Theory]
    [InlineData("192.168.15.2/24", "192.168.15.2/24", "192.168.15.0/24")]
    [InlineData("10.0.0.1", "10.0.0.1/32", "10.0.0.1/32")]
    [InlineData("0.0.0.0/0", "0.0.0.0/0", "0.0.0.0/0")]
    [InlineData("255.255.255.255/32", "255.255.255.255/32", "255.255.255.255/32")]
    public void Parse_Valid(string text, string expected, string network)
    {
        var cidr = IpPrefix.Parse(text, "IPAddress", IpPrefix.HostLength);
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
    [InlineData("fd00::1/129", "InvalidPrefixLength")]
    [InlineData("::1%lo", "InvalidIPAddress")]
    [InlineData("", "InvalidIPAddress")]
    [InlineData(" 10.0.0.1", "InvalidIPAddress")]
    [InlineData("10.0.0.1\n", "InvalidIPAddress")]
    [InlineData("10.0.0.1/24\n", "InvalidPrefixLength")]
    [InlineData("\u0661\u0669\u0662.168.15.9/24", "InvalidIPAddress")]
    [InlineData("192.168.15.9/\u0662\u0664", "InvalidPrefixLength")]
    public void Parse_Invalid_NamesTheValue(string text, string errorId)
    {
        var e = Assert.Throws<NetNsException>(() => IpPrefix.Parse(text, "IPAddress", IpPrefix.HostLength));
        Assert.Equal(errorId, e.ErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, e.Category);
        Assert.Contains("IPAddress", e.Message);
    }

    [Fact]
    public void Parse_WithoutPrefix_WhenRequired_IsAnError() =>
        Assert.Equal("InvalidPrefix", Assert.Throws<NetNsException>(() => IpPrefix.Parse("10.0.0.1", "IPAddress", null)).ErrorId);

    [Theory]
    [InlineData("default", "0.0.0.0/0", "default")]
    [InlineData("DEFAULT", "0.0.0.0/0", "default")]
    [InlineData("192.168.15.0/24", "192.168.15.0/24", "192.168.15.0/24")]
    [InlineData("10.9.8.7", "10.9.8.7/32", "10.9.8.7")]
    public void ParseNetwork_Valid(string text, string expected, string routeForm)
    {
        var network = IpPrefix.ParseNetwork(text, "DestinationPrefix");
        Assert.Equal(expected, network.ToString());
        Assert.Equal(routeForm, network.ToRouteDestination());
    }

    [Fact]
    public void ParseNetwork_HostBitsSet_NamesTheNetwork()
    {
        var e = Assert.Throws<NetNsException>(() => IpPrefix.ParseNetwork("192.168.15.2/24", "SourcePrefix"));
        Assert.Equal("HostBitsSet", e.ErrorId);
        Assert.Contains("192.168.15.0/24", e.Message);
    }

    [Fact]
    public void Contains_And_Broadcast()
    {
        var net = IpPrefix.Parse("192.168.15.0/24", "x", null);
        Assert.True(net.Contains(IpPrefix.ParseAddress("192.168.15.200", "x")));
        Assert.False(net.Contains(IpPrefix.ParseAddress("192.168.16.1", "x")));
        Assert.Equal("192.168.15.255", net.BroadcastAddress!.ToString());
        Assert.False(net.Contains(IpPrefix.ParseAddress("fd00::1", "x", IpFamilies.Any)));
    }

    [Theory]
    [InlineData("\u001b[2J192.168.15.9/24", "\\u001b[2J192.168.15.9")]
    [InlineData("192.168.15.9/2\u001b[0m4", "\\u001b[0m4")]
    [InlineData("10.0.0.1\n", "10.0.0.1\\u000a")]
    public void Parse_Invalid_ShowsControlCharactersEscaped(string text, string shown)
    {
        var e = Assert.Throws<NetNsException>(() => IpPrefix.Parse(text, "IPAddress", IpPrefix.HostLength));
        Assert.Contains(shown, e.Message);
        Assert.DoesNotMatch(@"\p{Cc}", e.Message);
    }

    [Theory]
    [InlineData("$(touch /tmp/netnsps-pwned)", "InvalidIPAddress")]
    [InlineData("fd00::9%eth0/64", "InvalidIPAddress")]
    public void Parse_Invalid_NamesTheWholeValue_NotOnlyThePartBeforeTheSlash(string text, string errorId)
    {
        var e = Assert.Throws<NetNsException>(() => IpPrefix.Parse(text, "IPAddress", IpPrefix.HostLength));
        Assert.Equal(errorId, e.ErrorId);
        Assert.Contains($"'{text}'", e.Message);
        Assert.Equal(text, e.Target);
    }

    [Fact]
    public void Parse_Ipv4_WithAnExplicitDefaultPrefix_KeepsIt()
    {
        Assert.Equal("10.0.0.1/32", IpPrefix.Parse("10.0.0.1", "IPAddress", 32).ToString());
        Assert.Equal("10.0.0.1/24", IpPrefix.Parse("10.0.0.1", "IPAddress", 24).ToString());
    }

    [Fact]
    public void Parse_ErrorMessages_NameBothFamilies()
    {
        Assert.Equal("IPAddress '10.1' is not a valid IP address: use four numbers 0-255 separated by dots, such as 192.168.15.2, or hex groups separated by colons, such as fd00::2 (no zone id, brackets or port).",
            Assert.Throws<NetNsException>(() => IpPrefix.Parse("10.1", "IPAddress", null)).Message);
        Assert.Equal("IPAddress is empty: give an address such as 192.168.15.2/24 or fd00::2/64.",
            Assert.Throws<NetNsException>(() => IpPrefix.Parse("", "IPAddress", null)).Message);
        Assert.Equal("IPAddress '10.0.0.1/33' has an invalid prefix length '33': use a number from 0 to 32.",
            Assert.Throws<NetNsException>(() => IpPrefix.Parse("10.0.0.1/33", "IPAddress", null)).Message);
        Assert.Equal("IPAddress 'fd00::9/129' has an invalid prefix length '129': use a number from 0 to 128.",
            Assert.Throws<NetNsException>(() => IpPrefix.Parse("fd00::9/129", "IPAddress", null)).Message);
        Assert.Equal("IPAddress '10.0.0.1' has no prefix length: write it as a.b.c.d/len, such as 192.168.15.0/24.",
            Assert.Throws<NetNsException>(() => IpPrefix.Parse("10.0.0.1", "IPAddress", null)).Message);
        Assert.Equal("SourcePrefix '192.168.15.2/24' has host bits set; the network is 192.168.15.0/24.",
            Assert.Throws<NetNsException>(() => IpPrefix.ParseNetwork("192.168.15.2/24", "SourcePrefix")).Message);
        Assert.Equal("SourcePrefix '2001:db8:15::2/64' has host bits set; the network is 2001:db8:15::/64.",
            Assert.Throws<NetNsException>(() => IpPrefix.ParseNetwork("2001:db8:15::2/64", "SourcePrefix")).Message);
    }

    [Theory]
    [InlineData("fe80::1%eth0")]
    [InlineData("[::1]")]
    [InlineData("[2001:db8::1]:80")]
    public void ParseAddress_ZoneIdsBracketsAndPorts_AreInvalid(string text) =>
        Assert.Equal("InvalidIPAddress", Assert.Throws<NetNsException>(() => IpPrefix.ParseAddress(text, "NextHop")).ErrorId);

    [Fact]
    public void Supported_IsBothFamilies() => Assert.Equal(IpFamilies.Any, IpPrefix.Supported);

    [Fact]
    public void ParseNetwork_Default_IsOfTheFamilyAsked()
    {
        Assert.Equal("0.0.0.0/0", IpPrefix.ParseNetwork("default", "DestinationPrefix").ToString());
        Assert.Equal("::/0", IpPrefix.ParseNetwork("default", "DestinationPrefix", defaultFamily: AddressFamily.InterNetworkV6).ToString());
    }

    [Fact]
    public void RequireSameFamily_NamesBoth()
    {
        var e = Assert.Throws<NetNsException>(() => IpPrefix.RequireSameFamily(IpPrefix.ParseNetwork("10.0.0.0/8", "DestinationPrefix"), "DestinationPrefix",
            IpPrefix.ParseAddress("2001:db8::1", "NextHop"), "NextHop"));
        Assert.Equal("AddressFamilyMismatch", e.ErrorId);
        Assert.Contains("IPv6", e.Message);
        Assert.Contains("IPv4", e.Message);
    }

    [Theory]
    [InlineData("fd00::2/64", "fd00::2/64", "fd00::/64")]
    [InlineData("FD00:0:0:0:0:0:0:2/64", "fd00::2/64", "fd00::/64")]
    [InlineData("2001:db8:0:0:1:0:0:1/48", "2001:db8::1:0:0:1/48", "2001:db8::/48")]   // RFC 5952: the first of equal runs
    [InlineData("fd00::2", "fd00::2/128", "fd00::2/128")]
    [InlineData("::/0", "::/0", "::/0")]
    [InlineData("::1", "::1/128", "::1/128")]
    [InlineData("::ffff:192.0.2.1/96", "::ffff:192.0.2.1/96", "::ffff:0:0/96")]
    [InlineData("2001:db8::ff/121", "2001:db8::ff/121", "2001:db8::80/121")]
    public void Parse_Ipv6_Valid(string text, string expected, string network)
    {
        var prefix = IpPrefix.Parse(text, "IPAddress", IpPrefix.HostLength, IpFamilies.Any);
        Assert.Equal(AddressFamily.InterNetworkV6, prefix.Family);
        Assert.Equal(128, prefix.MaxLength);
        Assert.Equal(expected, prefix.ToString());
        Assert.Equal(network, prefix.Network.ToString());
    }

    [Theory]
    [InlineData("fe80::1%eth0", "InvalidIPAddress", "zone id ('%eth0')")]
    [InlineData("fe80::1%2/64", "InvalidIPAddress", "zone id ('%2')")]
    [InlineData("fd00::2/129", "InvalidPrefixLength", "0 to 128")]
    [InlineData("fd00::2/064", "InvalidPrefixLength", "0 to 128")]
    [InlineData("fd00::2/", "InvalidPrefixLength", "0 to 128")]
    [InlineData("[fd00::2]", "InvalidIPAddress", "not a valid IP address")]
    [InlineData("[fd00::2]:80", "InvalidIPAddress", "not a valid IP address")]
    [InlineData("fd00::2\n", "InvalidIPAddress", "not a valid IP address")]
    [InlineData(" fd00::2", "InvalidIPAddress", "not a valid IP address")]
    [InlineData("fd00:::2", "InvalidIPAddress", "not a valid IP address")]
    [InlineData("fd00::2::3", "InvalidIPAddress", "not a valid IP address")]
    [InlineData("12345::", "InvalidIPAddress", "not a valid IP address")]
    [InlineData("1:2:3:4:5:6:7:8:9", "InvalidIPAddress", "not a valid IP address")]
    [InlineData("fd00::\u0662", "InvalidIPAddress", "not a valid IP address")]
    [InlineData("::ffff:010.0.0.1", "InvalidIPAddress", "not a valid IP address")]
    [InlineData("::ffff:10.1", "InvalidIPAddress", "not a valid IP address")]
    [InlineData("1.2.3.4::", "InvalidIPAddress", "not a valid IP address")]
    public void Parse_Ipv6_Invalid_NamesTheValue(string text, string errorId, string says)
    {
        text = System.Text.RegularExpressions.Regex.Unescape(text);
        var e = Assert.Throws<NetNsException>(() => IpPrefix.Parse(text, "IPAddress", IpPrefix.HostLength, IpFamilies.Any));
        Assert.Equal(errorId, e.ErrorId);
        Assert.Equal(ErrorCategory.InvalidArgument, e.Category);
        Assert.Contains(says, e.Message);
        Assert.Equal(text, e.Target);
        Assert.DoesNotMatch(@"\p{Cc}", e.Message);
    }

    [Fact]
    public void Parse_Ipv6_WithoutPrefix_WhenRequired_SaysHowToWriteIt()
    {
        var e = Assert.Throws<NetNsException>(() => IpPrefix.Parse("fd00::1", "IPAddress", null, IpFamilies.Any));
        Assert.Equal("InvalidPrefix", e.ErrorId);
        Assert.Contains("fd00::/64", e.Message);
    }

    [Fact]
    public void Parse_BothFamilies_StillParsesIpv4Strictly()
    {
        Assert.Equal("192.168.15.2/24", IpPrefix.Parse("192.168.15.2/24", "IPAddress", null, IpFamilies.Any).ToString());
        var e = Assert.Throws<NetNsException>(() => IpPrefix.Parse("010.1.1.1/8", "IPAddress", null, IpFamilies.Any));
        Assert.Equal("InvalidIPAddress", e.ErrorId);
        Assert.Contains("four numbers 0-255", e.Message);
        Assert.Contains("fd00::2", e.Message);
        Assert.Equal("InvalidPrefixLength", Assert.Throws<NetNsException>(() => IpPrefix.Parse("10.0.0.1/33", "IPAddress", null, IpFamilies.Any)).ErrorId);
    }

    [Theory]
    [InlineData("::/0", "::/0", "default")]
    [InlineData("fd00:1::/64", "fd00:1::/64", "fd00:1::/64")]
    [InlineData("fd00::9", "fd00::9/128", "fd00::9")]
    public void ParseNetwork_Ipv6(string text, string expected, string routeForm)
    {
        var network = IpPrefix.ParseNetwork(text, "DestinationPrefix", IpFamilies.Any);
        Assert.Equal(expected, network.ToString());
        Assert.Equal(routeForm, network.ToRouteDestination());
    }

    [Fact]
    public void ParseNetwork_Ipv6_HostBitsSet_NamesTheNetwork()
    {
        var e = Assert.Throws<NetNsException>(() => IpPrefix.ParseNetwork("fd00:1::5/64", "DestinationPrefix", IpFamilies.Any));
        Assert.Equal("HostBitsSet", e.ErrorId);
        Assert.Contains("the network is fd00:1::/64", e.Message);
    }

    [Fact]
    public void RequireSameFamily_RefusesAnIpv6NextHopForAnIpv4Destination_AndTheReverse()
    {
        var v4 = IpPrefix.ParseNetwork("10.0.0.0/8", "DestinationPrefix");
        var v6 = IpPrefix.ParseNetwork("fd00::/8", "DestinationPrefix", IpFamilies.Any);
        IpPrefix.RequireSameFamily(v4, "DestinationPrefix", IPAddress.Parse("192.168.15.1"), "NextHop");
        IpPrefix.RequireSameFamily(v6, "DestinationPrefix", IPAddress.Parse("fe80::1"), "NextHop");
        var e = Assert.Throws<NetNsException>(() => IpPrefix.RequireSameFamily(v4, "DestinationPrefix", IPAddress.Parse("fe80::1"), "NextHop"));
        Assert.Equal("AddressFamilyMismatch", e.ErrorId);
        Assert.Equal("NextHop 'fe80::1' is an IPv6 address but DestinationPrefix '10.0.0.0/8' is IPv4: a route's next hop must be of its destination's family.", e.Message);
        Assert.Equal("AddressFamilyMismatch",
            Assert.Throws<NetNsException>(() => IpPrefix.RequireSameFamily(v6, "DestinationPrefix", IPAddress.Parse("192.168.15.1"), "NextHop")).ErrorId);
    }

    [Theory]
    [InlineData("192.168.15.0/24", "the network address", "192.168.15.1")]
    [InlineData("192.168.15.255/24", "the broadcast address", "192.168.15.1")]
    [InlineData("10.0.0.0/31", null, "10.0.0.1")]
    [InlineData("10.0.0.1/32", null, "10.0.0.2")]
    [InlineData("192.168.15.2/24", null, "192.168.15.1")]
    [InlineData("fd00::/64", null, "fd00::1")]
    [InlineData("fd00::ffff:ffff:ffff:ffff/64", null, "fd00::1")]
    public void ReservedAddressKind_IsIpv4sNetworkAndBroadcastOnly(string text, string? kind, string firstHost)
    {
        var prefix = IpPrefix.Parse(text, "IPAddress", null, IpFamilies.Any);
        Assert.Equal(kind, prefix.ReservedAddressKind);
        Assert.Equal(IPAddress.Parse(firstHost), prefix.FirstHostAddress);
    }

    [Fact]
    public void Broadcast_IsIpv4Only_LastAddressIsBoth()
    {
        var v6 = IpPrefix.Parse("fd00::/120", "x", null, IpFamilies.Any);
        Assert.Null(v6.BroadcastAddress);
        Assert.Equal(IPAddress.Parse("fd00::ff"), v6.LastAddress);
        Assert.True(v6.Contains(IPAddress.Parse("fd00::42")));
        Assert.False(v6.Contains(IPAddress.Parse("fd00::1:0")));
        Assert.False(v6.Contains(IPAddress.Parse("0.0.0.66")));
        Assert.True(IpPrefix.Default(AddressFamily.InterNetworkV6).Contains(IPAddress.Parse("2001:db8::1")));
        Assert.False(IpPrefix.Default(AddressFamily.InterNetworkV6).Contains(IPAddress.Parse("10.0.0.1")));
        Assert.True(IpPrefix.Default(AddressFamily.InterNetwork).Contains(IPAddress.Parse("10.0.0.1")));
    }

    [Fact]
    public void Equality_IsByValue()
    {
        Assert.Equal(IpPrefix.Parse("10.0.0.0/8", "x", null), new IpPrefix(IPAddress.Parse("10.0.0.0"), 8));
        Assert.NotEqual(IpPrefix.Parse("10.0.0.0/8", "x", null), new IpPrefix(IPAddress.Parse("10.0.0.0"), 16));
        Assert.Equal(IpPrefix.ParseNetwork("default", "x"), IpPrefix.Default(AddressFamily.InterNetwork));
        Assert.NotEqual(IpPrefix.Default(AddressFamily.InterNetwork), IpPrefix.Default(AddressFamily.InterNetworkV6));
    }

    [Fact]
    public void Constructor_RefusesALengthBeyondTheFamily_AndAZoneId()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new IpPrefix(IPAddress.Parse("10.0.0.0"), 33));
        Assert.Throws<ArgumentOutOfRangeException>(() => new IpPrefix(IPAddress.Parse("fd00::"), 129));
        Assert.Throws<ArgumentException>(() => new IpPrefix(IPAddress.Parse("fe80::1%2"), 64));
    }

    [Theory]
    [InlineData("10.0.0.255", 1, "10.0.1.0")]
    [InlineData("10.0.0.1", -1, "10.0.0.0")]
    [InlineData("255.255.255.255", 1, null)]
    [InlineData("0.0.0.0", -1, null)]
    [InlineData("fd00::ffff", 1, "fd00::1:0")]
    [InlineData("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 1, null)]
    [InlineData("::", -1, null)]
    public void Offset_StaysInTheFamily(string address, long offset, string? expected) =>
        Assert.Equal(expected is null ? null : IPAddress.Parse(expected), IpAddressMath.Offset(IPAddress.Parse(address), offset));
}
