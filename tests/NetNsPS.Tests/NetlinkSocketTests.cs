using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using NetNsPS.Linux;
using NetNsPS.Linux.Netlink;
using Xunit;

namespace NetNsPS.Tests;

/// <summary>
/// A netlink transport fed with bytes: each request sent is answered by a script with datagrams (bytes and sender
/// port id), which carry the request's own sequence number unless the script says otherwise.
/// </summary>
internal sealed class ScriptedTransport : INetlinkTransport
{
    private readonly Func<byte[], int, IEnumerable<(byte[] Datagram, uint Sender)>> _script;
    private readonly Queue<(byte[] Datagram, uint Sender)> _pending = new();

    public ScriptedTransport(Func<byte[], int, IEnumerable<(byte[] Datagram, uint Sender)>> script) => _script = script;

    public List<byte[]> Sent { get; } = new();

    public void Send(byte[] request)
    {
        Sent.Add(request);
        foreach (var d in _script(request, Sent.Count))
        {
            _pending.Enqueue(d);
        }
    }

    public int Receive(byte[] buffer, out uint senderPortId)
    {
        if (!_pending.TryDequeue(out var next))
        {
            throw new InvalidOperationException("the socket read past the scripted replies");
        }
        next.Datagram.CopyTo(buffer, 0);
        senderPortId = next.Sender;
        return next.Datagram.Length;
    }

    public void Dispose()
    {
    }

    public static uint Sequence(byte[] request) => BinaryPrimitives.ReadUInt32LittleEndian(request.AsSpan(8));
    public static ushort Type(byte[] request) => BinaryPrimitives.ReadUInt16LittleEndian(request.AsSpan(4));
    public static ushort Flags(byte[] request) => BinaryPrimitives.ReadUInt16LittleEndian(request.AsSpan(6));

    /// <summary>One netlink message: nlmsghdr then payload, padded to 4 bytes.</summary>
    public static byte[] Message(ushort type, ushort flags, uint sequence, byte[] payload)
    {
        var length = Uapi.NLMSG_HDRLEN + payload.Length;
        var b = new byte[NetlinkAttributes.Align(length)];
        BinaryPrimitives.WriteUInt32LittleEndian(b, (uint)length);
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(4), type);
        BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(6), flags);
        BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(8), sequence);
        payload.CopyTo(b, Uapi.NLMSG_HDRLEN);
        return b;
    }

    public static byte[] Done(uint sequence, ushort flags = Uapi.NLM_F_MULTI) => Message(Uapi.NLMSG_DONE, flags, sequence, new byte[4]);

    public static byte[] Error(uint sequence, int errno)
    {
        var payload = new byte[4 + Uapi.NLMSG_HDRLEN];
        BinaryPrimitives.WriteInt32LittleEndian(payload, -errno);
        return Message(Uapi.NLMSG_ERROR, 0, sequence, payload);
    }

    /// <summary>The attributes a NetlinkMessage builds, as a reply payload after a family header.</summary>
    public static byte[] Payload(ushort type, byte[] familyHeader, Func<NetlinkMessage, NetlinkMessage> attributes) =>
        attributes(new NetlinkMessage(type, 0, familyHeader)).ToArray(0)[Uapi.NLMSG_HDRLEN..];

    public static byte[] Link(int index, string name, Func<NetlinkMessage, NetlinkMessage>? more = null) =>
        Payload(Uapi.RTM_NEWLINK, NetlinkMessage.InterfaceInfo(index, Uapi.IFF_UP), m => (more ?? (x => x))(m.String(Uapi.IFLA_IFNAME, name)));

    public static byte[] Address(int family, int index, string address, byte prefixLength, byte scope = Uapi.RT_SCOPE_UNIVERSE)
    {
        var header = NetlinkMessage.AddressInfo(family, prefixLength, index);
        header[3] = scope;
        var ip = IPAddress.Parse(address);
        return family == Uapi.AF_INET6
            ? Payload(Uapi.RTM_NEWADDR, header, m => m.Address(Uapi.IFA_ADDRESS, ip))
            : Payload(Uapi.RTM_NEWADDR, header, m => m.Address(Uapi.IFA_LOCAL, ip).Address(Uapi.IFA_ADDRESS, ip));
    }

    public static byte[] Concat(params byte[][] messages) => messages.SelectMany(m => m).ToArray();
}

