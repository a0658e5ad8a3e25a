using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using NetNsPS.Linux.Firewall;

namespace NetNsPS.Internal;

/// <summary>
/// The rules behind masquerading and port publishing, and how to read them back from the live firewall.
/// Every rule carries a tag "netnsps:KIND:..." naming what it belongs to, so listing and removal find exactly it.
/// </summary>
internal static class NatRules
{
    private const string Prefix = "netnsps:";
    public const string AnyAddress = "0.0.0.0";

    // ---- outbound NAT (the article's "Access the Internet") ----

    public static string MasqueradeTag(string bridge) => $"{Prefix}masq:{bridge}";

    public static IEnumerable<FirewallRule> Masquerade(string bridge, string sourcePrefix)
    {
        var tag = MasqueradeTag(bridge);
        // iptables -t nat -A POSTROUTING -s 192.168.15.0/24 ! -o bridge0 -j MASQUERADE
        yield return new FirewallRule(FirewallTable.Nat, FirewallHook.Postrouting, tag, FirewallAction.Masquerade)
        { Source = sourcePrefix, OutInterface = bridge, NotOutInterface = true };
        // Let the namespaces' traffic out and its replies back in even where FORWARD's policy is DROP.
        yield return new FirewallRule(FirewallTable.Filter, FirewallHook.Forward, tag + ":out", FirewallAction.Accept)
        { InInterface = bridge, OutInterface = bridge, NotOutInterface = true };
        yield return new FirewallRule(FirewallTable.Filter, FirewallHook.Forward, tag + ":reply", FirewallAction.Accept)
        { OutInterface = bridge, EstablishedOnly = true };
    }

    /// <summary>The chains masquerading uses (where an empty one of the module's is debris once it is disabled).</summary>
    public static IEnumerable<(FirewallTable, FirewallHook)> MasqueradeHooks =>
        Masquerade("bridge0", "0.0.0.0/0").Select(r => (r.Table, r.Hook)).Distinct();

    public static bool IsMasqueradeTag(string tag, string? bridge) =>
        bridge is null ? tag.StartsWith(Prefix + "masq:", StringComparison.Ordinal)
                       : tag == MasqueradeTag(bridge) || tag.StartsWith(MasqueradeTag(bridge) + ":", StringComparison.Ordinal);

    public static IEnumerable<NsMasquerade> ReadMasquerades(FirewallSnapshot snapshot) =>
        snapshot.AllRules
            .Where(r => r.Table == FirewallTable.Nat && r.Action == FirewallAction.Masquerade && r.Tag.StartsWith(Prefix + "masq:", StringComparison.Ordinal) && r.Tag.Count(c => c == ':') == 2)
            .Select(r => new NsMasquerade { Bridge = r.Tag[(Prefix.Length + 5)..], SourcePrefix = r.Source ?? "" });

    // ---- port publishing ----

    public static string PortId(NsProtocol protocol, string externalAddress, int externalPort) =>
        $"{Prefix}port:{protocol.ToString().ToLowerInvariant()}:{externalAddress}:{externalPort.ToString(CultureInfo.InvariantCulture)}:";

    private static string PortTag(NsPortMapping m, string role) =>
        $"{PortId(m.Protocol, m.ExternalIPAddress, m.ExternalPort)}{m.Namespace}:{m.Bridge}:{role}";

