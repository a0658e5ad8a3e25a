using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using NetNsPS.Linux;
using NetNsPS.Linux.Firewall;

namespace NetNsPS.Internal.Diagnostics;

/// <summary>An interface as far as a probe knows it: exactly one, any but one, or unknown.</summary>
internal readonly record struct IfaceSpec(string? Name, string? Not)
{
    public static IfaceSpec Is(string name) => new(name, null);
    public static IfaceSpec AnyBut(string name) => new(null, name);
    public static readonly IfaceSpec Unknown = new(null, null);

    public override string ToString() => Name ?? (Not is null ? "any interface" : "any interface but " + Not);
}

/// <summary>An address as far as a probe knows it: inside a network, outside one, or unknown.</summary>
internal readonly record struct AddressSpec(IpPrefix? Within, IpPrefix? Outside)
{
    public static AddressSpec In(IpPrefix network) => new(network, null);
    public static AddressSpec Host(IPAddress address) => new(IpPrefix.Host(address), null);

    /// <summary>An address as a port mapping (a model of strings) holds it.</summary>
    public static AddressSpec Host(string address) => Host(IpPrefix.ParseAddress(address, "address"));
    public static AddressSpec NotIn(IpPrefix network) => new(null, network);
    public static readonly AddressSpec Unknown = new(null, null);
}

/// <summary>A packet (or a class of packets) to send through a chain in thought.</summary>
internal sealed record Probe
{
    public IfaceSpec In { get; init; } = IfaceSpec.Unknown;
    public IfaceSpec Out { get; init; } = IfaceSpec.Unknown;
    public AddressSpec Source { get; init; } = AddressSpec.Unknown;
    public AddressSpec Destination { get; init; } = AddressSpec.Unknown;
    public bool? SourceIsLocal { get; init; }
    public bool? DestinationIsLocal { get; init; }

    /// <summary>tcp, udp, icmp; null for any protocol.</summary>
    public string? Protocol { get; init; }
    public int? DestinationPort { get; init; }

    /// <summary>A reply of a known connection (conntrack ESTABLISHED) rather than a new connection.</summary>
    public bool Established { get; init; }

    /// <summary>Of a connection a DNAT rule translated (conntrack status DNAT: a published port's traffic).</summary>
    public bool Dnat { get; init; }
}

internal enum Tri { No, Maybe, Yes }

/// <summary>
/// Where a probe ends in a chain: the first rule that surely matches with a deciding target, or the chain's policy
/// (Rule null). Uncertain lists deciding rules met on the way that may or may not match this probe.
/// </summary>
internal sealed record Verdict(string Target, ChainRule? Rule, string Table, string Chain, IReadOnlyList<ChainRule> Uncertain)
{
    public bool IsPolicy => Rule is null;

    /// <summary>Whether ending at a policy is a decision worth naming (filtering), rather than "no rule matched" (nat, raw).</summary>
    public bool PolicyDecides { get; init; }

    /// <summary>What was searched when no rule matched: "nat POSTROUTING", or every nat chain of a hook.</summary>
    public string Scope => ScopeText ?? $"{Table} {Chain}";

    public string? ScopeText { get; init; }

    /// <summary>Where the decision was made, for Observed: the rule (and whose it is) or the chain's policy.</summary>
    public string Where => Rule is null ? $"{Table} {Chain} policy {Target}" : RuleWalker.Describe(Rule);
}

/// <summary>
/// Follows a probe through a chain the way netfilter would: rules in order, jumps into user chains, RETURN, and
/// the built-in chain's policy at the end. Matches it cannot decide (unknown fields, unmodelled modules) count as
/// "maybe": such rules never decide, they are listed as uncertain instead. A ruleset whose chains know their hooks
/// (nftables) is walked the nftables way: every base chain of that type on the hook, whoever's, in priority order.
/// </summary>
internal static class RuleWalker
{
    /// <summary>Targets after which the packet goes on to the next rule.</summary>
    private static readonly HashSet<string> NonTerminal = new(StringComparer.Ordinal)
    {
        "", "LOG", "NFLOG", "ULOG", "MARK", "CONNMARK", "TRACE", "CT", "NOTRACK", "TCPMSS", "CHECKSUM", "TOS", "DSCP",
        "TTL", "HL", "CLASSIFY", "AUDIT", "SECMARK", "CONNSECMARK", "TEE", "IDLETIMER", "LED", "RATEEST", "SET",
    };

