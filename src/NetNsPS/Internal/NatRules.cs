using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using NetNsPS.Linux;
using NetNsPS.Linux.Firewall;

namespace NetNsPS.Internal;

/// <summary>
/// The rules behind masquerading and port publishing, and how to read them back from the live firewall.
/// Every rule carries a <see cref="RuleTag"/> naming what it belongs to, so listing and removal find exactly it.
/// </summary>
internal static class NatRules
{
    public const string AnyAddress = "0.0.0.0";

    /// <summary>IPv6's "every address of the host", as a mapping's ExternalIPAddress shows it.</summary>
    public const string AnyIpv6Address = "::";

    /// <summary>"Every address of the host" of the family: 0.0.0.0 or ::.</summary>
    public static string AnyAddressOf(System.Net.Sockets.AddressFamily family) =>
        family == System.Net.Sockets.AddressFamily.InterNetworkV6 ? AnyIpv6Address : AnyAddress;

    /// <summary>Whether a mapping's ExternalIPAddress means every address of the host (of its family).</summary>
    public static bool IsAny(string? external) => external is AnyAddress or AnyIpv6Address;

    /// <summary>Whether an address as a mapping writes it (canonical text, never a host name) is IPv6's.</summary>
    public static bool IsIpv6(string address) => address.Contains(':');

    /// <summary>Whether a mapping is IPv6's: its two ends are of one family.</summary>
    public static bool IsIpv6(NsPortMapping m) => IsIpv6(m.InternalIPAddress);

    // ---- outbound NAT (the article's "Access the Internet") ----

    public static string MasqueradeTag(string bridge) => RuleTag.Masquerade(bridge).ToString();

    /// <summary>The role of an IPv6 masquerade's tag: a bridge's IPv4 and IPv6 masquerades are two rules, each with a tag of its own.</summary>
    public const string Ipv6Role = "ipv6";

    /// <remarks>
    /// <paramref name="acceptFamilies"/>: the families the address-less out and reply accepts are for (null: IPv4's
    /// alone, as before IPv6); an IPv6 masquerade's go to IPv6's FORWARD too where it drops.
    /// </remarks>
    public static IEnumerable<FirewallRule> Masquerade(string bridge, string sourcePrefix, FirewallFamilies? acceptFamilies = null)
    {
        var tag = RuleTag.Masquerade(bridge);
        var ownTag = IsIpv6(sourcePrefix) ? tag.WithRole(Ipv6Role) : tag;
        // iptables -t nat -A POSTROUTING -s 192.168.15.0/24 ! -o bridge0 -j MASQUERADE
        yield return new FirewallRule(FirewallTable.Nat, FirewallHook.Postrouting, ownTag.ToString(), FirewallAction.Masquerade)
        { Source = sourcePrefix, OutInterface = bridge, NotOutInterface = true };
        // Let the namespaces' traffic out and its replies back in even where FORWARD's policy is DROP.
        yield return new FirewallRule(FirewallTable.Filter, FirewallHook.Forward, tag.WithRole("out").ToString(), FirewallAction.Accept)
        { InInterface = bridge, OutInterface = bridge, NotOutInterface = true, Families = acceptFamilies };
        yield return new FirewallRule(FirewallTable.Filter, FirewallHook.Forward, tag.WithRole("reply").ToString(), FirewallAction.Accept)
        { OutInterface = bridge, EstablishedOnly = true, Families = acceptFamilies };
    }

    /// <summary>The chains masquerading uses (where an empty one of the module's is debris once it is disabled).</summary>
    public static IEnumerable<(FirewallTable, FirewallHook)> MasqueradeHooks =>
        Masquerade("bridge0", "0.0.0.0/0").Select(r => (r.Table, r.Hook)).Distinct();

    /// <summary>A rule of a bridge's masquerade (any bridge's when <paramref name="bridge"/> is null).</summary>
    public static bool IsMasqueradeTag(string tag, string? bridge) =>
        RuleTag.Parse(tag) is { Kind: RuleKind.Masquerade } t && (bridge is null || t.Bridge == bridge);

    public static IEnumerable<NsMasquerade> ReadMasquerades(FirewallSnapshot snapshot) =>
        snapshot.Rules
            .Where(r => r.Table == FirewallTable.Nat && r.Action == FirewallAction.Masquerade && r.Identity is { Kind: RuleKind.Masquerade, Role: null or Ipv6Role })
            .Select(r => new NsMasquerade { Bridge = r.Identity!.Bridge, SourcePrefix = r.Source ?? "" });

    // ---- a bridge's own forwarded traffic (New-NetBridge, where the host's FORWARD drops) ----

