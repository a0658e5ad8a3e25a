using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Linq;

namespace NetNsPS.Linux.Netlink;

/// <summary>The rtnetlink requests behind the module's `ip` commands, and dumps that read the same state `ip -j` shows.</summary>
internal static class RtNetlink
{
    private const ushort NewLink = 16, DelLink = 17, GetLink = 18, NewAddr = 20, DelAddr = 21, GetAddr = 22, NewRoute = 24, DelRoute = 25, GetRoute = 26;
    private const ushort IflaAddress = 1, IflaIfname = 3, IflaMtu = 4, IflaLink = 5, IflaMaster = 10, IflaOperstate = 16, IflaLinkinfo = 18, IflaIfalias = 20,
        IflaNetNsPid = 19, IflaNetNsFd = 28, IflaLinkNetnsid = 37;
    private const ushort InfoKind = 1, InfoData = 2, InfoSlaveKind = 4, InfoSlaveData = 5, VethPeer = 1, BridgePortMode = 4;
    private const ushort IfaAddress = 1, IfaLocal = 2;
    private const ushort RtaDst = 1, RtaOif = 4, RtaGateway = 5, RtaPrefsrc = 7, RtaTable = 15;
    private const uint IffUp = 0x1, IffBroadcast = 0x2, IffLoopback = 0x8, IffMulticast = 0x1000, IffLowerUp = 0x10000;
    private const byte RtProtBoot = 3, RtScopeUniverse = 0, RtScopeNowhere = 255, RtnUnicast = 1;
    private static readonly string[] OperStates = { "UNKNOWN", "NOTPRESENT", "DOWN", "LOWERLAYERDOWN", "TESTING", "DORMANT", "UP" };

    private const ushort Create = NetlinkMessage.FlagRequest | NetlinkMessage.FlagAck | NetlinkMessage.FlagCreate | NetlinkMessage.FlagExcl;
    private const ushort Change = NetlinkMessage.FlagRequest | NetlinkMessage.FlagAck;

    /// <summary>Creates a link; with <paramref name="namespaceFd"/> the new link (not a veth's peer) is created in that namespace.</summary>
    public static void AddLink(NetlinkSocket socket, string name, string kind, string? peer, int? namespaceFd)
    {
        var m = new NetlinkMessage(NewLink, Create, NetlinkMessage.InterfaceInfo()).String(IflaIfname, name);
        if (namespaceFd is { } fd)
        {
            m.U32(IflaNetNsFd, (uint)fd);
        }
        m.BeginNested(IflaLinkinfo).String(InfoKind, kind);
        if (peer is not null)
        {
            m.BeginNested(InfoData).BeginNested(VethPeer).Raw(NetlinkMessage.InterfaceInfo()).String(IflaIfname, peer).EndNested().EndNested();
        }
        socket.Execute(m.EndNested());
    }

    public static void DeleteLink(NetlinkSocket socket, string name) =>
        socket.Execute(new NetlinkMessage(DelLink, Change, NetlinkMessage.InterfaceInfo()).String(IflaIfname, name));

    public static void SetUp(NetlinkSocket socket, string name, bool up) =>
        socket.Execute(new NetlinkMessage(NewLink, Change, NetlinkMessage.InterfaceInfo(0, up ? IffUp : 0, IffUp)).String(IflaIfname, name));

    public static void SetMaster(NetlinkSocket socket, string name, string? master) =>
        socket.Execute(new NetlinkMessage(NewLink, Change, NetlinkMessage.InterfaceInfo()).String(IflaIfname, name)
            .U32(IflaMaster, master is null ? 0u : (uint)IndexOf(socket, master)));

    /// <summary>Moves a link into the namespace behind an open nsfs file, or into the namespace of a process.</summary>
    public static void MoveToNamespace(NetlinkSocket socket, string name, int? namespaceFd, int? pid)
    {
        var m = new NetlinkMessage(NewLink, Change, NetlinkMessage.InterfaceInfo()).String(IflaIfname, name);
        m = namespaceFd is { } fd ? m.U32(IflaNetNsFd, (uint)fd) : m.U32(IflaNetNsPid, (uint)pid!.Value);
        socket.Execute(m);
    }

    public static void SetAlias(NetlinkSocket socket, string name, string alias) =>
        socket.Execute(new NetlinkMessage(NewLink, Change, NetlinkMessage.InterfaceInfo()).String(IflaIfname, name).String(IflaIfalias, alias));

    /// <summary>Sets a link's MAC address, given as "aa:bb:cc:dd:ee:ff".</summary>
    public static void SetMacAddress(NetlinkSocket socket, string name, string mac) =>
        socket.Execute(new NetlinkMessage(NewLink, Change, NetlinkMessage.InterfaceInfo()).String(IflaIfname, name)
            .Bytes(IflaAddress, mac.Split(':').Select(b => Convert.ToByte(b, 16)).ToArray()));

