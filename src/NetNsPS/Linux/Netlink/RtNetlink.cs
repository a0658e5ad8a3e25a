using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Sockets;

namespace NetNsPS.Linux.Netlink;

/// <summary>The rtnetlink requests behind the module's `ip` commands, and dumps that read the same state `ip -j` shows.</summary>
internal static class RtNetlink
{
    private static readonly string[] OperStates = { "UNKNOWN", "NOTPRESENT", "DOWN", "LOWERLAYERDOWN", "TESTING", "DORMANT", "UP" };

    private const ushort Create = Uapi.NLM_F_REQUEST | Uapi.NLM_F_ACK | Uapi.NLM_F_CREATE | Uapi.NLM_F_EXCL;
    private const ushort Change = Uapi.NLM_F_REQUEST | Uapi.NLM_F_ACK;
    private const ushort Get = Uapi.NLM_F_REQUEST;
    private const ushort Dump = Uapi.NLM_F_REQUEST | Uapi.NLM_F_DUMP;

    /// <summary>Creates a link; with <paramref name="namespaceFd"/> the new link (not a veth's peer) is created in that namespace.</summary>
    public static void AddLink(NetlinkSocket socket, string name, string kind, string? peer, int? namespaceFd, int? peerNamespaceFd = null)
    {
        var m = new NetlinkMessage(Uapi.RTM_NEWLINK, Create, NetlinkMessage.InterfaceInfo()).String(Uapi.IFLA_IFNAME, name);
        if (namespaceFd is { } fd)
        {
            m.U32(Uapi.IFLA_NET_NS_FD, (uint)fd);
        }
        m.BeginNested(Uapi.IFLA_LINKINFO).String(Uapi.IFLA_INFO_KIND, kind);
        if (peer is not null)
        {
            var p = m.BeginNested(Uapi.IFLA_INFO_DATA).BeginNested(Uapi.VETH_INFO_PEER).Raw(NetlinkMessage.InterfaceInfo()).String(Uapi.IFLA_IFNAME, peer);
            if (peerNamespaceFd is { } peerFd)
            {
                // Without it the peer is made in the socket's namespace (the kernel's src_net), not in the first end's.
                p.U32(Uapi.IFLA_NET_NS_FD, (uint)peerFd);
            }
            p.EndNested().EndNested();
        }
        socket.Execute(m.EndNested());
    }

    public static void DeleteLink(NetlinkSocket socket, string name) =>
        socket.Execute(new NetlinkMessage(Uapi.RTM_DELLINK, Change, NetlinkMessage.InterfaceInfo()).String(Uapi.IFLA_IFNAME, name));

    public static void SetUp(NetlinkSocket socket, string name, bool up) =>
        socket.Execute(new NetlinkMessage(Uapi.RTM_NEWLINK, Change, NetlinkMessage.InterfaceInfo(0, up ? (uint)Uapi.IFF_UP : 0u, Uapi.IFF_UP)).String(Uapi.IFLA_IFNAME, name));

    public static void SetMaster(NetlinkSocket socket, string name, string? master) =>
        socket.Execute(new NetlinkMessage(Uapi.RTM_NEWLINK, Change, NetlinkMessage.InterfaceInfo()).String(Uapi.IFLA_IFNAME, name)
            .U32(Uapi.IFLA_MASTER, master is null ? 0u : (uint)IndexOf(socket, master)));

    /// <summary>Moves a link into the namespace behind an open nsfs file, or into the namespace of a process.</summary>
    public static void MoveToNamespace(NetlinkSocket socket, string name, int? namespaceFd, int? pid)
    {
        var m = new NetlinkMessage(Uapi.RTM_NEWLINK, Change, NetlinkMessage.InterfaceInfo()).String(Uapi.IFLA_IFNAME, name);
        m = namespaceFd is { } fd ? m.U32(Uapi.IFLA_NET_NS_FD, (uint)fd) : m.U32(Uapi.IFLA_NET_NS_PID, (uint)pid!.Value);
        socket.Execute(m);
    }

