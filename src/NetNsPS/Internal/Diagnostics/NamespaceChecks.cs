using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net.Sockets;
using NetNsPS.Linux;
using NetNsPS.Linux.Firewall;

namespace NetNsPS.Internal.Diagnostics;

/// <summary>
/// The checks for one namespace, in the article's order: its port on the bridge, links, addresses, default route,
/// masquerade, then every published port (DNAT in PREROUTING and OUTPUT, hairpin masquerade, FORWARD) and what the
/// ports of a bridge share (route_localnet, bridge netfilter, localhost masquerade and its guard, hairpin mode).
/// Pure: facts in, diagnostics out. A check whose failure makes the later ones meaningless ends the list.
/// </summary>
internal static class NamespaceChecks
{
    public const string BridgePortCheck = "Bridge port";
    public const string LinksCheck = "Links up";
    public const string BridgeAddressCheck = "Bridge address";
    public const string AddressCheck = "Address";
    public const string DefaultRouteCheck = "Default route";
    public const string MasqueradeCheck = "Masquerade";
    public const string BridgeNetfilterCheck = "Bridge netfilter";

    public static string PortSuffix(NsProtocol protocol, ushort externalPort) =>
        ":" + externalPort.ToString(CultureInfo.InvariantCulture) + (protocol == NsProtocol.Tcp ? "" : "/" + protocol.ToString().ToLowerInvariant());

    public static string PortCheck(ushort externalPort) => "Port " + PortSuffix(NsProtocol.Tcp, externalPort);
    public static string DnatPreroutingCheck(NsPortMapping m) => "DNAT PREROUTING " + PortSuffix(m.Protocol, m.ExternalPort);
    public static string DnatOutputCheck(NsPortMapping m) => "DNAT OUTPUT " + PortSuffix(m.Protocol, m.ExternalPort);
    public static string HairpinMasqueradeCheck(NsPortMapping m) => "Hairpin masquerade " + PortSuffix(m.Protocol, m.ExternalPort);
    public static string ForwardPortCheck(NsPortMapping m) => "FORWARD to " + PortSuffix(m.Protocol, m.ExternalPort);
    public static string RouteLocalnetCheck(string bridge) => "route_localnet " + bridge;
    public static string LocalhostMasqueradeCheck(string bridge) => "Localhost masquerade " + bridge;
    public static string GuardCheck(string bridge) => "Localnet guard " + bridge;
    public static string HairpinModeCheck(string port) => "Hairpin mode " + port;

    private const string Loopback = "127.0.0.1";

    /// <summary>One check of a namespace; an Ok check has no fix.</summary>
    internal static NsDiagnostic Result(string ns, string check, NsDiagnosticStatus status, string observed, string why, string fix) => new()
    {
        Namespace = ns,
        Check = check,
        Status = status,
        Observed = observed,
        Why = why,
        Fix = status == NsDiagnosticStatus.Ok ? "" : fix,
    };

