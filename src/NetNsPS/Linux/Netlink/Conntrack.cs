using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.Net;

namespace NetNsPS.Linux.Netlink;

/// <summary>
/// Stale conntrack entries of a port mapping, deleted in-process over netfilter netlink (ctnetlink), as CNI's portmap
/// does after a UDP mapping changes (containernetworking/plugins `pkg/utils/conntrack.go`, through
/// vishvananda/netlink ConntrackDeleteFilters): one IPCTNL_MSG_CT_GET dump of the family's table, then one
/// IPCTNL_MSG_CT_DELETE per entry whose original destination port is the host port; an entry gone meanwhile (ENOENT)
/// is as good as deleted. UDP has no end of connection: a client that keeps sending keeps its entry, and with it the
/// old DNAT, until the flow stops for the UDP timeout (containernetworking/plugins#123).
/// </summary>
internal static class Conntrack
{
    /// <summary>An entry's original tuple: what the first packet of the flow carried.</summary>
    public readonly record struct Tuple(byte Family, IPAddress Source, IPAddress Destination, byte Protocol, ushort SourcePort, ushort DestinationPort, ushort Zone);

    /// <summary>The message type of a request of the conntrack subsystem.</summary>
    internal static ushort MessageType(int message) => (ushort)((Uapi.NFNL_SUBSYS_CTNETLINK << 8) | message);

    /// <summary>
    /// `conntrack -D -p udp --orig-port-dst N` (what -WhatIf and -Verbose show), done in-process; best effort, as in
    /// CNI: a failure never undoes the mapping.
    /// </summary>
    public static CommandSpec DeleteCommand(byte family, byte protocol, ushort port)
    {
        var args = new List<string>();
        if (family == Uapi.AF_INET6)
        {
            args.AddRange(new[] { "-f", "ipv6" });
        }
        args.AddRange(new[] { "-D", "-p", protocol == Uapi.IPPROTO_UDP ? "udp" : "tcp", "--orig-port-dst", port.ToString(CultureInfo.InvariantCulture) });
        return new CommandSpec("conntrack", args)
        {
            BestEffort = true,
            Native = _ =>
            {
                // The process's netfilter socket, in the host's network namespace, where the mappings' DNAT happens;
                // kept open, as closing one right after a rule deletion waits for an RCU grace period.
                NetfilterSocket.Use(socket => DeleteByOriginalDestinationPort(socket, family, protocol, port));
            },
        };
    }

    /// <summary>Deletes every entry of the family whose original tuple has that protocol and destination port; returns how many.</summary>
    public static int DeleteByOriginalDestinationPort(NetlinkSocket socket, byte family, byte protocol, ushort port)
    {
        var deleted = 0;
        foreach (var (type, payload) in socket.Query(DumpRequest(family)))
        {
            if (type != MessageType(Uapi.IPCTNL_MSG_CT_NEW) || ParseEntry(payload) is not { } entry
                || entry.Protocol != protocol || entry.DestinationPort != port)
            {
                continue;
            }
            try
            {
                socket.Execute(DeleteRequest(entry));
                deleted++;
            }
            catch (NetlinkException e) when (e.Errno == Uapi.ENOENT)
            {
                // Expired or deleted by someone else between the dump and now.
            }
        }
        return deleted;
    }

    /// <summary>IPCTNL_MSG_CT_GET with NLM_F_DUMP: every entry of one family.</summary>
    internal static NetlinkMessage DumpRequest(byte family) =>
        new(MessageType(Uapi.IPCTNL_MSG_CT_GET), Uapi.NLM_F_REQUEST | Uapi.NLM_F_DUMP, NetlinkMessage.NetfilterHeader(family));

