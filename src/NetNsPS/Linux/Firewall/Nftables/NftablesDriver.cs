using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using NetNsPS.Linux.Firewall.Iptables;
using NetNsPS.Linux.Netlink;
using NetNsPS.Operations;

namespace NetNsPS.Linux.Firewall.Nftables;

/// <summary>
/// nftables, in-process through libnftables: the module's rules live in its own `table inet netnsps` (see
/// <see cref="NftablesLayout"/>), which is created with the first rule and deleted with the last, so the ruleset is
/// left as it was found. Port mappings are elements of maps and sets; other rules are rules, each tagged with a
/// comment. Reads with one `list table` in JSON; every change is one `nft` command, a run of them one transaction.
/// Other tables (another tool's, iptables-nft's) are never named, so never touched.
/// </summary>
public sealed class NftablesDriver : IFirewallDriver
{
    public const string DriverName = "nftables";
    public static readonly NftablesDriver Instance = new();

    public string Name => DriverName;

    /// <summary>Whether libnftables can be loaded (the driver's in-process form needs it).</summary>
    public static bool IsAvailable => LibNftables.IsAvailable;

    public FirewallSnapshot Empty() => NftablesJson.Parse("");

    private static CommandSpec Nft(params string[] words) => NftCommand.Of(words);

    private static readonly string[] TableWords = { NftablesLayout.Family, NftablesLayout.Name };

    private static string[] On(string verb, string kind, params string[] rest) => new[] { verb, kind }.Concat(TableWords).Concat(rest).ToArray();

    /// <summary>The command Read runs: `nft -j -a list table inet netnsps`.</summary>
    public static readonly CommandSpec ListCommand = new(NftCommand.Program, "-j", "-a", "list", "table", NftablesLayout.Family, NftablesLayout.Name);

