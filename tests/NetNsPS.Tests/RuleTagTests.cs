using System.Linq;
using System.Management.Automation;
using System.Net;
using NetNsPS.Linux.Firewall;
using NetNsPS.Linux.Firewall.Iptables;
using Xunit;

namespace NetNsPS.Tests;

/// <summary>The one format and parser of rule identities and DNAT targets, and the one choice of firewall driver.</summary>
public class RuleTagTests
{
    [Fact]
    public void IPv4Tags_AreWrittenExactlyAsBefore()
    {
        var key = new PortKey(NsProtocol.Tcp, IPAddress.Any, 8080, "red", "bridge0");
        Assert.Equal("netnsps:port:tcp:0.0.0.0:8080:red:bridge0:dnat", RuleTag.ForPort(key, "dnat").ToString());
        Assert.Equal("netnsps:masq:bridge0", RuleTag.Masquerade("bridge0").ToString());
        Assert.Equal("netnsps:masq:bridge0:out", RuleTag.Masquerade("bridge0", "out").ToString());
        Assert.Equal("netnsps:localnet:bridge0:guard", RuleTag.Localnet("bridge0", "guard").ToString());
        Assert.Equal("netnsps:bridge:bridge0:within", RuleTag.ForBridge("bridge0", "within").ToString());
    }

    [Fact]
    public void IPv6Addresses_GoInBrackets_AndComeBack()
    {
        var key = new PortKey(NsProtocol.Udp, IPAddress.Parse("2001:db8::1"), 53, "red", "bridge0");
        var tag = RuleTag.ForPort(key, "dnat");
        Assert.Equal("netnsps:port:udp:[2001:db8::1]:53:red:bridge0:dnat", tag.ToString());
        var back = RuleTag.Parse(tag.ToString())!;
        Assert.Equal(tag, back);
        Assert.Equal(key, back.Port);
        Assert.Equal("dnat", back.Role);
    }

    [Theory]
    [InlineData("")]
    [InlineData("netnsps")]
    [InlineData("docker:masq:bridge0")]
    [InlineData("netnsps:masq:")]
    [InlineData("netnsps:unknown:bridge0")]
    [InlineData("netnsps:bridge:bridge0")]
    [InlineData("netnsps:port:icmp:0.0.0.0:8080:red:bridge0:dnat")]
    [InlineData("netnsps:port:tcp:0.0.0.0:8080:red:bridge0")]
    [InlineData("netnsps:port:tcp:0.0.0.0:65536:red:bridge0:dnat")]
    [InlineData("netnsps:port:tcp:0.0.0.0:+80:red:bridge0:dnat")]
    [InlineData("netnsps:port:tcp:1.2.3:8080:red:bridge0:dnat")]
    [InlineData("netnsps:port:tcp:2001:db8::1:8080:red:bridge0:dnat")]
    [InlineData("netnsps:port:tcp:[2001:db8::1:8080:red:bridge0:dnat")]
    [InlineData("netnsps:port:tcp:[10.0.0.1]:8080:red:bridge0:dnat")]
    [InlineData("netnsps:port:tcp:0.0.0.0:8080:[red]:bridge0:dnat")]
    public void WhatTheModuleDidNotWrite_IsNoTag(string text) => Assert.Null(RuleTag.Parse(text));

    [Fact]
    public void MasqueradeAndLocalnetRoles_AreRead()
    {
        Assert.Equal((RuleKind.Masquerade, "bridge0", "reply"), Parts(RuleTag.Parse("netnsps:masq:bridge0:reply")!));
        Assert.Equal((RuleKind.Localnet, "br1", (string?)null), Parts(RuleTag.Parse("netnsps:localnet:br1")!));
        Assert.Equal((RuleKind.Bridge, "br-x.1", "reply"), Parts(RuleTag.Parse("netnsps:bridge:br-x.1:reply")!));
        static (RuleKind, string, string?) Parts(RuleTag t) => (t.Kind, t.Bridge, t.Role);
    }

    [Theory]
    [InlineData("192.168.15.2:80", "192.168.15.2", 80)]
    [InlineData("[2001:db8:15::2]:80", "2001:db8:15::2", 80)]
    public void DnatTargets_RoundTrip(string text, string address, int port)
    {
        var target = DnatTarget.Parse(text)!.Value;
        Assert.Equal(new DnatTarget(IPAddress.Parse(address), (ushort)port), target);
        Assert.Equal(text, target.ToString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("192.168.15.2")]
    [InlineData("192.168.15.2:80-90")]
    [InlineData("192.168.15.2-192.168.15.9:80")]
    [InlineData("2001:db8::2:80")]
    [InlineData(":80")]
    public void OtherDnatTargets_AreNotRead(string? text) => Assert.Null(DnatTarget.Parse(text));

    [Fact]
    public void TheDriverIsChosenByName_AnUnknownOneIsAClearError()
    {
        // Unset, empty or "auto": nftables where libnftables loads, else iptables.
        var auto = FirewallDrivers.IsAvailable("nftables") ? "nftables" : "iptables";
        Assert.Equal(auto, FirewallDrivers.AutoChoice);
        Assert.Equal(auto, FirewallDrivers.ForName(null).Name);
        Assert.Equal(auto, FirewallDrivers.ForName("").Name);
        Assert.Equal(auto, FirewallDrivers.ForName("Auto").Name);
        Assert.Same(IptablesDriver.Instance, FirewallDrivers.ForName("iptables"));
        if (FirewallDrivers.IsAvailable("nftables"))
        {
            Assert.Same(NetNsPS.Linux.Firewall.Nftables.NftablesDriver.Instance, FirewallDrivers.ForName("nftables"));
        }
        else
        {
            // Asked for by name where the library is missing: an error that names the Debian package.
            var missing = Assert.Throws<NetNsException>(() => FirewallDrivers.ForName("nftables"));
            Assert.Equal("LibraryNotFound", missing.ErrorId);
            Assert.Contains("apt-get install libnftables1", missing.Message);
        }
        Assert.Equal(new[] { "iptables", "nftables" }, FirewallDrivers.All.Select(d => d.Name));
        var e = Assert.Throws<NetNsException>(() => FirewallDrivers.ForName("nft"));
        Assert.Equal(("UnknownFirewallDriver", ErrorCategory.InvalidArgument), (e.ErrorId, e.Category));
        Assert.Equal("NETNSPS_FIREWALL='nft' names no firewall driver NetNsPS has; use iptables or nftables, or auto (or leave it unset) for nftables where libnftables is installed, else iptables.", e.Message);
        Assert.False(FirewallDrivers.IsAvailable("nft"));
    }
}