    public static void SetAlias(NetlinkSocket socket, string name, string alias) =>
        socket.Execute(new NetlinkMessage(Uapi.RTM_NEWLINK, Change, NetlinkMessage.InterfaceInfo()).String(Uapi.IFLA_IFNAME, name).String(Uapi.IFLA_IFALIAS, alias));

    /// <summary>Sets a link's MAC address, given as "aa:bb:cc:dd:ee:ff".</summary>
    public static void SetMacAddress(NetlinkSocket socket, string name, string mac) =>
        socket.Execute(new NetlinkMessage(Uapi.RTM_NEWLINK, Change, NetlinkMessage.InterfaceInfo()).String(Uapi.IFLA_IFNAME, name)
            .Bytes(Uapi.IFLA_ADDRESS, mac.Split(':').Select(b => Convert.ToByte(b, 16)).ToArray()));

    public static void SetHairpin(NetlinkSocket socket, string port, bool on) =>
        socket.Execute(new NetlinkMessage(Uapi.RTM_NEWLINK, Change, NetlinkMessage.InterfaceInfo()).String(Uapi.IFLA_IFNAME, port)
            .BeginNested(Uapi.IFLA_LINKINFO).String(Uapi.IFLA_INFO_SLAVE_KIND, "bridge").BeginNested(Uapi.IFLA_INFO_SLAVE_DATA).U8(Uapi.IFLA_BRPORT_MODE, on ? (byte)1 : (byte)0).EndNested().EndNested());

    public static void Address(NetlinkSocket socket, bool add, IpPrefix address, string device, bool noDad = false) =>
        Address(socket, add, address.Address, address.PrefixLength, device, noDad);

    /// <summary>
    /// Adds or deletes an IPv4 or IPv6 address (the family is the address's own). <paramref name="noDad"/> adds an
    /// IPv6 address without duplicate address detection (IFA_F_NODAD, iproute2's `nodad`): usable at once.
    /// </summary>
    public static void Address(NetlinkSocket socket, bool add, IPAddress address, byte prefixLength, string device, bool noDad = false)
    {
        var index = IndexOf(socket, device);
        var m = new NetlinkMessage((ushort)(add ? Uapi.RTM_NEWADDR : Uapi.RTM_DELADDR), add ? Create : Change, NetlinkMessage.AddressInfo(Family(address), prefixLength, index))
            .Address(Uapi.IFA_LOCAL, address).Address(Uapi.IFA_ADDRESS, address);
        if (add && noDad)
        {
            m.U32(Uapi.IFA_FLAGS, Uapi.IFA_F_NODAD);
        }
        socket.Execute(m);
    }

    public static void Route(NetlinkSocket socket, bool add, IpPrefix destination, IPAddress? gateway, string? device) =>
        Route(socket, add, destination.Address, destination.PrefixLength, gateway, device);

    /// <summary>Adds or deletes a main-table route of the destination's family; a gateway must be of the same family.</summary>
    public static void Route(NetlinkSocket socket, bool add, IPAddress destination, byte prefixLength, IPAddress? gateway, string? device)
    {
        var family = Family(destination);
        if (gateway is not null && Family(gateway) != family)
        {
            throw new NetlinkException(Uapi.EINVAL, "gateway and destination are of different address families");
        }
        var header = add
            ? NetlinkMessage.RouteInfo(family, prefixLength, Uapi.RTPROT_BOOT, Uapi.RT_SCOPE_UNIVERSE, Uapi.RTN_UNICAST)
            : NetlinkMessage.RouteInfo(family, prefixLength, Uapi.RTPROT_UNSPEC, Uapi.RT_SCOPE_NOWHERE, Uapi.RTN_UNSPEC);
        var m = new NetlinkMessage((ushort)(add ? Uapi.RTM_NEWROUTE : Uapi.RTM_DELROUTE), add ? Create : Change, header);
        if (prefixLength > 0)
        {
            m.Address(Uapi.RTA_DST, destination);
        }
        if (gateway is not null)
        {
            m.Address(Uapi.RTA_GATEWAY, gateway);
        }
        if (device is not null)
        {
            m.U32(Uapi.RTA_OIF, (uint)IndexOf(socket, device));
        }
        socket.Execute(m);
    }