    public static IEnumerable<NsDiagnostic> All(HostFacts h, NamespaceFacts n, ushort? externalPort)
    {
        var ns = n.Name;
        NsDiagnostic D(string check, NsDiagnosticStatus status, string observed, string why, string fix) => Result(ns, check, status, observed, why, fix);
        const NsDiagnosticStatus Ok = NsDiagnosticStatus.Ok, Failed = NsDiagnosticStatus.Failed;

        // ---- the veth into the bridge ----
        var bridges = h.Links.Where(l => l.IsBridge).ToList();
        var oneBridge = bridges.Count == 1 ? bridges[0].Name : "<bridge>";
        var veths = n.Links.Where(l => l.IsVeth).ToList();
        var attached = h.BridgedVeth(veths);
        const string portWhy = "The namespace reaches the host, its siblings and the internet only through a veth whose other end is a port of the bridge.";
        if (attached.HostEnd is null)
        {
            var loose = veths.Select(v => (Inside: v, HostEnd: h.HostEnd(v))).FirstOrDefault(p => p.HostEnd is not null);
            yield return loose.HostEnd is not null
                ? D(BridgePortCheck, Failed, $"{loose.Inside.Name}'s host end {loose.HostEnd.Name} is a port of no bridge", portWhy,
                    Ip.SetMaster(loose.HostEnd.Name, oneBridge).Render())
                : D(BridgePortCheck, Failed, veths.Count == 0 ? "no veth" : "no veth with its other end on the host", portWhy,
                    Fixes.Cmdlet("Add-VethPair", ns, ("Bridge", oneBridge)));
            yield break;
        }
        var (inside, hostEnd) = (attached.Inside!, attached.HostEnd!);
        var bridge = h.Link(hostEnd.Master!)!;
        var b = bridge.Name;
        yield return D(BridgePortCheck, Ok, $"{inside.Name}, whose host end {hostEnd.Name} is a port of {b}", portWhy, "");

        // ---- links up ----
        var down = new List<(string? Ns, string Name)>();
        if (!inside.IsUp) down.Add((ns, inside.Name));
        if (!hostEnd.IsUp) down.Add((null, hostEnd.Name));
        if (!bridge.IsUp) down.Add((null, b));
        yield return D(LinksCheck, down.Count == 0 ? Ok : Failed,
            down.Count == 0 ? $"{inside.Name}, {hostEnd.Name} and {b} are up" : "down: " + string.Join(", ", down.Select(d => d.Name)),
            "A link that is down carries no packets, so the namespace is cut off from the bridge and everything behind it.",
            Fixes.Join(down.Select(d => Ip.SetUp(d.Ns, d.Name).Render())));

        // ---- addresses ----
        var nsAddresses = inside.Ipv4Addresses.ToList();
        if (HostFacts.Subnet(bridge) is not { } subnet)
        {
            var own = nsAddresses.FirstOrDefault();
            var gateway = own is null ? "192.168.15.1/24" : FreeAddress(h, own.Prefix.Network, own.PrefixLength) ?? "<address>/" + own.PrefixLength;
            yield return D(BridgeAddressCheck, Failed, $"{b} has no IPv4 address",
                BridgeAddressWhy(b),
                Fixes.Cmdlet("Add-NsIPAddress", gateway, ("InterfaceName", b)));
            yield break;
        }
        var bridgeAddress = bridge.Ipv4Addresses.First(a => subnet.Contains(a.Address));
        yield return D(BridgeAddressCheck, Ok, $"{b} has {bridgeAddress.Cidr}", BridgeAddressWhy(b), "");

        var address = nsAddresses.FirstOrDefault(a => subnet.Contains(a.Address));
        if (address is null)
        {
            var free = FreeAddress(h, subnet, subnet.PrefixLength) ?? $"<address in {subnet}>";
            yield return D(AddressCheck, Failed,
                nsAddresses.Count == 0 ? $"{inside.Name} has no IPv4 address" : $"{inside.Name} has {string.Join(", ", nsAddresses.Select(a => a.Cidr))}, outside {b}'s {subnet}",
                AddressWhy(b, bridgeAddress.Address.ToString()),
                Fixes.Cmdlet("Add-NsIPAddress", free, ("Namespace", ns), ("InterfaceName", inside.Name)));
            yield break;
        }
        yield return D(AddressCheck, Ok, $"{inside.Name} has {address.Cidr}, in {b}'s {subnet}", AddressWhy(b, bridgeAddress.Address.ToString()), "");
        var nsAddress = address.Address;

        // ---- default route via the bridge ----
        var defaults = n.Routes.Where(r => r.IsDefault && r.Family == AddressFamily.InterNetwork).ToList();
        var hostAddresses = bridge.Ipv4Addresses.Select(a => a.Address).ToHashSet();
        var good = defaults.FirstOrDefault(r => r.Gateway is { } gateway && hostAddresses.Contains(gateway) && (r.Device is null || r.Device == inside.Name));
        var add = Fixes.Cmdlet("Add-NsRoute", Array.Empty<string>(), ("Namespace", ns), ("NextHop", bridgeAddress.Address.ToString()));
        yield return D(DefaultRouteCheck, good is null ? Failed : Ok,
            good is not null ? $"default via {good.Gateway} dev {good.Device ?? inside.Name} ({b}'s address)"
            : defaults.Count == 0 ? "no default route"
            : $"default {(defaults[0].Gateway is null ? "" : "via " + defaults[0].Gateway + " ")}dev {defaults[0].Device}, not via {b}'s address {bridgeAddress.Address}",
            $"Without a default route via {b}'s address the namespace has no route beyond its subnet: packets to the internet fail with 'Network is unreachable' and replies to other machines cannot leave.",
            defaults.Count == 0 ? add : Fixes.Join(new[] { Fixes.Cmdlet("Remove-NsRoute", Array.Empty<string>(), ("Namespace", ns), ("DestinationPrefix", "0.0.0.0/0")), add }));

        // ---- masquerade for the subnet ----
        var outside = h.OutsideOf(b);
        var outProbe = new Probe
        {
            Out = outside, Source = AddressSpec.Host(nsAddress), Destination = AddressSpec.NotIn(subnet),
            SourceIsLocal = false, DestinationIsLocal = false,
        };
        var masqueradeFix = HostChecks.EnableMasquerade(h, b);
        yield return RuleCheck(h, ns, MasqueradeCheck, "nat", "POSTROUTING", outProbe, Grading.Masqueraded, Grading.NatVerb,
            NatRules.Masquerade(b, subnet.ToString()).ToList(), masqueradeFix,
            () => h.Driver.RepairInsert(new FirewallRule(FirewallTable.Nat, FirewallHook.Postrouting, "", FirewallAction.Masquerade)
                { Source = subnet.ToString(), OutInterface = b, NotOutInterface = true }),
            $"Without masquerade the namespace's packets leave with the source {nsAddress}, a private address the other end has no route back to, so replies never arrive.",
            $"leaving through {outside}: ");

        // ---- published ports ----
        // IPv4's mappings: an IPv6 mapping's checks are Ipv6Checks'.
        var mappings = NatRules.ReadPorts(h.Firewall).Select(p => p.Mapping).OfType<NsPortMapping>()
            .Where(m => m.Namespace == ns && !NatRules.IsIpv6(m) && (externalPort is null || m.ExternalPort == externalPort)).ToList();
        var defaultInternal = h.DefaultInternalAddress(ns) ?? nsAddress.ToString();
        if (externalPort is { } wanted && mappings.Count == 0)
        {
            // Published by hand (the article's own rules) or by another tool?
            var byHand = RuleWalker.Walk(h.Firewall.Ruleset, "nat", "PREROUTING", new Probe
            {
                In = outside, Source = AddressSpec.NotIn(subnet), DestinationIsLocal = true, Protocol = "tcp", DestinationPort = wanted,
            });
            var target = byHand.Target == "DNAT" ? DnatTarget.Parse(byHand.Rule?.ToDestination) : null;
            if (target is { } t && nsAddresses.Any(a => a.Address.Equals(t.Address)))
            {
                mappings.Add(new NsPortMapping
                {
                    Protocol = NsProtocol.Tcp, ExternalPort = wanted, Namespace = ns, Bridge = b, InternalIPAddress = t.Address.ToString(), InternalPort = t.Port,
                });
            }
            else
            {
                yield return D(PortCheck(wanted), Failed, $"no rule publishes tcp port {wanted} to {ns}",
                    $"Nothing forwards port {wanted} of the host to {ns}, so connections to it are refused or reach another service.",
                    Fixes.Cmdlet("Publish-NsPort", ns, ("InternalPort", "<port the service listens on>"), ("ExternalPort", wanted.ToString(CultureInfo.InvariantCulture))));
                yield break;
            }
        }
        if (mappings.Count == 0)
        {
            yield break;
        }
        var publish = Fixes.Publish(mappings[0], defaultInternal);
        foreach (var m in mappings)
        {
            foreach (var d in PortChecks(h, ns, m, subnet, Fixes.Publish(m, defaultInternal)))
            {
                yield return d;
            }
        }

        // ---- what the ports of the bridge share ----
        var wantedShared = NatRules.Localnet(b).ToList();
        var localnet = h.RouteLocalnet.GetValueOrDefault(b);
        yield return D(RouteLocalnetCheck(b), localnet == "1" ? Ok : Failed, $"{Sysctl.RouteLocalnet(b)} = {localnet ?? "(unreadable)"}",
            $"The kernel drops packets with a 127.0.0.0/8 source on a real interface unless route_localnet is on, so a request to localhost:{mappings[0].ExternalPort}, once DNATed, cannot go out to {b}.",
            publish);
        var bridgeNetfilter = h.BridgeNetfilterLoaded && h.BridgeNfCallIptables == "1";
        yield return D(BridgeNetfilterCheck, bridgeNetfilter ? Ok : Failed,
            h.BridgeNetfilterLoaded ? $"{Sysctl.BridgeNfCallIptables} = {h.BridgeNfCallIptables ?? "(unreadable)"}" : "br_netfilter is not loaded",
            $"Without br_netfilter and bridge-nf-call-iptables a sibling's request to {bridgeAddress.Address}:{mappings[0].ExternalPort} gets its reply straight across the bridge, never un-DNATed, so the sibling sees an answer from {mappings[0].InternalIPAddress} it did not ask and drops it.",
            Fixes.EnableBridgeNetfilter);
        var first = mappings[0];
        yield return RuleCheck(h, ns, LocalhostMasqueradeCheck(b), "nat", "POSTROUTING", new Probe
            {
                Out = IfaceSpec.Is(b), Source = AddressSpec.Host(Loopback), SourceIsLocal = true, Destination = AddressSpec.Host(first.InternalIPAddress),
                DestinationIsLocal = false, Protocol = Proto(first), DestinationPort = first.InternalPort,
            }, Grading.Masqueraded, Grading.NatVerb, wantedShared, publish, () => h.Driver.RepairInsert(wantedShared[0]),
            $"A request from the host to localhost:{first.ExternalPort} keeps its source 127.0.0.1 after DNAT, and {ns} would answer its own loopback; the masquerade gives it {bridgeAddress.Address} as source instead.",
            "from the host: ");
        yield return RuleCheck(h, ns, GuardCheck(b), "raw", "PREROUTING", new Probe
            {
                In = IfaceSpec.Is(b), Source = AddressSpec.In(subnet), Destination = AddressSpec.Host(Loopback), DestinationIsLocal = true,
            }, Grading.Dropped, Grading.FilterVerb, wantedShared, publish, () => h.Driver.RepairInsert(wantedShared[1]),
            $"With route_localnet on, a neighbour on {b} could send packets to 127.0.0.1 and reach services that listen only on the host's loopback; the guard drops them.",
            $"to 127.0.0.0/8 from {b}: ");
        yield return D(HairpinModeCheck(hostEnd.Name), hostEnd.Hairpin == true ? Ok : Failed,
            $"{hostEnd.Name}: hairpin {(hostEnd.Hairpin == true ? "on" : hostEnd.Hairpin == false ? "off" : "unknown")}",
            $"{b} never sends a frame back out of the port it came in on unless hairpin is on, so {ns}'s request to its own published port, DNATed back to {ns}, is not delivered.",
            Fixes.SetHairpin(hostEnd.Name));
    }