    private const int MaxDepth = 32;

    /// <summary>
    /// Where a probe ends in iptables' built-in chain TABLE CHAIN ("nat", "PREROUTING"), or, in an nftables ruleset, at
    /// that hook: nat chains of the hook (nat), base chains of type filter (filter, raw).
    /// </summary>
    public static Verdict Walk(FirewallRuleset ruleset, string table, string chain, Probe probe)
    {
        if (ruleset.HasHooks)
        {
            return WalkHook(ruleset, table, chain, probe);
        }
        var uncertain = new List<ChainRule>();
        var start = ruleset.Chain(table, chain);
        if (start is not null)
        {
            var (decided, _) = WalkChain(ruleset, start, probe, certain: true, uncertain, 0);
            if (decided is not null)
            {
                return decided with { Uncertain = uncertain, PolicyDecides = table == "filter" };
            }
        }
        return new Verdict(start?.Policy ?? "ACCEPT", null, table, chain, uncertain) { PolicyDecides = table == "filter" };
    }

    /// <summary>
    /// The nftables hook model: the base chains of the hook run in priority order (equal priorities in the order
    /// read). `accept` ends only its own chain; a drop (rule or policy) in any of them is final. Among nat chains the
    /// first that NATs the packet decides; one that accepts without NAT leaves it to the next.
    /// </summary>
    private static Verdict WalkHook(FirewallRuleset ruleset, string table, string chain, Probe probe)
    {
        var type = table == "nat" ? "nat" : "filter";
        var hook = chain.ToLowerInvariant();
        var decides = table == "filter";
        var scope = $"a {type} chain on hook {hook}";
        var uncertain = new List<ChainRule>();
        Verdict? acceptedByRule = null, lastPolicy = null;
        foreach (var c in ruleset.BaseChains(type, hook))
        {
            var (decided, _) = WalkChain(ruleset, c, probe, certain: true, uncertain, 0);
            var v = decided ?? new Verdict(c.Policy ?? "ACCEPT", null, c.Table, c.Name, Array.Empty<ChainRule>());
            if (v.Target == "ACCEPT")
            {
                if (v.Rule is null)
                {
                    lastPolicy = v;
                }
                else
                {
                    acceptedByRule ??= v;
                }
                continue;
            }
            return v with { Uncertain = uncertain, PolicyDecides = decides, ScopeText = scope };
        }
        var end = acceptedByRule ?? lastPolicy ?? new Verdict("ACCEPT", null, type, hook, Array.Empty<ChainRule>());
        return end with { Uncertain = uncertain, PolicyDecides = decides, ScopeText = scope };
    }

    /// <summary>Returns the deciding verdict, or null with returned=true for a RETURN (or the end of a user chain).</summary>
    private static (Verdict? Decided, bool Returned) WalkChain(FirewallRuleset ruleset, FirewallChain chain, Probe probe, bool certain,
        List<ChainRule> uncertain, int depth)
    {
        if (depth > MaxDepth)
        {
            return (null, true);
        }
        foreach (var rule in chain.Rules)
        {
            var match = Match(rule, probe);
            if (match == Tri.No || NonTerminal.Contains(rule.Target))
            {
                continue;
            }
            var sure = certain && match == Tri.Yes;
            if (rule.Target == "RETURN")
            {
                if (sure)
                {
                    return (null, true);
                }
                continue;
            }
            var sub = ruleset.Chain(chain.Table, rule.Target);
            if (sub is not null && !sub.IsBuiltin)
            {
                var (decided, _) = WalkChain(ruleset, sub, probe, sure, uncertain, depth + 1);
                if (decided is not null)
                {
                    return (decided, false);
                }
                if (sure && rule.IsGoto)
                {
                    // A goto'd chain that ends returns to this chain's caller.
                    return (null, true);
                }
                continue;
            }
            if (sure)
            {
                return (new Verdict(rule.Target, rule, chain.Table, chain.Name, Array.Empty<ChainRule>()), false);
            }
            uncertain.Add(rule);
        }
        return (null, true);
    }

