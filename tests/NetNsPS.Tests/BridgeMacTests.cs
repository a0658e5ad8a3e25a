using System;
using System.Globalization;
using NetNsPS.Linux;
using Xunit;

namespace NetNsPS.Tests;

public class BridgeMacTests
{
    [Theory]
    [InlineData("bridge0")]
    [InlineData("br-lab.1")]
    public void IsAUnicastLocallyAdministeredMac_StablePerName(string bridge)
    {
        var mac = BridgeMac.For(bridge);
        Assert.Matches("^([0-9a-f]{2}:){5}[0-9a-f]{2}$", mac);
        var first = byte.Parse(mac[..2], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        Assert.Equal(0, first & 0x01);   // unicast
        Assert.Equal(2, first & 0x02);   // locally administered
        Assert.Equal(mac, BridgeMac.For(bridge));
        Assert.NotEqual(mac, BridgeMac.For(bridge + "x"));
    }

    [Fact]
    public void NewNetBridge_PlansItsOwnMac_BetweenCreateAndUp()
    {
        Assert.Equal($"ip link set bridge0 address {BridgeMac.For("bridge0")}", Ip.SetMacAddress("bridge0", BridgeMac.For("bridge0")).Render());
    }
}