    /// <summary>
    /// The module's table (and what iptables holds beside it). In-process, a read at an unchanged ruleset generation is
    /// a copy of the table as last known (<see cref="NftablesCache"/>): no listing, no parsing.
    /// </summary>
    public FirewallSnapshot Read(IProcessRunner runner, CancellationToken token)
    {
        token.ThrowIfCancellationRequested();
        ProcessResult result;
        NftGenerationMark? at = null;
        if (NetlinkSession.Enabled)
        {
            try
            {
                // Legacy x_tables tables (either family's) have no nf_tables generation: with them loaded, every read
                // is a whole one; without, what iptables holds is iptables-nft's, under the same generation.
                at = LegacyTablesLoaded() || LegacyTablesLoaded(Legacy6TableNames) ? null : LibNftables.Generation();
                if (at is { } known && NftablesCache.Take(known.Generation) is { } cached)
                {
                    cached.ReadAt = known;
                    return cached;
                }
                result = LibNftables.Run("list table " + NftablesLayout.Table, json: true);
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
            {
                throw LibNftables.Missing(e);
            }
        }
        else
        {
            result = runner.Run(ListCommand, token);
        }
        if (!result.Succeeded)
        {
            // No table yet: nothing of the module is there ("Error: No such file or directory; did you mean table ...").
            if (result.ErrorText.Contains("No such file or directory", StringComparison.Ordinal))
            {
                return Known(NftablesJson.Parse(""), at, runner, token);
            }
            if (KernelErrors.Categorize(result.ErrorText) == ErrorCategory.PermissionDenied && !Privileges.HasNetworkAdmin())
            {
                throw Privileges.ReadNeedsRoot("the firewall", "CAP_NET_ADMIN", $"nft: {result.ErrorText}");
            }
            throw new NetNsException($"nft list table {NftablesLayout.Table}: {result.ErrorText}", "FirewallReadFailed",
                KernelErrors.Categorize(result.ErrorText), ListCommand.Render());
        }
        return Known(NftablesJson.Parse(result.StandardOutput), at, runner, token);
    }

    /// <summary>A whole read completed with iptables' side, kept as the table at its generation where it can be.</summary>
    private static NftablesSnapshot Known(NftablesSnapshot snapshot, NftGenerationMark? at, IProcessRunner runner, CancellationToken token)
    {
        snapshot.Iptables = ReadIptables(runner, token);
        snapshot.ReadAt = at;
        if (at is { } known)
        {
            NftablesCache.Remember(known.Generation, snapshot);
        }
        return snapshot;
    }

    /// <summary>
    /// Once a plan that changed the table has been applied: when the generation moved by exactly this thread's own
    /// transactions since the read (libnftables' runs, and the iptables processes of the plans' steps for iptables'
    /// side, replayed on it), nobody else changed the ruleset, and the snapshot (planned on) is what the kernel holds,
    /// so it is kept for the next read. A plan on it that was never applied (-WhatIf, a rollback, declined) keeps it
    /// out for good.
    /// </summary>
    private static void Track(NftablesSnapshot own, Plan plan, int stepsBefore)
    {
        if (plan.Steps.Count == stepsBefore || own.ReadAt is null)
        {
            return;
        }
        own.Pending.Note(own, plan, plan.Steps.Skip(stepsBefore).Where(IptablesDriver.IsIptablesStep), p => Applied(own, p));
    }

    private static void Applied(NftablesSnapshot own, Plan plan)
    {
        if (!own.Pending.Take(plan, out var iptablesSteps) || own.ReadAt is not { } read)
        {
            return;
        }
        own.IptablesTransactions += IptablesDriver.Transactions(plan.Steps);
        if (!IptablesDriver.ReplayApplied(own.Iptables, iptablesSteps, plan))
        {
            own.ReadAt = null;
            return;
        }
        if (own.Pending.Any)
        {
            return;
        }
        if (LibNftables.Generation() is { } now && now.OnlyOwnSince(read, own.IptablesTransactions))
        {
            own.ReadAt = now;
            own.IptablesTransactions = 0;
            NftablesCache.Remember(now.Generation, own);
        }
        else
        {
            own.ReadAt = null;
        }
    }

    // ---- iptables beside it: what an earlier version left there, and the FORWARD shim ----

    /// <summary>
    /// The iptables driver's snapshot, so rules NetNsPS 0.1 (or NETNSPS_FIREWALL=iptables) left in NETNSPS-* chains are
    /// listed, removed and not published twice, and so a FORWARD that drops is seen. One iptables-save, and only when
    /// iptables is installed and this network namespace has iptables tables at all (iptables-nft's in nf_tables, or
    /// legacy x_tables ones in /proc/net/ip_tables_names): null otherwise, which costs no process.
    /// </summary>
    private static IptablesSnapshot? ReadIptables(IProcessRunner runner, CancellationToken token)
    {
        if (!FirewallDrivers.IsAvailable(FirewallDrivers.IptablesName) || !SaveIsInstalled())
        {
            return null;
        }
        var ipv4 = HasIptablesTables(runner, token, ipv6: false);
        // ip6tables' tables where they may hold the IPv6 shim (Docker 27+ leaves ip6tables' FORWARD at DROP) or its rules.
        var ipv6 = FirewallDrivers.OnPath("ip6tables-save") && HasIptablesTables(runner, token, ipv6: true);
        if (!ipv4 && !ipv6)
        {
            return null;
        }
        // What an earlier version left and the shim are both in IPv4's tables; IPv6's hold only the shim.
        var snapshot = ipv4 ? IptablesDriver.ReadIpv4(runner, token) : IptablesDriver.Parse("");
        if (ipv6)
        {
            snapshot.V6 = IptablesDriver.ReadIpv6(runner, token);
        }
        return snapshot;
    }

    private static bool SaveIsInstalled()
    {
        try
        {
            ProcessRunner.ResolveProgram("iptables-save");
            return true;
        }
        catch (NetNsException)
        {
            return false;
        }
    }

    /// <summary>
    /// Whether iptables holds anything this driver must see, decided without spawning a process where nftables can
    /// tell: legacy x_tables tables loaded (/proc/net/ip_tables_names, invisible to nft), or, in iptables-nft's
    /// `table ip ...`, a NETNSPS-* chain (rules an earlier version left) or a filter FORWARD that may drop (policy
    /// drop, or any drop/reject rule in it: the shim's case). Where neither is there, the cmdlet costs no iptables-save.
    /// </summary>
    private static bool HasIptablesTables(IProcessRunner runner, CancellationToken token, bool ipv6 = false)
    {
        if (LegacyTablesLoaded(ipv6 ? Legacy6TableNames : LegacyTableNames))
        {
            return true;
        }
        var family = ipv6 ? "ip6" : "ip";
        var chains = ListText(runner, token, "list", "chains", family);
        if (chains is null)
        {
            return true;
        }
        if (chains.Contains("chain " + IptablesDriver.ChainPrefix, StringComparison.Ordinal))
        {
            return true;
        }
        if (!HasChain(chains, $"table {family} filter", "FORWARD"))
        {
            return false;
        }
        var forward = ListText(runner, token, "list", "chain", family, "filter", "FORWARD");
        return forward is null || forward.Contains("policy drop", StringComparison.Ordinal)
            || forward.Contains(" drop", StringComparison.Ordinal) || forward.Contains(" reject", StringComparison.Ordinal);
    }

    /// <summary>Whether legacy x_tables tables are loaded here (/proc/net/ip_tables_names, invisible to nft); true when it cannot be read.</summary>
    internal static bool LegacyTablesLoaded(string names = LegacyTableNames)
    {
        try
        {
            return File.Exists(names) && File.ReadAllText(names).Trim().Length > 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Unreadable: as if loaded, so iptables itself is asked.
            return true;
        }
    }

    /// <summary>Whether a `list chains` text has that chain in that table (a table's chains are indented under its line).</summary>
    private static bool HasChain(string listing, string table, string chain)
    {
        var inTable = false;
        foreach (var raw in listing.Split('\n'))
        {
            var line = raw.Trim();
            if (line.StartsWith("table ", StringComparison.Ordinal))
            {
                inTable = line == table + " {";
            }
            else if (inTable && line == $"chain {chain} {{")
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>An nft listing as text, in-process (or through `nft` with the iproute2 backend); null where it failed.</summary>
    private static string? ListText(IProcessRunner runner, CancellationToken token, params string[] words)
    {
        var result = NetlinkSession.Enabled ? LibNftables.Run(string.Join(' ', words)) : runner.Run(new CommandSpec(NftCommand.Program, words), token);
        return result.Succeeded ? result.StandardOutput : null;
    }

    private const string LegacyTableNames = "/proc/net/ip_tables_names";

    private const string Legacy6TableNames = "/proc/net/ip6_tables_names";

    /// <summary>What a rule belongs to (a bridge's masquerade or localnet rules, a mapping), whatever its role; null for a rule of no tag.</summary>
    private static RuleTag? ObjectOf(FirewallRule rule) => rule.Identity?.WithRole(null);

    /// <summary>
    /// The objects iptables holds as an earlier version made them: any of their rules outside filter FORWARD (a
    /// DNAT, a masquerade, a localnet rule). An object whose only iptables rules are forward accepts is the shim's copy
    /// of one of this table's.
    /// </summary>
    private static HashSet<RuleTag> LegacyObjects(IptablesSnapshot iptables) =>
        iptables.Rules.Where(r => !(r.Table == FirewallTable.Filter && r.Hook == FirewallHook.Forward))
            .Select(ObjectOf).OfType<RuleTag>().ToHashSet();

    private static NftablesSnapshot Own(FirewallSnapshot snapshot) => snapshot as NftablesSnapshot
        ?? throw new ArgumentException($"a snapshot of another firewall driver ({snapshot.GetType().Name}) given to the nftables driver", nameof(snapshot));

    // ---- planning ----

    /// <summary>
    /// Each rule into the table, except those of an object an earlier version left in iptables: those are converged
    /// where they are, by the iptables driver, so a mapping is never published in both. Where iptables' FORWARD drops,
    /// the forward accepts also go into its NETNSPS-FORWARD chain (the shim), reached by one jump first in FORWARD.
    /// </summary>
    public void PlanEnsure(FirewallSnapshot snapshot, IEnumerable<FirewallRule> rules, Plan plan)
    {
        var own = Own(snapshot);
        var before = plan.Steps.Count;
        PlanEnsure(own, rules.ToList(), plan);
        Track(own, plan, before);
    }

    private static void PlanEnsure(NftablesSnapshot own, List<FirewallRule> list, Plan plan)
    {
        if (own.Iptables is not { } iptables)
        {
            PlanEnsureTable(own, list, plan);
            return;
        }
        var legacyObjects = LegacyObjects(iptables);
        var legacy = list.Where(r => ObjectOf(r) is { } o && legacyObjects.Contains(o)).ToList();
        var table = list.Where(r => !legacy.Contains(r)).ToList();
        PlanEnsureTable(own, table, plan);
        if (legacy.Count > 0)
        {
            IptablesDriver.Instance.PlanEnsure(iptables, legacy, plan);
        }
        // The shim goes to the FORWARD of each family that drops: iptables' for IPv4, ip6tables' for IPv6. An
        // address-less accept (the table's holds for both families) goes to each such FORWARD; one with addresses
        // to its own family's only.
        var drops = IptablesDriver.ForwardDropFamilies(iptables);
        var forward = table.Where(r => r.Table == FirewallTable.Filter && r.Hook == FirewallHook.Forward)
            .Select(r => ShimFor(r, drops)).OfType<FirewallRule>().ToList();
        if (forward.Count > 0)
        {
            IptablesDriver.Instance.PlanEnsure(iptables, forward, plan, jumpFirst: true);
        }
    }

    /// <summary>
    /// A forward accept as the shim has it: for the families whose FORWARD drops among those it is for (an
    /// address-less one is for both here, as the inet table holds it); null where none of them drops.
    /// </summary>
    private static FirewallRule? ShimFor(FirewallRule rule, FirewallFamilies drops)
    {
        var families = (rule.Family is null ? FirewallFamilies.Both : rule.ForFamilies) & drops;
        // Always an instance of its own, as a read gives iptables' side: PlanRemove tells the table's rules from
        // iptables' by instance, and a snapshot planned on stands for the next read once applied (NftablesCache).
        return families == FirewallFamilies.None ? null
            : rule.Family is null ? rule with { Families = FirewallRule.AsFamilies(families) } : rule with { };
    }

    private static void PlanEnsureTable(NftablesSnapshot own, IReadOnlyList<FirewallRule> rules, Plan plan)
    {
        // The inet table holds an address-less rule for both families, whatever families it was asked for.
        foreach (var rule in rules.Select(r => r.Families is null ? r : r with { Families = null }))
        {
            var asElement = NftablesLayout.AsElement(rule);
            if (own.Find(rule, asElement) is not null)
            {
                // There; but a lookup rule deleted by hand leaves its elements unreached: put only that back.
                if (own.Chain(rule.Table, rule.Hook) is { } present)
                {
                    EnsureLookups(own, present, plan);
                }
                continue;
            }
            // A rule of ours edited by hand: replace it rather than add a second one.
            foreach (var stale in own.Tagged(rule.Tag, rule.Table, rule.Hook).ToList())
            {
                PlanDelete(own, stale, plan);
            }
            var chain = EnsureChain(own, rule.Table, rule.Hook, plan);
            if (asElement is { } element && own.Element(element.Set.SetName, element.Key) is null)
            {
                var e = new NftablesSnapshot.NftElement(element.Set.SetName, element.Key, element.Value, rule.Tag);
                plan.Add(Nft(On("add", "element", e.Set, NftablesLayout.ElementList(e.Key, e.Value, e.Tag))),
                    Nft(On("delete", "element", e.Set, NftablesLayout.ElementList(e.Key, null, ""))));
                own.AddElement(e, rule);
                continue;
            }
            // Another shape, or its key is taken by another mapping's element (two mappings to one namespace port): a rule.
            var body = NftablesLayout.Body(rule)
                ?? throw new ArgumentException($"the nftables driver cannot write the rule {rule} (it has matches it does not model)", nameof(rules));
            PlanAppend(own, chain, new NftablesSnapshot.NftRule { Body = body, Comment = rule.Tag.Length > 0 ? rule.Tag : null, Rule = rule }, plan);
        }
    }

    private static NftablesSnapshot.NftChain EnsureChain(NftablesSnapshot own, FirewallTable table, FirewallHook hook, Plan plan)
    {
        if (!own.TableExists)
        {
            plan.Add(Nft(On("add", "table")), Nft(On("delete", "table")));
            own.TableExists = true;
        }
        var chain = own.Chain(table, hook);
        if (chain is null)
        {
            var name = NftablesLayout.ChainName(table, hook);
            plan.Add(Nft(On("add", "chain", name, NftablesLayout.ChainSpec(table, hook))), Nft(On("delete", "chain", name)));
            own.OwnChains.Add(chain = new NftablesSnapshot.NftChain(table, hook));
        }
        EnsureLookups(own, chain, plan);
        return chain;
    }

    /// <summary>The chain's maps and sets, and the one rule that looks up each, where missing.</summary>
    private static void EnsureLookups(NftablesSnapshot own, NftablesSnapshot.NftChain chain, Plan plan)
    {
        foreach (var set in NftablesLayout.SetsOf(chain.Table, chain.Hook))
        {
            if (!own.Sets.Contains(set.SetName))
            {
                plan.Add(Nft(On("add", set.Keyword, set.SetName, "{ type " + set.Type + "; }")), Nft(On("delete", set.Keyword, set.SetName)));
                own.Sets.Add(set.SetName);
            }
            if (!chain.Rules.Any(r => r.Lookup == set.SetName))
            {
                PlanAppend(own, chain, new NftablesSnapshot.NftRule { Body = set.Dispatch, Lookup = set.SetName }, plan);
            }
        }
    }

    /// <summary>Appends a rule; its undo puts the chain back as it was (nft deletes rules only by handle, unknown until it runs).</summary>
    private static void PlanAppend(NftablesSnapshot own, NftablesSnapshot.NftChain chain, NftablesSnapshot.NftRule rule, Plan plan)
    {
        var before = chain.Rules.ToList();
        plan.Add(Nft(On("add", "rule", chain.Name, rule.Text)), Rewrite(chain, before));
        chain.Rules.Add(rule);
    }

    /// <summary>Flushes a chain and adds its rules again, in order: one transaction that restores it exactly (handles aside).</summary>
    private static CommandSpec Rewrite(NftablesSnapshot.NftChain chain, IReadOnlyList<NftablesSnapshot.NftRule> rules)
    {
        var lines = new List<string> { $"flush chain {NftablesLayout.Table} {chain.Name}" };
        lines.AddRange(rules.Where(r => r.Body is not null).Select(r => $"add rule {NftablesLayout.Table} {chain.Name} {r.Text}"));
        return lines.Count == 1 ? Nft(On("flush", "chain", chain.Name)) : NftCommand.Script(lines);
    }

    private static void PlanDelete(NftablesSnapshot own, NftablesSnapshot.Entry entry, Plan plan)
    {
        if (entry.AsElement is { } e)
        {
            plan.Add(Nft(On("delete", "element", e.Set, NftablesLayout.ElementList(e.Key, null, ""))),
                Nft(On("add", "element", e.Set, NftablesLayout.ElementList(e.Key, e.Value, e.Tag))));
            own.RemoveElement(e);
            return;
        }
        var rule = entry.AsRule!;
        var chain = own.OwnChains.First(c => c.Rules.Contains(rule));
        var before = chain.Rules.ToList();
        chain.Rules.Remove(rule);
        plan.Add(rule.Handle is { } handle
            ? Nft(On("delete", "rule", chain.Name, "handle", handle.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            : Rewrite(chain, chain.Rules), Rewrite(chain, before));
    }

    /// <summary>
    /// Removes the rules of the table here, and hands those of iptables (an earlier version's, the shim's: the very
    /// instances <see cref="FirewallSnapshot.Rules"/> gave out) to the iptables driver, which takes the NETNSPS-* chains
    /// they leave empty with their jumps, and the empty ones of <paramref name="alsoIfEmpty"/>.
    /// </summary>
    public void PlanRemove(FirewallSnapshot snapshot, IEnumerable<FirewallRule> rules, Plan plan, IEnumerable<(FirewallTable, FirewallHook)>? alsoIfEmpty = null)
    {
        var own = Own(snapshot);
        var before = plan.Steps.Count;
        var list = rules.ToList();
        var hooks = alsoIfEmpty?.ToList();
        if (own.Iptables is { } iptables)
        {
            var theirs = iptables.Rules.ToHashSet(ReferenceEqualityComparer.Instance);
            var inIptables = list.Where(theirs.Contains).ToList();
            list = list.Where(r => !theirs.Contains(r)).ToList();
            if (inIptables.Count > 0 || hooks is { Count: > 0 })
            {
                IptablesDriver.Instance.PlanRemove(iptables, inIptables, plan, hooks);
            }
        }
        PlanRemoveTable(own, list, plan);
        Track(own, plan, before);
    }

    private static void PlanRemoveTable(NftablesSnapshot own, IReadOnlyList<FirewallRule> rules, Plan plan)
    {
        foreach (var rule in rules)
        {
            if (own.Find(rule) is { } live)
            {
                PlanDelete(own, live, plan);
            }
        }
        // A base chain left with nothing but its lookups goes, with its maps and sets, so unpublishing the last port
        // leaves the table as it was before the first (masquerade's chains stay while they hold its rules).
        foreach (var chain in own.OwnChains.Where(c => c.Rules.All(r => r.Lookup is not null)
                     && NftablesLayout.SetsOf(c.Table, c.Hook).All(set => !own.HasElements(set.SetName))).ToList())
        {
            var lines = new List<string> { $"add chain {NftablesLayout.Table} {chain.Name} {NftablesLayout.ChainSpec(chain.Table, chain.Hook)}" };
            lines.AddRange(chain.Rules.Select(r => $"add rule {NftablesLayout.Table} {chain.Name} {r.Text}"));
            plan.Add(Nft(On("delete", "chain", chain.Name)), NftCommand.Script(lines));
            own.OwnChains.Remove(chain);
            foreach (var set in NftablesLayout.SetsOf(chain.Table, chain.Hook).Where(set => own.Sets.Contains(set.SetName)))
            {
                plan.Add(Nft(On("delete", set.Keyword, set.SetName)), Nft(On("add", set.Keyword, set.SetName, "{ type " + set.Type + "; }")));
                own.Sets.Remove(set.SetName);
            }
        }
        // Nothing of the module left: the table goes, so the ruleset is what it was before the module came. Its undo
        // makes it again as it is now (chains, maps and sets, lookup rules), in one transaction.
        if (own.TableExists && own.OwnChains.Count == 0 && own.StrayChains.Count == 0)
        {
            plan.Add(Nft(On("delete", "table")), NftCommand.Script(Recreate(own)));
            own.TableExists = false;
            own.OwnChains.Clear();
            own.Sets.Clear();
        }
    }

    /// <summary>The commands that make the table as the snapshot shows it.</summary>
    internal static IEnumerable<string> Recreate(NftablesSnapshot own)
    {
        yield return $"add table {NftablesLayout.Table}";
        foreach (var set in NftablesLayout.AllSets.Where(s => own.Sets.Contains(s.SetName)))
        {
            yield return $"add {set.Keyword} {NftablesLayout.Table} {set.SetName} {{ type {set.Type}; }}";
            foreach (var e in own.ElementsOf(set.SetName))
            {
                yield return $"add element {NftablesLayout.Table} {set.SetName} {NftablesLayout.ElementList(e.Key, e.Value, e.Tag)}";
            }
        }
        foreach (var chain in own.OwnChains)
        {
            yield return $"add chain {NftablesLayout.Table} {chain.Name} {NftablesLayout.ChainSpec(chain.Table, chain.Hook)}";
            foreach (var rule in chain.Rules.Where(r => r.Body is not null))
            {
                yield return $"add rule {NftablesLayout.Table} {chain.Name} {rule.Text}";
            }
        }
    }

    public FirewallRuleset Simulate(FirewallSnapshot snapshot, IEnumerable<FirewallRule> rules)
    {
        var list = rules.ToList();
        var copy = Own(snapshot).Clone();
        PlanEnsure(copy, list, new Plan());
        var ruleset = copy.BuildRuleset();
        if (copy.Iptables is null && copy.Host is not null)
        {
            SimulateShim(ruleset, list);
        }
        return ruleset;
    }

    /// <summary>iptables-nft's filter FORWARD, as the diagnostics' ruleset names it.</summary>
    private const string XtablesFilter = "ip filter";

    /// <summary>iptables-legacy's filter table, as the diagnostics' ruleset names it.</summary>
    private const string LegacyFilter = NftablesHost.LegacyPrefix + "filter";

    /// <summary>
    /// The filter table the shim goes to, as the diagnostics' ruleset names it: where `iptables` writes (legacy's when
    /// it is the legacy binary and legacy's FORWARD is there, else iptables-nft's).
    /// </summary>
    private static string ShimTable(FirewallRuleset ruleset) =>
        ruleset.Chain(LegacyFilter, IptablesDriver.BuiltinChain(FirewallHook.Forward)) is not null && IptablesDriver.ActiveBackendFromPath("iptables") == "legacy"
            ? LegacyFilter : XtablesFilter;

    /// <summary>
    /// Read for the diagnostics, the ruleset holds iptables-nft's chains but no iptables snapshot to plan on: the
    /// shim PlanEnsure would add where that FORWARD drops (the forward accepts in NETNSPS-FORWARD, its jump first).
    /// </summary>
    private static void SimulateShim(FirewallRuleset ruleset, IReadOnlyList<FirewallRule> rules)
    {
        var filter = ShimTable(ruleset);
        var forward = ruleset.Chain(filter, IptablesDriver.BuiltinChain(FirewallHook.Forward));
        var accepts = rules.Where(r => r.Table == FirewallTable.Filter && r.Hook == FirewallHook.Forward).ToList();
        if (!IptablesDriver.Drops(forward) || accepts.Count == 0)
        {
            return;
        }
        var name = IptablesDriver.OwnChain(FirewallHook.Forward);
        var shim = ruleset.GetOrAdd(filter, name, owned: true);
        foreach (var spec in accepts.Select(IptablesDriver.Spec).Where(spec => !shim.Rules.Any(r => r.NativeSpec.Skip(2).SequenceEqual(spec))))
        {
            ruleset.Append(IptablesDriver.ParseChainRule(filter, name, spec));
        }
        if (!forward!.Rules.Any(r => r.Target == name))
        {
            forward.Rules.Insert(0, IptablesDriver.ParseChainRule(filter, forward.Name, IptablesDriver.JumpSpec(FirewallTable.Filter, FirewallHook.Forward)));
            for (var i = 0; i < forward.Rules.Count; i++)
            {
                forward.Rules[i] = forward.Rules[i] with { Position = i + 1 };
            }
        }
    }

    /// <summary>
    /// iptables' FORWARD drops (the shim's case): as read for a cmdlet, from the iptables snapshot beside the table;
    /// read for the diagnostics, from iptables-nft's chain in the ruleset.
    /// </summary>
    public bool ForwardPathDrops(FirewallSnapshot snapshot)
    {
        var own = Own(snapshot);
        return own.Iptables is { } iptables ? IptablesDriver.ForwardDrops(iptables)
            : own.Host is not null && (IptablesDriver.Drops(own.Ruleset.Chain(XtablesFilter, IptablesDriver.BuiltinChain(FirewallHook.Forward)))
                || IptablesDriver.Drops(own.Ruleset.Chain(LegacyFilter, IptablesDriver.BuiltinChain(FirewallHook.Forward))));
    }

    /// <summary>
    /// IPv4 where iptables' FORWARD drops (as <see cref="ForwardPathDrops"/>), IPv6 where ip6tables' does (read
    /// beside the table for a cmdlet): the families the shim goes to.
    /// </summary>
    public FirewallFamilies ForwardDropFamilies(FirewallSnapshot snapshot)
    {
        var own = Own(snapshot);
        var v4 = ForwardPathDrops(snapshot) ? FirewallFamilies.Ipv4 : FirewallFamilies.None;
        return own.Iptables is { } iptables ? v4 | (IptablesDriver.ForwardDropFamilies(iptables) & FirewallFamilies.Ipv6) : v4;
    }

    // ---- the ruleset view (for the diagnostics) ----

    internal static ChainRule ToChainRule(NftablesSnapshot.NftChain chain, NftablesSnapshot.NftRule rule)
    {
        var r = rule.Rule;
        return new ChainRule
        {
            Table = NftablesLayout.Table, Chain = chain.Name, Owned = true, Text = rule.Body ?? rule.Shown, Comment = rule.Comment,
            InInterface = r?.InInterface, OutInterface = r?.OutInterface, NotOutInterface = r?.NotOutInterface ?? false,
            Source = r?.Source, Destination = r?.Destination, Protocol = r?.Protocol, DestinationPort = r?.DestinationPort,
            SourceIsLocal = r?.SourceIsLocal == true ? true : null,
            DestinationIsLocal = NftablesLayout.LocalOnly(chain.Table, chain.Hook) ? true : null,
            States = r?.EstablishedOnly == true ? new[] { "RELATED", "ESTABLISHED" } : null,
            Target = r is null ? "" : r.Action.ToString().ToUpperInvariant(),
            ToDestination = r?.DnatTo?.ToString(),
            Unrecognized = r is null ? "lookup of @" + rule.Lookup : r.Unrecognized,
            NativeSpec = rule.Handle is { } h ? new[] { "rule", chain.Name, "handle", h.ToString(System.Globalization.CultureInfo.InvariantCulture) } : Array.Empty<string>(),
        };
    }

    internal static ChainRule ToChainRule(NftablesLayout.NftSet set, NftablesSnapshot.NftElement e, FirewallRule r) => new()
    {
        Table = NftablesLayout.Table, Chain = NftablesLayout.ChainName(set.Table, set.Hook), Owned = true,
        Text = $"@{set.SetName} {{ {e.Key}{(e.Value is null ? "" : " : " + e.Value)} }}", Comment = e.Tag.Length > 0 ? e.Tag : null,
        OutInterface = r.OutInterface, Source = r.Source, Destination = r.Destination, Protocol = r.Protocol, DestinationPort = r.DestinationPort,
        DestinationIsLocal = NftablesLayout.LocalOnly(set.Table, set.Hook) ? true : null,
        Target = r.Action.ToString().ToUpperInvariant(), ToDestination = r.DnatTo?.ToString(), Unrecognized = r.Unrecognized,
        NativeSpec = new[] { "element", set.SetName, NftablesLayout.ElementList(e.Key, null, "") },
    };

    // ---- for the diagnostics ----

    // Diagnostics (Get-NsDiagnostic): the whole ruleset, and repairs in other tables, live in NftablesRuleset.cs.

    /// <summary>`list ruleset` in JSON (and iptables-nft-save for iptables-nft's tables): every table's base chains besides the module's.</summary>
    public FirewallSnapshot ReadForDiagnostics(IProcessRunner runner, CancellationToken token) => NftablesHost.Read(runner, token);

    /// <summary>
    /// x_tables (iptables-legacy) rules run beside nf_tables: what iptables-legacy-save holds, against nf_tables'
    /// iptables-nft-save and the module's table.
    /// </summary>
    public BackendFacts ReadBackends(FirewallSnapshot snapshot, IProcessRunner runner, CancellationToken token)
    {
        var tools = IptablesDriver.ReadSaveTools(runner, token);
        var nft = tools.Nft?.Clone() ?? new FirewallRuleset { Backend = "nf_tables" };
        foreach (var chain in Own(snapshot).BuildModuleRuleset().Chains)
        {
            nft.GetOrAdd(chain.Table, chain.Name, chain.Policy, chain.Owned).Rules.AddRange(chain.Rules);
        }
        return tools with { Nft = nft };
    }

    /// <summary>The legacy rules moved into nf_tables (where the module's rules are), whichever backend `iptables` names.</summary>
    public string RepairBackendSplit(BackendFacts backends) => IptablesDriver.Instance.RepairBackendSplit(backends with { Active = "nf_tables" });

    /// <summary>A module chain re-made by hand without its hook: deleting it lets the cmdlets make it again (its maps and sets with it).</summary>
    public string RepairUnreached(FirewallSnapshot snapshot, FirewallTable table, FirewallHook hook)
    {
        var own = Own(snapshot);
        var name = NftablesLayout.ChainName(table, hook);
        if (own.Host is null || own.Chain(table, hook) is null || !own.Host.Own.ContainsKey(name) || own.Host.IsHooked(table, hook))
        {
            return "";
        }
        return string.Join("; ", new[] { Nft(On("delete", "chain", name)).Render() }
            .Concat(NftablesLayout.SetsOf(table, hook).Where(s => own.Sets.Contains(s.SetName)).Select(s => Nft(On("delete", s.Keyword, s.SetName)).Render())));
    }

    public string DescribeUnreached(FirewallSnapshot snapshot, FirewallTable table, FirewallHook hook)
    {
        var own = Own(snapshot);
        var name = ChainName(table, hook);
        if (own.Chain(table, hook) is not null && own.Host is { } host && !host.IsHooked(table, hook)
            && host.Own.GetValueOrDefault(NftablesLayout.ChainName(table, hook)) is { } read)
        {
            return read.Hook is null
                ? $"{name} is a regular chain, hooked nowhere (it must be a base chain on {HookName(table, hook)})"
                : $"{name} hangs on {read.Hook.Type} {read.Hook.Hook} (priority {read.Hook.Priority}), not {HookName(table, hook)}";
        }
        return $"{name} does not look up its maps and sets";
    }

    public string RepairAcceptIn(string table, string chain, FirewallRule rule) =>
        table == NftablesLayout.Table && NftablesLayout.HookOf(chain) is { } hook ? RepairInsert(rule with { Table = hook.Table, Hook = hook.Hook })
            : NftablesHost.RepairAcceptIn(table, chain, rule);

    /// <summary>`nft insert rule inet netnsps CHAIN BODY`: the rule, untagged, first in the module's base chain of its hook.</summary>
    public string RepairInsert(FirewallRule rule)
    {
        var body = NftablesLayout.Body(rule with { Tag = "" }) ?? "";
        return Nft(On("insert", "rule", NftablesLayout.ChainName(rule.Table, rule.Hook), body)).Render();
    }

    /// <summary>`nft delete rule inet netnsps CHAIN handle N`, or `nft delete element ...` for a map or set element.</summary>
    public string RepairDelete(ChainRule rule) =>
        rule.NativeSpec.Count == 0
            ? ""
            : rule.NativeSpec[0] is NftablesHost.RulesetSpec or NftablesHost.XtablesSpec
            ? NftablesHost.RepairDelete(rule)
            : rule.NativeSpec[0] == "element"
                ? Nft(On("delete", "element", rule.NativeSpec[1], rule.NativeSpec[2])).Render()
                : Nft(On("delete", "rule", rule.NativeSpec[1], rule.NativeSpec[2], rule.NativeSpec[3])).Render();

    /// <summary>The hook as nft declares it: "nat prerouting (priority dstnat)".</summary>
    public string HookName(FirewallTable table, FirewallHook hook) =>
        $"{(table == FirewallTable.Nat ? "nat" : "filter")} {hook.ToString().ToLowerInvariant()} (priority {NftablesLayout.Priority(table, hook)})";

    public string ChainName(FirewallTable table, FirewallHook hook) => $"{NftablesLayout.Table} {NftablesLayout.ChainName(table, hook)}";

    /// <summary>The table's FORWARD chain, and iptables' (or iptables-legacy's) NETNSPS-FORWARD where the shim is.</summary>
    public string ForwardAcceptChains(FirewallSnapshot snapshot)
    {
        var chain = ChainName(FirewallTable.Filter, FirewallHook.Forward);
        var shim = IptablesDriver.OwnChain(FirewallHook.Forward);
        return snapshot.Ruleset.Chain("ip filter", shim) is not null ? $"{chain} and iptables' {shim}"
            : snapshot.Ruleset.Chain("legacy filter", shim) is not null ? $"{chain} and iptables-legacy's {shim}"
            : chain;
    }
}
