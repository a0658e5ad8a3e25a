using System.Collections.Generic;
using System.Linq;
using NetNsPS.Linux;

namespace NetNsPS;

/// <summary>Turns kernel records into the objects cmdlets return.</summary>
internal static class ModelFactory
{
    public static NetNamespace Namespace(string name, IReadOnlyList<LinkRecord> links) => new()
    {
        Name = name,
        Path = NetState.NamespacePath(name),
        Interfaces = links.Select(l => l.Name).ToArray(),
        IPAddresses = links.SelectMany(l => l.GlobalAddresses).Select(a => a.Cidr).ToArray(),
        InterfaceAddresses = links.SelectMany(l => l.GlobalAddresses.Select(a => l.Name + " " + a.Cidr)).ToArray(),
    };

    public static NetBridge Bridge(LinkRecord bridge, IReadOnlyList<LinkRecord> hostLinks) => new()
    {
        Name = bridge.Name,
        State = bridge.OperState,
        MacAddress = bridge.MacAddress,
        Mtu = bridge.Mtu,
        IPAddresses = bridge.GlobalAddresses.Select(a => a.Cidr).ToArray(),
        Ports = hostLinks.Where(l => l.Master == bridge.Name).Select(l => l.Name).ToArray(),
    };

    public static VethPair Veth(string ns, LinkRecord inside, LinkRecord? peer) => new()
    {
        Name = inside.Name,
        Namespace = ns,
        PeerName = peer?.Name ?? "",
        Bridge = peer?.Master,
        State = inside.OperState,
        Hairpin = peer?.Hairpin ?? false,
    };

    public static NsLink Link(string? ns, LinkRecord end, string? peerNs, LinkRecord? peer) => new()
    {
        Namespace = ns,
        InterfaceName = end.Name,
        IPAddress = end.GlobalAddresses.Select(a => a.Cidr).ToArray(),
        PeerNamespace = peerNs,
        PeerInterfaceName = peer?.Name ?? "",
        PeerIPAddress = peer?.GlobalAddresses.Select(a => a.Cidr).ToArray() ?? System.Array.Empty<string>(),
        State = end.OperState,
    };

    public static NsLinkShaping Shaping(string? ns, string device, NetemSettings netem) => new()
    {
        Namespace = ns,
        InterfaceName = device,
        Delay = netem.DelayMicroseconds is { } d ? Netem.FormatTime(d) : null,
        Jitter = netem.JitterMicroseconds is { } j ? Netem.FormatTime(j) : null,
        Loss = netem.LossPercent is { } l ? Netem.FormatPercent(l) : null,
        Duplicate = netem.DuplicatePercent is { } p ? Netem.FormatPercent(p) : null,
        Rate = netem.RateBitsPerSecond is { } r ? Netem.FormatRate(r) : null,
    };

    public static NsIPAddress Address(string? ns, string device, AddressRecord a) => new()
    {
        Namespace = ns,
        InterfaceName = device,
        IPAddress = a.Address.ToString(),
        PrefixLength = a.PrefixLength,
        AddressFamily = Linux.IpPrefix.FamilyName(a.Family),
        Scope = a.Scope ?? "global",
    };

    public static NsRoute Route(string? ns, RouteRecord r) => new()
    {
        Namespace = ns,
        DestinationPrefix = r.Destination.ToString(),
        NextHop = r.Gateway?.ToString(),
        InterfaceName = r.Device,
        Scope = r.Scope ?? "global",
        Protocol = r.Protocol,
        PreferredSource = r.PreferredSource?.ToString(),
    };

    public static NsConnectionTestResult ConnectionTest(string computerName, ConnectionProbeRequest request, ConnectionProbeOutcome outcome) => new()
    {
        Namespace = request.Namespace,
        ComputerName = computerName,
        RemoteAddress = request.Address.ToString(),
        RemotePort = request.Port,
        SourceAddress = outcome.SourceAddress?.ToString(),
        PingSucceeded = outcome.PingSucceeded,
        PingRoundTripTime = outcome.RoundTripMilliseconds,
        TcpTestSucceeded = outcome.TcpSucceeded,
    };
}