    /// <summary>The checks of one mapping: DNAT from other machines and from the host, hairpin masquerade, FORWARD.</summary>
    private static IEnumerable<NsDiagnostic> PortChecks(HostFacts h, string ns, NsPortMapping m, IpPrefix subnet, string publish)
    {
        var wanted = NatRules.Port(m).Concat(NatRules.Localnet(m.Bridge)).ToList();
        var to = new DnatTarget(System.Net.IPAddress.Parse(m.InternalIPAddress), m.InternalPort);
        bool ToUs(string target, ChainRule? rule) => target == "DNAT" && DnatTarget.Parse(rule?.ToDestination) == to;
        var destination = NatRules.IsAny(m.ExternalIPAddress) ? AddressSpec.Unknown : AddressSpec.Host(m.ExternalIPAddress);
        var outside = h.OutsideOf(m.Bridge);

        yield return RuleCheck(h, ns, DnatPreroutingCheck(m), "nat", "PREROUTING", new Probe
            {
                In = outside, Source = AddressSpec.NotIn(subnet), Destination = destination, DestinationIsLocal = true,
                Protocol = Proto(m), DestinationPort = m.ExternalPort,
            }, ToUs, Grading.NatVerb, wanted, publish, () => h.Driver.RepairInsert(wanted[0]),
            $"Without DNAT in PREROUTING a connection from another machine (or a sibling) to port {m.ExternalPort} of the host is not sent on to {to}.",
            "from other machines: ");
        yield return RuleCheck(h, ns, DnatOutputCheck(m), "nat", "OUTPUT", new Probe
            {
                Source = AddressSpec.Host(Loopback), SourceIsLocal = true,
                Destination = NatRules.IsAny(m.ExternalIPAddress) ? AddressSpec.Host(Loopback) : destination, DestinationIsLocal = true,
                Protocol = Proto(m), DestinationPort = m.ExternalPort,
            }, ToUs, Grading.NatVerb, wanted, publish, () => h.Driver.RepairInsert(wanted[1]),
            $"Packets the host sends itself skip PREROUTING, so without the same DNAT in OUTPUT `curl localhost:{m.ExternalPort}` on the host reaches nothing.",
            "from the host: ");
        var inside = AddressSpec.Host(m.InternalIPAddress);
        yield return RuleCheck(h, ns, HairpinMasqueradeCheck(m), "nat", "POSTROUTING", new Probe
            {
                Out = IfaceSpec.Is(m.Bridge), Source = inside, Destination = inside, SourceIsLocal = false, DestinationIsLocal = false,
                Protocol = Proto(m), DestinationPort = m.InternalPort,
            }, Grading.Masqueraded, Grading.NatVerb, wanted, publish, () => h.Driver.RepairInsert(wanted[2]),
            $"When {ns} calls its own published port the DNATed request comes back from its own address; without this masquerade {ns} answers itself directly, the reply is never un-DNATed and the connection never completes.",
            $"from {ns} to itself: ");

        // FORWARD: new connections in to the namespace, and its replies out.
        var probes = new[]
        {
            new Probe { In = outside, Out = IfaceSpec.Is(m.Bridge), Source = AddressSpec.NotIn(subnet), Destination = inside, Protocol = Proto(m), DestinationPort = m.InternalPort, Dnat = true },
            new Probe { In = IfaceSpec.Is(m.Bridge), Out = outside, Source = inside, Destination = AddressSpec.NotIn(subnet), Protocol = Proto(m), Established = true, Dnat = true },
        };
        Verdict[] Walk(FirewallRuleset r) => probes.Select(p => RuleWalker.Walk(r, "filter", "FORWARD", p)).ToArray();
        bool AllOk(FirewallRuleset r) => Walk(r).All(v => Grading.Grade(v, Grading.Accepted) == NsDiagnosticStatus.Ok);
        var verdicts = Walk(h.Firewall.Ruleset);
        var statuses = verdicts.Select(v => Grading.Grade(v, Grading.Accepted)).ToArray();
        var status = Grading.Worst(statuses);
        var fix = "";
        if (status != NsDiagnosticStatus.Ok)
        {
            // Publish-NsPort accepts new connections in; Enable-NsMasquerade's rules accept the replies out.
            var masquerade = NatRules.Masquerade(m.Bridge, subnet.ToString()).ToList();
            var enable = HostChecks.EnableMasquerade(h, m.Bridge);
            fix = AllOk(h.Simulate(wanted)) ? publish
                : AllOk(h.Simulate(masquerade)) ? enable
                : AllOk(h.Simulate(wanted.Concat(masquerade))) ? Fixes.Join(new[] { publish, enable })
                : Fixes.Join(new[]
                {
                    statuses[0] == NsDiagnosticStatus.Ok ? "" : HostChecks.RawAccept(h, verdicts[0], wanted[3]),
                    statuses[1] == NsDiagnosticStatus.Ok ? "" : HostChecks.RawAccept(h, verdicts[1], HostChecks.Forward() with
                        { Source = m.InternalIPAddress + "/32", InInterface = m.Bridge, EstablishedOnly = true }),
                });
        }
        yield return new NsDiagnostic
        {
            Namespace = ns,
            Check = ForwardPortCheck(m),
            Status = status,
            Observed = $"in: {Grading.Describe(verdicts[0], Grading.Accepted, Grading.FilterVerb)}; replies: {Grading.Describe(verdicts[1], Grading.Accepted, Grading.FilterVerb)}",
            Why = $"When FORWARD drops connections to {to} or {ns}'s replies, other machines cannot use port {m.ExternalPort} even though it is DNATed.",
            Fix = fix,
        };
    }

