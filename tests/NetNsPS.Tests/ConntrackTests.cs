using System;
using System.Linq;
using System.Net;
using NetNsPS.Linux;
using NetNsPS.Linux.Netlink;
using Xunit;

namespace NetNsPS.Tests;

/// <summary>Stale conntrack entries of a UDP mapping: the ctnetlink dump and delete as sent, the entries read back, and the command -WhatIf shows.</summary>
public class ConntrackTests
{
    private static Conntrack.Tuple Udp(string source, ushort sport, string destination, ushort dport, ushort zone = 0) =>
        new(Uapi.AF_INET, IPAddress.Parse(source), IPAddress.Parse(destination), Uapi.IPPROTO_UDP, sport, dport, zone);

    /// <summary>An IPCTNL_MSG_CT_NEW payload as ctnetlink_dump_tuples writes it: nfgenmsg, CTA_TUPLE_ORIG, CTA_TUPLE_REPLY (the DNAT'd side).</summary>
    private static byte[] Entry(Conntrack.Tuple orig, string replySource, ushort zone = 0) =>
        ScriptedTransport.Payload(Conntrack.MessageType(Uapi.IPCTNL_MSG_CT_NEW), new byte[] { Uapi.AF_INET, 0, 0, 0 }, m =>
        {
            Tuple(m, Uapi.CTA_TUPLE_ORIG, orig);
            Tuple(m, 2 /* CTA_TUPLE_REPLY */, orig with { Source = IPAddress.Parse(replySource), Destination = orig.Source, SourcePort = orig.DestinationPort, DestinationPort = orig.SourcePort });
            if (zone != 0)
            {
                m.Bytes(Uapi.CTA_ZONE, new[] { (byte)(zone >> 8), (byte)zone });
            }
            return m;
        });

    private static void Tuple(NetlinkMessage m, ushort type, Conntrack.Tuple t) =>
        m.BeginNested((ushort)(type | Uapi.NLA_F_NESTED))
            .BeginNested(Uapi.CTA_TUPLE_IP | Uapi.NLA_F_NESTED).Address(Uapi.CTA_IP_V4_SRC, t.Source).Address(Uapi.CTA_IP_V4_DST, t.Destination).EndNested()
            .BeginNested(Uapi.CTA_TUPLE_PROTO | Uapi.NLA_F_NESTED).U8(Uapi.CTA_PROTO_NUM, t.Protocol)
            .Bytes(Uapi.CTA_PROTO_SRC_PORT, new[] { (byte)(t.SourcePort >> 8), (byte)t.SourcePort })
            .Bytes(Uapi.CTA_PROTO_DST_PORT, new[] { (byte)(t.DestinationPort >> 8), (byte)t.DestinationPort }).EndNested()
            .EndNested();

    [Fact]
    public void DumpRequest_IsCtGetOfTheConntrackSubsystem_WithDump_ForTheFamily()
    {
        var bytes = Conntrack.DumpRequest(Uapi.AF_INET).ToArray(7);
        Assert.Equal((ushort)0x0101, ScriptedTransport.Type(bytes)); // NFNL_SUBSYS_CTNETLINK << 8 | IPCTNL_MSG_CT_GET
        Assert.Equal((ushort)(Uapi.NLM_F_REQUEST | Uapi.NLM_F_DUMP), ScriptedTransport.Flags(bytes));
        Assert.Equal(new byte[] { 2, 0, 0, 0 }, bytes[Uapi.NLMSG_HDRLEN..]); // nfgenmsg: AF_INET, NFNETLINK_V0, res_id 0
    }

    [Fact]
    public void DeleteRequest_CarriesTheOriginalTuple_NestedAndInNetworkByteOrder()
    {
        var bytes = Conntrack.DeleteRequest(Udp("198.51.100.1", 40000, "198.51.100.2", 5353)).ToArray(9);
        Assert.Equal((ushort)0x0102, ScriptedTransport.Type(bytes)); // IPCTNL_MSG_CT_DELETE
        Assert.Equal((ushort)(Uapi.NLM_F_REQUEST | Uapi.NLM_F_ACK), ScriptedTransport.Flags(bytes));
        var expected = new byte[]
        {
            2, 0, 0, 0,                              // nfgenmsg
            52, 0, 0x01, 0x80,                       // CTA_TUPLE_ORIG | NLA_F_NESTED, 52 bytes
            20, 0, 0x01, 0x80,                       //   CTA_TUPLE_IP | NLA_F_NESTED
            8, 0, 1, 0, 198, 51, 100, 1,             //     CTA_IP_V4_SRC
            8, 0, 2, 0, 198, 51, 100, 2,             //     CTA_IP_V4_DST
            28, 0, 0x02, 0x80,                       //   CTA_TUPLE_PROTO | NLA_F_NESTED
            5, 0, 1, 0, 17, 0, 0, 0,                 //     CTA_PROTO_NUM udp, padded
            6, 0, 2, 0, 0x9c, 0x40, 0, 0,            //     CTA_PROTO_SRC_PORT 40000, big endian
            6, 0, 3, 0, 0x14, 0xe9, 0, 0,            //     CTA_PROTO_DST_PORT 5353
        };
        Assert.Equal(expected, bytes[Uapi.NLMSG_HDRLEN..]);
        Assert.Equal(Uapi.NLMSG_HDRLEN + expected.Length, BitConverter.ToInt32(bytes, 0));
    }