/// <summary>The netlink receive loop fed with bytes: interrupted dumps, who may answer, sequence numbers; targeted reads and IPv6 parsing.</summary>
public class NetlinkSocketTests
{
    private static NetlinkMessage LinkDump() =>
        new(Uapi.RTM_GETLINK, Uapi.NLM_F_REQUEST | Uapi.NLM_F_DUMP, NetlinkMessage.InterfaceInfo());

    [Fact]
    public void InterruptedDump_IsReadToItsEnd_DroppedAndStartedAgain()
    {
        var transport = new ScriptedTransport((request, n) =>
        {
            var seq = ScriptedTransport.Sequence(request);
            return n == 1
                // First try: the second message says the dump raced with a change; the rest still arrives.
                ? new[]
                {
                    (ScriptedTransport.Concat(
                        ScriptedTransport.Message(Uapi.RTM_NEWLINK, Uapi.NLM_F_MULTI, seq, ScriptedTransport.Link(1, "lo")),
                        ScriptedTransport.Message(Uapi.RTM_NEWLINK, Uapi.NLM_F_MULTI | Uapi.NLM_F_DUMP_INTR, seq, ScriptedTransport.Link(2, "stale"))), 0u),
                    (ScriptedTransport.Concat(
                        ScriptedTransport.Message(Uapi.RTM_NEWLINK, Uapi.NLM_F_MULTI, seq, ScriptedTransport.Link(3, "half")),
                        ScriptedTransport.Done(seq)), 0u),
                }
                : new[]
                {
                    (ScriptedTransport.Concat(
                        ScriptedTransport.Message(Uapi.RTM_NEWLINK, Uapi.NLM_F_MULTI, seq, ScriptedTransport.Link(1, "lo")),
                        ScriptedTransport.Message(Uapi.RTM_NEWLINK, Uapi.NLM_F_MULTI, seq, ScriptedTransport.Link(4, "fresh")),
                        ScriptedTransport.Done(seq)), 0u),
                };
        });
        using var socket = new NetlinkSocket(transport);
        var replies = socket.Query(LinkDump());
        Assert.Equal(2, transport.Sent.Count);
        Assert.NotEqual(ScriptedTransport.Sequence(transport.Sent[0]), ScriptedTransport.Sequence(transport.Sent[1]));
        Assert.Equal(new[] { "lo", "fresh" }, replies.Select(r => new NetlinkAttributes(r.Payload.AsSpan(Uapi.SIZEOF_IFINFOMSG)).String(Uapi.IFLA_IFNAME)));
        Assert.Equal(1, socket.InterruptedDumps);
    }

    [Fact]
    public void InterruptedDump_MarkedOnlyOnDone_IsRetriedToo()
    {
        var transport = new ScriptedTransport((request, n) =>
        {
            var seq = ScriptedTransport.Sequence(request);
            return new[]
            {
                (ScriptedTransport.Concat(
                    ScriptedTransport.Message(Uapi.RTM_NEWLINK, Uapi.NLM_F_MULTI, seq, ScriptedTransport.Link(n, "try" + n)),
                    ScriptedTransport.Done(seq, n == 1 ? (ushort)(Uapi.NLM_F_MULTI | Uapi.NLM_F_DUMP_INTR) : (ushort)Uapi.NLM_F_MULTI)), 0u),
            };
        });
        using var socket = new NetlinkSocket(transport);
        var reply = Assert.Single(socket.Query(LinkDump()));
        Assert.Equal("try2", new NetlinkAttributes(reply.Payload.AsSpan(Uapi.SIZEOF_IFINFOMSG)).String(Uapi.IFLA_IFNAME));
    }

    [Fact]
    public void DumpInterruptedEveryTime_FailsAfterTheBoundWithAClearMessage()
    {
        var transport = new ScriptedTransport((request, _) =>
        {
            var seq = ScriptedTransport.Sequence(request);
            return new[] { (ScriptedTransport.Done(seq, Uapi.NLM_F_MULTI | Uapi.NLM_F_DUMP_INTR), 0u) };
        });
        using var socket = new NetlinkSocket(transport);
        var e = Assert.Throws<NetlinkException>(() => socket.Query(LinkDump()));
        Assert.Equal(NetlinkSocket.DumpAttempts, transport.Sent.Count);
        Assert.Contains("Dump was interrupted", e.Message);
        Assert.Contains("RTM_GETLINK", e.Message);
        Assert.Contains($"{NetlinkSocket.DumpAttempts} times", e.Message);
        Assert.Equal(Libc.EIntr, e.Errno);
    }

