using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using NetNsPS.Linux;
using NetNsPS.Linux.Firewall;
using NetNsPS.Operations;

namespace NetNsPS.Internal.Diagnostics;

/// <summary>
/// The IPv6 checks of one namespace, for a namespace with an IPv6 address on its bridged veth (nothing otherwise):
/// its address in a subnet of the bridge's, a default route via the bridge, the host's IPv6 forwarding, and for each
/// IPv6 mapping its rules, bridge-nf-call-ip6tables, and why [::1] cannot reach it. The IPv4 checks are
/// <see cref="NamespaceChecks"/>'; these read the module's rules from the snapshot (both drivers keep IPv6's there),
/// not by walking the ruleset, which holds IPv4's chains only under iptables.
/// </summary>
internal static class Ipv6Checks
{
    public const string AddressCheck = "IPv6 address";
    public const string DefaultRouteCheck = "IPv6 default route";
    public const string ForwardingCheck = "IPv6 forwarding";
    public const string BridgeNetfilterCheck = "IPv6 bridge netfilter";
    public const string ForwardCheck = "IPv6 FORWARD";
    public static string RulesCheck(NsPortMapping m) => "IPv6 rules " + Suffix(m);
    public static string LocalhostCheck(NsPortMapping m) => "IPv6 localhost " + Suffix(m);

    private static string Suffix(NsPortMapping m) => $"{m.Protocol.ToString().ToLowerInvariant()}/{m.ExternalPort.ToString(CultureInfo.InvariantCulture)}";