    [Fact]
    public void DeleteRequest_NamesTheZoneOnlyWhenItIsNotZero()
    {
        var bytes = Conntrack.DeleteRequest(Udp("10.0.0.1", 1, "10.0.0.2", 2, zone: 7)).ToArray(1);
        Assert.Equal(new byte[] { 6, 0, 18, 0, 0, 7, 0, 0 }, bytes[^8..]); // CTA_ZONE, big endian
    }

    [Fact]
    public void ParseEntry_ReadsTheOriginalTuple_NotTheReply()
    {
        var entry = Conntrack.ParseEntry(Entry(Udp("198.51.100.1", 40000, "198.51.100.2", 5353), replySource: "192.168.15.2", zone: 3));
        Assert.Equal(Udp("198.51.100.1", 40000, "198.51.100.2", 5353, zone: 3), entry);
    }

    [Fact]
    public void ParseEntry_WithoutAnOriginalTuple_IsNull() =>
        Assert.Null(Conntrack.ParseEntry(new byte[] { 2, 0, 0, 0 }));

    [Fact]
    public void Delete_DumpsOnce_AndDeletesOnlyEntriesOfThatProtocolAndOriginalDestinationPort_EnoentIsSuccess()
    {
        var stale = Udp("198.51.100.1", 40000, "198.51.100.2", 5353);
        var gone = Udp("198.51.100.9", 40001, "198.51.100.2", 5353);
        var otherPort = Udp("198.51.100.1", 40000, "198.51.100.2", 53);
        var tcp = stale with { Protocol = Uapi.IPPROTO_TCP };
        // The container port is not the host port: an entry to 5353 by its reply side must stay (moby/moby#53384).
        var toContainerPort = Udp("198.51.100.1", 5353, "198.51.100.2", 9999);
        var deleteType = Conntrack.MessageType(Uapi.IPCTNL_MSG_CT_DELETE);
        var transport = new ScriptedTransport((request, n) =>
        {
            var seq = ScriptedTransport.Sequence(request);
            if (n == 1)
            {
                var newType = Conntrack.MessageType(Uapi.IPCTNL_MSG_CT_NEW);
                return new[]
                {
                    (ScriptedTransport.Concat(
                        ScriptedTransport.Message(newType, Uapi.NLM_F_MULTI, seq, Entry(stale, "192.168.15.2")),
                        ScriptedTransport.Message(newType, Uapi.NLM_F_MULTI, seq, Entry(otherPort, "192.168.15.2")),
                        ScriptedTransport.Message(newType, Uapi.NLM_F_MULTI, seq, Entry(tcp, "192.168.15.2")),
                        ScriptedTransport.Message(newType, Uapi.NLM_F_MULTI, seq, Entry(toContainerPort, "192.168.15.2")),
                        ScriptedTransport.Message(newType, Uapi.NLM_F_MULTI, seq, Entry(gone, "192.168.15.2")),
                        ScriptedTransport.Done(seq)), 0u),
                };
            }
            Assert.Equal(deleteType, ScriptedTransport.Type(request));
            return new[] { (ScriptedTransport.Error(seq, n == 2 ? 0 : Uapi.ENOENT), 0u) };
        });
        using var socket = new NetlinkSocket(transport);

        var deleted = Conntrack.DeleteByOriginalDestinationPort(socket, Uapi.AF_INET, Uapi.IPPROTO_UDP, 5353);

        Assert.Equal(1, deleted);
        Assert.Equal(3, transport.Sent.Count);
        Assert.Equal(Conntrack.DeleteRequest(stale).ToArray(0)[Uapi.NLMSG_HDRLEN..], transport.Sent[1][Uapi.NLMSG_HDRLEN..]);
        Assert.Equal(Conntrack.DeleteRequest(gone).ToArray(0)[Uapi.NLMSG_HDRLEN..], transport.Sent[2][Uapi.NLMSG_HDRLEN..]);
    }

    [Theory]
    [InlineData(Uapi.AF_INET, "conntrack -D -p udp --orig-port-dst 5353")]
    [InlineData(Uapi.AF_INET6, "conntrack -f ipv6 -D -p udp --orig-port-dst 5353")]
    public void DeleteCommand_RendersTheConntrackToolsCommand_BestEffort_InProcess(int family, string expected)
    {
        var command = Conntrack.DeleteCommand((byte)family, Uapi.IPPROTO_UDP, 5353);
        Assert.Equal(expected, command.Render());
        Assert.True(command.BestEffort);
        Assert.NotNull(command.Native);
        Assert.Null(command.Batch);
    }
}