    /// <summary>
    /// A check that one probe ends at a good rule of a chain. The fix is the cmdlet when running it would repair it
    /// (simulated), else deleting a rule of another tool that decides first, else a raw rule at the top of the chain.
    /// </summary>
    private static NsDiagnostic RuleCheck(HostFacts h, string ns, string check, string table, string chain, Probe probe,
        Func<string, ChainRule?, bool> good, Func<string, string> verb, IReadOnlyList<FirewallRule> wanted, string cmdlet,
        Func<string> raw, string why, string prefix)
    {
        var verdict = RuleWalker.Walk(h.Firewall.Ruleset, table, chain, probe);
        var status = Grading.Grade(verdict, good);
        var fix = "";
        if (status != NsDiagnosticStatus.Ok)
        {
            bool Repaired(FirewallRuleset r) => Grading.Grade(RuleWalker.Walk(r, table, chain, probe), good) == NsDiagnosticStatus.Ok;
            var needsCmdlet = wanted.Any(w => !h.Firewall.Rules.Any(r => r == w)) || wanted.Any(w => !h.Firewall.IsReached(w.Table, w.Hook));
            // A rule of somebody else that decides first (a stale DNAT, say), or might: deleting it is the narrowest repair.
            var decidedGood = good(verdict.Target, verdict.Rule);
            var blocker = !decidedGood ? verdict.Rule : verdict.Uncertain.FirstOrDefault(r => !good(r.Target, r));
            var rehook = wanted.Select(w => (w.Table, w.Hook)).Distinct().Select(k => HostChecks.Rehook(h, k.Table, k.Hook)).Where(f => f.Length > 0).ToList();
            if (rehook.Count > 0)
            {
                // A module chain nothing reaches: only the driver's repair and the cmdlets together make it work again.
                fix = Fixes.Join(rehook);
            }
            else if (Repaired(h.Simulate(wanted)))
            {
                fix = cmdlet;
            }
            else if (blocker is not null && !blocker.Owned
                     && Repaired(h.Driver.Simulate(h.Firewall.Without(blocker), wanted)))
            {
                fix = Fixes.Join(new[] { h.Driver.RepairDelete(blocker), needsCmdlet ? cmdlet : "" });
            }
            else
            {
                fix = raw();
            }
        }
        return new NsDiagnostic
        {
            Namespace = ns,
            Check = check,
            Status = status,
            Observed = prefix + Grading.Describe(verdict, good, verb),
            Why = why,
            Fix = fix,
        };
    }