    public static Tri Match(ChainRule rule, Probe probe)
    {
        if (rule.Ipv6Only)
        {
            return Tri.No;
        }
        var result = Tri.Yes;
        void And(Tri t) => result = (Tri)Math.Min((int)result, (int)t);
        And(Negate(Interface(rule.InInterface, probe.In), rule.NotInInterface && rule.InInterface is not null));
        And(Negate(Interface(rule.OutInterface, probe.Out), rule.NotOutInterface && rule.OutInterface is not null));
        And(Negate(Address(rule.Source, probe.Source), rule.NotSource && rule.Source is not null));
        And(Negate(Address(rule.Destination, probe.Destination), rule.NotDestination && rule.Destination is not null));
        And(Negate(Protocol(rule.Protocol, probe.Protocol), rule.NotProtocol && rule.Protocol is not null));
        And(Negate(Known(rule.DestinationPort, probe.DestinationPort), rule.NotDestinationPort && rule.DestinationPort is not null));
        And(Known(rule.SourceIsLocal, probe.SourceIsLocal));
        And(Known(rule.DestinationIsLocal, probe.DestinationIsLocal));
        if (rule.States is not null)
        {
            var state = probe.Established ? "ESTABLISHED" : "NEW";
            And(Negate(rule.States.Contains(state) || (probe.Dnat && rule.States.Contains("DNAT")) ? Tri.Yes : Tri.No, rule.NotStates));
        }
        if (rule.Unrecognized is not null)
        {
            And(Tri.Maybe);
        }
        return result;
    }

    private static Tri Negate(Tri t, bool negate) => !negate ? t : t switch { Tri.Yes => Tri.No, Tri.No => Tri.Yes, _ => Tri.Maybe };

    private static Tri Interface(string? rule, IfaceSpec probe)
    {
        if (rule is null)
        {
            return Tri.Yes;
        }
        var wildcard = rule.EndsWith('+');
        bool Matches(string name) => wildcard ? name.StartsWith(rule[..^1], StringComparison.Ordinal) : name == rule;
        if (probe.Name is not null)
        {
            return Matches(probe.Name) ? Tri.Yes : Tri.No;
        }
        if (probe.Not is not null && !wildcard && rule == probe.Not)
        {
            return Tri.No;
        }
        return Tri.Maybe;
    }

    private static Tri Address(string? rule, AddressSpec probe)
    {
        if (rule is null)
        {
            return Tri.Yes;
        }
        IpPrefix r;
        try
        {
            r = IpPrefix.Parse(rule, "address", IpPrefix.HostLength).Network;
        }
        catch (NetNsException)
        {
            return Tri.Maybe;
        }
        if (r.PrefixLength == 0)
        {
            return Tri.Yes;
        }
        if (probe.Within is { } w)
        {
            if (r.PrefixLength <= w.PrefixLength && r.Contains(w.NetworkAddress))
            {
                return Tri.Yes;
            }
            var disjoint = !r.Contains(w.NetworkAddress) && !w.Network.Contains(r.NetworkAddress);
            return disjoint ? Tri.No : Tri.Maybe;
        }
        if (probe.Outside is { } o && o.PrefixLength <= r.PrefixLength && o.Network.Contains(r.NetworkAddress))
        {
            // The rule only matches addresses the probe's address is known not to be.
            return Tri.No;
        }
        return Tri.Maybe;
    }

    private static Tri Protocol(string? rule, string? probe)
    {
        if (rule is null || rule == "all")
        {
            return Tri.Yes;
        }
        if (probe is null)
        {
            return Tri.Maybe;
        }
        return string.Equals(rule, probe, StringComparison.OrdinalIgnoreCase) ? Tri.Yes : Tri.No;
    }

    private static Tri Known<T>(T? rule, T? probe) where T : struct
    {
        if (rule is null)
        {
            return Tri.Yes;
        }
        if (probe is null)
        {
            return Tri.Maybe;
        }
        return EqualityComparer<T>.Default.Equals(rule.Value, probe.Value) ? Tri.Yes : Tri.No;
    }

    /// <summary>A rule as Observed shows it: whose it is, where it sits, and the rule itself.</summary>
    public static string Describe(ChainRule rule) =>
        rule.Owned
            ? $"{rule.Table} {rule.Chain} (NetNsPS): {rule.Text}"
            : $"{rule.Table} {rule.Chain} rule {rule.Position}, not NetNsPS's: {rule.Text}";
}