    /// <summary>
    /// What Docker accepts for each of its bridges, scoped to this one: frames between its namespaces (which pass
    /// FORWARD once br_netfilter is on), new connections from it to anywhere else, and the replies coming back.
    /// </summary>
    /// <remarks><paramref name="families"/>: the families they are for (null: IPv4's alone), those whose FORWARD drops.</remarks>
    public static IEnumerable<FirewallRule> BridgeForward(string bridge, FirewallFamilies? families = null)
    {
        // iptables -A FORWARD -i bridge0 -o bridge0 -j ACCEPT
        yield return new FirewallRule(FirewallTable.Filter, FirewallHook.Forward, RuleTag.ForBridge(bridge, "within").ToString(), FirewallAction.Accept)
        { InInterface = bridge, OutInterface = bridge, Families = families };
        // iptables -A FORWARD -i bridge0 ! -o bridge0 -j ACCEPT
        yield return new FirewallRule(FirewallTable.Filter, FirewallHook.Forward, RuleTag.ForBridge(bridge, "out").ToString(), FirewallAction.Accept)
        { InInterface = bridge, OutInterface = bridge, NotOutInterface = true, Families = families };
        // iptables -A FORWARD -o bridge0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
        yield return new FirewallRule(FirewallTable.Filter, FirewallHook.Forward, RuleTag.ForBridge(bridge, "reply").ToString(), FirewallAction.Accept)
        { OutInterface = bridge, EstablishedOnly = true, Families = families };
    }

    /// <summary>The chains of a bridge's forward accepts.</summary>
    public static IEnumerable<(FirewallTable, FirewallHook)> BridgeForwardHooks =>
        BridgeForward("bridge0").Select(r => (r.Table, r.Hook)).Distinct();

    /// <summary>One of a bridge's forward accepts.</summary>
    public static bool IsBridgeTag(string tag, string bridge) =>
        RuleTag.Parse(tag) is { Kind: RuleKind.Bridge } t && t.Bridge == bridge;

    // ---- port publishing ----

    /// <summary>The identity of a mapping's rules.</summary>
    public static PortKey KeyOf(NsPortMapping m) =>
        new(m.Protocol, IPAddress.Parse(m.ExternalIPAddress), m.ExternalPort, m.Namespace, m.Bridge);

    private static string PortTag(NsPortMapping m, string role) => RuleTag.ForPort(KeyOf(m), role).ToString();

    public static IEnumerable<FirewallRule> Port(NsPortMapping m)
    {
        var protocol = m.Protocol.ToString().ToLowerInvariant();
        var destination = IsAny(m.ExternalIPAddress) ? null : IpPrefix.Host(IPAddress.Parse(m.ExternalIPAddress)).ToString();
        var to = new DnatTarget(IPAddress.Parse(m.InternalIPAddress), m.InternalPort);
        var inside = IpPrefix.Host(to.Address).ToString();
        var dnat = PortTag(m, "dnat");
        // From other machines: iptables -t nat -A PREROUTING -p tcp --dport 8080 -j DNAT --to-destination 192.168.15.2:80
        yield return new FirewallRule(FirewallTable.Nat, FirewallHook.Prerouting, dnat, FirewallAction.Dnat)
        { Destination = destination, Protocol = protocol, DestinationPort = m.ExternalPort, DnatTo = to };
        // From the host itself, localhost included: the same DNAT in OUTPUT.
        yield return new FirewallRule(FirewallTable.Nat, FirewallHook.Output, dnat, FirewallAction.Dnat)
        { Destination = destination, Protocol = protocol, DestinationPort = m.ExternalPort, DnatTo = to };
        // From the same namespace: hairpin NAT, so the reply comes back through the host and is un-DNATed.
        yield return new FirewallRule(FirewallTable.Nat, FirewallHook.Postrouting, PortTag(m, "hairpin"), FirewallAction.Masquerade)
        { Source = inside, Destination = inside, Protocol = protocol, DestinationPort = m.InternalPort };
        // Where FORWARD's policy is DROP, let the published traffic through to the namespace.
        yield return new FirewallRule(FirewallTable.Filter, FirewallHook.Forward, PortTag(m, "forward"), FirewallAction.Accept)
        { Destination = inside, OutInterface = m.Bridge, Protocol = protocol, DestinationPort = m.InternalPort };
    }

    /// <summary>The chains a port mapping uses.</summary>
    public static IEnumerable<(FirewallTable, FirewallHook)> PortHooks =>
        Port(new NsPortMapping { InternalIPAddress = AnyAddress, Bridge = "bridge0" }).Select(r => (r.Table, r.Hook)).Distinct();

    /// <summary>The chains of a bridge's shared localhost rules.</summary>
    public static IEnumerable<(FirewallTable, FirewallHook)> LocalnetHooks =>
        Localnet("bridge0").Select(r => (r.Table, r.Hook)).Distinct();

    public static string LocalnetTag(string bridge) => RuleTag.Localnet(bridge).ToString();

