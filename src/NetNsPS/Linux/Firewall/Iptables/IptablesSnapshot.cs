using System.Collections.Generic;
using System.Linq;
using NetNsPS.Operations;

namespace NetNsPS.Linux.Firewall.Iptables;

/// <summary>
/// What iptables-save showed of the module: its rules with their argv (what `iptables -D` needs), its chains, the
/// jumps into them, and every chain's rules in order (so a deleted rule can be put back where it was). Planning
/// keeps all of it current as it plans deletions and additions.
/// </summary>
public sealed class IptablesSnapshot : FirewallSnapshot
{
    /// <summary>A module rule and its arguments as iptables-save printed them.</summary>
    internal sealed record Entry(FirewallRule Rule, IReadOnlyList<string> Spec);

    private FirewallRuleset _ruleset;

    internal IptablesSnapshot(IEnumerable<Entry> entries, IEnumerable<(FirewallTable, FirewallHook)> chains,
        IEnumerable<(FirewallTable, FirewallHook, IReadOnlyList<string>)> jumps,
        IDictionary<(FirewallTable, string), List<IReadOnlyList<string>>> order, FirewallRuleset ruleset)
    {
        Entries = entries.ToList();
        OwnChains = chains.ToHashSet();
        Jumps = jumps.ToList();
        Order = order.ToDictionary(kv => kv.Key, kv => kv.Value.ToList());
        _ruleset = ruleset;
    }

    internal List<Entry> Entries { get; }

    /// <summary>Whether this is what ip6tables-save showed (the IPv6 tables) rather than iptables-save.</summary>
    internal bool IsV6 { get; init; }

    /// <summary>The IPv6 part, read by ip6tables-save beside iptables-save; null where ip6tables is not installed.</summary>
    internal IptablesSnapshot? V6 { get; set; }

    internal HashSet<(FirewallTable Table, FirewallHook Hook)> OwnChains { get; }

    /// <summary>Jump rules from built-in chains into the module's chains, with their arguments.</summary>
    internal List<(FirewallTable Table, FirewallHook Hook, IReadOnlyList<string> Spec)> Jumps { get; }

    /// <summary>Every rule of every chain read, in order, as arguments (others' rules included).</summary>
    internal Dictionary<(FirewallTable Table, string Chain), List<IReadOnlyList<string>>> Order { get; }

    /// <summary>The module's rules of both families: IPv4's, then IPv6's.</summary>
    public override IReadOnlyList<FirewallRule> Rules => Entries.Select(e => e.Rule).Concat(V6?.Entries.Select(e => e.Rule) ?? Enumerable.Empty<FirewallRule>()).ToList();

    public override IReadOnlyCollection<(FirewallTable Table, FirewallHook Hook)> Chains => OwnChains.Concat(V6?.OwnChains ?? Enumerable.Empty<(FirewallTable, FirewallHook)>()).Distinct().ToList();

    public override bool IsReached(FirewallTable table, FirewallHook hook) => Jumps.Any(j => j.Table == table && j.Hook == hook);

    public override FirewallRuleset Ruleset => _ruleset;

    /// <summary>
    /// The nf_tables generation both families' tables were read at (<see cref="IptablesCache"/>), moved on as this
    /// process's own applied plans move it; null where there is none to trust (legacy tables, no netlink).
    /// </summary>
    internal uint? ReadAt { get; set; }

    /// <summary>The plans planned on this snapshot and not applied yet, with the iptables steps each got from it.</summary>
    internal PendingPlans Pending { get; } = new();

    /// <summary>The kernel transactions this snapshot's applied plans made since <see cref="ReadAt"/>.</summary>
    internal int Transactions { get; set; }

    /// <summary>Gives the snapshot its own copy of the ruleset before it is brought up to date with applied steps.</summary>
    internal FirewallRuleset OwnRuleset() => _ruleset = _ruleset.Clone();

    /// <summary>A copy to plan on without changing this one (rules keep their instances; the ruleset is shared until <see cref="OwnRuleset"/>).</summary>
    internal IptablesSnapshot Clone() => new(Entries, OwnChains, Jumps.Select(j => (j.Table, j.Hook, j.Spec)), Order, _ruleset) { IsV6 = IsV6, V6 = V6?.Clone(), ReadAt = ReadAt };

    public override FirewallSnapshot Without(ChainRule rule)
    {
        var ruleset = _ruleset.Clone();
        ruleset.Chain(rule.Table, rule.Chain)?.Rules.RemoveAll(r => r.Position == rule.Position);
        return new IptablesSnapshot(Entries, OwnChains, Jumps.Select(j => (j.Table, j.Hook, j.Spec)), Order, ruleset) { IsV6 = IsV6, V6 = V6 };
    }
}
