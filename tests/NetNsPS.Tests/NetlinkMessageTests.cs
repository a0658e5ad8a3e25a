using System;
using System.Buffers.Binary;
using System.Linq;
using NetNsPS.Linux;
using NetNsPS.Linux.Netlink;
using Xunit;

namespace NetNsPS.Tests;

/// <summary>rtnetlink messages byte by byte (no kernel needed): what `ip link add veth-red type veth peer name veth-red-br` sends.</summary>
public class NetlinkMessageTests
{
    [Fact]
    public void Header_CarriesLengthTypeFlagsAndSequence()
    {
        var bytes = new NetlinkMessage(16, Uapi.NLM_F_REQUEST | Uapi.NLM_F_ACK, NetlinkMessage.InterfaceInfo()).ToArray(7);
        Assert.Equal(32, bytes.Length);
        Assert.Equal(32u, BinaryPrimitives.ReadUInt32LittleEndian(bytes));
        Assert.Equal(16, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(4)));
        Assert.Equal(5, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(6)));
        Assert.Equal(7u, BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(8)));
    }

    [Fact]
    public void StringAttributes_AreNulTerminatedAndPadded()
    {
        var bytes = new NetlinkMessage(16, 1, NetlinkMessage.InterfaceInfo()).String(3, "veth-red").ToArray(1);
        // header 16 + ifinfomsg 16 + attribute (4 + "veth-red\0" = 13, padded to 16)
        Assert.Equal(48, bytes.Length);
        var attributes = new NetlinkAttributes(bytes.AsSpan(32));
        Assert.Equal("veth-red", attributes.String(3));
        Assert.Equal(13, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(32)));
    }

    [Fact]
    public void NestedAttributes_GetTheirTotalLength_AndReadBack()
    {
        var message = new NetlinkMessage(16, 1, NetlinkMessage.InterfaceInfo())
            .String(3, "veth-red")
            .BeginNested(18).String(1, "veth")
                .BeginNested(2).BeginNested(1).Raw(NetlinkMessage.InterfaceInfo()).String(3, "veth-red-br").EndNested().EndNested()
            .EndNested();
        var bytes = message.ToArray(1);
        var linkinfo = new NetlinkAttributes(bytes.AsSpan(32)).Nested(18);
        Assert.Equal("veth", linkinfo.String(1));
        var peer = linkinfo.Nested(2).Get(1, out var found);
        Assert.True(found);
        Assert.Equal("veth-red-br", new NetlinkAttributes(peer[16..]).String(3));
        Assert.Equal(0, bytes.Length % 4);
    }

    [Fact]
    public void Addresses_AreInNetworkByteOrder()
    {
        var address = IpPrefix.ParseAddress("192.168.15.2", "x");
        var bytes = new NetlinkMessage(20, 1, NetlinkMessage.AddressInfo(24, 4)).Address(2, address).ToArray(1);
        Assert.Equal(new byte[] { 192, 168, 15, 2 }, bytes.Skip(16 + 8 + 4).Take(4));
        Assert.Equal(2, bytes[16]);   // AF_INET
        Assert.Equal(24, bytes[17]);  // prefix length
        Assert.Equal(4, BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(20)));
        Assert.Equal(address, new NetlinkAttributes(bytes.AsSpan(24)).IpAddress(2, Uapi.AF_INET));
    }

    [Fact]
    public void RouteHeader_IsTheMainTable()
    {
        var header = NetlinkMessage.RouteInfo(0, 3, 0, 1);
        Assert.Equal(12, header.Length);
        Assert.Equal(254, header[4]);
    }

    [Fact]
    public void MissingAttributes_ReadAsNull()
    {
        var attributes = new NetlinkAttributes(ReadOnlySpan<byte>.Empty);
        Assert.Null(attributes.String(3));
        Assert.Null(attributes.U32(4));
    }

    [Fact]
    public void IpCommands_CarryANativeForm_AndRenderAsBefore()
    {
        var spec = Ip.AddVethInNamespace("veth-red", "red", "veth-red-br");
        Assert.NotNull(spec.Native);
        Assert.Equal("ip link add veth-red netns red type veth peer name veth-red-br", spec.Render());
        Assert.Null(new CommandSpec("iptables", "-w", "-L").Native);
    }

    [Fact]
    public void NativeRunner_SpawnsWhatHasNoNativeForm()
    {
        var spawn = new FakeRunner();
        using var session = new NetlinkSession();
        var result = new NativeRunner(session, spawn).Run(new CommandSpec("iptables", "-w", "-t", "nat", "-N", "X"), default);
        Assert.True(result.Succeeded);
        Assert.Equal("iptables -w -t nat -N X", Assert.Single(spawn.Ran));
    }
}
