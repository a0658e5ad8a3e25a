using System;
using System.Collections.Generic;
using System.Linq;
using NetNsPS.Linux;
using NetNsPS.Linux.Firewall;

namespace NetNsPS.Internal.Diagnostics;

/// <summary>
/// Everything the host-wide checks look at, already read and parsed. The checks only reason about these values,
/// so tests build them by hand; DiagnosticReader fills them from the live system.
/// </summary>
internal sealed class HostFacts
{
    /// <summary>net.ipv4.ip_forward as /proc/sys shows it; null when it could not be read.</summary>
    public string? IpForward { get; init; }

    /// <summary>net.ipv6.conf.all.forwarding; null when it could not be read (no IPv6).</summary>
    public string? Ipv6Forward { get; init; }

    /// <summary>net.bridge.bridge-nf-call-ip6tables; null when br_netfilter is not loaded.</summary>
    public string? BridgeNfCallIp6tables { get; init; }

    /// <summary>Whether br_netfilter is loaded (its /proc/sys/net/bridge exists).</summary>
    public bool BridgeNetfilterLoaded { get; init; }

    /// <summary>net.bridge.bridge-nf-call-iptables; null when br_netfilter is not loaded.</summary>
    public string? BridgeNfCallIptables { get; init; }

    /// <summary>The host's links with their addresses (`ip -d -j addr show`).</summary>
    public IReadOnlyList<LinkRecord> Links { get; init; } = Array.Empty<LinkRecord>();

    /// <summary>The host's main routing table.</summary>
    public IReadOnlyList<RouteRecord> Routes { get; init; } = Array.Empty<RouteRecord>();

    /// <summary>The live firewall through the driver: the module's rules and, in Ruleset, everybody's.</summary>
    public FirewallSnapshot Firewall { get => _firewall ??= Driver.Empty(); init => _firewall = value; }

    /// <summary>
    /// The firewall as the cmdlets' planners read it (the nftables driver's diagnostics read is the whole ruleset, and
    /// leaves out ip6tables): where IPv6's FORWARD drops, and what New-NetBridge would add there. Firewall when not read.
    /// </summary>
    public FirewallSnapshot Planning { get => _planning ?? Firewall; init => _planning = value; }

    private FirewallSnapshot? _planning;

    private FirewallSnapshot? _firewall;

    /// <summary>The driver that read it, which also tells what re-running a cmdlet would add and words the raw repairs.</summary>
    public IFirewallDriver Driver { get; init; } = FirewallDrivers.Current;

    /// <summary>The ruleset after the cmdlets that make these rules ran again.</summary>
    public FirewallRuleset Simulate(IEnumerable<FirewallRule> rules) => Driver.Simulate(Firewall, rules);

    /// <summary>route_localnet per bridge name; null when unreadable.</summary>
    public IReadOnlyDictionary<string, string?> RouteLocalnet { get; init; } = new Dictionary<string, string?>();

    /// <summary>The links of every named namespace (to name a free address and a mapping's default internal address).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<LinkRecord>> NamespaceLinks { get; init; } = new Dictionary<string, IReadOnlyList<LinkRecord>>();

    public BackendFacts Backends { get; init; } = new(null, null, null);
    public FirewalldFacts Firewalld { get; init; } = FirewalldFacts.NotRunning;
    public UfwFacts Ufw { get; init; } = UfwFacts.NotInstalled;

    /// <summary>The interface of the host's default route, where outbound traffic leaves; null without one.</summary>
    public string? Uplink => Routes.FirstOrDefault(r => r.IsDefault && r.Family == System.Net.Sockets.AddressFamily.InterNetwork && r.Device is not null)?.Device;

    /// <summary>Bridges with an IPv4 address: the ones namespaces use as their gateway.</summary>
    public IEnumerable<LinkRecord> AddressedBridges => Links.Where(l => l.IsBridge && l.Ipv4Addresses.Any());

    public LinkRecord? Link(string name) => Links.FirstOrDefault(l => l.Name == name);

    /// <summary>The bridge's own network (from its first IPv4 address), or null.</summary>
    public static IpPrefix? Subnet(LinkRecord bridge) =>
        bridge.Ipv4Addresses.Select(a => (IpPrefix?)a.Prefix.Network).FirstOrDefault();

    /// <summary>The interface outbound traffic of a bridge leaves by: the uplink, or any interface but the bridge.</summary>
    public IfaceSpec OutsideOf(string bridge) => Uplink is { } up && up != bridge ? IfaceSpec.Is(up) : IfaceSpec.AnyBut(bridge);

    /// <summary>The host end of a namespace's veth, paired by interface index across namespaces.</summary>
    public LinkRecord? HostEnd(LinkRecord inside) => Links.FirstOrDefault(h => inside.IsPairedWith(h, acrossNamespaces: true));

    /// <summary>The first of these veths whose host end is a port of a bridge, with that host end; (null, null) when none is.</summary>
    public (LinkRecord? Inside, LinkRecord? HostEnd) BridgedVeth(IEnumerable<LinkRecord> veths) =>
        veths.Select(v => (Inside: (LinkRecord?)v, HostEnd: HostEnd(v)))
            .FirstOrDefault(p => p.HostEnd?.Master is not null && Link(p.HostEnd.Master) is { IsBridge: true });

    /// <summary>The namespace's first address on a veth attached to a bridge: what Publish-NsPort forwards to by default.</summary>
    public string? DefaultInternalAddress(string ns) =>
        NamespaceLinks.TryGetValue(ns, out var links)
            ? links.Where(l => l.IsVeth && HostEnd(l)?.Master is not null).SelectMany(l => l.Ipv4Addresses).Select(a => a.Address.ToString()).FirstOrDefault()
            : null;
}

/// <summary>Whether firewalld runs (and how that was found out), and the zone of each interface asked about.</summary>
internal sealed record FirewalldFacts(bool Running, string How, IReadOnlyDictionary<string, string?> Zones)
{
    public static readonly FirewalldFacts NotRunning = new(false, "not running", new Dictionary<string, string?>());
}

/// <summary>Whether ufw is installed and active, and how that was found out.</summary>
internal sealed record UfwFacts(bool Installed, bool Active, string How)
{
    public static readonly UfwFacts NotInstalled = new(false, false, "not installed");
}

/// <summary>One namespace's links and routes.</summary>
internal sealed record NamespaceFacts(string Name, IReadOnlyList<LinkRecord> Links, IReadOnlyList<RouteRecord> Routes);
