using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.Immutable;
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
        Entries = entries is EntryList list ? list.Copy() : new EntryList(entries);
        OwnChains = chains.ToHashSet();
        Jumps = jumps.ToList();
        Order = order.ToDictionary(kv => kv.Key, kv => kv.Value.ToList());
        _ruleset = ruleset;
    }

    internal EntryList Entries { get; }

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

    /// <summary>From the indexes of both families' entries (<see cref="EntryList"/>), not a pass over every rule.</summary>
    public override IEnumerable<FirewallRule> RulesOfPorts(IReadOnlySet<(NsProtocol Protocol, ushort ExternalPort)> ports) =>
        ports.SelectMany(p => Entries.OnPort(p.Protocol, p.ExternalPort).Concat(V6?.Entries.OnPort(p.Protocol, p.ExternalPort) ?? Array.Empty<Entry>()))
            .Select(e => e.Rule);

    public override IEnumerable<PortKey> PortKeysOn(string? ns, string? bridge) =>
        Entries.KeysOn(ns, bridge).Concat(V6?.Entries.KeysOn(ns, bridge) ?? Enumerable.Empty<PortKey>());

    public override IReadOnlyCollection<PortKey> PortKeys => PortKeysOn(null, null).Distinct().ToList();

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

    /// <summary>
    /// The module's rules in the order read, with indexes built once asked: by tag, by chain, by host port, and the
    /// mappings' keys by namespace and by bridge. Planning looks a rule up by its tag several times a mapping, and a
    /// pass over the 4,000 rules of 1,000 mappings, with record comparisons, each time grew with the host. The indexes
    /// are immutable, so a copy (every call plans on a copy of the state as last known) shares them and an edit costs
    /// a path, not a rebuild. Removal is of the very entry the list gave out.
    /// </summary>
    internal sealed class EntryList : IEnumerable<Entry>
    {
        private readonly List<Entry> _list;
        private Indexes? _indexes;

        public EntryList(IEnumerable<Entry> entries) => _list = entries.ToList();

        private EntryList(EntryList other)
        {
            _list = new List<Entry>(other._list);
            // Built on the original, once: the state as last known is copied for every call.
            _indexes = other.Index();
        }

        /// <summary>A copy to edit apart; the indexes are shared until one side edits.</summary>
        public EntryList Copy() => new(this);

        public int Count => _list.Count;

        /// <summary>The entries whose rule holds that tag, in the order read.</summary>
        public IReadOnlyList<Entry> WithTag(string tag) => Index().ByTag.GetValueOrDefault(tag, ImmutableList<Entry>.Empty);

        /// <summary>The entries of the port mappings on that protocol and host port.</summary>
        public IReadOnlyList<Entry> OnPort(NsProtocol protocol, ushort port) => Index().ByPort.GetValueOrDefault((protocol, port), ImmutableList<Entry>.Empty);

        /// <summary>Whether any module rule is in the module's chain of that table and hook.</summary>
        public bool AnyIn(FirewallTable table, FirewallHook hook) => Index().PerChain.GetValueOrDefault((table, hook)) > 0;

        /// <summary>The keys of the mappings with a rule here on that namespace and that bridge (null: any), each once.</summary>
        public IEnumerable<PortKey> KeysOn(string? ns, string? bridge)
        {
            var index = Index();
            if (ns is not null)
            {
                return index.KeysByNamespace.TryGetValue(ns, out var keys) ? keys.Keys.Where(k => bridge is null || k.Bridge == bridge) : Enumerable.Empty<PortKey>();
            }
            if (bridge is not null)
            {
                return index.KeysByBridge.TryGetValue(bridge, out var keys) ? keys.Keys : Enumerable.Empty<PortKey>();
            }
            return index.KeysByNamespace.Values.SelectMany(k => k.Keys);
        }

        public void Add(Entry entry)
        {
            _list.Add(entry);
            _indexes = _indexes?.With(entry, +1);
        }

        public void Remove(Entry entry)
        {
            var at = _list.FindIndex(e => ReferenceEquals(e, entry));
            if (at < 0)
            {
                return;
            }
            _list.RemoveAt(at);
            _indexes = _indexes?.With(entry, -1);
        }

        public IEnumerator<Entry> GetEnumerator() => _list.GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        private Indexes Index() => _indexes ??= Indexes.Of(_list);

        private sealed record Indexes(
            ImmutableDictionary<string, ImmutableList<Entry>> ByTag,
            ImmutableDictionary<(FirewallTable, FirewallHook), int> PerChain,
            ImmutableDictionary<(NsProtocol, ushort), ImmutableList<Entry>> ByPort,
            ImmutableDictionary<string, ImmutableDictionary<PortKey, int>> KeysByNamespace,
            ImmutableDictionary<string, ImmutableDictionary<PortKey, int>> KeysByBridge)
        {
            public static Indexes Of(IEnumerable<Entry> entries)
            {
                var byTag = new Dictionary<string, ImmutableList<Entry>.Builder>(StringComparer.Ordinal);
                var perChain = new Dictionary<(FirewallTable, FirewallHook), int>();
                var byPort = new Dictionary<(NsProtocol, ushort), ImmutableList<Entry>.Builder>();
                var byNamespace = new Dictionary<string, Dictionary<PortKey, int>>(StringComparer.Ordinal);
                var byBridge = new Dictionary<string, Dictionary<PortKey, int>>(StringComparer.Ordinal);
                foreach (var entry in entries)
                {
                    var rule = entry.Rule;
                    Builder(byTag, rule.Tag).Add(entry);
                    perChain[(rule.Table, rule.Hook)] = perChain.GetValueOrDefault((rule.Table, rule.Hook)) + 1;
                    if (rule.Identity is { Kind: RuleKind.Port, Port: { } key })
                    {
                        Builder(byPort, (key.Protocol, key.ExternalPort)).Add(entry);
                        Count(byNamespace, key.Namespace, key);
                        Count(byBridge, key.Bridge, key);
                    }
                }
                return new Indexes(
                    byTag.ToImmutableDictionary(kv => kv.Key, kv => kv.Value.ToImmutable(), StringComparer.Ordinal),
                    perChain.ToImmutableDictionary(),
                    byPort.ToImmutableDictionary(kv => kv.Key, kv => kv.Value.ToImmutable()),
                    byNamespace.ToImmutableDictionary(kv => kv.Key, kv => kv.Value.ToImmutableDictionary(), StringComparer.Ordinal),
                    byBridge.ToImmutableDictionary(kv => kv.Key, kv => kv.Value.ToImmutableDictionary(), StringComparer.Ordinal));
            }

            /// <summary>The indexes with one entry added (+1) or removed (-1).</summary>
            public Indexes With(Entry entry, int change)
            {
                var rule = entry.Rule;
                var next = this with
                {
                    ByTag = Listed(ByTag, rule.Tag, entry, change),
                    PerChain = PerChain.SetItem((rule.Table, rule.Hook), PerChain.GetValueOrDefault((rule.Table, rule.Hook)) + change),
                };
                if (rule.Identity is not { Kind: RuleKind.Port, Port: { } key })
                {
                    return next;
                }
                return next with
                {
                    ByPort = Listed(ByPort, (key.Protocol, key.ExternalPort), entry, change),
                    KeysByNamespace = Counted(KeysByNamespace, key.Namespace, key, change),
                    KeysByBridge = Counted(KeysByBridge, key.Bridge, key, change),
                };
            }

            private static ImmutableList<Entry>.Builder Builder<TKey>(Dictionary<TKey, ImmutableList<Entry>.Builder> index, TKey key) where TKey : notnull
            {
                if (!index.TryGetValue(key, out var builder))
                {
                    index[key] = builder = ImmutableList.CreateBuilder<Entry>();
                }
                return builder;
            }

            private static void Count(Dictionary<string, Dictionary<PortKey, int>> index, string name, PortKey key)
            {
                if (!index.TryGetValue(name, out var keys))
                {
                    index[name] = keys = new Dictionary<PortKey, int>();
                }
                keys[key] = keys.GetValueOrDefault(key) + 1;
            }

            private static ImmutableDictionary<TKey, ImmutableList<Entry>> Listed<TKey>(ImmutableDictionary<TKey, ImmutableList<Entry>> index, TKey key, Entry entry, int change)
                where TKey : notnull
            {
                var entries = index.GetValueOrDefault(key, ImmutableList<Entry>.Empty);
                if (change > 0)
                {
                    return index.SetItem(key, entries.Add(entry));
                }
                var at = entries.FindIndex(e => ReferenceEquals(e, entry));
                if (at < 0)
                {
                    return index;
                }
                entries = entries.RemoveAt(at);
                return entries.IsEmpty ? index.Remove(key) : index.SetItem(key, entries);
            }

            private static ImmutableDictionary<string, ImmutableDictionary<PortKey, int>> Counted(
                ImmutableDictionary<string, ImmutableDictionary<PortKey, int>> index, string name, PortKey key, int change)
            {
                var keys = index.GetValueOrDefault(name, ImmutableDictionary<PortKey, int>.Empty);
                var count = keys.GetValueOrDefault(key) + change;
                keys = count > 0 ? keys.SetItem(key, count) : keys.Remove(key);
                return keys.IsEmpty ? index.Remove(name) : index.SetItem(name, keys);
            }
        }
    }
}
