using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using NetNsPS.Internal;
using NetNsPS.Linux;
using NetNsPS.Linux.Firewall;

namespace NetNsPS.Operations;

/// <summary>
/// Publishing and unpublishing ports, side by side: the rules of each mapping, the settings the mappings of a bridge
/// share (localhost masquerade and its guard, route_localnet, bridge netfilter) and hairpin mode on the namespace's
/// bridge port, added with the first mapping that needs them and removed with the last. Reads only the view.
/// </summary>
internal static class PortPlanner
{
    /// <summary>A mapping Publish-NsPort is asked for, parameters already validated (addresses in canonical form; null: the default).</summary>
    public sealed record PublishIntent(NsProtocol Protocol, string? ExternalIPAddress, ushort ExternalPort, string Namespace, string? InternalIPAddress, ushort InternalPort);

    /// <summary>A mapping resolved against the system: the namespace's address and the host end of its bridged veth.</summary>
    public sealed record PublishTarget(NsPortMapping Mapping, LinkRecord HostEnd);

    /// <summary>The plan, the mappings it publishes, and the errors of the ones refused (published already to another target).</summary>
    public sealed record PublishResult(Plan Plan, IReadOnlyList<PublishTarget> Accepted, IReadOnlyList<NetNsException> Refused);

    /// <summary>An Unpublish-NsPort request (null: any).</summary>
    public sealed record UnpublishIntent(NsProtocol Protocol, ushort ExternalPort, string? ExternalIPAddress, string? Namespace);

    /// <summary>
    /// The plan, the requests that matched no mapping, and the settings whose records it is done with (route_localnet
    /// of each bridge that loses its last mapping: put back, or left to whoever changed it since).
    /// </summary>
    public sealed record UnpublishResult(Plan Plan, IReadOnlyList<UnpublishIntent> NotPublished, IReadOnlyList<string> Released);

    /// <summary>What -Confirm names: "port tcp/8080 -> red:80".</summary>
    public static string Describe(NsPortMapping m) =>
        $"{m.Protocol.ToString().ToLowerInvariant()}/{(m.ExternalIPAddress == NatRules.AnyAddress ? "" : Address(m.ExternalIPAddress) + ":")}{m.ExternalPort.ToString(CultureInfo.InvariantCulture)} -> {m.Namespace}:{m.InternalPort.ToString(CultureInfo.InvariantCulture)}";

    private static string Describe(PublishedPort p) => p.Mapping is { } m ? Describe(m)
        : $"{p.Key.Protocol.ToString().ToLowerInvariant()}/{(p.Key.IsAnyAddress ? "" : RuleTag.FormatAddress(p.Key.ExternalAddress) + ":")}{p.Key.ExternalPort.ToString(CultureInfo.InvariantCulture)} -> {p.Key.Namespace}";

    private static string Address(string text) => System.Net.IPAddress.TryParse(text, out var a) ? RuleTag.FormatAddress(a) : text;

    private static string Subject(IEnumerable<string> ports)
    {
        var list = ports.ToList();
        return (list.Count == 1 ? "port " : "ports ") + string.Join(", ", list);
    }

    // ---- publish ----

