using System;
using System.Collections.Generic;
using System.Linq;
using NetNsPS.Linux;
using NetNsPS.Linux.Firewall;
using NetNsPS.Linux.Firewall.Firewalld;

namespace NetNsPS.Internal.Diagnostics;

/// <summary>
/// The checks that concern the host as a whole: IP forwarding, the FORWARD chain for each bridge, the two iptables
/// backends, firewalld and ufw, and the jumps into the module's chains. Pure: facts in, diagnostics out.
/// </summary>
internal static class HostChecks
{
    public const string IpForwardCheck = "IP forwarding";
    public const string BackendsCheck = "iptables backends";
    public const string FirewalldCheck = "firewalld";
    public const string UfwCheck = "ufw";
    public const string JumpsCheck = "NetNsPS jumps";
    public const string OtherToolsCheck = "other firewall tools";

    public static string ForwardOutCheck(string bridge) => $"FORWARD out of {bridge}";

    public static string ForwardWithinCheck(string bridge) => $"FORWARD within {bridge}";

    public static IEnumerable<NsDiagnostic> All(HostFacts h)
    {
        yield return IpForward(h);
        foreach (var bridge in h.AddressedBridges)
        {
            yield return ForwardOut(h, bridge);
            yield return ForwardWithin(h, bridge);
        }
        yield return Backends(h.Backends, h.Driver);
        yield return Firewalld(h);
        yield return Ufw(h);
        yield return OtherTools(h);
        yield return Jumps(h);
    }

    /// <summary>
    /// The other tools found managing this host's firewall (Docker, ufw, firewalld, rules split over iptables-legacy
    /// and iptables-nft), by what they leave: their chains, tables and interfaces.
    /// </summary>
    internal static IReadOnlyList<string> OtherToolsFound(HostFacts h)
    {
        var chains = new[] { h.Firewall.Ruleset, h.Backends.Legacy, h.Backends.Nft }.OfType<FirewallRuleset>().SelectMany(r => r.Chains).ToList();
        var found = new List<string>();
        var docker = chains.Select(c => c.Name).Where(n => n == "DOCKER" || n.StartsWith("DOCKER-", StringComparison.Ordinal)).Distinct().OrderBy(n => n, StringComparer.Ordinal).ToList();
        var dockerTables = chains.Select(c => c.Table).Where(t => t.EndsWith(" docker-bridges", StringComparison.Ordinal)).Distinct().ToList();
        var dockerLink = h.Link("docker0") is not null;
        if (docker.Count > 0 || dockerTables.Count > 0 || dockerLink)
        {
            var evidence = new List<string>();
            if (docker.Count > 0) evidence.Add("chains " + string.Join(", ", docker));
            if (dockerTables.Count > 0) evidence.Add("table " + string.Join(", ", dockerTables));
            if (dockerLink) evidence.Add("docker0");
            found.Add($"Docker ({string.Join("; ", evidence)})");
        }
        if (h.Ufw.Active || chains.Any(c => c.Name.StartsWith("ufw-", StringComparison.Ordinal)))
        {
            found.Add(h.Ufw.Active ? "ufw (active)" : "ufw (ufw-* chains)");
        }
        if (h.Firewalld.Running || chains.Any(c => c.Table == "inet firewalld"))
        {
            var bound = h.Firewalld.Zones.Where(z => z.Value == FirewalldZone.Zone).Select(z => z.Key).OrderBy(b => b, StringComparer.Ordinal).ToList();
            found.Add(!h.Firewalld.Running ? "firewalld (table inet firewalld)"
                : bound.Count == 0 ? "firewalld (running)"
                : $"firewalld (running; NetNsPS bound {string.Join(", ", bound)} to its zone {FirewalldZone.Zone}: New-NetBridge)");
        }
        if (h.Backends.IsSplit)
        {
            found.Add("rules in both iptables-legacy and iptables-nft");
        }
        return found;
    }