    public static void SetHairpin(NetlinkSocket socket, string port, bool on) =>
        socket.Execute(new NetlinkMessage(NewLink, Change, NetlinkMessage.InterfaceInfo()).String(IflaIfname, port)
            .BeginNested(IflaLinkinfo).String(InfoSlaveKind, "bridge").BeginNested(InfoSlaveData).U8(BridgePortMode, on ? (byte)1 : (byte)0).EndNested().EndNested());

    public static void Address(NetlinkSocket socket, bool add, Ipv4Cidr address, string device)
    {
        var index = IndexOf(socket, device);
        var m = new NetlinkMessage(add ? NewAddr : DelAddr, add ? Create : Change, NetlinkMessage.AddressInfo(address.PrefixLength, index))
            .Address(IfaLocal, address.Address).Address(IfaAddress, address.Address);
        socket.Execute(m);
    }

    public static void Route(NetlinkSocket socket, bool add, Ipv4Cidr destination, uint? gateway, string? device)
    {
        var header = add
            ? NetlinkMessage.RouteInfo(destination.PrefixLength, RtProtBoot, RtScopeUniverse, RtnUnicast)
            : NetlinkMessage.RouteInfo(destination.PrefixLength, 0, RtScopeNowhere, 0);
        var m = new NetlinkMessage(add ? NewRoute : DelRoute, add ? Create : Change, header);
        if (destination.PrefixLength > 0)
        {
            m.Address(RtaDst, destination.Address);
        }
        if (gateway is { } g)
        {
            m.Address(RtaGateway, g);
        }
        if (device is not null)
        {
            m.U32(RtaOif, (uint)IndexOf(socket, device));
        }
        socket.Execute(m);
    }

    /// <summary>The index of a link by name (what `ip` looks up before most commands); ENODEV when there is none.</summary>
    public static int IndexOf(NetlinkSocket socket, string name)
    {
        try
        {
            var reply = socket.Query(new NetlinkMessage(GetLink, NetlinkMessage.FlagRequest, NetlinkMessage.InterfaceInfo()).String(IflaIfname, name));
            return reply.Count > 0 ? BinaryPrimitives.ReadInt32LittleEndian(reply[0].Payload.AsSpan(4)) : throw new NetlinkException(NetlinkNative.ENoDev, null);
        }
        catch (NetlinkException e) when (e.Errno == NetlinkNative.ENoDev)
        {
            throw new CannotFindDeviceException(name);
        }
    }

    /// <summary>Links with their IPv4 addresses: what `ip -d -j addr show` reports, from two dumps.</summary>
    public static List<LinkRecord> Links(NetlinkSocket socket)
    {
        var raw = new List<(int Index, string Name, uint Flags, ParsedLink Link)>();
        foreach (var (type, payload) in socket.Query(new NetlinkMessage(GetLink, NetlinkMessage.FlagRequest | NetlinkMessage.FlagDump, NetlinkMessage.InterfaceInfo())))
        {
            if (type != NewLink || payload.Length < 16)
            {
                continue;
            }
            var index = BinaryPrimitives.ReadInt32LittleEndian(payload.AsSpan(4));
            var flags = BinaryPrimitives.ReadUInt32LittleEndian(payload.AsSpan(8));
            var attributes = new NetlinkAttributes(payload.AsSpan(16));
            raw.Add((index, attributes.String(IflaIfname) ?? "", flags, ParsedLink.From(attributes)));
        }
        var addresses = Ipv4Addresses(socket);
        var names = raw.ToDictionary(r => r.Index, r => r.Name);
        return raw.Select(r => new LinkRecord(
            Index: r.Index,
            Name: r.Name,
            Kind: r.Link.Kind,
            SlaveKind: r.Link.SlaveKind,
            Flags: FlagNames(r.Flags),
            OperState: r.Link.OperState < OperStates.Length ? OperStates[r.Link.OperState] : "UNKNOWN",
            Mtu: (int)r.Link.Mtu,
            MacAddress: r.Link.Mac,
            Master: r.Link.Master is { } m && names.TryGetValue((int)m, out var master) ? master : null,
            // Like iproute2: a peer in another namespace is an index plus netnsid, a peer here is a name.
            PeerIndex: r.Link.PeerNetnsId is not null ? (int?)r.Link.Peer : null,
            PeerNetnsId: r.Link.PeerNetnsId,
            PeerNameSameNamespace: r.Link.PeerNetnsId is null && r.Link.Peer is { } p && p != r.Index && names.TryGetValue(p, out var peer) ? peer : null,
            Hairpin: r.Link.Hairpin,
            Addresses: addresses.TryGetValue(r.Index, out var list) ? list : new List<AddressRecord>())
        {
            Alias = r.Link.Alias,
        }).ToList();
    }