    /// <summary>Shared by every mapping on a bridge: localhost access and its guard.</summary>
    public static IEnumerable<FirewallRule> Localnet(string bridge)
    {
        // iptables -t nat -A POSTROUTING -m addrtype --src-type LOCAL -o bridge0 -j MASQUERADE
        yield return new FirewallRule(FirewallTable.Nat, FirewallHook.Postrouting, LocalnetTag(bridge), FirewallAction.Masquerade)
        { OutInterface = bridge, SourceIsLocal = true };
        // route_localnet=1 would let a neighbour on the bridge reach the host's 127.0.0.1 services: drop
        // anything for 127.0.0.0/8 arriving on the bridge before routing (as Docker 28 and kube-proxy guard it).
        yield return new FirewallRule(FirewallTable.Raw, FirewallHook.Prerouting, RuleTag.Localnet(bridge, "guard").ToString(), FirewallAction.Drop)
        { InInterface = bridge, Destination = "127.0.0.0/8" };
    }

    /// <summary>A bridge's shared localhost rule (the masquerade or its guard).</summary>
    public static bool IsLocalnetTag(string tag, string bridge) =>
        RuleTag.Parse(tag) is { Kind: RuleKind.Localnet, Role: null or "guard" } t && t.Bridge == bridge;

    /// <summary>The bridges that have shared localhost rules of the module.</summary>
    public static IEnumerable<string> LocalnetBridges(FirewallSnapshot snapshot) =>
        snapshot.Rules.Select(r => r.Identity).Where(t => t is { Kind: RuleKind.Localnet }).Select(t => t!.Bridge).Distinct();

    /// <summary>
    /// Every published port that has at least one rule left, found by its tags, so a mapping whose DNAT rules were
    /// deleted by hand is still found (and removed whole by Unpublish-NsPort and Clear-NetNsPS). The one reader of
    /// mappings: Get-NsPort lists those that still have a DNAT rule, the diagnostics those whose target is known.
    /// </summary>
    public static IReadOnlyList<PublishedPort> ReadPorts(FirewallSnapshot snapshot) => ReadPorts(snapshot.Rules);

    /// <summary>The mappings some rules belong to (the rules of one host port, say), each with its rules.</summary>
    public static IReadOnlyList<PublishedPort> ReadPorts(IEnumerable<FirewallRule> of)
    {
        var found = new Dictionary<PortKey, List<FirewallRule>>();
        var order = new List<PortKey>();
        foreach (var rule in of)
        {
            if (rule.Identity is not { Kind: RuleKind.Port, Port: { } key })
            {
                continue;
            }
            if (!found.TryGetValue(key, out var rules))
            {
                found[key] = rules = new List<FirewallRule>();
                order.Add(key);
            }
            rules.Add(rule);
        }
        return order.Select(k => new PublishedPort(k, found[k])).ToList();
    }

    /// <summary>A rule of this mapping.</summary>
    public static bool IsRuleOf(FirewallRule rule, PortKey key) => rule.Identity is { Kind: RuleKind.Port } t && t.Port == key;
}

/// <summary>A port mapping as its live rules show it.</summary>
internal sealed class PublishedPort
{
    public PublishedPort(PortKey key, IReadOnlyList<FirewallRule> rules)
    {
        Key = key;
        Rules = rules;
        // The DNAT rule in PREROUTING, or the one in OUTPUT when the first was deleted by hand (the mapping still
        // answers on the host then, and must still be listed).
        var dnat = rules.Where(r => r.Table == FirewallTable.Nat && r.Action == FirewallAction.Dnat && r.Identity?.Role == "dnat" && r.DnatTo is not null)
            .OrderBy(r => r.Hook == FirewallHook.Prerouting ? 0 : 1).FirstOrDefault();
        Dnat = dnat?.DnatTo;
        Target = Dnat ?? rules.Select(Inside).FirstOrDefault(t => t is not null);
    }

    public PortKey Key { get; }

    public IReadOnlyList<FirewallRule> Rules { get; }

    /// <summary>Where the DNAT rule sends the port; null when both DNAT rules are gone.</summary>
    public DnatTarget? Dnat { get; }

    /// <summary>The namespace's address and port: DNAT's target, else the hairpin or forward rule's destination.</summary>
    public DnatTarget? Target { get; }

    /// <summary>The mapping, when its target is known.</summary>
    public NsPortMapping? Mapping => Target is { } t ? MappingTo(t) : null;

    /// <summary>The mapping as Get-NsPort shows it: only while a DNAT rule still publishes it.</summary>
    public NsPortMapping? Listed => Dnat is { } t ? MappingTo(t) : null;

    private NsPortMapping MappingTo(DnatTarget t) => new()
    {
        Protocol = Key.Protocol,
        ExternalIPAddress = Key.ExternalText,
        ExternalPort = Key.ExternalPort,
        Namespace = Key.Namespace,
        Bridge = Key.Bridge,
        InternalIPAddress = t.Address.ToString(),
        InternalPort = t.Port,
    };

    private static DnatTarget? Inside(FirewallRule rule)
    {
        if (rule.Action is FirewallAction.Masquerade or FirewallAction.Accept && rule.Destination is { } destination
            && rule.DestinationPort is > 0 and <= ushort.MaxValue)
        {
            var slash = destination.IndexOf('/');
            var text = slash < 0 ? destination : destination[..slash];
            return IPAddress.TryParse(text, out var address) ? new DnatTarget(address, (ushort)rule.DestinationPort.Value) : null;
        }
        return null;
    }
}