    [Fact]
    public void DumpIntrOnAReplyThatIsNotADump_IsNotARetry()
    {
        var transport = new ScriptedTransport((request, _) =>
        {
            var seq = ScriptedTransport.Sequence(request);
            return new[] { (ScriptedTransport.Message(Uapi.RTM_NEWLINK, Uapi.NLM_F_DUMP_INTR, seq, ScriptedTransport.Link(1, "lo")), 0u) };
        });
        using var socket = new NetlinkSocket(transport);
        Assert.Single(socket.Query(new NetlinkMessage(Uapi.RTM_GETLINK, Uapi.NLM_F_REQUEST, NetlinkMessage.InterfaceInfo(1))));
        Assert.Single(transport.Sent);
    }

    [Fact]
    public void OnlyTheKernelIsHeard_AnotherSendersDatagramIsDropped()
    {
        var transport = new ScriptedTransport((request, _) =>
        {
            var seq = ScriptedTransport.Sequence(request);
            return new[]
            {
                // A process that guessed our port id and sequence: an "error" and a forged link.
                (ScriptedTransport.Concat(
                    ScriptedTransport.Message(Uapi.RTM_NEWLINK, Uapi.NLM_F_MULTI, seq, ScriptedTransport.Link(9, "forged")),
                    ScriptedTransport.Error(seq, Uapi.EINVAL)), 4242u),
                (ScriptedTransport.Concat(
                    ScriptedTransport.Message(Uapi.RTM_NEWLINK, Uapi.NLM_F_MULTI, seq, ScriptedTransport.Link(1, "lo")),
                    ScriptedTransport.Done(seq)), 0u),
            };
        });
        using var socket = new NetlinkSocket(transport);
        var reply = Assert.Single(socket.Query(LinkDump()));
        Assert.Equal("lo", new NetlinkAttributes(reply.Payload.AsSpan(Uapi.SIZEOF_IFINFOMSG)).String(Uapi.IFLA_IFNAME));
        Assert.Equal(1, socket.ForeignMessages);
    }

    [Fact]
    public void RepliesToAnotherSequence_AreSkipped()
    {
        var transport = new ScriptedTransport((request, _) =>
        {
            var seq = ScriptedTransport.Sequence(request);
            return new[]
            {
                (ScriptedTransport.Concat(
                    ScriptedTransport.Error(seq + 100, Uapi.ENODEV),
                    ScriptedTransport.Message(Uapi.RTM_NEWLINK, 0, seq - 1, ScriptedTransport.Link(9, "late")),
                    ScriptedTransport.Error(seq, 0)), 0u),
            };
        });
        using var socket = new NetlinkSocket(transport);
        socket.Execute(new NetlinkMessage(Uapi.RTM_NEWLINK, Uapi.NLM_F_REQUEST | Uapi.NLM_F_ACK, NetlinkMessage.InterfaceInfo()));
    }

    [Fact]
    public void KernelErrors_AreThrownWithTheirErrno()
    {
        var transport = new ScriptedTransport((request, _) => new[] { (ScriptedTransport.Error(ScriptedTransport.Sequence(request), Uapi.EINVAL), 0u) });
        using var socket = new NetlinkSocket(transport);
        var e = Assert.Throws<NetlinkException>(() => socket.Execute(new NetlinkMessage(Uapi.RTM_NEWLINK, Uapi.NLM_F_REQUEST | Uapi.NLM_F_ACK, NetlinkMessage.InterfaceInfo())));
        Assert.Equal(Uapi.EINVAL, e.Errno);
    }