    private static string BridgeAddressWhy(string bridge) =>
        $"Without an address on {bridge} the host is not on the namespaces' network, so they have no gateway for anything beyond their subnet (the bridge's double role in the article).";

    private static string AddressWhy(string bridge, string gateway) =>
        $"Without an address in {bridge}'s subnet the namespace cannot talk IP to its siblings or to the host at {gateway}.";

    private static string Proto(NsPortMapping m) => m.Protocol.ToString().ToLowerInvariant();

    /// <summary>The lowest host address of the network that no interface of the host or of a namespace holds, as a.b.c.d/len.</summary>
    internal static string? FreeAddress(HostFacts h, IpPrefix network, byte prefixLength)
    {
        var used = h.Links.Concat(h.NamespaceLinks.Values.SelectMany(l => l)).SelectMany(l => l.Addresses)
            .Select(a => a.Address).ToHashSet();
        var net = new IpPrefix(network.NetworkAddress, prefixLength);
        // Below the last address (IPv4's broadcast), and no further than 65535 past the network address.
        var first = IpAddressMath.ToNumber(net.NetworkAddress);
        var last = IpAddressMath.ToNumber(net.LastAddress);
        for (var a = first + 1; a < last && a - first < 65536; a++)
        {
            var candidate = IpAddressMath.FromNumber(a, net.Family);
            if (!used.Contains(candidate))
            {
                return $"{candidate}/{prefixLength}";
            }
        }
        return null;
    }
}