    public static IEnumerable<NsDiagnostic> All(HostFacts h, NamespaceFacts n, ushort? externalPort)
    {
        var ns = n.Name;
        NsDiagnostic D(string check, NsDiagnosticStatus status, string observed, string why, string fix) => NamespaceChecks.Result(ns, check, status, observed, why, fix);
        const NsDiagnosticStatus Ok = NsDiagnosticStatus.Ok, Failed = NsDiagnosticStatus.Failed;

        var attached = h.BridgedVeth(n.Links.Where(l => l.IsVeth));
        var mine = attached.Inside?.Ipv6Addresses.ToList() ?? new List<AddressRecord>();
        if (attached.HostEnd is null || mine.Count == 0)
        {
            yield break;
        }
        var inside = attached.Inside!;
        var bridge = h.Link(attached.HostEnd.Master!)!;
        var b = bridge.Name;

        // ---- the address, in a subnet of the bridge's ----
        var pair = mine.SelectMany(a => bridge.Ipv6Addresses.Where(g => g.Prefix.Network.Contains(a.Address)).Select(g => (Own: a, Gateway: g))).FirstOrDefault();
        if (pair.Own is null)
        {
            var network = mine[0].Prefix.Network;
            yield return D(AddressCheck, Failed, $"{inside.Name} has {string.Join(", ", mine.Select(a => a.Cidr))}; {b} has no IPv6 address in {network}",
                $"{b}'s address in the namespace's IPv6 subnet is its gateway: without one, the namespace reaches nothing beyond its subnet over IPv6.",
                Fixes.Cmdlet("Add-NsIPAddress", $"{network.FirstHostAddress}/{network.PrefixLength}", ("InterfaceName", b)));
            yield break;
        }
        yield return D(AddressCheck, Ok, $"{inside.Name} has {pair.Own.Cidr}, in {b}'s {pair.Gateway.Prefix.Network}",
            $"{b}'s {pair.Gateway.Address} is the namespace's IPv6 gateway.", "");

        // ---- the default route ----
        var gateways = bridge.Addresses.Where(a => a.Family == System.Net.Sockets.AddressFamily.InterNetworkV6).Select(a => a.Address).ToHashSet();
        var defaults = n.Routes.Where(r => r.IsDefault && !r.Destination.IsIpv4).ToList();
        var good = defaults.FirstOrDefault(r => r.Gateway is { } g && gateways.Contains(g) && (r.Device is null || r.Device == inside.Name));
        var add = Fixes.Cmdlet("Add-NsRoute", Array.Empty<string>(), ("Namespace", ns), ("NextHop", pair.Gateway.Address.ToString()));
        yield return D(DefaultRouteCheck, good is null ? Failed : Ok,
            good is not null ? $"::/0 via {good.Gateway} dev {good.Device ?? inside.Name} ({b}'s address)"
            : defaults.Count == 0 ? "no IPv6 default route" : $"::/0 {(defaults[0].Gateway is null ? "" : "via " + defaults[0].Gateway + " ")}dev {defaults[0].Device}, not via {b}'s address",
            $"Without ::/0 via {b}'s {pair.Gateway.Address}, IPv6 packets to other networks fail with 'Network is unreachable'.",
            defaults.Count == 0 ? add : Fixes.Join(new[] { Fixes.Cmdlet("Remove-NsRoute", Array.Empty<string>(), ("Namespace", ns), ("DestinationPrefix", "::/0")), add }));

        // ---- the host forwards IPv6 ----
        yield return D(ForwardingCheck, h.Ipv6Forward == "1" ? Ok : Failed, $"{Sysctl.Ipv6Forward} = {h.Ipv6Forward ?? "(unreadable)"}",
            "The host routes the namespace's IPv6 packets to other networks, and other machines' to its published ports, only while IPv6 forwarding is on.",
            Fixes.Cmdlet("Enable-IpForward", Array.Empty<string>(), ("AddressFamily", "IPv6")));

        // ---- IPv6's FORWARD, where it drops (ip6tables' policy DROP: Docker 27 and later with IPv6) ----
        if ((h.Driver.ForwardDropFamilies(h.Planning) & FirewallFamilies.Ipv6) != 0)
        {
            // What New-NetBridge, run again, would add for IPv6: nothing when the bridge's accepts are all there.
            var repair = new Plan();
            h.Driver.PlanEnsure(h.Planning, NatRules.BridgeForward(b, FirewallFamilies.Ipv6), repair);
            yield return D(ForwardCheck, repair.IsEmpty ? Ok : Failed,
                repair.IsEmpty ? $"IPv6's FORWARD drops; NetNsPS accepts {b}'s traffic there (New-NetBridge)"
                : $"IPv6's FORWARD drops, and {b}'s accepts are not all there",
                $"ip6tables' FORWARD drops what nobody accepted (Docker 27 and later with IPv6 set it so): without {b}'s accepts there, its namespaces reach neither each other nor other networks over IPv6.",
                repair.IsEmpty ? "" : Fixes.NewNetBridge(b));
        }

        // ---- its IPv6 mappings ----
        var mappings = NatRules.ReadPorts(h.Firewall).Select(p => p.Mapping).OfType<NsPortMapping>()
            .Where(m => m.Namespace == ns && NatRules.IsIpv6(m) && (externalPort is null || m.ExternalPort == externalPort)).ToList();
        var rules = h.Firewall.Rules.ToHashSet();
        foreach (var m in mappings)
        {
            var missing = NatRules.Port(m).Where(r => !rules.Contains(r)).ToList();
            yield return D(RulesCheck(m), missing.Count == 0 ? Ok : Failed,
                missing.Count == 0 ? $"{PortPlannerText(m)}: DNAT, hairpin masquerade and forward accept in place"
                : $"{PortPlannerText(m)}: missing {string.Join(", ", missing.Select(r => r.Identity?.Role ?? r.Tag).Distinct())}",
                "An IPv6 mapping is a DNAT from other machines and from the host, a hairpin masquerade for the namespace itself, and a forward accept where FORWARD drops.",
                Fixes.Publish(m, null));
            var hostAddress = bridge.Ipv6Addresses.FirstOrDefault()?.Address.ToString() ?? "<an IPv6 address of the host>";
            yield return D(LocalhostCheck(m), Ok,
                $"[::1]:{m.ExternalPort} is not published; [{hostAddress}]:{m.ExternalPort} is",
                $"Linux has no route_localnet for IPv6: a packet DNATed from ::1 could never be answered, so NetNsPS does not try. From the host, use one of its own addresses ([{hostAddress}]:{m.ExternalPort}), or 127.0.0.1:{m.ExternalPort} for the IPv4 mapping.",
                "");
        }
        if (mappings.Count > 0)
        {
            var on = h.BridgeNetfilterLoaded && h.BridgeNfCallIp6tables == "1";
            yield return D(BridgeNetfilterCheck, on ? Ok : Failed,
                h.BridgeNetfilterLoaded ? $"{Sysctl.BridgeNfCallIp6tables} = {h.BridgeNfCallIp6tables ?? "(unreadable)"}" : "br_netfilter is not loaded",
                $"Without bridge-nf-call-ip6tables a sibling's request to [{pair.Gateway.Address}]:{mappings[0].ExternalPort} gets its reply straight across {b}, never un-DNATed, and drops it.",
                Fixes.Publish(mappings[0], null));
        }
    }

    private static string PortPlannerText(NsPortMapping m) =>
        $"{NsPortMapping.Endpoint(m.ExternalIPAddress, m.ExternalPort)} -> {NsPortMapping.Endpoint(m.InternalIPAddress, m.InternalPort)}";
}