    /// <summary>
    /// Checks a mapping against the system and finds where it goes: one mapping per address family the namespace has
    /// an address of on its bridged veth (IPv4 and IPv6, as Docker publishes both), or the family of the address
    /// given. The errors name the value and what is allowed.
    /// </summary>
    public static IReadOnlyList<PublishTarget> Resolve(ISystemView view, PublishIntent intent)
    {
        var ns = intent.Namespace;
        if (!view.NamespaceExists(ns))
        {
            throw Errors.NamespaceNotFound(ns);
        }
        // 0.0.0.0 or :: (a mapping read back from JSON, say) is every address of that family, as no address is of both.
        var externalAddress = intent.ExternalIPAddress is null ? null : System.Net.IPAddress.Parse(intent.ExternalIPAddress);
        var everyAddress = NatRules.IsAny(intent.ExternalIPAddress);
        var internalAddress = intent.InternalIPAddress is null ? null : System.Net.IPAddress.Parse(intent.InternalIPAddress);
        if (externalAddress is not null && internalAddress is not null && externalAddress.AddressFamily != internalAddress.AddressFamily)
        {
            throw new NetNsException(
                $"ExternalIPAddress {intent.ExternalIPAddress} is {IpPrefix.FamilyName(externalAddress.AddressFamily)} but InternalIPAddress {intent.InternalIPAddress} is {IpPrefix.FamilyName(internalAddress.AddressFamily)}: a mapping's two ends are of one family.",
                "AddressFamilyMismatch", ErrorCategory.InvalidArgument, intent.ExternalIPAddress);
        }
        if (externalAddress is not null && !everyAddress && !view.Links(null).SelectMany(l => l.GlobalAddresses).Any(a => a.Address.Equals(externalAddress)))
        {
            throw new NetNsException($"ExternalIPAddress {intent.ExternalIPAddress} is not an address of this host; give one of its addresses or leave it out for all of them.",
                "NotAHostAddress", ErrorCategory.InvalidArgument, intent.ExternalIPAddress);
        }
        var family = (externalAddress ?? internalAddress)?.AddressFamily;
        return FindTargets(view, ns, internalAddress, family).Select(t => new PublishTarget(new NsPortMapping
        {
            Protocol = intent.Protocol,
            ExternalIPAddress = intent.ExternalIPAddress ?? NatRules.AnyAddressOf(t.Address.AddressFamily),
            ExternalPort = intent.ExternalPort,
            Namespace = ns,
            InternalIPAddress = t.Address.ToString(),
            InternalPort = intent.InternalPort,
            Bridge = t.HostEnd.Master!,
        }, t.HostEnd)).ToList();
    }

    /// <summary>
    /// One plan for every mapping of a pipeline (the driver batches it), refusing a mapping whose host
    /// port is published to another target; the same mapping again plans nothing.
    /// </summary>
    public static PublishResult Publish(ISystemView view, IFirewallDriver driver, IReadOnlyList<PublishTarget> targets) =>
        Publish(view, driver, targets, Array.Empty<FirewallRule>());

    /// <summary>
    /// The same, with other rules of the module ensured in the same driver call (a lab's masquerade): one call plans
    /// each chain once, where two calls on one snapshot would both create it.
    /// </summary>
    public static PublishResult Publish(ISystemView view, IFirewallDriver driver, IReadOnlyList<PublishTarget> targets, IReadOnlyCollection<FirewallRule> alongside)
    {
        var snapshot = view.Firewall();
        var accepted = new List<PublishTarget>();
        var refused = new List<NetNsException>();
        // Only a mapping of the same protocol and host port can clash: the others are not even built.
        var ports = targets.Select(t => (t.Mapping.Protocol, t.Mapping.ExternalPort)).ToHashSet();
        var published = NatRules.ReadPorts(snapshot.RulesOfPorts(ports)).Select(p => p.Listed).OfType<NsPortMapping>().ToList();
        foreach (var item in targets)
        {
            var clash = published.Concat(accepted.Select(a => a.Mapping)).FirstOrDefault(p => Overlaps(p, item.Mapping) && !SameMapping(p, item.Mapping));
            if (clash is not null)
            {
                refused.Add(new NetNsException(
                    $"{item.Mapping.Protocol.ToString().ToLowerInvariant()} port {item.Mapping.ExternalPort} is already published: {clash}. Unpublish it first (Unpublish-NsPort -ExternalPort {item.Mapping.ExternalPort} -Protocol {item.Mapping.Protocol}).",
                    "PortAlreadyPublished", ErrorCategory.ResourceExists, clash));
                continue;
            }
            accepted.Add(item);
        }
        var plan = new Plan();
        if (accepted.Count == 0)
        {
            return new PublishResult(plan, accepted, refused);
        }
        // The firewall changes of all mappings go together (one batch of the driver's), so they are one object to confirm.
        plan.About(Subject(accepted.Select(a => Describe(a.Mapping))));
        // Localhost reaches a mapping through route_localnet, which IPv4 alone has: the bridges of IPv4 mappings only.
        var bridges = accepted.Where(a => !NatRules.IsIpv6(a.Mapping)).Select(a => a.Mapping.Bridge).Distinct().ToList();
        var before = plan.Steps.Count;
        driver.PlanEnsure(snapshot, alongside.Concat(accepted.SelectMany(a => NatRules.Port(a.Mapping))).Concat(bridges.SelectMany(NatRules.Localnet)), plan);
        if (plan.Steps.Count > before)
        {
            // A UDP mapping new or moved: flows still following an earlier DNAT of the port go (containernetworking/plugins#123).
            PlanStaleConntrack(accepted.Select(a => (a.Mapping.Protocol, a.Mapping.ExternalPort, NatRules.IsIpv6(a.Mapping))), plan);
        }
        foreach (var bridge in bridges)
        {
            var routeLocalnet = Sysctl.RouteLocalnet(bridge);
            var current = view.Sysctl(routeLocalnet);
            if (current != "1")
            {
                plan.Add(Sysctl.Write(routeLocalnet, "1"), Sysctl.Write(routeLocalnet, current ?? "0"));
            }
        }
        foreach (var hostEnd in accepted.Select(a => a.HostEnd).Where(h => h.Hairpin != true).Select(h => h.Name).Distinct())
        {
            plan.Add(Ip.SetHairpin(hostEnd, true), Ip.SetHairpin(hostEnd, false));
        }
        // Sibling namespaces reach a published port only through bridge netfilter: a host-wide object of its own.
        plan.Append(SysctlPlanner.BridgeNetfilter(view, ipv6: accepted.Any(a => NatRules.IsIpv6(a.Mapping))));
        return new PublishResult(plan, accepted, refused);
    }

