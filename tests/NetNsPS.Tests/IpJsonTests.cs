using System.Linq;
using System.Net;
using System.Net.Sockets;
using NetNsPS.Linux;
using Xunit;

namespace NetNsPS.Tests;

/// <summary>Parsing of real `ip -d -j addr show` and `ip -j route show` output (iproute2 6.1, trimmed).</summary>
public class IpJsonTests
{
    private const string HostLinks = """
        [{"ifindex":1,"ifname":"lo","flags":["LOOPBACK"],"mtu":65536,"operstate":"DOWN","address":"00:00:00:00:00:00","addr_info":[]},
         {"ifindex":2,"ifname":"bridge0","flags":["NO-CARRIER","BROADCAST","MULTICAST","UP"],"mtu":1500,"operstate":"DOWN","address":"2e:3a:e0:a4:f5:0d",
          "linkinfo":{"info_kind":"bridge","info_data":{"stp_state":0,"nf_call_iptables":0}},
          "addr_info":[{"family":"inet","local":"192.168.15.1","prefixlen":24,"scope":"global","label":"bridge0"}]},
         {"ifindex":3,"link_index":4,"ifname":"veth-red-br","flags":["BROADCAST","MULTICAST"],"mtu":1500,"master":"bridge0","operstate":"DOWN",
          "address":"2e:3a:e0:a4:f5:0d","link_netnsid":0,
          "linkinfo":{"info_kind":"veth","info_slave_kind":"bridge","info_slave_data":{"state":"disabled","hairpin":true,"learning":true}},
          "addr_info":[]}]
        """;

    private const string RedLinks = """
        [{"ifindex":4,"link_index":3,"ifname":"veth-red","flags":["NO-CARRIER","BROADCAST","MULTICAST","UP"],"mtu":1500,"operstate":"LOWERLAYERDOWN",
          "address":"0e:73:85:9d:ab:5a","link_netnsid":0,"linkinfo":{"info_kind":"veth"},
          "addr_info":[{"family":"inet","local":"192.168.15.2","prefixlen":24,"scope":"global"},{"family":"inet6","local":"fe80::c73:85ff:fe9d:ab5a","prefixlen":64,"scope":"link"}]}]
        """;

    [Fact]
    public void ParseLinks_Host()
    {
        var links = IpJson.ParseLinks(HostLinks);
        Assert.Equal(new[] { "lo", "bridge0", "veth-red-br" }, links.Select(l => l.Name));
        var bridge = links[1];
        Assert.True(bridge.IsBridge);
        Assert.True(bridge.IsUp);
        Assert.Equal("192.168.15.1/24", Assert.Single(bridge.Ipv4Addresses).Cidr);
        // "NO-CARRIER" is no flag of its own: up without lower-up.
        Assert.Equal(LinkFlags.Broadcast | LinkFlags.Multicast | LinkFlags.Up, bridge.Flags);
        Assert.Equal(LinkFlags.Loopback, links[0].Flags);
        Assert.False(links[0].IsUp);
        var port = links[2];
        Assert.True(port.IsVeth);
        Assert.False(port.IsUp);
        Assert.Equal("bridge0", port.Master);
        Assert.Equal(4, port.PeerIndex);
        Assert.Equal(0, port.PeerNetnsId);
        Assert.True(port.Hairpin);
        Assert.Equal("bridge", port.SlaveKind);
    }

    [Fact]
    public void ParseLinks_Namespace_KeepsOnlyIpv4InIpv4Addresses()
    {
        var red = Assert.Single(IpJson.ParseLinks(RedLinks));
        Assert.Equal("LOWERLAYERDOWN", red.OperState);
        Assert.Equal(2, red.Addresses.Count);
        Assert.Equal(new AddressRecord(AddressFamily.InterNetwork, IPAddress.Parse("192.168.15.2"), 24, "global"), red.Addresses[0]);
        Assert.Equal(new AddressRecord(AddressFamily.InterNetworkV6, IPAddress.Parse("fe80::c73:85ff:fe9d:ab5a"), 64, "link"), red.Addresses[1]);
        Assert.Equal("192.168.15.2/24", Assert.Single(red.Ipv4Addresses).Cidr);
        Assert.Null(red.Hairpin);
    }

    [Fact]
    public void ParseRoutes_DefaultAndScopeLink()
    {
        var routes = IpJson.ParseRoutes("""
            [{"dst":"default","gateway":"192.168.15.1","dev":"veth-red","flags":["linkdown"]},
             {"dst":"192.168.15.0/24","dev":"veth-red","protocol":"kernel","scope":"link","prefsrc":"192.168.15.2","flags":["linkdown"]},
             {"dst":"10.1.2.3","gateway":"192.168.15.1","dev":"veth-red"}]
            """);
        Assert.Equal(IpPrefix.Default(AddressFamily.InterNetwork), routes[0].Destination);
        Assert.True(routes[0].IsDefault);
        Assert.Equal("0.0.0.0/0", routes[0].Destination.ToString());
        Assert.Equal(IPAddress.Parse("192.168.15.1"), routes[0].Gateway);
        Assert.Equal("192.168.15.0/24", routes[1].Destination.ToString());
        Assert.Equal("link", routes[1].Scope);
        Assert.Equal("kernel", routes[1].Protocol);
        Assert.Equal(IPAddress.Parse("192.168.15.2"), routes[1].PreferredSource);
        Assert.Null(routes[1].Gateway);
        Assert.Equal("10.1.2.3/32", routes[2].Destination.ToString());
        Assert.Equal("10.1.2.3", routes[2].Destination.ToRouteDestination());
    }

    [Fact]
    public void ParseRoutes_Ipv6_DefaultIsColonColonSlashZero_AndBareAddressesAre128()
    {
        var routes = IpJson.ParseRoutes("""
            [{"dst":"default","gateway":"fe80::1","dev":"veth-red","protocol":"static"},
             {"dst":"fd00:1::/64","dev":"veth-red","protocol":"kernel","prefsrc":"fd00:1::2"},
             {"dst":"fd00:9::9","gateway":"fe80::1","dev":"veth-red"}]
            """, AddressFamily.InterNetworkV6);
        Assert.Equal("::/0", routes[0].Destination.ToString());
        Assert.Equal(IPAddress.Parse("fe80::1"), routes[0].Gateway);
        Assert.Equal(new IpPrefix(IPAddress.Parse("fd00:1::"), 64), routes[1].Destination);
        Assert.Equal(IPAddress.Parse("fd00:1::2"), routes[1].PreferredSource);
        Assert.Equal("fd00:9::9/128", routes[2].Destination.ToString());
        Assert.Equal("fd00:9::9", routes[2].Destination.ToRouteDestination());
    }

    [Theory]
    [InlineData("""[{"dst":"10.0.0.0/33","dev":"eth0"}]""")]
    [InlineData("""[{"dst":"not-an-address","dev":"eth0"}]""")]
    [InlineData("""[{"dst":"default","gateway":"eth0","dev":"eth0"}]""")]
    public void ParseRoutes_UnreadableAddress_IsAParserError(string json) =>
        Assert.Equal("IpJsonUnreadable", Assert.Throws<NetNsException>(() => IpJson.ParseRoutes(json)).ErrorId);

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("[]")]
    public void Empty_IsNoRecords(string json) => Assert.Empty(IpJson.ParseLinks(json));

    [Fact]
    public void Garbage_IsAParserError()
    {
        var e = Assert.Throws<NetNsException>(() => IpJson.ParseLinks("Device \"x\" does not exist."));
        Assert.Equal("IpJsonUnreadable", e.ErrorId);
    }
}