    /// <summary>Which other tools manage the firewall, and what NetNsPS did about each bridge's traffic where FORWARD drops.</summary>
    public static NsDiagnostic OtherTools(HostFacts h)
    {
        var found = OtherToolsFound(h);
        var drops = h.Driver.ForwardPathDrops(h.Firewall);
        var chain = h.Driver.ForwardAcceptChains(h.Firewall);
        var accepted = new List<string>();
        var missing = new List<string>();
        // The module's bridges: made by New-NetBridge (marked), or served by its rules; never docker0 and the like.
        var ours = h.AddressedBridges.Where(b => Ownership.IsMarked(b) || h.Firewall.Rules.Any(r => r.Identity?.Bridge == b.Name)).Select(b => b.Name);
        foreach (var bridge in ours)
        {
            var have = h.Firewall.Rules.Where(r => NatRules.IsBridgeTag(r.Tag, bridge)).Select(r => r.Tag).Distinct().Count();
            if (have == NatRules.BridgeForward(bridge).Count())
            {
                accepted.Add(bridge);
            }
            else if (drops)
            {
                missing.Add(bridge);
            }
        }
        var did = new List<string>();
        if (accepted.Count > 0)
        {
            did.Add($"NetNsPS accepts the traffic of {string.Join(", ", accepted)} in {chain} (New-NetBridge)");
        }
        if (missing.Count > 0)
        {
            did.Add($"none yet for {string.Join(", ", missing)} ({Fixes.Join(missing.Select(Fixes.NewNetBridge))} adds them)");
        }
        if (accepted.Count == 0 && missing.Count == 0)
        {
            did.Add(drops ? "no NetNsPS bridge to accept traffic for" : "FORWARD does not drop: NetNsPS added nothing for it");
        }
        // What this means for the traffic, and its fix, is the FORWARD checks' (this one says who and what, so Ok).
        return new NsDiagnostic
        {
            Check = OtherToolsCheck,
            Status = NsDiagnosticStatus.Ok,
            Observed = (found.Count == 0 ? "none found" : string.Join(", ", found)) + DropsText(drops, h.Driver.ForwardDropFamilies(h.Planning)) + "; " + string.Join("; ", did),
            Why = "Docker, ufw and firewalld set FORWARD to drop what they do not know; the namespaces' traffic then passes only where NetNsPS accepts it in its own chain (New-NetBridge does, as Docker does for each of its networks), and firewalld also needs the bridge in a zone that allows it.",
        };
    }

    /// <summary>Which families' FORWARD drops, as OtherTools says it (IPv6's accepts are the IPv6 FORWARD check's).</summary>
    private static string DropsText(bool ipv4, FirewallFamilies families) =>
        (ipv4, (families & FirewallFamilies.Ipv6) != 0) switch
        {
            (true, true) => "; FORWARD drops (IPv4 and IPv6)",
            (true, false) => "; FORWARD drops",
            (false, true) => "; IPv6's FORWARD drops",
            _ => "",
        };

    public static NsDiagnostic IpForward(HostFacts h)
    {
        var ok = h.IpForward == "1";
        return new NsDiagnostic
        {
            Check = IpForwardCheck,
            Status = ok ? NsDiagnosticStatus.Ok : NsDiagnosticStatus.Failed,
            Observed = $"{Sysctl.IpForward} = {h.IpForward ?? "(unreadable)"}",
            Why = "Without forwarding the host is no router: it drops the namespaces' packets that are not addressed to itself, so they never reach the internet and other machines never reach a published port.",
            Fix = ok ? "" : Fixes.EnableIpForward,
        };
    }