    /// <summary>The index of a link by name (what `ip` looks up before most commands); ENODEV when there is none.</summary>
    public static int IndexOf(NetlinkSocket socket, string name)
    {
        try
        {
            var reply = socket.Query(new NetlinkMessage(Uapi.RTM_GETLINK, Get, NetlinkMessage.InterfaceInfo()).String(Uapi.IFLA_IFNAME, name));
            return reply.Count > 0 ? BinaryPrimitives.ReadInt32LittleEndian(reply[0].Payload.AsSpan(4)) : throw new NetlinkException(Uapi.ENODEV, null);
        }
        catch (NetlinkException e) when (e.Errno == Uapi.ENODEV)
        {
            throw new CannotFindDeviceException(name);
        }
    }

    /// <summary>
    /// Whether a link could have this name at all (the kernel's dev_valid_name: 1 to 15 bytes, not "." or "..", no '/',
    /// ':' or white space). A name that could not is looked up nowhere: there is no such link.
    /// </summary>
    public static bool CouldBeLinkName(string name) =>
        name.Length > 0 && System.Text.Encoding.UTF8.GetByteCount(name) < Uapi.IFNAMSIZ && name != "." && name != ".."
        && !name.Any(c => c == '/' || c == ':' || char.IsWhiteSpace(c) || c == '\0');

    /// <summary>
    /// One link by name with its addresses, as <see cref="Links"/> gives it, from one RTM_GETLINK request and one address
    /// dump of that link (never a dump of all links); null when there is no such link. A name the kernel resolves as
    /// an alternative name (`ip link property add altname`) is not the link's name, so it gives null as the dump would.
    /// </summary>
    public static LinkRecord? Link(NetlinkSocket socket, string name)
    {
        if (!CouldBeLinkName(name))
        {
            return null;
        }
        var raw = GetLink(socket, new NetlinkMessage(Uapi.RTM_GETLINK, Get, NetlinkMessage.InterfaceInfo()).String(Uapi.IFLA_IFNAME, name));
        return raw is null || raw.Name != name ? null : Complete(socket, raw);
    }

    /// <summary>One link by ifindex with its addresses, as <see cref="Links"/> gives it; null when there is none.</summary>
    public static LinkRecord? LinkByIndex(NetlinkSocket socket, int index)
    {
        if (index <= 0)
        {
            return null;
        }
        var raw = GetLink(socket, new NetlinkMessage(Uapi.RTM_GETLINK, Get, NetlinkMessage.InterfaceInfo(index)));
        return raw is null || raw.Index != index ? null : Complete(socket, raw);
    }

    /// <summary>The name of the link with that ifindex (one RTM_GETLINK request), or null when there is none.</summary>
    public static string? NameOf(NetlinkSocket socket, int index) =>
        index <= 0 ? null : GetLink(socket, new NetlinkMessage(Uapi.RTM_GETLINK, Get, NetlinkMessage.InterfaceInfo(index))) is { } raw && raw.Index == index ? raw.Name : null;

    private static RawLink? GetLink(NetlinkSocket socket, NetlinkMessage request)
    {
        try
        {
            return socket.Query(request).Select(r => ParseLink(r.Type, r.Payload)).FirstOrDefault(r => r is not null);
        }
        catch (NetlinkException e) when (e.Errno == Uapi.ENODEV)
        {
            return null;
        }
    }

    /// <summary>A link read on its own: its master's and same-namespace peer's names by index, its addresses by one filtered dump.</summary>
    private static LinkRecord? Complete(NetlinkSocket socket, RawLink raw)
    {
        var addresses = AddressesOf(socket, raw.Index);
        if (addresses is null)
        {
            // Deleted between the two requests.
            return null;
        }
        return ToRecord(raw, index => NameOf(socket, index), addresses);
    }