    /// <summary>The same protocol and port on a host address both listen on: the same one, or every one of the same family.</summary>
    private static bool Overlaps(NsPortMapping a, NsPortMapping b) =>
        a.Protocol == b.Protocol && a.ExternalPort == b.ExternalPort
        && (a.ExternalIPAddress == b.ExternalIPAddress
            || (NatRules.IsIpv6(a.ExternalIPAddress) == NatRules.IsIpv6(b.ExternalIPAddress) && (NatRules.IsAny(a.ExternalIPAddress) || NatRules.IsAny(b.ExternalIPAddress))));

    private static bool SameMapping(NsPortMapping a, NsPortMapping b) =>
        a.Protocol == b.Protocol && a.ExternalIPAddress == b.ExternalIPAddress && a.ExternalPort == b.ExternalPort
        && a.Namespace == b.Namespace && a.InternalIPAddress == b.InternalIPAddress && a.InternalPort == b.InternalPort && a.Bridge == b.Bridge;

    /// <summary>
    /// The host end of the namespace's bridged veth and the address to forward to: the one wanted, or the first
    /// address of each family (of <paramref name="family"/> only, when given) on the first bridged veth that has one.
    /// </summary>
    private static List<(LinkRecord HostEnd, System.Net.IPAddress Address)> FindTargets(ISystemView view, string ns, System.Net.IPAddress? wanted,
        System.Net.Sockets.AddressFamily? family)
    {
        var found = new List<(LinkRecord, System.Net.IPAddress)>();
        var families = family is { } f ? new[] { f } : new[] { System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.AddressFamily.InterNetworkV6 };
        foreach (var inside in view.Links(ns).Where(l => l.IsVeth))
        {
            var hostEnd = VethPairs.HostEnd(view, inside);
            if (hostEnd?.Master is null)
            {
                continue;
            }
            if (wanted is not null)
            {
                if (inside.GlobalAddresses.Any(a => a.Address.Equals(wanted)))
                {
                    return new List<(LinkRecord, System.Net.IPAddress)> { (hostEnd, wanted) };
                }
                continue;
            }
            foreach (var each in families.Where(x => found.All(t => t.Item2.AddressFamily != x)))
            {
                if (inside.AddressesOf(each).FirstOrDefault() is { } address)
                {
                    found.Add((hostEnd, address.Address));
                }
            }
        }
        if (found.Count > 0)
        {
            return found;
        }
        throw wanted is not null
            ? new NetNsException($"InternalIPAddress {wanted} is not on a bridged veth of namespace '{ns}'.",
                "InternalAddressNotFound", ErrorCategory.ObjectNotFound, wanted.ToString())
            : family == System.Net.Sockets.AddressFamily.InterNetworkV6
            ? new NetNsException($"Namespace '{ns}' has no IPv6 address on a veth attached to a bridge; add one first (Add-NsIPAddress -Namespace {ns} 2001:db8:15::2/64).",
                "NoBridgedAddress", ErrorCategory.ObjectNotFound, ns)
            : new NetNsException($"Namespace '{ns}' has no {(family is null ? "IP" : "IPv4")} address on a veth attached to a bridge; build it first (Add-VethPair {ns} -Bridge bridge0 | Add-NsIPAddress 192.168.15.2/24).",
                "NoBridgedAddress", ErrorCategory.ObjectNotFound, ns);
    }

