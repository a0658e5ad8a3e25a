using System;
using System.Collections.Generic;
using System.Linq;

namespace NetNsPS.Linux.Firewall;

/// <summary>
/// One rule of any chain, the module's or anybody's, in driver-neutral terms: the matches the diagnostics can
/// reason about, and everything else kept as text in Unrecognized (a rule with such matches may or may not apply).
/// </summary>
public sealed record ChainRule
{
    public string Table { get; init; } = "";
    public string Chain { get; init; } = "";

    /// <summary>1-based position in its chain, as `iptables -L --line-numbers` counts.</summary>
    public int Position { get; init; }

    public string? InInterface { get; init; }
    public bool NotInInterface { get; init; }
    public string? OutInterface { get; init; }
    public bool NotOutInterface { get; init; }
    public string? Source { get; init; }
    public bool NotSource { get; init; }
    public string? Destination { get; init; }
    public bool NotDestination { get; init; }
    public string? Protocol { get; init; }
    public bool NotProtocol { get; init; }
    public int? DestinationPort { get; init; }
    public bool NotDestinationPort { get; init; }

    /// <summary>`-m addrtype --src-type LOCAL`: true; `! --src-type LOCAL`: false; no such match: null.</summary>
    public bool? SourceIsLocal { get; init; }

    /// <summary>`-m addrtype --dst-type LOCAL`: true; `! --dst-type LOCAL`: false; no such match: null.</summary>
    public bool? DestinationIsLocal { get; init; }

    /// <summary>Connection states the rule matches (`--ctstate` or `--state`), upper case; null for any.</summary>
    public IReadOnlyList<string>? States { get; init; }
    public bool NotStates { get; init; }

    /// <summary>The target (ACCEPT, DROP, MASQUERADE, DNAT, RETURN, a chain name, ...); empty when the rule has none.</summary>
    public string Target { get; init; } = "";

    /// <summary>True for `-g` (goto): a RETURN in the called chain goes back past this rule's chain.</summary>
    public bool IsGoto { get; init; }

    /// <summary>DNAT's `--to-destination`.</summary>
    public string? ToDestination { get; init; }
    public string? Comment { get; init; }

    /// <summary>The rule only matches IPv6 packets (nftables `ip6 saddr ...`, `meta nfproto ipv6`): never the IPv4 packets the diagnostics follow.</summary>
    public bool Ipv6Only { get; init; }

    /// <summary>Matches the diagnostics do not model (physdev, mark, multiport, ...), as text; null when none.</summary>
    public string? Unrecognized { get; init; }

    /// <summary>The rule to show: as one would type it, without its chain and comment.</summary>
    public string Text { get; init; } = "";

    /// <summary>Whether the rule sits in one of the module's own chains.</summary>
    public bool Owned { get; init; }

    /// <summary>The rule in the driver's own words, comment included (what its driver needs to delete exactly this rule); opaque to everyone else.</summary>
    public IReadOnlyList<string> NativeSpec { get; init; } = Array.Empty<string>();
}

/// <summary>
/// Where an nftables base chain hangs: its table's family, its type (filter, nat, route), hook and priority. Several
/// base chains of one hook run in priority order, whichever table they are in; an iptables ruleset has none (each
/// built-in chain is the only one of its table and hook).
/// </summary>
public sealed record BaseHook(string Family, string Type, string Hook, int Priority);

/// <summary>A chain: built-in ones have a policy, user-defined ones have none.</summary>
public sealed class FirewallChain
{
    public FirewallChain(string table, string name, string? policy, bool owned = false)
    {
        Table = table;
        Name = name;
        Policy = policy;
        Owned = owned;
    }

    public string Table { get; }
    public string Name { get; }

    /// <summary>ACCEPT or DROP for a built-in chain; null for a user-defined one.</summary>
    public string? Policy { get; internal set; }
    public List<ChainRule> Rules { get; } = new();
    public bool IsBuiltin => Policy is not null;

    /// <summary>Whether it is one of the module's own chains.</summary>
    public bool Owned { get; }

    /// <summary>For an nftables base chain: its hook and priority; null for a regular chain and for every iptables chain.</summary>
    public BaseHook? Hook { get; set; }

    /// <summary>Puts a rule at a 0-based index (at most the count), numbering it and the rules after it.</summary>
    public void InsertAt(int index, ChainRule rule)
    {
        Rules.Insert(index, rule);
        Renumber(index);
    }