    /// <summary>Links with their IPv4 and IPv6 addresses: what `ip -d -j addr show` reports, from two dumps.</summary>
    public static List<LinkRecord> Links(NetlinkSocket socket)
    {
        var raw = socket.Query(new NetlinkMessage(Uapi.RTM_GETLINK, Dump, NetlinkMessage.InterfaceInfo()))
            .Select(r => ParseLink(r.Type, r.Payload)).OfType<RawLink>().ToList();
        var addresses = new Dictionary<int, List<AddressRecord>>();
        foreach (var (type, payload) in socket.Query(AddressDump(0)))
        {
            if (ParseAddress(type, payload) is { } a)
            {
                if (!addresses.TryGetValue(a.Index, out var list))
                {
                    addresses[a.Index] = list = new List<AddressRecord>();
                }
                list.Add(a.Record);
            }
        }
        var names = new Dictionary<int, string>();
        foreach (var r in raw)
        {
            names.TryAdd(r.Index, r.Name);
        }
        return raw.Select(r => ToRecord(r, index => names.TryGetValue(index, out var n) ? n : null,
            addresses.TryGetValue(r.Index, out var list) ? list : new List<AddressRecord>())).ToList();
    }

    /// <summary>
    /// The addresses of one link: a dump of both families that a strict-checking kernel filters by ifa_index, filtered
    /// here as well for a kernel that does not (before 4.20); null when the link is gone (the kernel's ENODEV).
    /// </summary>
    private static List<AddressRecord>? AddressesOf(NetlinkSocket socket, int index)
    {
        try
        {
            return socket.Query(AddressDump(index)).Select(r => ParseAddress(r.Type, r.Payload)).OfType<ParsedAddress>()
                .Where(a => a.Index == index).Select(a => a.Record).ToList();
        }
        catch (NetlinkException e) when (e.Errno == Uapi.ENODEV)
        {
            return null;
        }
    }

    /// <summary>RTM_GETADDR dump of IPv4 and IPv6 (AF_UNSPEC); with an index, of that link only on a strict-checking socket.</summary>
    internal static NetlinkMessage AddressDump(int index) => new(Uapi.RTM_GETADDR, Dump, NetlinkMessage.AddressInfo(Uapi.AF_UNSPEC, 0, index));

    /// <summary>One RTM_NEWADDR message as an address record (IPv4 or IPv6), or null for any other message or family.</summary>
    internal static ParsedAddress? ParseAddress(ushort type, byte[] payload)
    {
        if (type != Uapi.RTM_NEWADDR || payload.Length < Uapi.SIZEOF_IFADDRMSG)
        {
            return null;
        }
        var family = payload[0];
        if (FamilyOf(family) is not { } addressFamily)
        {
            return null;
        }
        var attributes = new NetlinkAttributes(payload.AsSpan(Uapi.SIZEOF_IFADDRMSG));
        // IFA_LOCAL is the address itself; IFA_ADDRESS is the peer's on a point-to-point link, else the same (IPv6 sends only it).
        var local = attributes.IpAddress(Uapi.IFA_LOCAL, family) ?? attributes.IpAddress(Uapi.IFA_ADDRESS, family);
        if (local is null)
        {
            return null;
        }
        var index = BinaryPrimitives.ReadInt32LittleEndian(payload.AsSpan(4));
        // ifa_flags holds the low 8 bits; IFA_FLAGS, when present, all 32.
        var flags = attributes.U32(Uapi.IFA_FLAGS) ?? payload[2];
        return new ParsedAddress(index, new AddressRecord(addressFamily, local, payload[1], ScopeName(payload[3]) ?? "global")
        {
            Tentative = (flags & Uapi.IFA_F_TENTATIVE) != 0,
            DadFailed = (flags & Uapi.IFA_F_DADFAILED) != 0,
        });
    }

    internal sealed record ParsedAddress(int Index, AddressRecord Record);

    /// <summary>The main table's IPv4 and IPv6 routes, as `ip -j route show table main` and `ip -6 -j route show table main` report them.</summary>
    public static List<RouteRecord> Routes(NetlinkSocket socket) => Routes(socket, Uapi.AF_UNSPEC);