    // ---- unpublish ----

    /// <summary>
    /// The removal of every mapping a request matches, found by tag (a mapping whose DNAT rules were deleted by hand
    /// is still removed whole), with the shared settings no remaining mapping needs.
    /// </summary>
    public static UnpublishResult Unpublish(ISystemView view, IFirewallDriver driver, IReadOnlyList<UnpublishIntent> requests)
    {
        var snapshot = view.Firewall();
        // Only the mappings on the requests' host ports are built; the others are only counted, by key.
        var onPorts = NatRules.ReadPorts(snapshot.RulesOfPorts(requests.Select(r => (r.Protocol, r.ExternalPort)).ToHashSet()));
        bool Matches(PublishedPort p, UnpublishIntent r) =>
            p.Key.Protocol == r.Protocol && p.Key.ExternalPort == r.ExternalPort
            && (r.ExternalIPAddress is null || p.Key.ExternalText == r.ExternalIPAddress) && (r.Namespace is null || p.Key.Namespace == r.Namespace);
        var notPublished = requests.Where(r => !onPorts.Any(p => Matches(p, r))).ToList();
        var gone = onPorts.Where(p => requests.Any(r => Matches(p, r))).ToList();
        var plan = new Plan();
        var released = new List<string>();
        if (gone.Count > 0)
        {
            plan.About(Subject(gone.Select(Describe)));
            released = PlanTeardown(view, driver, snapshot, gone, snapshot.PortKeysOn, plan);
        }
        return new UnpublishResult(plan, notPublished, released);
    }

    /// <summary>Clear-NetNsPS: the removal of every mapping, as Unpublish-NsPort removes them; returns the settings released.</summary>
    public static IReadOnlyList<string> PlanUnpublishAll(ISystemView view, IFirewallDriver driver, FirewallSnapshot snapshot, Plan plan)
    {
        var all = NatRules.ReadPorts(snapshot);
        if (all.Count > 0)
        {
            plan.About(Subject(all.Select(Describe)));
        }
        // Every mapping goes: none is left on any namespace or bridge.
        return PlanTeardown(view, driver, snapshot, all, (_, _) => Enumerable.Empty<PortKey>(), plan);
    }

    /// <summary>
    /// route_localnet of a bridge whose last mapping goes: put back to what Publish-NsPort found where it recorded
    /// that and the setting is still as it left it; turned off where nothing was recorded.
    /// </summary>
    public static (CommandSpec Command, CommandSpec Undo)? PutBackRouteLocalnet(ISystemView view, string bridge)
    {
        var key = Sysctl.RouteLocalnet(bridge);
        var current = view.Sysctl(key);
        return current is not null && SettingsRecords.PutBack(view.RecordedSetting(key), current, "0") is { } value
            ? (Sysctl.Write(key, value), Sysctl.Write(key, current)) : null;
    }