    /// <summary>Takes out the rule at a 0-based index, numbering the rules after it.</summary>
    public void RemoveAt(int index)
    {
        Rules.RemoveAt(index);
        Renumber(index);
    }

    private void Renumber(int from)
    {
        for (var i = from; i < Rules.Count; i++)
        {
            if (Rules[i].Position != i + 1)
            {
                Rules[i] = Rules[i] with { Position = i + 1 };
            }
        }
    }
}

/// <summary>Every table, chain and rule the firewall holds, read in one go by the driver.</summary>
public sealed class FirewallRuleset
{
    private readonly Dictionary<(string, string), FirewallChain> _chains = new();
    private readonly List<FirewallChain> _order = new();

    public static FirewallRuleset Empty => new();

    /// <summary>The backend that wrote it, as its save tool names it: "nf_tables", "legacy", or null when unknown.</summary>
    public string? Backend { get; set; }

    /// <summary>The chains in the order they were read (for nftables: the order the kernel runs equal priorities in).</summary>
    public IEnumerable<FirewallChain> Chains => _order;

    public IEnumerable<ChainRule> AllRules => _order.SelectMany(c => c.Rules);

    /// <summary>Whether the chains know their hooks (an nftables ruleset): then every base chain of a hook counts, in priority order.</summary>
    public bool HasHooks => _order.Any(c => c.Hook is not null);

    /// <summary>
    /// The base chains of a type on a hook that IPv4 packets meet (families ip and inet), in the order they run: by
    /// priority, and of equal priorities the one made last first (the kernel inserts a hook before those of its
    /// priority: net/netfilter/core.c, nf_hook_entries_grow), the chains being in the order `list ruleset` shows them.
    /// </summary>
    public IReadOnlyList<FirewallChain> BaseChains(string type, string hook) =>
        _order.Select((c, i) => (Chain: c, Index: i))
            .Where(p => p.Chain.Hook is { } h && h.Type == type && h.Hook == hook && h.Family is "ip" or "inet")
            .OrderBy(p => p.Chain.Hook!.Priority).ThenByDescending(p => p.Index).Select(p => p.Chain).ToList();

    public int RuleCount => _chains.Values.Sum(c => c.Rules.Count);

    public FirewallChain? Chain(string table, string name) => _chains.GetValueOrDefault((table, name));

    /// <summary>The chain, created (user-defined, empty) when it is not there yet.</summary>
    public FirewallChain GetOrAdd(string table, string name, string? policy = null, bool owned = false)
    {
        if (!_chains.TryGetValue((table, name), out var chain))
        {
            chain = new FirewallChain(table, name, policy, owned);
            _chains[(table, name)] = chain;
            _order.Add(chain);
        }
        else if (policy is not null)
        {
            chain.Policy = policy;
        }
        return chain;
    }

    /// <summary>Takes out an empty user-defined chain; false when it is not there, is built-in or still holds rules.</summary>
    public bool RemoveChain(string table, string name)
    {
        if (Chain(table, name) is not { IsBuiltin: false, Rules.Count: 0 } chain)
        {
            return false;
        }
        _chains.Remove((table, name));
        _order.Remove(chain);
        return true;
    }

    /// <summary>A deep copy, to simulate what a change would do without touching the original.</summary>
    public FirewallRuleset Clone()
    {
        var copy = new FirewallRuleset { Backend = Backend };
        foreach (var chain in _order)
        {
            var c = copy.GetOrAdd(chain.Table, chain.Name, chain.Policy, chain.Owned);
            c.Hook = chain.Hook;
            c.Rules.AddRange(chain.Rules);
        }
        return copy;
    }

    /// <summary>Appends a rule to a chain (creating the chain), numbering it.</summary>
    public ChainRule Append(ChainRule rule)
    {
        var chain = GetOrAdd(rule.Table, rule.Chain, owned: rule.Owned);
        var numbered = rule with { Position = chain.Rules.Count + 1 };
        chain.Rules.Add(numbered);
        return numbered;
    }

    /// <summary>
    /// The tables that hold at least one rule, or a built-in chain whose policy is not ACCEPT; with othersOnly, only
    /// those of chains NetNsPS does not own.
    /// </summary>
    public IReadOnlyList<string> TablesInUse(bool othersOnly = false) =>
        _order.Where(c => !(othersOnly && c.Owned) && (c.Rules.Count > 0 || (c.Policy is not null && c.Policy != "ACCEPT")))
            .Select(c => c.Table).Distinct().OrderBy(t => t, StringComparer.Ordinal).ToList();
}
