using System.Collections.Generic;
using System.Linq;

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

    private readonly FirewallRuleset _ruleset;

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

    internal HashSet<(FirewallTable Table, FirewallHook Hook)> OwnChains { get; }

    /// <summary>Jump rules from built-in chains into the module's chains, with their arguments.</summary>
    internal List<(FirewallTable Table, FirewallHook Hook, IReadOnlyList<string> Spec)> Jumps { get; }

    /// <summary>Every rule of every chain read, in order, as arguments (others' rules included).</summary>
    internal Dictionary<(FirewallTable Table, string Chain), List<IReadOnlyList<string>>> Order { get; }

    public override IReadOnlyList<FirewallRule> Rules => Entries.Select(e => e.Rule).ToList();

    public override IReadOnlyCollection<(FirewallTable Table, FirewallHook Hook)> Chains => OwnChains.ToList();

    public override bool IsReached(FirewallTable table, FirewallHook hook) => Jumps.Any(j => j.Table == table && j.Hook == hook);

    public override FirewallRuleset Ruleset => _ruleset;

    /// <summary>A copy to plan on without changing this one (rules keep their instances).</summary>
    internal IptablesSnapshot Clone() => new(Entries, OwnChains, Jumps.Select(j => (j.Table, j.Hook, j.Spec)), Order, _ruleset);

    public override FirewallSnapshot Without(ChainRule rule)
    {
        var ruleset = _ruleset.Clone();
        ruleset.Chain(rule.Table, rule.Chain)?.Rules.RemoveAll(r => r.Position == rule.Position);
        return new IptablesSnapshot(Entries, OwnChains, Jumps.Select(j => (j.Table, j.Hook, j.Spec)), Order, ruleset);
    }
}
