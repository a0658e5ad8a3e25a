using System.Collections.Generic;
using System.Linq;

namespace NetNsPS.Linux.Firewall;

/// <summary>A module-owned rule as it is live, with the driver's own words for it (to delete exactly that rule).</summary>
public sealed record LiveRule(FirewallRule Rule, IReadOnlyList<string> NativeSpec);

/// <summary>What the module owns in the firewall right now: its chains, their jumps and their rules.</summary>
public sealed class FirewallSnapshot
{
    public FirewallSnapshot(IEnumerable<LiveRule> rules, IEnumerable<(FirewallTable, FirewallHook)> chains,
        IEnumerable<(FirewallTable, FirewallHook, IReadOnlyList<string>)> jumps,
        IDictionary<(FirewallTable, string), List<IReadOnlyList<string>>>? order = null)
    {
        Rules = rules.ToList();
        Chains = chains.ToHashSet();
        Jumps = jumps.ToList();
        Order = order is null ? new() : new(order);
    }

    /// <summary>
    /// Every rule of every chain the driver read, in order, in the driver's words (others' rules included), so a
    /// deleted rule can be put back where it was. Planning keeps it current as it plans deletions and additions.
    /// </summary>
    public Dictionary<(FirewallTable Table, string Chain), List<IReadOnlyList<string>>> Order { get; }

    public List<LiveRule> Rules { get; }
    public HashSet<(FirewallTable Table, FirewallHook Hook)> Chains { get; }

    /// <summary>Jump rules from built-in chains into the module's chains, in the driver's words.</summary>
    public List<(FirewallTable Table, FirewallHook Hook, IReadOnlyList<string> NativeSpec)> Jumps { get; }

    public IEnumerable<FirewallRule> AllRules => Rules.Select(r => r.Rule);

    /// <summary>Every chain and rule of every table, the module's and anybody else's, for the diagnostics.</summary>
    public FirewallRuleset Ruleset { get; init; } = FirewallRuleset.Empty;

    public IEnumerable<LiveRule> Tagged(string tagPrefix) => Rules.Where(r => r.Rule.Tag.StartsWith(tagPrefix, System.StringComparison.Ordinal));
}