    private static Dictionary<int, List<AddressRecord>> Ipv4Addresses(NetlinkSocket socket)
    {
        var result = new Dictionary<int, List<AddressRecord>>();
        var request = new NetlinkMessage(GetAddr, NetlinkMessage.FlagRequest | NetlinkMessage.FlagDump, NetlinkMessage.AddressInfo(0, 0));
        foreach (var (type, payload) in socket.Query(request))
        {
            if (type != NewAddr || payload.Length < 8 || payload[0] != 2)
            {
                continue;
            }
            var attributes = new NetlinkAttributes(payload.AsSpan(8));
            var local = attributes.Address(IfaLocal) ?? attributes.Address(IfaAddress);
            if (local is null)
            {
                continue;
            }
            var index = BinaryPrimitives.ReadInt32LittleEndian(payload.AsSpan(4));
            if (!result.TryGetValue(index, out var list))
            {
                result[index] = list = new List<AddressRecord>();
            }
            list.Add(new AddressRecord("inet", Ipv4Cidr.Format(local.Value), payload[1], ScopeName(payload[3]) ?? "global"));
        }
        return result;
    }

    /// <summary>The main table's IPv4 routes, as `ip -j route show table main` reports them.</summary>
    public static List<RouteRecord> Routes(NetlinkSocket socket)
    {
        var routes = new List<RouteRecord>();
        Dictionary<int, string>? names = null;
        var request = new NetlinkMessage(GetRoute, NetlinkMessage.FlagRequest | NetlinkMessage.FlagDump, NetlinkMessage.RouteInfo(0, 0, 0, 0));
        foreach (var (type, payload) in socket.Query(request))
        {
            if (type != NewRoute || payload.Length < 12 || payload[0] != 2)
            {
                continue;
            }
            var attributes = new NetlinkAttributes(payload.AsSpan(12));
            var table = attributes.U32(RtaTable) ?? payload[4];
            if (table != 254)
            {
                continue;
            }
            names ??= Links(socket).ToDictionary(l => l.Index, l => l.Name);
            var destinationLength = payload[1];
            var destination = destinationLength == 0 ? "default"
                : destinationLength == 32 ? Ipv4Cidr.Format(attributes.Address(RtaDst) ?? 0)
                : $"{Ipv4Cidr.Format(attributes.Address(RtaDst) ?? 0)}/{destinationLength}";
            var device = attributes.U32(RtaOif) is { } oif && names.TryGetValue((int)oif, out var n) ? n : null;
            routes.Add(new RouteRecord(destination,
                attributes.Address(RtaGateway) is { } gw ? Ipv4Cidr.Format(gw) : null,
                device,
                ScopeName(payload[6]),
                ProtocolName(payload[5]),
                attributes.Address(RtaPrefsrc) is { } src ? Ipv4Cidr.Format(src) : null,
                payload[7] == RtnUnicast ? null : TypeName(payload[7])));
        }
        return routes;
    }

    private static string? ScopeName(byte scope) => scope switch { 253 => "link", 254 => "host", 200 => "site", _ => null };

    private static string? ProtocolName(byte protocol) => protocol switch
    {
        2 => "kernel", 3 => null, 4 => "static", 16 => "dhcp", _ => protocol.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private static string TypeName(byte type) => type switch
    {
        2 => "local", 3 => "broadcast", 4 => "anycast", 5 => "multicast", 6 => "blackhole", 7 => "unreachable", 8 => "prohibit", 9 => "throw",
        _ => type.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private static string[] FlagNames(uint flags)
    {
        var names = new List<string>();
        if ((flags & IffUp) != 0 && (flags & IffLowerUp) == 0 && (flags & IffLoopback) == 0) names.Add("NO-CARRIER");
        if ((flags & IffLoopback) != 0) names.Add("LOOPBACK");
        if ((flags & IffBroadcast) != 0) names.Add("BROADCAST");
        if ((flags & IffMulticast) != 0) names.Add("MULTICAST");
        if ((flags & IffUp) != 0) names.Add("UP");
        if ((flags & IffLowerUp) != 0) names.Add("LOWER_UP");
        return names.ToArray();
    }

    private sealed record ParsedLink(string? Kind, string? SlaveKind, byte OperState, uint Mtu, string? Mac, uint? Master, int? Peer, int? PeerNetnsId, bool? Hairpin, string? Alias)
    {
        public static ParsedLink From(NetlinkAttributes a)
        {
            var info = a.Nested(IflaLinkinfo);
            var slave = info.Nested(InfoSlaveData);
            var mac = a.Get(IflaAddress, out var hasMac);
            return new ParsedLink(
                info.String(InfoKind),
                info.String(InfoSlaveKind),
                a.U8(IflaOperstate) ?? 0,
                a.U32(IflaMtu) ?? 0,
                hasMac ? string.Join(":", mac.ToArray().Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture))) : null,
                a.U32(IflaMaster),
                a.S32(IflaLink),
                a.S32(IflaLinkNetnsid),
                slave.U8(BridgePortMode) is { } mode ? mode != 0 : null,
                a.String(IflaIfalias));
        }
    }
}

/// <summary>A device name that does not exist, in iproute2's words.</summary>
internal sealed class CannotFindDeviceException : Exception
{
    public CannotFindDeviceException(string name) : base($"Cannot find device \"{name}\"") { }
}