    /// <summary>A small host: lo (1), bridge0 (3) with an IPv4 and an IPv6 address, veth-red (7) on bridge0 with its peer veth-red-br (8) here.</summary>
    private static ScriptedTransport Host(bool kernelFiltersAddresses, List<string>? log = null) => new((request, _) =>
    {
        var seq = ScriptedTransport.Sequence(request);
        var type = ScriptedTransport.Type(request);
        var dump = (ScriptedTransport.Flags(request) & Uapi.NLM_F_DUMP) == Uapi.NLM_F_DUMP;
        var links = new Dictionary<int, byte[]>
        {
            [1] = ScriptedTransport.Link(1, "lo"),
            [3] = ScriptedTransport.Link(3, "bridge0", m => m.BeginNested(Uapi.IFLA_LINKINFO).String(Uapi.IFLA_INFO_KIND, "bridge").EndNested()),
            [7] = ScriptedTransport.Link(7, "veth-red", m => m.U32(Uapi.IFLA_MASTER, 3).U32(Uapi.IFLA_LINK, 8).String(Uapi.IFLA_IFALIAS, "netnsps")
                .BeginNested(Uapi.IFLA_LINKINFO).String(Uapi.IFLA_INFO_KIND, "veth").String(Uapi.IFLA_INFO_SLAVE_KIND, "bridge")
                .BeginNested(Uapi.IFLA_INFO_SLAVE_DATA).U8(Uapi.IFLA_BRPORT_MODE, 1).EndNested().EndNested()),
            [8] = ScriptedTransport.Link(8, "veth-red-br", m => m.U32(Uapi.IFLA_LINK, 7)),
        };
        var addresses = new (int Index, byte[] Payload)[]
        {
            (1, ScriptedTransport.Address(Uapi.AF_INET, 1, "127.0.0.1", 8, Uapi.RT_SCOPE_HOST)),
            (3, ScriptedTransport.Address(Uapi.AF_INET, 3, "192.168.15.1", 24)),
            (7, ScriptedTransport.Address(Uapi.AF_INET, 7, "10.7.0.1", 16)),
            (7, ScriptedTransport.Address(Uapi.AF_INET6, 7, "fd00:7::1", 64)),
            (7, ScriptedTransport.Address(Uapi.AF_INET6, 7, "fe80::1c2d:3eff:fe4f:5061", 64, Uapi.RT_SCOPE_LINK)),
        };
        if (type == Uapi.RTM_GETLINK && !dump)
        {
            var header = request.AsSpan(Uapi.NLMSG_HDRLEN, Uapi.SIZEOF_IFINFOMSG);
            var index = BinaryPrimitives.ReadInt32LittleEndian(header[4..]);
            var name = new NetlinkAttributes(request.AsSpan(Uapi.NLMSG_HDRLEN + Uapi.SIZEOF_IFINFOMSG)).String(Uapi.IFLA_IFNAME);
            log?.Add(name is null ? $"GETLINK index {index}" : $"GETLINK name {name}");
            // The kernel also finds a link by an alternative name: "vr" is veth-red's.
            var found = links.Values.FirstOrDefault(l => index > 0
                ? BinaryPrimitives.ReadInt32LittleEndian(l.AsSpan(4)) == index
                : new NetlinkAttributes(l.AsSpan(Uapi.SIZEOF_IFINFOMSG)).String(Uapi.IFLA_IFNAME) == (name == "vr" ? "veth-red" : name));
            return new[] { (found is null ? ScriptedTransport.Error(seq, Uapi.ENODEV) : ScriptedTransport.Message(Uapi.RTM_NEWLINK, 0, seq, found), 0u) };
        }
        if (type == Uapi.RTM_GETLINK)
        {
            log?.Add("GETLINK dump");
            return new[] { (ScriptedTransport.Concat(links.Values.Select(l => ScriptedTransport.Message(Uapi.RTM_NEWLINK, Uapi.NLM_F_MULTI, seq, l)).Append(ScriptedTransport.Done(seq)).ToArray()), 0u) };
        }
        if (type == Uapi.RTM_GETADDR && dump)
        {
            var filter = BinaryPrimitives.ReadInt32LittleEndian(request.AsSpan(Uapi.NLMSG_HDRLEN + 4));
            log?.Add($"GETADDR dump index {filter}");
            if (kernelFiltersAddresses && filter > 0 && !links.ContainsKey(filter))
            {
                return new[] { (ScriptedTransport.Error(seq, Uapi.ENODEV), 0u) };
            }
            var sent = addresses.Where(a => !kernelFiltersAddresses || filter == 0 || a.Index == filter);
            return new[] { (ScriptedTransport.Concat(sent.Select(a => ScriptedTransport.Message(Uapi.RTM_NEWADDR, Uapi.NLM_F_MULTI, seq, a.Payload)).Append(ScriptedTransport.Done(seq)).ToArray()), 0u) };
        }
        throw new InvalidOperationException($"unexpected request type {type}");
    });