    /// <summary>
    /// Plans the removal of the mappings <paramref name="gone"/> (each with all its rules), given the keys of the
    /// mappings now live on a namespace and a bridge (null: any; <see cref="FirewallSnapshot.PortKeysOn"/>); returns
    /// the settings released.
    /// </summary>
    private static List<string> PlanTeardown(ISystemView view, IFirewallDriver driver, FirewallSnapshot snapshot,
        IReadOnlyCollection<PublishedPort> gone, Func<string?, string?, IEnumerable<PortKey>> keysOn, Plan plan)
    {
        var goneKeys = gone.Select(p => p.Key).ToHashSet();
        bool Remains(string? ns, string? bridge) => keysOn(ns, bridge).Any(k => !goneKeys.Contains(k));
        var rules = gone.SelectMany(p => p.Rules).ToList();
        var shared = new List<(CommandSpec Command, CommandSpec Undo)>();
        var hooks = NatRules.PortHooks.ToList();
        var released = new List<string>();
        foreach (var bridge in goneKeys.Select(p => p.Bridge).Distinct().Where(b => !Remains(null, b)))
        {
            rules.AddRange(snapshot.Rules.Where(r => NatRules.IsLocalnetTag(r.Tag, bridge)));
            hooks.AddRange(NatRules.LocalnetHooks);
            if (PutBackRouteLocalnet(view, bridge) is { } putBack)
            {
                shared.Add(putBack);
            }
            released.Add(Sysctl.RouteLocalnet(bridge));
        }
        foreach (var (ns, bridge) in goneKeys.Select(p => (p.Namespace, p.Bridge)).Distinct()
                     .Where(t => !Remains(t.Namespace, null)))
        {
            shared.AddRange(HairpinOff(view, ns, bridge, released));
        }
        // The last mapping of all: bridge netfilter back to what NetNsPS found (br_netfilter itself stays loaded).
        if (!Remains(null, null))
        {
            shared.AddRange(SysctlPlanner.PutBackBridgeNetfilter(view));
            released.AddRange(Sysctl.BridgeNfCalls);
        }
        driver.PlanRemove(snapshot, rules, plan, hooks);
        PlanStaleConntrack(goneKeys.Select(k => (k.Protocol, k.ExternalPort, k.ExternalAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6)), plan);
        foreach (var (command, undo) in shared)
        {
            plan.Add(command, undo);
        }
        return released;
    }

    /// <summary>
    /// The deletion of the conntrack entries of each UDP host port (by original destination port, the host port, as
    /// CNI does; the container port would miss them and hit other flows, moby/moby#53384). TCP needs none: a new
    /// connection makes a new entry. Best effort, no undo.
    /// </summary>
    private static void PlanStaleConntrack(IEnumerable<(NsProtocol Protocol, ushort Port, bool Ipv6)> ports, Plan plan)
    {
        // Each family's entries are its own: an IPv6 mapping's flows are in the AF_INET6 table.
        foreach (var (port, ipv6) in ports.Where(p => p.Protocol == NsProtocol.Udp).Select(p => (p.Port, p.Ipv6)).Distinct().OrderBy(p => p.Ipv6).ThenBy(p => p.Port))
        {
            plan.Add(Linux.Netlink.Conntrack.DeleteCommand(ipv6 ? (byte)Linux.Netlink.Uapi.AF_INET6 : (byte)Linux.Netlink.Uapi.AF_INET, Linux.Netlink.Uapi.IPPROTO_UDP, port));
        }
    }

    /// <summary>The key under which hairpin mode of a bridge port is recorded (<see cref="SettingsRecords"/>).</summary>
    public static string HairpinKey(string port) => $"bridge_slave/{port}/hairpin";

    /// <summary>
    /// Hairpin mode on the namespace's port of that bridge, if the namespace is still there, put back to what
    /// Publish-NsPort found: left on where it was on before (or someone turned it off and on since), turned off where
    /// NetNsPS turned it on or nothing was recorded. Adds the ports' keys to <paramref name="released"/>.
    /// </summary>
    private static IEnumerable<(CommandSpec, CommandSpec)> HairpinOff(ISystemView view, string ns, string bridge, List<string> released)
    {
        if (!view.NamespaceExists(ns))
        {
            yield break;
        }
        foreach (var inside in view.Links(ns).Where(l => l.IsVeth))
        {
            if (VethPairs.HostEnd(view, inside) is { } hostEnd && hostEnd.Master == bridge)
            {
                var key = HairpinKey(hostEnd.Name);
                released.Add(key);
                if (hostEnd.Hairpin == true && SettingsRecords.PutBack(view.RecordedSetting(key), "1", "0") is not null)
                {
                    yield return (Ip.SetHairpin(hostEnd.Name, false), Ip.SetHairpin(hostEnd.Name, true));
                }
            }
        }
    }
}