    /// <summary>New connections from the bridge's namespaces to elsewhere, and the replies coming back.</summary>
    public static NsDiagnostic ForwardOut(HostFacts h, LinkRecord bridge)
    {
        var name = bridge.Name;
        var subnet = HostFacts.Subnet(bridge)!.Value;
        var probes = OutProbes(h, name, subnet);
        var ruleset = h.Firewall.Ruleset;
        var verdicts = probes.Select(p => RuleWalker.Walk(ruleset, "filter", "FORWARD", p)).ToList();
        var statuses = verdicts.Select(v => Grading.Grade(v, Grading.Accepted)).ToList();
        var status = Grading.Worst(statuses);
        var fix = "";
        if (status != NsDiagnosticStatus.Ok)
        {
            // Would Enable-NsMasquerade (whose rules accept both directions in the module's FORWARD chain) repair it?
            // Else New-NetBridge, run again now that FORWARD drops (its accepts cover the same two directions)?
            fix = Repairs(h, probes, NatRules.Masquerade(name, subnet.ToString()))
                ? EnableMasquerade(h, name)
                : NewNetBridgeRepairs(h, name, probes)
                ? Fixes.NewNetBridge(name)
                : Fixes.Join(new[]
                {
                    statuses[0] == NsDiagnosticStatus.Ok ? "" : RawAccept(h, verdicts[0], Forward() with { InInterface = name, OutInterface = name, NotOutInterface = true }),
                    statuses[1] == NsDiagnosticStatus.Ok ? "" : RawAccept(h, verdicts[1], Forward() with { OutInterface = name, EstablishedOnly = true }),
                });
        }
        return new NsDiagnostic
        {
            Check = ForwardOutCheck(name),
            Status = status,
            Observed = $"out: {Grading.Describe(verdicts[0], Grading.Accepted, Grading.FilterVerb)}; replies: {Grading.Describe(verdicts[1], Grading.Accepted, Grading.FilterVerb)}",
            Why = $"When FORWARD drops what comes from {name} (policy DROP with accepts only for other bridges, as Docker's iptables mode leaves it), the namespaces' packets never leave the host, even with forwarding on and masquerade in place.",
            Fix = fix,
        };
    }

    internal static Probe[] OutProbes(HostFacts h, string bridge, IpPrefix subnet)
    {
        var outside = h.OutsideOf(bridge);
        return new[]
        {
            new Probe { In = IfaceSpec.Is(bridge), Out = outside, Source = AddressSpec.In(subnet), Destination = AddressSpec.NotIn(subnet) },
            new Probe { In = outside, Out = IfaceSpec.Is(bridge), Source = AddressSpec.NotIn(subnet), Destination = AddressSpec.In(subnet), Established = true },
        };
    }

    /// <summary>Traffic between two namespaces of one bridge: it passes FORWARD only when br_netfilter hands bridged frames to iptables.</summary>
    public static NsDiagnostic ForwardWithin(HostFacts h, LinkRecord bridge)
    {
        var name = bridge.Name;
        var check = ForwardWithinCheck(name);
        var why = $"With br_netfilter, frames between namespaces on {name} pass the FORWARD chain too, so when it drops them the namespaces cannot reach each other (red cannot ping blue).";
        if (!h.BridgeNetfilterLoaded || h.BridgeNfCallIptables != "1")
        {
            return new NsDiagnostic
            {
                Check = check,
                Status = NsDiagnosticStatus.Ok,
                Observed = "bridged frames bypass iptables (bridge-nf-call-iptables is off)",
                Why = why,
            };
        }
        var subnet = HostFacts.Subnet(bridge)!.Value;
        var probes = new[]
        {
            new Probe { In = IfaceSpec.Is(name), Out = IfaceSpec.Is(name), Source = AddressSpec.In(subnet), Destination = AddressSpec.In(subnet) },
            new Probe { In = IfaceSpec.Is(name), Out = IfaceSpec.Is(name), Source = AddressSpec.In(subnet), Destination = AddressSpec.In(subnet), Established = true },
        };
        var verdicts = probes.Select(p => RuleWalker.Walk(h.Firewall.Ruleset, "filter", "FORWARD", p)).ToList();
        var status = Grading.Worst(verdicts.Select(v => Grading.Grade(v, Grading.Accepted)));
        return new NsDiagnostic
        {
            Check = check,
            Status = status,
            Observed = $"new: {Grading.Describe(verdicts[0], Grading.Accepted, Grading.FilterVerb)}; replies: {Grading.Describe(verdicts[1], Grading.Accepted, Grading.FilterVerb)}",
            Why = why,
            // New-NetBridge run again accepts the bridge's traffic in the module's chain where FORWARD drops; else accept
            // only what stays on this bridge: far narrower than `iptables -P FORWARD ACCEPT`.
            Fix = status == NsDiagnosticStatus.Ok ? ""
                : NewNetBridgeRepairs(h, name, probes) ? Fixes.NewNetBridge(name)
                : RawAccept(h, verdicts.First(v => Grading.Grade(v, Grading.Accepted) != NsDiagnosticStatus.Ok), Forward() with { InInterface = name, OutInterface = name }),
        };
    }