    public static IEnumerable<FirewallRule> Port(NsPortMapping m)
    {
        var protocol = m.Protocol.ToString().ToLowerInvariant();
        var destination = m.ExternalIPAddress == AnyAddress ? null : m.ExternalIPAddress + "/32";
        var to = $"{m.InternalIPAddress}:{m.InternalPort.ToString(CultureInfo.InvariantCulture)}";
        var inside = m.InternalIPAddress + "/32";
        // From other machines: iptables -t nat -A PREROUTING -p tcp --dport 8080 -j DNAT --to-destination 192.168.15.2:80
        yield return new FirewallRule(FirewallTable.Nat, FirewallHook.Prerouting, PortTag(m, "dnat"), FirewallAction.Dnat)
        { Destination = destination, Protocol = protocol, DestinationPort = m.ExternalPort, DnatTo = to };
        // From the host itself, localhost included: the same DNAT in OUTPUT.
        yield return new FirewallRule(FirewallTable.Nat, FirewallHook.Output, PortTag(m, "dnat"), FirewallAction.Dnat)
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

    public static string LocalnetTag(string bridge) => $"{Prefix}localnet:{bridge}";

    /// <summary>Shared by every mapping on a bridge: localhost access and its guard.</summary>
    public static IEnumerable<FirewallRule> Localnet(string bridge)
    {
        // iptables -t nat -A POSTROUTING -m addrtype --src-type LOCAL -o bridge0 -j MASQUERADE
        yield return new FirewallRule(FirewallTable.Nat, FirewallHook.Postrouting, LocalnetTag(bridge), FirewallAction.Masquerade)
        { OutInterface = bridge, SourceIsLocal = true };
        // route_localnet=1 would let a neighbour on the bridge reach the host's 127.0.0.1 services: drop
        // anything for 127.0.0.0/8 arriving on the bridge before routing (as Docker 28 and kube-proxy guard it).
        yield return new FirewallRule(FirewallTable.Raw, FirewallHook.Prerouting, LocalnetTag(bridge) + ":guard", FirewallAction.Drop)
        { InInterface = bridge, Destination = "127.0.0.0/8" };
    }

    public static bool IsLocalnetTag(string tag, string bridge) =>
        tag == LocalnetTag(bridge) || tag == LocalnetTag(bridge) + ":guard";

    /// <summary>
    /// The live port mappings, read from their DNAT rules: the one in PREROUTING, or the one in OUTPUT when the first
    /// was deleted by hand (the mapping still answers on the host then, and Unpublish-NsPort must still find it).
    /// </summary>
    public static IEnumerable<(NsPortMapping Mapping, string Id)> ReadPorts(FirewallSnapshot snapshot)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var dnat = snapshot.AllRules.Where(r => r.Table == FirewallTable.Nat && r.Action == FirewallAction.Dnat);
        foreach (var rule in dnat.Where(r => r.Hook == FirewallHook.Prerouting).Concat(dnat.Where(r => r.Hook == FirewallHook.Output)))
        {
            if (!seen.Add(rule.Tag))
            {
                continue;
            }
            // netnsps:port:PROTO:EXTIP:EXTPORT:NS:BRIDGE:dnat
            var parts = rule.Tag.Split(':');
            if (parts.Length != 8 || parts[0] + ":" != Prefix || parts[1] != "port" || parts[7] != "dnat" || rule.DnatTo is null)
            {
                continue;
            }
            var to = rule.DnatTo.Split(':');
            if (!Enum.TryParse<NsProtocol>(parts[2], ignoreCase: true, out var protocol) || to.Length != 2
                || !ushort.TryParse(parts[4], NumberStyles.None, CultureInfo.InvariantCulture, out var externalPort)
                || !ushort.TryParse(to[1], NumberStyles.None, CultureInfo.InvariantCulture, out var internalPort))
            {
                continue;
            }
            var mapping = new NsPortMapping
            {
                Protocol = protocol,
                ExternalIPAddress = rule.Destination is null ? AnyAddress : rule.Destination.Replace("/32", ""),
                ExternalPort = rule.DestinationPort is { } p and > 0 and <= ushort.MaxValue ? (ushort)p : externalPort,
                Namespace = parts[5],
                Bridge = parts[6],
                InternalIPAddress = to[0],
                InternalPort = internalPort,
            };
            yield return (mapping, PortId(protocol, parts[3], externalPort));
        }
    }

    public static bool IsPortTagOf(string tag, string portId) => tag.StartsWith(portId, StringComparison.Ordinal);

    /// <summary>What a port rule's tag says of its mapping: netnsps:port:PROTO:EXTIP:EXTPORT:NS:BRIDGE:ROLE.</summary>
    public sealed record MappingTag(NsProtocol Protocol, string ExternalIPAddress, ushort ExternalPort, string Namespace, string Bridge)
    {
        public string Id => PortId(Protocol, ExternalIPAddress, ExternalPort);

        /// <summary>The start of the tags of exactly this mapping's rules.</summary>
        public string TagPrefix => $"{Id}{Namespace}:{Bridge}:";
    }

    public static MappingTag? ParsePortTag(string tag)
    {
        var parts = tag.Split(':');
        if (parts.Length != 8 || parts[0] + ":" != Prefix || parts[1] != "port"
            || !Enum.TryParse<NsProtocol>(parts[2], ignoreCase: true, out var protocol)
            || !ushort.TryParse(parts[4], NumberStyles.None, CultureInfo.InvariantCulture, out var port))
        {
            return null;
        }
        return new MappingTag(protocol, parts[3], port, parts[5], parts[6]);
    }

    /// <summary>
    /// Every mapping that has at least one rule left, whichever: found by tag, so a mapping whose DNAT rules were
    /// deleted by hand is still found, and removed whole, by Unpublish-NsPort and Clear-NetNsPS.
    /// </summary>
    public static List<MappingTag> ReadPortTags(FirewallSnapshot snapshot) =>
        snapshot.AllRules.Select(r => ParsePortTag(r.Tag)).OfType<MappingTag>().Distinct().ToList();

    public static bool IsAnyPortTag(string tag) => tag.StartsWith(Prefix + "port:", StringComparison.Ordinal);
}
