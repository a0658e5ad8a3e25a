using System.Net;
using NetNsPS.Linux;
using Xunit;

namespace NetNsPS.Tests;

/// <summary>Every command the foundation builds, compared with the article's own lines.</summary>
public class IpCommandTests
{
    [Fact]
    public void ArticleCommands()
    {
        Assert.Equal("ip netns add red", Ip.AddNamespace("red").Render());
        Assert.Equal("ip link add bridge0 type bridge", Ip.AddBridge("bridge0").Render());
        Assert.Equal("ip link set veth-red netns red", Ip.MoveToNamespace(null, "veth-red", "red").Render());
        Assert.Equal("ip link set veth-red-br master bridge0", Ip.SetMaster("veth-red-br", "bridge0").Render());
        Assert.Equal("ip -n red link set veth-red up", Ip.SetUp("red", "veth-red").Render());
        Assert.Equal("ip link set veth-red-br up", Ip.SetUp(null, "veth-red-br").Render());
        Assert.Equal("ip -n red addr add 192.168.15.2/24 dev veth-red",
            Ip.AddAddress("red", IpPrefix.Parse("192.168.15.2/24", "x", null), "veth-red").Render());
        Assert.Equal("ip addr add 192.168.15.1/24 dev bridge0",
            Ip.AddAddress(null, IpPrefix.Parse("192.168.15.1/24", "x", null), "bridge0").Render());
        Assert.Equal("ip -n red route add default via 192.168.15.1 dev veth-red",
            Ip.AddRoute("red", IpPrefix.ParseNetwork("default", "x"), IPAddress.Parse("192.168.15.1"), "veth-red").Render());
        Assert.Equal("ip link set veth-red-br type bridge_slave hairpin on", Ip.SetHairpin("veth-red-br", true).Render());
    }

    [Fact]
    public void RouteDestinations_UseTheKernelsForms()
    {
        Assert.Equal("ip route add 10.0.0.0/8 via 192.168.15.1", Ip.AddRoute(null, IpPrefix.ParseNetwork("10.0.0.0/8", "x"), IPAddress.Parse("192.168.15.1"), null).Render());
        Assert.Equal("ip route del 10.1.2.3 via 192.168.15.1", Ip.DeleteRoute(null, IpPrefix.ParseNetwork("10.1.2.3", "x"), IPAddress.Parse("192.168.15.1"), null).Render());
    }

    [Theory]
    [InlineData("a", "ip link add name a netns red type veth peer name b")]
    [InlineData("address", "ip link add name address netns red type veth peer name b")]
    [InlineData("veth0", "ip link add veth0 netns red type veth peer name b")]
    public void KeywordLikeNames_GetAnExplicitKeyword(string name, string expected) =>
        Assert.Equal(expected, Ip.AddVethInNamespace(name, "red", "b").Render());

    [Fact]
    public void KeywordLikeDevices_GetDev()
    {
        Assert.Equal("ip link set dev lo up", Ip.SetUp(null, "lo").Render());
        Assert.Equal("ip -n red link delete dev mtu", Ip.DeleteLink("red", "mtu").Render());
        Assert.Equal("ip link set dev bridge master br0", Ip.SetMaster("bridge", "br0").Render());
    }

    [Fact]
    public void Reads_UseJson() =>
        Assert.Equal("ip -n red -d -j addr show", Ip.ShowLinks("red").Render());
}