    /// <summary>Whether the ruleset, once these rules were ensured, accepts every probe in FORWARD.</summary>
    private static bool Repairs(HostFacts h, IEnumerable<Probe> probes, IEnumerable<FirewallRule> rules)
    {
        var simulated = h.Simulate(rules);
        return probes.All(p => Grading.Grade(RuleWalker.Walk(simulated, "filter", "FORWARD", p), Grading.Accepted) == NsDiagnosticStatus.Ok);
    }

    /// <summary>Whether New-NetBridge, run again, would repair it: it adds the bridge's accepts (only) where FORWARD drops, and they suffice.</summary>
    private static bool NewNetBridgeRepairs(HostFacts h, string bridge, IEnumerable<Probe> probes) =>
        h.Driver.ForwardPathDrops(h.Firewall) && Repairs(h, probes, NatRules.BridgeForward(bridge));

    /// <summary>
    /// A raw accept for traffic a verdict refused: first in the built-in chain (iptables), or, where nftables base
    /// chains of several tables share the hook, first in the chain of somebody else that refused it (an accept
    /// elsewhere would not override that chain's drop).
    /// </summary>
    internal static string RawAccept(HostFacts h, Verdict v, FirewallRule rule)
    {
        var ruleset = h.Firewall.Ruleset;
        var owned = v.Rule?.Owned ?? ruleset.Chain(v.Table, v.Chain)?.Owned ?? true;
        if (ruleset.HasHooks && !owned && IsOtherToolsNftTable(v.Table) && (rule.OutInterface ?? rule.InInterface) is { } bridge)
        {
            // Another tool's nftables chain drops the bridge's traffic (an accept in NetNsPS's table cannot override it):
            // New-NetBridge puts the bridge's accepts, tagged, first in the chain named (and Remove-NetBridge takes them out).
            return $"{Fixes.NewNetBridge(bridge)} -AcceptInChain '{v.Table} {v.Chain}'";
        }
        return ruleset.HasHooks && !owned ? h.Driver.RepairAcceptIn(v.Table, v.Chain, rule) : h.Driver.RepairInsert(rule);
    }

    /// <summary>"inet hostfw": a table of nftables proper, not iptables-nft's (ip filter ...), legacy's or NetNsPS's own.</summary>
    private static bool IsOtherToolsNftTable(string table) =>
        table.Split(' ') is [var family and ("inet" or "ip" or "ip6"), var name]
        && !(family is "ip" or "ip6" && Linux.Firewall.Nftables.NftablesHost.XtablesTables.Contains(name))
        && table != Linux.Firewall.Nftables.NftablesLayout.Table;

    /// <summary>An untagged accept in FORWARD, for a raw repair.</summary>
    internal static FirewallRule Forward() => new(FirewallTable.Filter, FirewallHook.Forward, "", FirewallAction.Accept);

    /// <summary>iptables-legacy and iptables-nft both holding rules: both apply, but `iptables` shows only one.</summary>
    public static NsDiagnostic Backends(BackendFacts b, IFirewallDriver driver)
    {
        string Holds(string backend, FirewallRuleset? r) => r is null ? $"{backend}: not available"
            : r.TablesInUse().Count == 0 ? $"{backend}: empty"
            : $"{backend}: {r.RuleCount} rules in {string.Join(", ", r.TablesInUse())}";
        var observed = $"{Holds("nf_tables", b.Nft)}; {Holds("legacy", b.Legacy)}; iptables is {b.Active ?? "unknown"}";
        var split = b.IsSplit;
        var fix = split ? driver.RepairBackendSplit(b) : "";
        return new NsDiagnostic
        {
            Check = BackendsCheck,
            Status = split ? NsDiagnosticStatus.Warning : NsDiagnosticStatus.Ok,
            Observed = observed,
            Why = "Rules of iptables-legacy and iptables-nft both apply to every packet, but `iptables` shows only one of them, so a DROP or a stale NAT rule in the other breaks traffic invisibly (moby/moby#46147).",
            Fix = fix,
        };
    }