    [Fact]
    public void LinkByName_IsOneGetLinkRequest_WithIfnameAndNoDump()
    {
        var transport = Host(kernelFiltersAddresses: true);
        using var socket = new NetlinkSocket(transport, strictCheck: true);
        Assert.NotNull(RtNetlink.Link(socket, "lo"));
        var request = transport.Sent[0];
        Assert.Equal(Uapi.RTM_GETLINK, ScriptedTransport.Type(request));
        Assert.Equal(Uapi.NLM_F_REQUEST, ScriptedTransport.Flags(request));
        // A strict-checking kernel refuses any non-zero ifinfomsg field but the index in a GET request.
        Assert.All(request.Skip(Uapi.NLMSG_HDRLEN).Take(Uapi.SIZEOF_IFINFOMSG), b => Assert.Equal(0, b));
        Assert.Equal("lo", new NetlinkAttributes(request.AsSpan(Uapi.NLMSG_HDRLEN + Uapi.SIZEOF_IFINFOMSG)).String(Uapi.IFLA_IFNAME));
    }

    [Fact]
    public void AddressDumpOfOneLink_HasTheStrictCheckLayout()
    {
        var bytes = RtNetlink.AddressDump(7).ToArray(5);
        Assert.Equal(Uapi.NLMSG_HDRLEN + Uapi.SIZEOF_IFADDRMSG, bytes.Length);   // no attributes: a strict kernel refuses most
        Assert.Equal(Uapi.RTM_GETADDR, ScriptedTransport.Type(bytes));
        Assert.Equal(Uapi.NLM_F_REQUEST | Uapi.NLM_F_DUMP, ScriptedTransport.Flags(bytes));
        Assert.Equal(new byte[] { Uapi.AF_UNSPEC, 0, 0, 0 }, bytes.Skip(Uapi.NLMSG_HDRLEN).Take(4));   // family, prefixlen, flags, scope
        Assert.Equal(7, BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(Uapi.NLMSG_HDRLEN + 4)));   // ifa_index: the filter
    }

    [Fact]
    public void RouteDump_NamesTheMainTable_AndLeavesTheFieldsAStrictKernelRefusesZero()
    {
        var bytes = RtNetlink.RouteDump(Uapi.AF_INET6).ToArray(1);
        Assert.Equal(Uapi.NLMSG_HDRLEN + Uapi.SIZEOF_RTMSG, bytes.Length);
        var rtm = bytes.AsSpan(Uapi.NLMSG_HDRLEN).ToArray();
        Assert.Equal(Uapi.AF_INET6, rtm[0]);
        Assert.Equal(new byte[] { 0, 0, 0 }, rtm[1..4]);   // dst_len, src_len, tos
        Assert.Equal(Uapi.RT_TABLE_MAIN, rtm[4]);
        Assert.Equal(0, rtm[6]);   // scope
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void TargetedLink_IsTheRecordTheDumpGives_WhetherOrNotTheKernelFiltersAddresses(bool kernelFilters)
    {
        var log = new List<string>();
        using var socket = new NetlinkSocket(Host(kernelFilters, log), strictCheck: kernelFilters);
        var fromDump = RtNetlink.Links(socket).Single(l => l.Name == "veth-red");
        log.Clear();
        var byName = RtNetlink.Link(socket, "veth-red");
        var byIndex = RtNetlink.LinkByIndex(socket, 7);
        Assert.NotNull(byName);
        Assert.NotNull(byIndex);
        foreach (var record in new[] { byName!, byIndex! })
        {
            // Records compare lists by reference: the addresses are compared by content on their own.
            Assert.Equal(fromDump with { Addresses = record.Addresses }, record);
            Assert.Equal(fromDump.Addresses, record.Addresses);
            Assert.Equal(fromDump.Flags, record.Flags);
        }
        Assert.Equal("bridge0", byName!.Master);
        Assert.Equal("veth-red-br", byName.PeerNameSameNamespace);
        Assert.True(byName.Hairpin);
        Assert.Equal("netnsps", byName.Alias);
        Assert.Equal(new[] { "10.7.0.1/16", "fd00:7::1/64", "fe80::1c2d:3eff:fe4f:5061/64" }, byName.Addresses.Select(a => a.Cidr));
        Assert.Equal(new[] { AddressFamily.InterNetwork, AddressFamily.InterNetworkV6, AddressFamily.InterNetworkV6 }, byName.Addresses.Select(a => a.Family));
        Assert.Equal(new[] { "global", "global", "link" }, byName.Addresses.Select(a => a.Scope));
        Assert.Equal(new[] { IPAddress.Parse("10.7.0.1") }, byName.Ipv4Addresses.Select(a => a.Address));
        // No dump of all links, ever: the master and the peer are named by index.
        Assert.DoesNotContain("GETLINK dump", log);
        Assert.Contains("GETLINK index 3", log);
        Assert.Contains("GETLINK index 8", log);
        Assert.Equal(2, log.Count(l => l == "GETADDR dump index 7"));
    }

    [Fact]
    public void TargetedLink_ThatDoesNotExist_IsNull_AndSoIsAnAltnameOrANameNoLinkCanHave()
    {
        var log = new List<string>();
        using var socket = new NetlinkSocket(Host(true, log), strictCheck: true);
        Assert.Null(RtNetlink.Link(socket, "veth-blue"));
        Assert.Null(RtNetlink.LinkByIndex(socket, 42));
        Assert.Null(RtNetlink.Link(socket, "vr"));
        Assert.Equal(new[] { "GETLINK name veth-blue", "GETLINK index 42", "GETLINK name vr" }, log);
        log.Clear();
        Assert.Null(RtNetlink.Link(socket, "a-name-of-16-chr"));
        Assert.Null(RtNetlink.Link(socket, "a/b"));
        Assert.Null(RtNetlink.Link(socket, ""));
        Assert.Null(RtNetlink.LinkByIndex(socket, 0));
        Assert.Empty(log);
    }

    [Fact]
    public void Ipv6Address_ParsesToInet6InTheUsualTextForm()
    {
        var parsed = RtNetlink.ParseAddress(Uapi.RTM_NEWADDR, ScriptedTransport.Address(Uapi.AF_INET6, 5, "2001:0db8:0000:0000:0000:0000:0000:0042", 64));
        Assert.NotNull(parsed);
        Assert.Equal(5, parsed!.Index);
        Assert.Equal(new AddressRecord(AddressFamily.InterNetworkV6, IPAddress.Parse("2001:db8::42"), 64, "global"), parsed.Record);
        Assert.Equal("2001:db8::42/64", parsed.Record.Cidr);
        Assert.Null(RtNetlink.ParseAddress(Uapi.RTM_NEWADDR, ScriptedTransport.Payload(Uapi.RTM_NEWADDR, NetlinkMessage.AddressInfo(45, 8, 5), m => m.Bytes(Uapi.IFA_ADDRESS, new byte[] { 8 }))));
        // An IPv4 address attribute in an AF_INET6 message (or the reverse) is not read as either.
        Assert.Null(RtNetlink.ParseAddress(Uapi.RTM_NEWADDR, ScriptedTransport.Payload(Uapi.RTM_NEWADDR, NetlinkMessage.AddressInfo(Uapi.AF_INET6, 8, 5), m => m.Address(Uapi.IFA_ADDRESS, IPAddress.Parse("10.0.0.1")))));
    }

    [Fact]
    public void Ipv6Routes_ParseWithTheirDestinationGatewayAndSource()
    {
        static byte[] Route(int family, byte length, Func<NetlinkMessage, NetlinkMessage> attributes, byte protocol = Uapi.RTPROT_BOOT, byte table = Uapi.RT_TABLE_MAIN)
        {
            var header = NetlinkMessage.RouteInfo(family, length, protocol, Uapi.RT_SCOPE_UNIVERSE, Uapi.RTN_UNICAST);
            header[4] = table;
            return ScriptedTransport.Payload(Uapi.RTM_NEWROUTE, header, m => attributes(m).U32(Uapi.RTA_TABLE, table).U32(Uapi.RTA_OIF, 7));
        }
        var prefix = RtNetlink.ParseRoute(Uapi.RTM_NEWROUTE, Route(Uapi.AF_INET6, 64, m => m.Address(Uapi.RTA_DST, IPAddress.Parse("2001:db8:1::")), Uapi.RTPROT_KERNEL), Uapi.AF_INET6);
        Assert.Equal(new RouteRecord(new IpPrefix(IPAddress.Parse("2001:db8:1::"), 64), null, null, null, "kernel", null, null), prefix!.Record);
        Assert.Equal("2001:db8:1::/64", prefix.Record.Destination.ToRouteDestination());
        Assert.Equal(7, prefix.OutputIndex);
        var host = RtNetlink.ParseRoute(Uapi.RTM_NEWROUTE, Route(Uapi.AF_INET6, 128, m => m.Address(Uapi.RTA_DST, IPAddress.Parse("2001:db8::9"))
            .Address(Uapi.RTA_GATEWAY, IPAddress.Parse("fe80::1")).Address(Uapi.RTA_PREFSRC, IPAddress.Parse("2001:db8::1"))), Uapi.AF_INET6);
        Assert.Equal(new RouteRecord(new IpPrefix(IPAddress.Parse("2001:db8::9"), 128), IPAddress.Parse("fe80::1"), null, null, null, IPAddress.Parse("2001:db8::1"), null), host!.Record);
        Assert.Equal("2001:db8::9", host.Record.Destination.ToRouteDestination());
        var dflt = RtNetlink.ParseRoute(Uapi.RTM_NEWROUTE, Route(Uapi.AF_INET6, 0, m => m.Address(Uapi.RTA_GATEWAY, IPAddress.Parse("fe80::1"))), Uapi.AF_INET6);
        Assert.Equal(IpPrefix.Default(AddressFamily.InterNetworkV6), dflt!.Record.Destination);
        Assert.Equal("::/0", dflt.Record.Destination.ToString());
        Assert.Equal("default", dflt.Record.Destination.ToRouteDestination());
        // The family asked for, and the main table only.
        Assert.Null(RtNetlink.ParseRoute(Uapi.RTM_NEWROUTE, Route(Uapi.AF_INET6, 0, m => m), Uapi.AF_INET));
        Assert.NotNull(RtNetlink.ParseRoute(Uapi.RTM_NEWROUTE, Route(Uapi.AF_INET6, 0, m => m), Uapi.AF_UNSPEC));
        Assert.Null(RtNetlink.ParseRoute(Uapi.RTM_NEWROUTE, Route(Uapi.AF_INET6, 0, m => m, table: 255), Uapi.AF_INET6));
        var v4 = RtNetlink.ParseRoute(Uapi.RTM_NEWROUTE, Route(Uapi.AF_INET, 24, m => m.Address(Uapi.RTA_DST, IPAddress.Parse("192.168.15.0"))), Uapi.AF_INET);
        Assert.Equal(new IpPrefix(IPAddress.Parse("192.168.15.0"), 24), v4!.Record.Destination);
        Assert.Equal(AddressFamily.InterNetwork, v4.Record.Family);
    }

    [Fact]
    public void Routes_NameEachDeviceOnceByIndex()
    {
        var getLinks = 0;
        var transport = new ScriptedTransport((request, _) =>
        {
            var seq = ScriptedTransport.Sequence(request);
            if (ScriptedTransport.Type(request) == Uapi.RTM_GETLINK)
            {
                getLinks++;
                Assert.Equal(Uapi.NLM_F_REQUEST, ScriptedTransport.Flags(request));
                return new[] { (ScriptedTransport.Message(Uapi.RTM_NEWLINK, 0, seq, ScriptedTransport.Link(7, "veth-red")), 0u) };
            }
            byte[] Route(string dst, byte length) => ScriptedTransport.Payload(Uapi.RTM_NEWROUTE,
                NetlinkMessage.RouteInfo(length, Uapi.RTPROT_KERNEL, Uapi.RT_SCOPE_LINK, Uapi.RTN_UNICAST), m => m.Address(Uapi.RTA_DST, IPAddress.Parse(dst)).U32(Uapi.RTA_OIF, 7));
            return new[]
            {
                (ScriptedTransport.Concat(
                    ScriptedTransport.Message(Uapi.RTM_NEWROUTE, Uapi.NLM_F_MULTI, seq, Route("192.168.15.0", 24)),
                    ScriptedTransport.Message(Uapi.RTM_NEWROUTE, Uapi.NLM_F_MULTI, seq, Route("10.0.0.0", 8)),
                    ScriptedTransport.Done(seq)), 0u),
            };
        });
        using var socket = new NetlinkSocket(transport);
        var routes = RtNetlink.Routes(socket);
        Assert.Equal(new[] { "192.168.15.0/24 veth-red link kernel", "10.0.0.0/8 veth-red link kernel" },
            routes.Select(r => $"{r.Destination} {r.Device} {r.Scope} {r.Protocol}"));
        Assert.Equal(1, getLinks);
    }

    [Fact]
    public void FamilyAwareHeaders_CarryTheFamily_AndIpv6AddressesAreSixteenBytes()
    {
        var address = IPAddress.Parse("2001:db8::2");
        var bytes = new NetlinkMessage(Uapi.RTM_NEWADDR, Uapi.NLM_F_REQUEST, NetlinkMessage.AddressInfo(Uapi.AF_INET6, 64, 4)).Address(Uapi.IFA_LOCAL, address).ToArray(1);
        Assert.Equal(Uapi.AF_INET6, bytes[Uapi.NLMSG_HDRLEN]);
        Assert.Equal(64, bytes[Uapi.NLMSG_HDRLEN + 1]);
        var attributes = new NetlinkAttributes(bytes.AsSpan(Uapi.NLMSG_HDRLEN + Uapi.SIZEOF_IFADDRMSG));
        Assert.Equal(16, attributes.Get(Uapi.IFA_LOCAL, out _).Length);
        Assert.Equal(address, attributes.IpAddress(Uapi.IFA_LOCAL, Uapi.AF_INET6));
        Assert.Null(attributes.IpAddress(Uapi.IFA_LOCAL, Uapi.AF_INET));
        // The IPv4 builders are unchanged.
        Assert.Equal(Uapi.AF_INET, NetlinkMessage.AddressInfo(24, 4)[0]);
        Assert.Equal(Uapi.AF_INET, NetlinkMessage.RouteInfo(0, 3, 0, 1)[0]);
        Assert.Equal(Uapi.AF_INET6, NetlinkMessage.RouteInfo(Uapi.AF_INET6, 0, 3, 0, 1)[0]);
    }

    [Fact]
    public void Constants_AreTheKernelsValues()
    {
        Assert.Equal((1, 2, 3), (Uapi.NLMSG_NOOP, Uapi.NLMSG_ERROR, Uapi.NLMSG_DONE));
        Assert.Equal((0x1, 0x2, 0x4, 0x10, 0x300), (Uapi.NLM_F_REQUEST, Uapi.NLM_F_MULTI, Uapi.NLM_F_ACK, Uapi.NLM_F_DUMP_INTR, Uapi.NLM_F_DUMP));
        Assert.Equal((0x200, 0x400), (Uapi.NLM_F_EXCL, Uapi.NLM_F_CREATE));
        Assert.Equal((16, 17, 18, 20, 21, 22, 24, 25, 26),
            (Uapi.RTM_NEWLINK, Uapi.RTM_DELLINK, Uapi.RTM_GETLINK, Uapi.RTM_NEWADDR, Uapi.RTM_DELADDR, Uapi.RTM_GETADDR, Uapi.RTM_NEWROUTE, Uapi.RTM_DELROUTE, Uapi.RTM_GETROUTE));
        Assert.Equal((3, 18, 10, 37), (Uapi.IFLA_IFNAME, Uapi.IFLA_LINKINFO, Uapi.IFLA_MASTER, Uapi.IFLA_LINK_NETNSID));
        Assert.Equal((1, 2, 1, 5, 15), (Uapi.IFA_ADDRESS, Uapi.IFA_LOCAL, Uapi.RTA_DST, Uapi.RTA_GATEWAY, Uapi.RTA_TABLE));
        Assert.Equal((2, 10, 16, 270), (Uapi.AF_INET, Uapi.AF_INET6, Uapi.AF_NETLINK, Uapi.SOL_NETLINK));
        Assert.Equal((11, 12), (Uapi.NETLINK_EXT_ACK, Uapi.NETLINK_GET_STRICT_CHK));
        Assert.Equal(0x6e736673, Uapi.NSFS_MAGIC);
        Assert.Equal(0x3fff, Uapi.NLA_TYPE_MASK & 0xffff);
        Assert.Equal((16, 8, 12, 16), (Uapi.SIZEOF_IFINFOMSG, Uapi.SIZEOF_IFADDRMSG, Uapi.SIZEOF_RTMSG, Uapi.NLMSG_HDRLEN));
        Assert.Equal(Uapi.SIZEOF_SOCKADDR_NL, System.Runtime.InteropServices.Marshal.SizeOf<NetlinkNative.SockAddrNl>());
    }
}