    /// <summary>IPCTNL_MSG_CT_DELETE of the entry with that original tuple (and zone), acknowledged.</summary>
    internal static NetlinkMessage DeleteRequest(Tuple t)
    {
        var m = new NetlinkMessage(MessageType(Uapi.IPCTNL_MSG_CT_DELETE), Uapi.NLM_F_REQUEST | Uapi.NLM_F_ACK, NetlinkMessage.NetfilterHeader(t.Family));
        var v6 = t.Family == Uapi.AF_INET6;
        m.BeginNested(Nested(Uapi.CTA_TUPLE_ORIG))
            .BeginNested(Nested(Uapi.CTA_TUPLE_IP))
            .Address(v6 ? Uapi.CTA_IP_V6_SRC : Uapi.CTA_IP_V4_SRC, t.Source)
            .Address(v6 ? Uapi.CTA_IP_V6_DST : Uapi.CTA_IP_V4_DST, t.Destination)
            .EndNested()
            .BeginNested(Nested(Uapi.CTA_TUPLE_PROTO))
            .U8(Uapi.CTA_PROTO_NUM, t.Protocol)
            .Bytes(Uapi.CTA_PROTO_SRC_PORT, BigEndian(t.SourcePort))
            .Bytes(Uapi.CTA_PROTO_DST_PORT, BigEndian(t.DestinationPort))
            .EndNested()
            .EndNested();
        if (t.Zone != 0)
        {
            m.Bytes(Uapi.CTA_ZONE, BigEndian(t.Zone));
        }
        return m;
    }

    /// <summary>The original tuple of one IPCTNL_MSG_CT_NEW message of a dump (nfgenmsg, then attributes); null when it has none.</summary>
    internal static Tuple? ParseEntry(ReadOnlySpan<byte> payload)
    {
        if (payload.Length < Uapi.SIZEOF_NFGENMSG)
        {
            return null;
        }
        var family = payload[0];
        var attributes = new NetlinkAttributes(payload[Uapi.SIZEOF_NFGENMSG..]);
        var orig = attributes.Get(Uapi.CTA_TUPLE_ORIG, out var hasOrig);
        if (!hasOrig)
        {
            return null;
        }
        var zoneBytes = attributes.Get(Uapi.CTA_ZONE, out var hasZone);
        var tuple = new NetlinkAttributes(orig);
        var ip = new NetlinkAttributes(tuple.Get(Uapi.CTA_TUPLE_IP, out var hasIp));
        var proto = new NetlinkAttributes(tuple.Get(Uapi.CTA_TUPLE_PROTO, out var hasProto));
        if (!hasIp || !hasProto)
        {
            return null;
        }
        var v6 = family == Uapi.AF_INET6;
        var source = ip.Get(v6 ? Uapi.CTA_IP_V6_SRC : Uapi.CTA_IP_V4_SRC, out var hasSource);
        var destination = ip.Get(v6 ? Uapi.CTA_IP_V6_DST : Uapi.CTA_IP_V4_DST, out var hasDestination);
        var number = proto.Get(Uapi.CTA_PROTO_NUM, out var hasNumber);
        if (!hasSource || !hasDestination || !hasNumber || number.Length < 1)
        {
            return null;
        }
        var sport = proto.Get(Uapi.CTA_PROTO_SRC_PORT, out var hasSport);
        var dport = proto.Get(Uapi.CTA_PROTO_DST_PORT, out var hasDport);
        return new Tuple(family, new IPAddress(source), new IPAddress(destination), number[0],
            hasSport && sport.Length >= 2 ? BinaryPrimitives.ReadUInt16BigEndian(sport) : (ushort)0,
            hasDport && dport.Length >= 2 ? BinaryPrimitives.ReadUInt16BigEndian(dport) : (ushort)0,
            hasZone && zoneBytes.Length >= 2 ? BinaryPrimitives.ReadUInt16BigEndian(zoneBytes) : (ushort)0);
    }

    private static ushort Nested(ushort type) => (ushort)(type | Uapi.NLA_F_NESTED);

    private static byte[] BigEndian(ushort value)
    {
        var b = new byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(b, value);
        return b;
    }
}