    public static NsDiagnostic Firewalld(HostFacts h)
    {
        var bridges = h.AddressedBridges.Select(b => b.Name).ToList();
        var untrusted = h.Firewalld.Running ? bridges.Where(b => h.Firewalld.Zones.GetValueOrDefault(b) != FirewalldZone.Zone).ToList() : new List<string>();
        var zones = string.Join(", ", bridges.Select(b => $"{b} in zone {h.Firewalld.Zones.GetValueOrDefault(b) ?? "(none: the default zone)"}"));
        return new NsDiagnostic
        {
            Check = FirewalldCheck,
            Status = untrusted.Count == 0 ? NsDiagnosticStatus.Ok : NsDiagnosticStatus.Warning,
            Observed = h.Firewalld.Running && zones.Length > 0 ? $"{h.Firewalld.How}; {zones}" : h.Firewalld.How,
            Why = $"firewalld owns the firewall: its own table rejects forwarded traffic its zones do not allow, whatever other tables accept, so a bridge outside the {FirewalldZone.Zone} zone loses its traffic even when the module's rules look right. New-NetBridge binds the bridge to {FirewalldZone.Zone} at runtime; a firewall-cmd --reload drops that binding.",
            // A bridge in no zone: New-NetBridge binds it. One someone bound to another zone: their choice, so the
            // fix is firewalld's own command, not the module's.
            Fix = Fixes.Join(untrusted.Select(b => h.Firewalld.Zones.GetValueOrDefault(b) is null
                ? Fixes.NewNetBridge(b)
                : FirewalldZone.ChangeInterface(b).Render())),
        };
    }

    public static NsDiagnostic Ufw(HostFacts h)
    {
        var bridges = h.AddressedBridges.Select(b => b.Name).ToList();
        var missing = new List<string>();
        if (h.Ufw.Active)
        {
            var routed = h.Firewall.Ruleset.Chain("filter", "ufw-user-forward")?.Rules
                .Where(r => r.Target == "ACCEPT" && r.Source is null && r.Destination is null && r.Unrecognized is null && r.Protocol is null).ToList()
                ?? new List<ChainRule>();
            foreach (var b in bridges)
            {
                if (!routed.Any(r => r.InInterface == b && !r.NotInInterface && r.OutInterface is null))
                {
                    missing.Add($"ufw route allow in on {b}");
                }
                if (!routed.Any(r => r.OutInterface == b && !r.NotOutInterface && r.InInterface is null))
                {
                    missing.Add($"ufw route allow out on {b}");
                }
            }
        }
        return new NsDiagnostic
        {
            Check = UfwCheck,
            Status = missing.Count == 0 ? NsDiagnosticStatus.Ok : NsDiagnosticStatus.Warning,
            Observed = h.Ufw.Active && bridges.Count > 0 && missing.Count == 0 ? $"{h.Ufw.How}; routes {string.Join(", ", bridges)}" : h.Ufw.How,
            Why = "ufw sets FORWARD's policy to DROP (DEFAULT_FORWARD_POLICY) and rebuilds its chains on every reload and boot, so forwarding for a bridge breaks later unless ufw itself routes it.",
            Fix = Fixes.Join(missing),
        };
    }

