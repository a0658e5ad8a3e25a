using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using NetNsPS.Linux.Firewall.Iptables;
using NetNsPS.Operations;

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

    /// <summary>
    /// The ruleset generation and libnftables' own committed runs when this was read (null: not known, so never cached;
    /// see <see cref="NftablesCache"/>), and the plans made on it that have not been applied yet.
    /// </summary>
    internal NftGenerationMark? ReadAt { get; set; }

    /// <summary>The plans made on it not applied yet, each with the iptables steps it got for iptables' side.</summary>
    internal PendingPlans Pending { get; } = new();

    /// <summary>The iptables processes (kernel transactions beside libnftables') its applied plans ran since <see cref="ReadAt"/>.</summary>
    internal int IptablesTransactions { get; set; }

    internal bool TableExists { get; set; }
    internal List<NftChain> OwnChains { get; } = new();
    internal List<string> Sets { get; } = new();

    /// <summary>
    /// The elements of each map and set by key, in the order nft lists them (ordinal), each with the rule it was read
    /// back as (a stable instance, for PlanRemove). Immutable, so a copy shares them and planning on it costs a few
    /// nodes per change, whatever the number of mappings.
    /// </summary>
    private ImmutableDictionary<string, ImmutableSortedDictionary<string, (NftElement Element, FirewallRule Rule)>> _elements =
        ImmutableDictionary<string, ImmutableSortedDictionary<string, (NftElement, FirewallRule)>>.Empty;

    /// <summary>The elements of each tag (one, as a rule; more after a hand edit), to find a mapping's stale ones by its identity.</summary>
    private ImmutableDictionary<string, ImmutableList<NftElement>> _byTag = ImmutableDictionary<string, ImmutableList<NftElement>>.Empty.WithComparers(System.StringComparer.Ordinal);

    /// <summary>The elements of each mapping's protocol and host port, from their tags, for <see cref="RulesOfPorts"/>.</summary>
    private ImmutableDictionary<(NsProtocol, ushort), ImmutableList<(NftElement Element, PortKey Key)>> _byPort =
        ImmutableDictionary<(NsProtocol, ushort), ImmutableList<(NftElement, PortKey)>>.Empty;

    /// <summary>
    /// The mappings of each namespace and of each bridge, by key, with how many elements each has: Unpublish-NsPort asks
    /// whether another mapping is left on a namespace or bridge without going through every mapping.
    /// </summary>
    private ImmutableDictionary<string, ImmutableDictionary<PortKey, int>> _keysByNamespace = ImmutableDictionary<string, ImmutableDictionary<PortKey, int>>.Empty;
    private ImmutableDictionary<string, ImmutableDictionary<PortKey, int>> _keysByBridge = ImmutableDictionary<string, ImmutableDictionary<PortKey, int>>.Empty;

    private static readonly ImmutableDictionary<PortKey, int> NoKeys = ImmutableDictionary<PortKey, int>.Empty;

    private static readonly ImmutableSortedDictionary<string, (NftElement, FirewallRule)> NoElements =
        ImmutableSortedDictionary.Create<string, (NftElement, FirewallRule)>(System.StringComparer.Ordinal);

    /// <summary>The elements of one map or set, in the order nft lists them.</summary>
    internal IEnumerable<NftElement> ElementsOf(string set) =>
        _elements.TryGetValue(set, out var elements) ? elements.Values.Select(v => v.Element) : Enumerable.Empty<NftElement>();

    internal bool HasElements(string set) => _elements.TryGetValue(set, out var elements) && !elements.IsEmpty;

    /// <summary>The element of that key in that map or set, with the rule it stands for.</summary>
    internal (NftElement Element, FirewallRule Rule)? Element(string set, string key) =>
        _elements.TryGetValue(set, out var elements) && elements.TryGetValue(key, out var found) ? found : null;

    /// <summary>Other chains of the table (not one of the module's base chains), by name: left alone, shown.</summary>
    internal List<string> StrayChains { get; } = new();

    /// <summary>For the diagnostics: everybody else's chains and how the module's were found hooked; null when only the module's table was read.</summary>
    internal NftablesHost? Host { get; set; }

    internal NftChain? Chain(FirewallTable table, FirewallHook hook) => OwnChains.FirstOrDefault(c => c.Table == table && c.Hook == hook);

    /// <summary>Adds an element (one of the same key in its set is replaced), with the rule it stands for.</summary>
    internal void AddElement(NftElement element, FirewallRule rule) => AddElements(new[] { (element, rule) });

    /// <summary>Adds elements in one go (a read's thousands): the indexes are edited through builders and written back once.</summary>
    internal void AddElements(IEnumerable<(NftElement Element, FirewallRule Rule)> elements)
    {
        var edit = new ElementEdit(this);
        foreach (var (element, rule) in elements)
        {
            edit.Add(element, rule);
        }
        edit.Commit();
    }

    private static readonly ImmutableList<(NftElement, PortKey)> NoPortElements = ImmutableList<(NftElement, PortKey)>.Empty;

    private static PortKey? PortOf(NftElement element) => RuleTag.Parse(element.Tag) is { Kind: RuleKind.Port, Port: { } key } ? key : null;

    /// <summary>The maps and sets of the chains that are there (an element of another is not listed, as nft's table would not reach it).</summary>
    private HashSet<string> LiveSets() => OwnChains.SelectMany(c => NftablesLayout.SetsOf(c.Table, c.Hook)).Select(s => s.SetName).ToHashSet();

    /// <summary>The keys of the mappings of indexed elements (of chains that are there), those of the chains' rules, and iptables' own.</summary>
    public override IReadOnlyCollection<PortKey> PortKeys => PortKeysOn(null, null).Distinct().ToList();

    /// <summary>
    /// The keys of the mappings on one namespace or bridge (null: any), from the indexes, lazily (a key may come twice,
    /// from the table and from iptables): an indexed key counts where one of its elements is in a map or set of a chain
    /// that is there; the chains' tagged rules and iptables' keys are few, and filtered.
    /// </summary>
    public override IEnumerable<PortKey> PortKeysOn(string? ns, string? bridge)
    {
        var candidates = ns is not null ? _keysByNamespace.GetValueOrDefault(ns, NoKeys).Keys
            : bridge is not null ? _keysByBridge.GetValueOrDefault(bridge, NoKeys).Keys
            : _keysByNamespace.Values.SelectMany(keys => keys.Keys);
        HashSet<string>? live = null;
        foreach (var key in candidates.Where(k => bridge is null || k.Bridge == bridge))
        {
            live ??= LiveSets();
            if (_byPort.GetValueOrDefault((key.Protocol, key.ExternalPort), NoPortElements).Any(e => e.Item2 == key && live.Contains(e.Item1.Set)))
            {
                yield return key;
            }
        }
        foreach (var key in OwnChains.SelectMany(c => c.Rules).Select(r => r.Rule?.Identity).Where(t => t is { Kind: RuleKind.Port }).Select(t => t!.Port!)
                     .Concat(Iptables?.PortKeys ?? System.Array.Empty<PortKey>()))
        {
            if ((ns is null || key.Namespace == ns) && (bridge is null || key.Bridge == bridge))
            {
                yield return key;
            }
        }
    }

    internal void RemoveElement(NftElement element)
    {
        var edit = new ElementEdit(this);
        edit.Remove(element);
        edit.Commit();
    }

    /// <summary>
    /// One change to the element indexes: each index as a builder (a map's or set's elements, and a name's keys, each
    /// as a builder of its own once touched), written back by <see cref="Commit"/>. A builder changes the nodes it has
    /// copied in place, so adding thousands costs about what a mutable dictionary would; the snapshot's indexes stay
    /// immutable, shared by its copies.
    /// </summary>
    private sealed class ElementEdit
    {
        private readonly NftablesSnapshot _snapshot;
        private readonly ImmutableDictionary<string, ImmutableSortedDictionary<string, (NftElement, FirewallRule)>>.Builder _elements;
        private readonly Dictionary<string, ImmutableSortedDictionary<string, (NftElement Element, FirewallRule Rule)>.Builder> _sets = new();
        private readonly ImmutableDictionary<string, ImmutableList<NftElement>>.Builder _byTag;
        private readonly ImmutableDictionary<(NsProtocol, ushort), ImmutableList<(NftElement, PortKey)>>.Builder _byPort;
        private readonly KeyCounts _byNamespace;
        private readonly KeyCounts _byBridge;

        public ElementEdit(NftablesSnapshot snapshot)
        {
            _snapshot = snapshot;
            _elements = snapshot._elements.ToBuilder();
            _byTag = snapshot._byTag.ToBuilder();
            _byPort = snapshot._byPort.ToBuilder();
            _byNamespace = new KeyCounts(snapshot._keysByNamespace);
            _byBridge = new KeyCounts(snapshot._keysByBridge);
        }

        private ImmutableSortedDictionary<string, (NftElement Element, FirewallRule Rule)>.Builder Set(string name)
        {
            if (!_sets.TryGetValue(name, out var set))
            {
                _sets[name] = set = _elements.GetValueOrDefault(name, NoElements).ToBuilder();
            }
            return set;
        }

        public void Add(NftElement element, FirewallRule rule)
        {
            var set = Set(element.Set);
            if (set.TryGetValue(element.Key, out var replaced))
            {
                Remove(replaced.Element);
            }
            set[element.Key] = (element, rule);
            _byTag[element.Tag] = _byTag.GetValueOrDefault(element.Tag, ImmutableList<NftElement>.Empty).Add(element);
            if (PortOf(element) is { } key)
            {
                var port = (key.Protocol, key.ExternalPort);
                _byPort[port] = _byPort.GetValueOrDefault(port, NoPortElements).Add((element, key));
                _byNamespace.Change(key.Namespace, key, +1);
                _byBridge.Change(key.Bridge, key, +1);
            }
        }

        public void Remove(NftElement element)
        {
            // (A set never read or planned gets no entry.)
            if (!(_sets.ContainsKey(element.Set) || _elements.ContainsKey(element.Set)) || !Set(element.Set).Remove(element.Key))
            {
                return;
            }
            var tagged = _byTag.GetValueOrDefault(element.Tag, ImmutableList<NftElement>.Empty).Remove(element);
            if (tagged.IsEmpty)
            {
                _byTag.Remove(element.Tag);
            }
            else
            {
                _byTag[element.Tag] = tagged;
            }
            if (PortOf(element) is { } key)
            {
                var port = (key.Protocol, key.ExternalPort);
                var onPort = _byPort.GetValueOrDefault(port, NoPortElements).Remove((element, key));
                if (onPort.IsEmpty)
                {
                    _byPort.Remove(port);
                }
                else
                {
                    _byPort[port] = onPort;
                }
                _byNamespace.Change(key.Namespace, key, -1);
                _byBridge.Change(key.Bridge, key, -1);
            }
        }

        public void Commit()
        {
            foreach (var (name, set) in _sets)
            {
                _elements[name] = set.ToImmutable();
            }
            _snapshot._elements = _elements.ToImmutable();
            _snapshot._byTag = _byTag.ToImmutable();
            _snapshot._byPort = _byPort.ToImmutable();
            _snapshot._keysByNamespace = _byNamespace.ToImmutable();
            _snapshot._keysByBridge = _byBridge.ToImmutable();
        }
    }

    /// <summary>The keys under each name (a namespace, a bridge) with how many elements each has; a name with none goes.</summary>
    private sealed class KeyCounts
    {
        private readonly ImmutableDictionary<string, ImmutableDictionary<PortKey, int>>.Builder _index;
        private readonly Dictionary<string, ImmutableDictionary<PortKey, int>.Builder> _touched = new();

        public KeyCounts(ImmutableDictionary<string, ImmutableDictionary<PortKey, int>> index) => _index = index.ToBuilder();

        /// <summary>One element of the key more (+1) or less (-1) under that name.</summary>
        public void Change(string name, PortKey key, int change)
        {
            if (!_touched.TryGetValue(name, out var keys))
            {
                _touched[name] = keys = _index.GetValueOrDefault(name, NoKeys).ToBuilder();
            }
            var count = keys.GetValueOrDefault(key) + change;
            if (count > 0)
            {
                keys[key] = count;
            }
            else
            {
                keys.Remove(key);
            }
        }

        public ImmutableDictionary<string, ImmutableDictionary<PortKey, int>> ToImmutable()
        {
            foreach (var (name, keys) in _touched)
            {
                if (keys.Count == 0)
                {
                    _index.Remove(name);
                }
                else
                {
                    _index[name] = keys.ToImmutable();
                }
            }
            return _index.ToImmutable();
        }
    }

    /// <summary>
    /// The entries of one chain that carry this tag, in the order of <see cref="Entries"/>: its elements, then its
    /// rules. A lookup by tag, whatever the number of mappings.
    /// </summary>
    internal IEnumerable<Entry> Tagged(string tag, FirewallTable table, FirewallHook hook)
    {
        if (tag.Length == 0 || Chain(table, hook) is not { } chain)
        {
            yield break;
        }
        var elements = _byTag.GetValueOrDefault(tag, ImmutableList<NftElement>.Empty);
        foreach (var set in NftablesLayout.SetsOf(table, hook))
        {
            foreach (var e in elements.Where(e => e.Set == set.SetName).OrderBy(e => e.Key, System.StringComparer.Ordinal))
            {
                yield return new Entry(Element(e.Set, e.Key)!.Value.Rule, null, e);
            }
        }
        foreach (var rule in chain.Rules.Where(r => r.Rule is { } owned && owned.Tag == tag))
        {
            yield return new Entry(rule.Rule!, rule, null);
        }
    }

    /// <summary>
    /// The entry of this rule's value as <see cref="Entries"/> has it (an element of its key under its chain, or a
    /// tagged rule of that chain); null when it is not there. A lookup by key, whatever the number of mappings.
    /// </summary>
    internal Entry? Find(FirewallRule rule) => Find(rule, NftablesLayout.AsElement(rule));

    /// <summary>The same, given the rule as an element (<see cref="NftablesLayout.AsElement"/>), which the caller already made.</summary>
    internal Entry? Find(FirewallRule rule, (NftablesLayout.NftSet Set, string Key, string? Value)? asElement)
    {
        if (Chain(rule.Table, rule.Hook) is not { } chain)
        {
            return null;
        }
        if (asElement is { } wanted && Element(wanted.Set.SetName, wanted.Key) is { } found && found.Rule == rule)
        {
            return new Entry(found.Rule, null, found.Element);
        }
        return chain.Rules.Where(r => r.Rule == rule).Select(r => new Entry(r.Rule!, r, null)).FirstOrDefault();
    }

    /// <summary>Every module rule: for each chain, its map and set elements (sorted as nft lists them), then its tagged rules.</summary>
    internal IEnumerable<Entry> Entries()
    {
        foreach (var chain in OwnChains)
        {
            foreach (var set in NftablesLayout.SetsOf(chain.Table, chain.Hook))
            {
                if (_elements.TryGetValue(set.SetName, out var elements))
                {
                    foreach (var (element, rule) in elements.Values)
                    {
                        yield return new Entry(rule, null, element);
                    }
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

    /// <summary>The mapping rules of those protocols and host ports: indexed elements of chains that are there, the chains' tagged rules, iptables' own.</summary>
    public override IEnumerable<FirewallRule> RulesOfPorts(IReadOnlySet<(NsProtocol Protocol, ushort ExternalPort)> ports)
    {
        var live = LiveSets();
        foreach (var port in ports)
        {
            foreach (var (e, _) in _byPort.GetValueOrDefault(port, NoPortElements).Where(x => live.Contains(x.Item1.Set)))
            {
                yield return Element(e.Set, e.Key)!.Value.Rule;
            }
        }
        foreach (var rule in OwnChains.SelectMany(c => c.Rules).Select(r => r.Rule).OfType<FirewallRule>()
                     .Where(r => r.Identity is { Kind: RuleKind.Port, Port: { } key } && ports.Contains((key.Protocol, key.ExternalPort))))
        {
            yield return rule;
        }
        foreach (var rule in Iptables?.RulesOfPorts(ports) ?? Enumerable.Empty<FirewallRule>())
        {
            yield return rule;
        }
    }

    /// <summary>The module's base chains, and the hooks of its NETNSPS-* chains in iptables.</summary>
    public override IReadOnlyCollection<(FirewallTable Table, FirewallHook Hook)> Chains =>
        OwnChains.Select(c => (c.Table, c.Hook)).Concat(Iptables?.Chains ?? System.Array.Empty<(FirewallTable, FirewallHook)>()).Distinct().ToList();

    /// <summary>
    /// The base chain is there (it hooks itself) with the rule that looks up each of its maps and sets. A table made
    /// before IPv6 support has no IPv6 maps and sets: one that is absent holds no mapping, so nothing goes unreached
    /// (the next change to the chain adds it).
    /// </summary>
    public override bool IsReached(FirewallTable table, FirewallHook hook) =>
        Chain(table, hook) is { } chain && (Host is null || !Host.Own.ContainsKey(chain.Name) || Host.IsHooked(table, hook))
        && NftablesLayout.SetsOf(table, hook).All(s => (s.Family == System.Net.Sockets.AddressFamily.InterNetworkV6 && !Sets.Contains(s.SetName))
            || (Sets.Contains(s.SetName) && chain.Rules.Any(r => r.Lookup == s.SetName)));

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
                    foreach (var (element, elementRule) in _elements.GetValueOrDefault(lookup, NoElements).Values)
                    {
                        ruleset.Append(NftablesDriver.ToChainRule(set, element, elementRule));
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

    /// <summary>
    /// A copy to plan on without changing this one (rules and elements keep their instances). With
    /// <paramref name="asRead"/>, a copy that stands for a read of what this one holds now, plans included: its
    /// <see cref="Ruleset"/> is made anew from it.
    /// </summary>
    internal NftablesSnapshot Clone(bool asRead = false)
    {
        var copy = new NftablesSnapshot { TableExists = TableExists, _ruleset = asRead ? null : _ruleset, Host = Host, Iptables = Iptables?.Clone() };
        foreach (var chain in OwnChains)
        {
            var c = new NftChain(chain.Table, chain.Hook);
            c.Rules.AddRange(chain.Rules);
            copy.OwnChains.Add(c);
        }
        copy.Sets.AddRange(Sets);
        copy.StrayChains.AddRange(StrayChains);
        copy._elements = _elements;
        copy._byTag = _byTag;
        copy._byPort = _byPort;
        copy._keysByNamespace = _keysByNamespace;
        copy._keysByBridge = _keysByBridge;
        return copy;
    }
}
