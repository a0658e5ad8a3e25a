using System.Collections.Generic;
using System.Linq;
using NetNsPS.Linux.Firewall.Iptables;

namespace NetNsPS.Linux.Firewall.Nftables;

/// <summary>
/// What `list table inet netnsps` showed: whether the table is there, its base chains with their rules in order
/// (handles kept, for delete), its maps and sets, and their elements. Each module rule (a rule with a tag, or an
/// element) is one <see cref="Entry"/>; the lookup rules that reach the maps are the chains' "jumps". Planning keeps
/// all of it current as it plans.
/// </summary>
public sealed class NftablesSnapshot : FirewallSnapshot
{
    /// <summary>A rule of a chain: its handle (null when planned, not yet read), body and comment, and what it is.</summary>
    internal sealed class NftRule
    {
        public long? Handle { get; init; }

        /// <summary>The rule as nft takes it, without comment; null for one this driver cannot write (a hand-made rule).</summary>
        public string? Body { get; init; }
        public string? Comment { get; init; }

        /// <summary>The module rule it is; null for a lookup rule.</summary>
        public FirewallRule? Rule { get; init; }

        /// <summary>For a lookup rule: the map or set it looks up.</summary>
        public string? Lookup { get; init; }

        /// <summary>How it was read, for showing a rule the driver cannot write.</summary>
        public string Shown { get; init; } = "";

        public string Text => Body is null ? Shown : NftablesLayout.WithComment(Body, Comment);
    }

    internal sealed class NftChain
    {
        public NftChain(FirewallTable table, FirewallHook hook)
        {
            Table = table;
            Hook = hook;
        }

        public FirewallTable Table { get; }
        public FirewallHook Hook { get; }
        public string Name => NftablesLayout.ChainName(Table, Hook);
        public List<NftRule> Rules { get; } = new();
    }

    internal sealed record NftElement(string Set, string Key, string? Value, string Tag);

    /// <summary>A module rule and where it lives: a rule of a chain, or an element of a map or set.</summary>
    internal sealed record Entry(FirewallRule Rule, NftRule? AsRule, NftElement? AsElement);

    internal NftablesSnapshot() { }

    internal bool TableExists { get; set; }
    internal List<NftChain> OwnChains { get; } = new();
    internal List<string> Sets { get; } = new();
    internal List<NftElement> Elements { get; } = new();

    /// <summary>Other chains of the table (not one of the module's base chains), by name: left alone, shown.</summary>
    internal List<string> StrayChains { get; } = new();

    /// <summary>Elements whose rule was read back (a stable instance each, for PlanRemove).</summary>
    private readonly Dictionary<NftElement, FirewallRule> _elementRules = new();

    /// <summary>For the diagnostics: everybody else's chains and how the module's were found hooked; null when only the module's table was read.</summary>
    internal NftablesHost? Host { get; set; }

    internal NftChain? Chain(FirewallTable table, FirewallHook hook) => OwnChains.FirstOrDefault(c => c.Table == table && c.Hook == hook);

    internal void AddElement(NftElement element, FirewallRule rule)
    {
        Elements.Add(element);
        _elementRules[element] = rule;
    }

    internal void RemoveElement(NftElement element)
    {
        Elements.Remove(element);
        _elementRules.Remove(element);
    }

    /// <summary>Every module rule: for each chain, its map and set elements (sorted as nft lists them), then its tagged rules.</summary>
    internal IEnumerable<Entry> Entries()
    {
        foreach (var chain in OwnChains)
        {
            foreach (var set in NftablesLayout.SetsOf(chain.Table, chain.Hook))
            {
                foreach (var e in Elements.Where(e => e.Set == set.SetName).OrderBy(e => e.Key, System.StringComparer.Ordinal))
                {
                    yield return new Entry(_elementRules[e], null, e);
                }
            }
        }
        foreach (var chain in OwnChains)
        {
            foreach (var rule in chain.Rules.Where(r => r.Rule is not null))
            {
                yield return new Entry(rule.Rule!, rule, null);
            }
        }
    }

    /// <summary>
    /// What iptables holds of the module, when iptables is here and has tables: rules an earlier version (or the
    /// iptables driver) left in the NETNSPS-* chains, and the FORWARD shim (<see cref="NftablesDriver"/>). Read by the
    /// iptables driver, planned on by it; null when there is nothing to read.
    /// </summary>
    internal IptablesSnapshot? Iptables { get; set; }