    /// <summary>Each module chain that holds rules must be reached by its jump from the built-in chain.</summary>
    public static NsDiagnostic Jumps(HostFacts h)
    {
        var snapshot = h.Firewall;
        var used = snapshot.Rules.GroupBy(r => (r.Table, r.Hook)).ToList();
        var missing = used.Where(g => !snapshot.IsReached(g.Key.Table, g.Key.Hook)).ToList();
        string Name((FirewallTable Table, FirewallHook Hook) k) => h.Driver.HookName(k.Table, k.Hook);
        var observed = used.Count == 0
            ? "no NetNsPS chain holds rules"
            : missing.Count == 0
                ? $"{used.Count} NetNsPS chains, each reached from {string.Join(", ", used.Select(g => Name(g.Key)))}"
                : string.Join("; ", missing.Select(g => $"{h.Driver.DescribeUnreached(snapshot, g.Key.Table, g.Key.Hook)} ({g.Count()} rules never applied)"));
        return new NsDiagnostic
        {
            Check = JumpsCheck,
            Status = missing.Count == 0 ? NsDiagnosticStatus.Ok : NsDiagnosticStatus.Failed,
            Observed = observed,
            Why = "A NetNsPS chain is consulted only through its jump from the built-in chain, so without the jump its rules are there but never applied.",
            // The cmdlet that made the chain's rules puts the jump back when run again; any one of them does, and
            // Enable-NsMasquerade (when it made one) touches least.
            Fix = Fixes.Join(missing.Select(g => Rehook(h, g.Key.Table, g.Key.Hook) is { Length: > 0 } rehook ? rehook
                : g.Select(r => MakerOf(h, r)).OfType<string>()
                .OrderBy(f => f.StartsWith("Enable-NsMasquerade", StringComparison.Ordinal) ? 0 : 1).FirstOrDefault()).OfType<string>()),
        };
    }

    /// <summary>
    /// For a module chain only the driver's own repair reaches again (an nftables chain re-made without its hook):
    /// that repair, then every cmdlet that made the chain's rules (Enable-NsMasquerade first, which makes the chain
    /// and its lookups before Publish-NsPort adds to them); "" when re-running the cmdlets alone does it.
    /// </summary>
    internal static string Rehook(HostFacts h, FirewallTable table, FirewallHook hook)
    {
        var repair = h.Driver.RepairUnreached(h.Firewall, table, hook);
        if (repair.Length == 0)
        {
            return "";
        }
        var makers = h.Firewall.Rules.Where(r => r.Table == table && r.Hook == hook).Select(r => MakerOf(h, r)).OfType<string>()
            .Distinct().OrderBy(f => f.StartsWith("Enable-NsMasquerade", StringComparison.Ordinal) ? 0 : 1);
        return Fixes.Join(new[] { repair }.Concat(makers));
    }

    /// <summary>Enable-NsMasquerade for a bridge, keeping the -SourcePrefix of the module's rule when it is not the bridge's subnet.</summary>
    internal static string EnableMasquerade(HostFacts h, string bridge)
    {
        var source = h.Firewall.Rules.FirstOrDefault(r => r.Tag == NatRules.MasqueradeTag(bridge) && r.Table == FirewallTable.Nat)?.Source;
        var subnet = h.Link(bridge) is { } link ? HostFacts.Subnet(link)?.ToString() : null;
        return Fixes.Cmdlet("Enable-NsMasquerade", bridge, ("SourcePrefix", source is not null && source != subnet ? source : null));
    }

    /// <summary>The cmdlet invocation that makes this module rule (and so its chain's jump).</summary>
    internal static string? MakerOf(HostFacts h, FirewallRule rule)
    {
        var tag = rule.Identity;
        if (tag is { Kind: RuleKind.Masquerade })
        {
            return EnableMasquerade(h, tag.Bridge);
        }
        var ports = NatRules.ReadPorts(h.Firewall).Select(p => p.Mapping).OfType<NsPortMapping>().ToList();
        if (tag is { Kind: RuleKind.Localnet } && ports.FirstOrDefault(m => m.Bridge == tag.Bridge) is { } onBridge)
        {
            return Fixes.Publish(onBridge, h.DefaultInternalAddress(onBridge.Namespace));
        }
        if (tag is { Kind: RuleKind.Port, Port: { } key } && ports.FirstOrDefault(m => NatRules.KeyOf(m) == key) is { } mapping)
        {
            return Fixes.Publish(mapping, h.DefaultInternalAddress(mapping.Namespace));
        }
        return null;
    }
}