    /// <summary>
    /// The main table's routes of one family (AF_INET, AF_INET6, or AF_UNSPEC for both), as `ip [-6] -j route show table main`
    /// reports them. Devices are named by one by-index request per distinct device, not by a dump of every link.
    /// </summary>
    public static List<RouteRecord> Routes(NetlinkSocket socket, int family)
    {
        var routes = new List<RouteRecord>();
        var names = new Dictionary<int, string?>();
        foreach (var (type, payload) in socket.Query(RouteDump(family)))
        {
            if (ParseRoute(type, payload, family) is not { } route)
            {
                continue;
            }
            string? device = null;
            if (route.OutputIndex is { } oif)
            {
                if (!names.TryGetValue(oif, out device))
                {
                    names[oif] = device = NameOf(socket, oif);
                }
            }
            routes.Add(route.Record with { Device = device });
        }
        return routes;
    }

    /// <summary>RTM_GETROUTE dump of a family; the rtmsg names the main table, which a strict-checking kernel filters by.</summary>
    internal static NetlinkMessage RouteDump(int family) =>
        new(Uapi.RTM_GETROUTE, Dump, NetlinkMessage.RouteInfo(family, 0, Uapi.RTPROT_UNSPEC, Uapi.RT_SCOPE_UNIVERSE, Uapi.RTN_UNSPEC));

    /// <summary>One RTM_NEWROUTE message of the main table as a route record (its device left for the caller to name), or null.</summary>
    internal static ParsedRoute? ParseRoute(ushort type, byte[] payload, int family)
    {
        if (type != Uapi.RTM_NEWROUTE || payload.Length < Uapi.SIZEOF_RTMSG)
        {
            return null;
        }
        var routeFamily = payload[0];
        if (FamilyOf(routeFamily) is not { } addressFamily || (family != Uapi.AF_UNSPEC && routeFamily != family))
        {
            return null;
        }
        var attributes = new NetlinkAttributes(payload.AsSpan(Uapi.SIZEOF_RTMSG));
        var table = attributes.U32(Uapi.RTA_TABLE) ?? payload[4];
        if (table != Uapi.RT_TABLE_MAIN)
        {
            return null;
        }
        var destinationLength = payload[1];
        if (destinationLength > IpPrefix.MaxLengthOf(addressFamily))
        {
            return null;
        }
        var destination = destinationLength == 0 ? IpPrefix.Default(addressFamily)
            : new IpPrefix(attributes.IpAddress(Uapi.RTA_DST, routeFamily) ?? IpPrefix.Default(addressFamily).Address, destinationLength);
        var record = new RouteRecord(destination,
            attributes.IpAddress(Uapi.RTA_GATEWAY, routeFamily),
            null,
            ScopeName(payload[6]),
            ProtocolName(payload[5]),
            attributes.IpAddress(Uapi.RTA_PREFSRC, routeFamily),
            payload[7] == Uapi.RTN_UNICAST ? null : TypeName(payload[7]));
        return new ParsedRoute(attributes.U32(Uapi.RTA_OIF) is { } oif ? (int)oif : null, record);
    }

    internal sealed record ParsedRoute(int? OutputIndex, RouteRecord Record);

    /// <summary>One RTM_NEWLINK message: ifinfomsg index and flags, then its attributes; null for any other message.</summary>
    private static RawLink? ParseLink(ushort type, byte[] payload)
    {
        if (type != Uapi.RTM_NEWLINK || payload.Length < Uapi.SIZEOF_IFINFOMSG)
        {
            return null;
        }
        var index = BinaryPrimitives.ReadInt32LittleEndian(payload.AsSpan(4));
        var flags = BinaryPrimitives.ReadUInt32LittleEndian(payload.AsSpan(8));
        var attributes = new NetlinkAttributes(payload.AsSpan(Uapi.SIZEOF_IFINFOMSG));
        return new RawLink(index, attributes.String(Uapi.IFLA_IFNAME) ?? "", flags, ParsedLink.From(attributes));
    }

    private sealed record RawLink(int Index, string Name, uint Flags, ParsedLink Link);