    /// <summary>The module's rules: those of its table, then those of its NETNSPS-* chains in iptables (each one instance, for PlanRemove).</summary>
    public override IReadOnlyList<FirewallRule> Rules =>
        Entries().Select(e => e.Rule).Concat(Iptables?.Rules ?? System.Array.Empty<FirewallRule>()).ToList();

    /// <summary>The module's base chains, and the hooks of its NETNSPS-* chains in iptables.</summary>
    public override IReadOnlyCollection<(FirewallTable Table, FirewallHook Hook)> Chains =>
        OwnChains.Select(c => (c.Table, c.Hook)).Concat(Iptables?.Chains ?? System.Array.Empty<(FirewallTable, FirewallHook)>()).Distinct().ToList();

    /// <summary>The base chain is there (it hooks itself) with the rule that looks up each of its maps and sets.</summary>
    public override bool IsReached(FirewallTable table, FirewallHook hook) =>
        Chain(table, hook) is { } chain && (Host is null || !Host.Own.ContainsKey(chain.Name) || Host.IsHooked(table, hook)) && NftablesLayout.SetsOf(table, hook).All(s => Sets.Contains(s.SetName) && chain.Rules.Any(r => r.Lookup == s.SetName));

    private FirewallRuleset? _ruleset;

    /// <summary>
    /// The module's table as it was read (planning does not change it, as with the iptables driver): chains of rules,
    /// each map and set's elements shown after the rule that looks it up.
    /// </summary>
    public override FirewallRuleset Ruleset => _ruleset ??= BuildRuleset();

    /// <summary>Fixes <see cref="Ruleset"/> to what the snapshot holds now (the parser calls it once it has read everything).</summary>
    internal void Freeze() => _ruleset = BuildRuleset();

    /// <summary>The ruleset as the snapshot holds it now, plans included (everybody else's chains too, when read for the diagnostics).</summary>
    internal FirewallRuleset BuildRuleset() => Host is null ? BuildModuleRuleset() : Host.Merge(BuildModuleRuleset());

    /// <summary>The module's table alone, as the snapshot holds it now.</summary>
    internal FirewallRuleset BuildModuleRuleset()
    {
        var ruleset = new FirewallRuleset { Backend = "nf_tables" };
        foreach (var chain in OwnChains)
        {
            ruleset.GetOrAdd(NftablesLayout.Table, chain.Name, "ACCEPT", owned: true);
            foreach (var rule in chain.Rules)
            {
                ruleset.Append(NftablesDriver.ToChainRule(chain, rule));
                if (rule.Lookup is { } lookup && NftablesLayout.Set(lookup) is { } set)
                {
                    foreach (var e in Elements.Where(e => e.Set == lookup).OrderBy(e => e.Key, System.StringComparer.Ordinal))
                    {
                        ruleset.Append(NftablesDriver.ToChainRule(set, e, _elementRules[e]));
                    }
                }
            }
        }
        return ruleset;
    }

    public override FirewallSnapshot Without(ChainRule rule)
    {
        var copy = Clone();
        if (!rule.Owned && copy.Host is not null)
        {
            copy.Host = copy.Host.Without(rule);
            copy._ruleset = copy.BuildRuleset();
            return copy;
        }
        var ruleset = Ruleset.Clone();
        ruleset.Chain(rule.Table, rule.Chain)?.Rules.RemoveAll(r => r.Position == rule.Position);
        copy._ruleset = ruleset;
        return copy;
    }

    /// <summary>A copy to plan on without changing this one (rules and elements keep their instances).</summary>
    internal NftablesSnapshot Clone()
    {
        var copy = new NftablesSnapshot { TableExists = TableExists, _ruleset = _ruleset, Host = Host, Iptables = Iptables?.Clone() };
        foreach (var chain in OwnChains)
        {
            var c = new NftChain(chain.Table, chain.Hook);
            c.Rules.AddRange(chain.Rules);
            copy.OwnChains.Add(c);
        }
        copy.Sets.AddRange(Sets);
        copy.StrayChains.AddRange(StrayChains);
        foreach (var e in Elements)
        {
            copy.AddElement(e, _elementRules[e]);
        }
        return copy;
    }
}