    /// <summary>A link record; <paramref name="nameOf"/> names the master and a same-namespace peer by ifindex.</summary>
    private static LinkRecord ToRecord(RawLink r, Func<int, string?> nameOf, IReadOnlyList<AddressRecord> addresses) => new(
        Index: r.Index,
        Name: r.Name,
        Kind: r.Link.Kind,
        SlaveKind: r.Link.SlaveKind,
        Flags: (LinkFlags)r.Flags,
        OperState: r.Link.OperState < OperStates.Length ? OperStates[r.Link.OperState] : "UNKNOWN",
        Mtu: (int)r.Link.Mtu,
        MacAddress: r.Link.Mac,
        Master: r.Link.Master is { } m and > 0 ? nameOf((int)m) : null,
        // Like iproute2: a peer in another namespace is an index plus netnsid, a peer here is a name.
        PeerIndex: r.Link.PeerNetnsId is not null ? r.Link.Peer : null,
        PeerNetnsId: r.Link.PeerNetnsId,
        PeerNameSameNamespace: r.Link.PeerNetnsId is null && r.Link.Peer is { } p && p != r.Index ? nameOf(p) : null,
        Hairpin: r.Link.Hairpin,
        Addresses: addresses)
    {
        Alias = r.Link.Alias,
    };

    private static AddressFamily? FamilyOf(int family) => family switch
    {
        Uapi.AF_INET => AddressFamily.InterNetwork, Uapi.AF_INET6 => AddressFamily.InterNetworkV6, _ => null,
    };

    private static int Family(IPAddress address) => address.AddressFamily switch
    {
        AddressFamily.InterNetwork => Uapi.AF_INET,
        AddressFamily.InterNetworkV6 => Uapi.AF_INET6,
        _ => throw new NetlinkException(Uapi.EINVAL, $"{address} is neither an IPv4 nor an IPv6 address"),
    };

    private static string? ScopeName(byte scope) => scope switch
    {
        Uapi.RT_SCOPE_LINK => "link", Uapi.RT_SCOPE_HOST => "host", Uapi.RT_SCOPE_SITE => "site", _ => null,
    };

    private static string? ProtocolName(byte protocol) => protocol switch
    {
        Uapi.RTPROT_KERNEL => "kernel", Uapi.RTPROT_BOOT => null, Uapi.RTPROT_STATIC => "static", Uapi.RTPROT_RA => "ra", Uapi.RTPROT_DHCP => "dhcp",
        _ => protocol.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private static string TypeName(byte type) => type switch
    {
        Uapi.RTN_LOCAL => "local", Uapi.RTN_BROADCAST => "broadcast", Uapi.RTN_ANYCAST => "anycast", Uapi.RTN_MULTICAST => "multicast",
        Uapi.RTN_BLACKHOLE => "blackhole", Uapi.RTN_UNREACHABLE => "unreachable", Uapi.RTN_PROHIBIT => "prohibit", Uapi.RTN_THROW => "throw",
        _ => type.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private sealed record ParsedLink(string? Kind, string? SlaveKind, byte OperState, uint Mtu, string? Mac, uint? Master, int? Peer, int? PeerNetnsId, bool? Hairpin, string? Alias)
    {
        public static ParsedLink From(NetlinkAttributes a)
        {
            var info = a.Nested(Uapi.IFLA_LINKINFO);
            var slave = info.Nested(Uapi.IFLA_INFO_SLAVE_DATA);
            var mac = a.Get(Uapi.IFLA_ADDRESS, out var hasMac);
            return new ParsedLink(
                info.String(Uapi.IFLA_INFO_KIND),
                info.String(Uapi.IFLA_INFO_SLAVE_KIND),
                a.U8(Uapi.IFLA_OPERSTATE) ?? 0,
                a.U32(Uapi.IFLA_MTU) ?? 0,
                hasMac ? string.Join(":", mac.ToArray().Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture))) : null,
                a.U32(Uapi.IFLA_MASTER),
                a.S32(Uapi.IFLA_LINK),
                a.S32(Uapi.IFLA_LINK_NETNSID),
                slave.U8(Uapi.IFLA_BRPORT_MODE) is { } mode ? mode != 0 : null,
                a.String(Uapi.IFLA_IFALIAS));
        }
    }
}

/// <summary>A device name that does not exist, in iproute2's words.</summary>
internal sealed class CannotFindDeviceException : Exception
{
    public CannotFindDeviceException(string name) : base($"Cannot find device \"{name}\"") { }
}
