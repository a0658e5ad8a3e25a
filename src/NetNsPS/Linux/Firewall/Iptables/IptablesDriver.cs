using NetNsPS.Linux.Firewall;
using NetNsPS.Operations;
using NetNsPS.Linux;
using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Text;
using System.Threading;

namespace NetNsPS.Linux.Firewall.Iptables;

/// <summary>
/// iptables: module rules live in NETNSPS-* chains, each reached by one jump from its built-in chain.
/// Reads with one iptables-save; every change is an `iptables -w` command (waits for the xtables lock).
/// </summary>
public sealed class IptablesDriver : IFirewallDriver
{
    public const string ChainPrefix = "NETNSPS-";
    public static readonly IptablesDriver Instance = new();

    public string Name => FirewallDrivers.IptablesName;

    public FirewallSnapshot Empty() => Parse("");

    public static string TableName(FirewallTable table) => table.ToString().ToLowerInvariant();

    public static string BuiltinChain(FirewallHook hook) => hook.ToString().ToUpperInvariant();

    public static string OwnChain(FirewallHook hook) => ChainPrefix + BuiltinChain(hook);

    /// <summary>The one jump into a module chain. nat PREROUTING/OUTPUT only for packets addressed to this host, as Docker does.</summary>
    public static IReadOnlyList<string> JumpSpec(FirewallTable table, FirewallHook hook) =>
        table == FirewallTable.Nat && hook is FirewallHook.Prerouting or FirewallHook.Output
            ? new[] { "-m", "addrtype", "--dst-type", "LOCAL", "-j", OwnChain(hook) }
            : new[] { "-j", OwnChain(hook) };

    public static CommandSpec Iptables(FirewallTable table, params string[] args) => Command(false, table, args);

    /// <summary>`iptables -w -t TABLE ...`, or `ip6tables` for IPv6 rules (<paramref name="ipv6"/>); batched per tool, a section per table.</summary>
    public static CommandSpec Command(bool ipv6, FirewallTable table, params string[] args)
    {
        var command = new CommandSpec(Tool(ipv6), new[] { "-w", "-t", TableName(table) }.Concat(args))
        {
            Batch = IptablesBatch.Batchable(args) ? IptablesBatch.For(ipv6) : null,
        };
        // A module rule's deletion is done in-process where it can be (IptablesNetlink); it still renders as iptables -D.
        return IptablesNetlink.DeletedTag(command) is null ? command : command with { Native = IptablesNetlink.Delete(new[] { command }) };
    }

    /// <summary>iptables for IPv4, ip6tables for IPv6: each family has its own tables.</summary>
    public static string Tool(bool ipv6) => ipv6 ? "ip6tables" : "iptables";

    private static CommandSpec Command(bool ipv6, FirewallTable table, string op, string chain, IEnumerable<string> spec) =>
        Command(ipv6, table, new[] { op, chain }.Concat(spec).ToArray());

    /// <summary>
    /// One iptables-save for IPv4 and, where ip6tables is installed, one ip6tables-save for IPv6: the snapshot holds
    /// both families' module rules (IPv6's in <see cref="IptablesSnapshot.V6"/>). On iptables-nft, a read at an
    /// unchanged nf_tables generation is a copy of the state as last known (<see cref="IptablesCache"/>): no process.
    /// </summary>
    public FirewallSnapshot Read(IProcessRunner runner, CancellationToken token) => Read(runner, token, cached: true);

    private static IptablesSnapshot Read(IProcessRunner runner, CancellationToken token, bool cached)
    {
        // Asked before the saves: a change made while they run moves it past what the copy is kept under.
        var at = IptablesCache.Generation();
        if (cached && at is { } known && IptablesCache.Take(known) is { } copy)
        {
            return copy;
        }
        var snapshot = ReadIpv4(runner, token);
        if (FirewallDrivers.OnPath("ip6tables-save"))
        {
            snapshot.V6 = Parse(SaveText(runner, "ip6tables-save", token), ipv6: true);
        }
        snapshot.ReadAt = at;
        if (at is { } read)
        {
            IptablesCache.Remember(read, snapshot);
        }
        return snapshot;
    }

    /// <summary>The IPv6 tables alone (one ip6tables-save).</summary>
    public static IptablesSnapshot ReadIpv6(IProcessRunner runner, CancellationToken token) => Parse(SaveText(runner, "ip6tables-save", token), ipv6: true);

    /// <summary>The IPv4 tables alone (one iptables-save), with no IPv6 part.</summary>
    public static IptablesSnapshot ReadIpv4(IProcessRunner runner, CancellationToken token) => Parse(SaveText(runner, "iptables-save", token));

    private static string SaveText(IProcessRunner runner, string tool, CancellationToken token)
    {
        var result = runner.Run(new CommandSpec(tool), token);
        if (!result.Succeeded)
        {
            if (KernelErrors.Categorize(result.ErrorText) == ErrorCategory.PermissionDenied && !Privileges.HasNetworkAdmin())
            {
                throw Privileges.ReadNeedsRoot("the firewall", "CAP_NET_ADMIN", $"{tool}: {result.ErrorText}");
            }
            throw new NetNsException($"{tool}: {result.ErrorText}", "FirewallReadFailed", KernelErrors.Categorize(result.ErrorText), tool);
        }
        return result.StandardOutput;
    }

    /// <summary>
    /// Parses iptables-save (or, with <paramref name="ipv6"/>, ip6tables-save) output: the whole ruleset, and from it
    /// what concerns NETNSPS-* chains (each rule parsed once, for both).
    /// </summary>
    public static IptablesSnapshot Parse(string save, bool ipv6 = false)
    {
        var ruleset = ParseRuleset(save);
        var rules = new List<IptablesSnapshot.Entry>();
        var chains = new List<(FirewallTable, FirewallHook)>();
        var jumps = new List<(FirewallTable, FirewallHook, IReadOnlyList<string>)>();
        var order = new Dictionary<(FirewallTable, string), List<IReadOnlyList<string>>>();
        foreach (var chain in ruleset.Chains)
        {
            if (!Enum.TryParse<FirewallTable>(chain.Table, ignoreCase: true, out var table))
            {
                continue;
            }
            var own = HookOf(chain.Name);
            if (own is { } hook)
            {
                chains.Add((table, hook));
            }
            if (chain.Rules.Count > 0)
            {
                order[(table, chain.Name)] = chain.Rules.Select(r => r.NativeSpec).ToList();
            }
            foreach (var rule in chain.Rules)
            {
                var spec = rule.NativeSpec;
                if (own is { } ownHook)
                {
                    var parsed = ParseRule(table, ownHook, rule);
                    // ip6tables' copy of an address-less rule is IPv6's (iptables' is IPv4's, Families null as before).
                    rules.Add(new IptablesSnapshot.Entry(ipv6 && parsed.Family is null ? parsed with { Families = FirewallFamilies.Ipv6 } : parsed, spec));
                }
                else if (spec.Count >= 2 && spec[^2] == "-j" && spec[^1].StartsWith(ChainPrefix, StringComparison.Ordinal)
                         && Enum.TryParse<FirewallHook>(chain.Name, ignoreCase: true, out var builtin) && OwnChain(builtin) == spec[^1])
                {
                    jumps.Add((table, builtin, spec));
                }
            }
        }
        return new IptablesSnapshot(rules, chains, jumps, order, ruleset) { IsV6 = ipv6 };
    }

    /// <summary>Parses all of iptables-save's output: every table, chain policy and rule, whoever wrote them.</summary>
    public static FirewallRuleset ParseRuleset(string save)
    {
        var ruleset = new FirewallRuleset();
        string? table = null;
        foreach (var rawLine in save.Split('\n'))
        {
            var line = rawLine.TrimEnd('\r');
            if (line.StartsWith("# Generated by ", StringComparison.Ordinal) && ruleset.Backend is null)
            {
                // "# Generated by iptables-save v1.8.9 (nf_tables) on ..."; the legacy tool names no backend.
                ruleset.Backend = line.Contains("(nf_tables)", StringComparison.Ordinal) ? "nf_tables" : "legacy";
                continue;
            }
            if (line.StartsWith('*'))
            {
                table = line[1..].Trim();
                continue;
            }
            if (table is null)
            {
                continue;
            }
            if (line.StartsWith(':'))
            {
                // ":FORWARD DROP [0:0]" (built-in) or ":DOCKER - [0:0]" (user-defined)
                var parts = line[1..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length >= 2)
                {
                    ruleset.GetOrAdd(table, parts[0], parts[1] == "-" ? null : parts[1], IsOwnChain(parts[0]));
                }
                continue;
            }
            if (!line.StartsWith("-A ", StringComparison.Ordinal))
            {
                continue;
            }
            var tokens = Tokenize(line);
            if (tokens.Count < 2)
            {
                continue;
            }
            var spec = tokens.Skip(2).ToList();
            ruleset.Append(ParseChainRule(table, tokens[1], spec));
        }
        return ruleset;
    }

    /// <summary>Reads one rule's arguments (as iptables-save prints them) into a ChainRule; what it does not model goes to Unrecognized.</summary>
    public static ChainRule ParseChainRule(string table, string chain, IReadOnlyList<string> spec)
    {
        var rule = new ChainRule
        {
            Table = table, Chain = chain, Text = string.Join(' ', WithoutComment(spec).Select(CommandSpec.BashQuote)), NativeSpec = spec.ToArray(),
            Owned = IsOwnChain(chain),
        };
        var unknown = new StringBuilder();
        var negate = false;
        string? target = null;
        var isGoto = false;
        string? toDestination = null;
        for (var i = 0; i < spec.Count; i++)
        {
            var token = spec[i];
            string Next() => i + 1 < spec.Count ? spec[++i] : "";
            if (target is not null)
            {
                // Everything after the target are the target's own options.
                if (token == "--to-destination")
                {
                    toDestination = Next();
                }
                continue;
            }
            var n = negate;
            negate = false;
            switch (token)
            {
                case "!":
                    negate = true;
                    break;
                case "-s": rule = rule with { Source = Next(), NotSource = n }; break;
                case "-d": rule = rule with { Destination = Next(), NotDestination = n }; break;
                case "-i": rule = rule with { InInterface = Next(), NotInInterface = n }; break;
                case "-o": rule = rule with { OutInterface = Next(), NotOutInterface = n }; break;
                case "-p": rule = rule with { Protocol = Next().ToLowerInvariant(), NotProtocol = n }; break;
                case "-m":
                    // The module name: its options follow and are read one by one.
                    var module = Next();
                    if (module is not ("tcp" or "udp" or "addrtype" or "conntrack" or "state" or "comment"))
                    {
                        unknown.Append(n ? "! " : "").Append("-m ").Append(module).Append(' ');
                    }
                    break;
                case "--dport" or "--destination-port":
                    var portText = Next();
                    if (int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port))
                    {
                        rule = rule with { DestinationPort = port, NotDestinationPort = n };
                    }
                    else
                    {
                        unknown.Append(n ? "! " : "").Append("--dport ").Append(portText).Append(' ');
                    }
                    break;
                case "--src-type" or "--dst-type":
                    var type = Next();
                    if (type == "LOCAL")
                    {
                        rule = token == "--src-type" ? rule with { SourceIsLocal = !n } : rule with { DestinationIsLocal = !n };
                    }
                    else
                    {
                        unknown.Append(n ? "! " : "").Append(token).Append(' ').Append(type).Append(' ');
                    }
                    break;
                case "--ctstate" or "--state":
                    rule = rule with { States = Next().ToUpperInvariant().Split(','), NotStates = n };
                    break;
                case "--comment":
                    rule = rule with { Comment = Next() };
                    break;
                case "-j" or "-g":
                    target = Next();
                    isGoto = token == "-g";
                    break;
                default:
                    // An option of a module not modelled, with its value when it has one.
                    unknown.Append(n ? "! " : "").Append(token).Append(' ');
                    if (i + 1 < spec.Count && !spec[i + 1].StartsWith('-') && spec[i + 1] != "!")
                    {
                        unknown.Append(spec[++i]).Append(' ');
                    }
                    break;
            }
        }
        return rule with
        {
            Target = target ?? "",
            IsGoto = isGoto,
            ToDestination = toDestination,
            Unrecognized = unknown.Length == 0 ? null : unknown.ToString().Trim(),
        };
    }

    /// <summary>The arguments without `-m comment --comment TEXT`, to show a rule the way one would type it.</summary>
    private static IEnumerable<string> WithoutComment(IReadOnlyList<string> spec)
    {
        for (var i = 0; i < spec.Count; i++)
        {
            if (spec[i] == "-m" && i + 1 < spec.Count && spec[i + 1] == "comment")
            {
                i++;
                continue;
            }
            if (spec[i] == "--comment")
            {
                i++;
                continue;
            }
            yield return spec[i];
        }
    }

    /// <summary>
    /// The ruleset as it would be after PlanEnsure of these rules: each rule appended to its module chain, and the
    /// jump into that chain appended to its built-in chain when it is missing. Lets the diagnostics tell whether
    /// re-running a cmdlet would repair what they found.
    /// </summary>
    public FirewallRuleset Simulate(FirewallSnapshot snapshot, IEnumerable<FirewallRule> rules)
    {
        var own = Own(snapshot);
        var ruleset = own.Ruleset.Clone();
        var jumps = own.Jumps.Select(j => (j.Table, j.Hook)).ToHashSet();
        // The ruleset is iptables' (IPv4's): an address-less rule stands there as its IPv4 copy, whatever its families.
        foreach (var rule in rules.Select(r => r.Family is null ? r.InFamily(FirewallFamilies.Ipv4) : r))
        {
            var table = TableName(rule.Table);
            if (own.Entries.WithTag(rule.Tag).Any(r => r.Rule == rule))
            {
                // Present already; PlanEnsure still restores a missing jump.
                if (jumps.Add((rule.Table, rule.Hook)))
                {
                    ruleset.Append(ParseChainRule(table, BuiltinChain(rule.Hook), JumpSpec(rule.Table, rule.Hook)));
                }
                continue;
            }
            ruleset.GetOrAdd(table, OwnChain(rule.Hook), owned: true);
            if (jumps.Add((rule.Table, rule.Hook)))
            {
                ruleset.Append(ParseChainRule(table, BuiltinChain(rule.Hook), JumpSpec(rule.Table, rule.Hook)));
            }
            ruleset.Append(ParseChainRule(table, OwnChain(rule.Hook), Spec(rule)));
        }
        return ruleset;
    }

    private static bool IsOwnChain(string chain) => chain.StartsWith(ChainPrefix, StringComparison.Ordinal);

    private static FirewallHook? HookOf(string chain) =>
        chain.StartsWith(ChainPrefix, StringComparison.Ordinal) && Enum.TryParse<FirewallHook>(chain[ChainPrefix.Length..], ignoreCase: true, out var hook)
            ? hook : null;

    /// <summary>The arguments that express a rule, in iptables-save's own order.</summary>
    public static IReadOnlyList<string> Spec(FirewallRule rule)
    {
        var args = new List<string>();
        void Add(params string[] a) => args.AddRange(a);
        if (rule.Source is not null) Add("-s", rule.Source);
        if (rule.Destination is not null) Add("-d", rule.Destination);
        if (rule.InInterface is not null) Add("-i", rule.InInterface);
        if (rule.OutInterface is not null)
        {
            if (rule.NotOutInterface) Add("!");
            Add("-o", rule.OutInterface);
        }
        if (rule.Protocol is not null) Add("-p", rule.Protocol);
        if (rule.SourceIsLocal) Add("-m", "addrtype", "--src-type", "LOCAL");
        if (rule.DestinationPort is { } port) Add("-m", rule.Protocol ?? "tcp", "--dport", port.ToString(CultureInfo.InvariantCulture));
        if (rule.EstablishedOnly) Add("-m", "conntrack", "--ctstate", "RELATED,ESTABLISHED");
        Add("-m", "comment", "--comment", rule.Tag);
        Add("-j", rule.Action.ToString().ToUpperInvariant());
        if (rule.Action == FirewallAction.Dnat && rule.DnatTo is { } to) Add("--to-destination", to.ToString());
        return args;
    }

    /// <summary>
    /// A rule of a module chain in the module's own model, read by the one iptables-save parser (ParseChainRule).
    /// Whatever the model cannot say (a negation it does not use, a goto, another module) goes to Unrecognized,
    /// so a rule edited by hand never equals a wanted one.
    /// </summary>
    public static FirewallRule ParseRule(FirewallTable table, FirewallHook hook, IReadOnlyList<string> spec) =>
        ParseRule(table, hook, ParseChainRule(TableName(table), OwnChain(hook), spec));

    /// <summary>The same, from the rule as <see cref="ParseChainRule"/> read it.</summary>
    private static FirewallRule ParseRule(FirewallTable table, FirewallHook hook, ChainRule c)
    {
        var unknown = new List<string>();
        if (c.Unrecognized is not null) unknown.Add(c.Unrecognized);
        if (c.NotSource) unknown.Add("! -s");
        if (c.NotDestination) unknown.Add("! -d");
        if (c.NotInInterface) unknown.Add("! -i");
        if (c.NotProtocol) unknown.Add("! -p");
        if (c.NotDestinationPort) unknown.Add("! --dport");
        if (c.SourceIsLocal == false) unknown.Add("! --src-type LOCAL");
        if (c.DestinationIsLocal is not null) unknown.Add("--dst-type LOCAL");
        if (c.IsGoto) unknown.Add("-g");
        var established = c.States is { Count: 2 } states && !c.NotStates && states.Contains("RELATED") && states.Contains("ESTABLISHED");
        if (c.States is not null && !established) unknown.Add("--ctstate " + string.Join(",", c.States));
        if (!Enum.TryParse<FirewallAction>(c.Target, ignoreCase: true, out var action))
        {
            unknown.Add("-j " + c.Target);
            action = FirewallAction.Accept;
        }
        DnatTarget? to = null;
        if (c.ToDestination is not null)
        {
            if (DnatTarget.TryParse(c.ToDestination, out var target))
            {
                to = target;
            }
            else
            {
                unknown.Add("--to-destination " + c.ToDestination);
            }
        }
        return new FirewallRule(table, hook, c.Comment ?? "", action)
        {
            Source = c.Source,
            Destination = c.Destination,
            InInterface = c.InInterface,
            OutInterface = c.OutInterface,
            NotOutInterface = c.NotOutInterface,
            Protocol = c.Protocol,
            DestinationPort = c.DestinationPort,
            SourceIsLocal = c.SourceIsLocal == true,
            EstablishedOnly = established,
            DnatTo = to,
            Unrecognized = unknown.Count == 0 ? null : string.Join(' ', unknown),
        };
    }

    private static IptablesSnapshot Own(FirewallSnapshot snapshot) => snapshot as IptablesSnapshot
        ?? throw new ArgumentException($"a snapshot of another firewall driver ({snapshot.GetType().Name}) given to the iptables driver", nameof(snapshot));

    public void PlanEnsure(FirewallSnapshot snapshot, IEnumerable<FirewallRule> rules, Plan plan) => PlanEnsure(snapshot, rules, plan, jumpFirst: false);

    /// <summary>
    /// <see cref="PlanEnsure(FirewallSnapshot, IEnumerable{FirewallRule}, Plan)"/>, with a missing jump put first in its
    /// built-in chain (`-I CHAIN 1`) rather than appended when <paramref name="jumpFirst"/>: for the nftables driver's
    /// FORWARD shim, whose accepts must come before a chain's trailing DROP or REJECT.
    /// </summary>
    internal void PlanEnsure(FirewallSnapshot snapshot, IEnumerable<FirewallRule> rules, Plan plan, bool jumpFirst)
    {
        var own = Own(snapshot);
        var stepsBefore = plan.Steps.Count;
        var list = rules.ToList();
        // IPv6 rules go to ip6tables; a rule without addresses (a forward accept by interface) goes to the tables of
        // each family it is for (Families; null: IPv4's alone, as before IPv6), as one copy each.
        PlanEnsureIn(own, InFamily(list, FirewallFamilies.Ipv4), plan, jumpFirst);
        var ipv6 = InFamily(list, FirewallFamilies.Ipv6).ToList();
        if (own.V6 is null)
        {
            // No ip6tables: an IPv6 rule cannot be written; an address-less one's IPv6 copy has no table to go to.
            ipv6 = ipv6.Where(r => r.Family is not null).ToList();
        }
        if (ipv6.Count > 0)
        {
            PlanEnsureIn(own.V6 ?? throw Ip6tablesMissing(), ipv6, plan, jumpFirst);
        }
        Track(own, plan, stepsBefore);
    }

    /// <summary>The rules that are for that family, each as its copy in that family's tables.</summary>
    private static IEnumerable<FirewallRule> InFamily(IEnumerable<FirewallRule> rules, FirewallFamilies family) =>
        rules.Where(r => (r.ForFamilies & family) != 0).Select(r => r.InFamily(family));

    private static NetNsException Ip6tablesMissing() => new(
        "IPv6 rules need ip6tables, which is not installed (or ip6tables-save is not on PATH); install iptables' IPv6 tools, or use the nftables driver (Set-NetNsPSOption -FirewallDriver nftables).",
        "Ip6tablesNotFound", ErrorCategory.NotInstalled, "ip6tables");

    /// <summary>Plans the rules into one family's tables (its snapshot part: IPv4's, or IPv6's).</summary>
    private static void PlanEnsureIn(IptablesSnapshot own, IEnumerable<FirewallRule> rules, Plan plan, bool jumpFirst)
    {
        var v6 = own.IsV6;
        // Grouped by table (order within a chain kept), so the executor's iptables-restore has one section per table.
        foreach (var rule in rules.OrderBy(r => r.Table))
        {
            if (own.Entries.WithTag(rule.Tag).Any(r => r.Rule == rule))
            {
                // The rule is there, but its chain is reached only through the jump: put back a jump deleted by hand.
                if (!own.IsReached(rule.Table, rule.Hook))
                {
                    var missing = JumpSpec(rule.Table, rule.Hook);
                    if (jumpFirst)
                    {
                        PlanInsertFirst(own, plan, rule.Table, BuiltinChain(rule.Hook), missing);
                    }
                    else
                    {
                        PlanAppend(own, plan, rule.Table, BuiltinChain(rule.Hook), missing);
                    }
                    own.Jumps.Add((rule.Table, rule.Hook, missing));
                }
                continue;
            }
            // A rule of ours that was edited by hand: replace it rather than add a second one.
            foreach (var stale in own.Entries.WithTag(rule.Tag).Where(r => r.Rule.Table == rule.Table && r.Rule.Hook == rule.Hook).ToList())
            {
                PlanDelete(own, plan, stale.Rule.Table, OwnChain(stale.Rule.Hook), stale.Spec);
                own.Entries.Remove(stale);
            }
            var key = (rule.Table, rule.Hook);
            if (!own.OwnChains.Contains(key))
            {
                plan.Add(Command(v6, rule.Table, "-N", OwnChain(rule.Hook)), Command(v6, rule.Table, "-X", OwnChain(rule.Hook)));
                own.OwnChains.Add(key);
                own.Order[(rule.Table, OwnChain(rule.Hook))] = new List<IReadOnlyList<string>>();
            }
            if (!own.IsReached(rule.Table, rule.Hook))
            {
                var jump = JumpSpec(rule.Table, rule.Hook);
                if (jumpFirst)
                {
                    PlanInsertFirst(own, plan, rule.Table, BuiltinChain(rule.Hook), jump);
                }
                else
                {
                    PlanAppend(own, plan, rule.Table, BuiltinChain(rule.Hook), jump);
                }
                own.Jumps.Add((rule.Table, rule.Hook, jump));
            }
            var spec = Spec(rule);
            PlanAppend(own, plan, rule.Table, OwnChain(rule.Hook), spec);
            own.Entries.Add(new IptablesSnapshot.Entry(rule, spec));
        }
    }

    public void PlanRemove(FirewallSnapshot snapshot, IEnumerable<FirewallRule> rules, Plan plan, IEnumerable<(FirewallTable, FirewallHook)>? alsoIfEmpty = null)
    {
        var own = Own(snapshot);
        var stepsBefore = plan.Steps.Count;
        var list = rules.ToList();
        var empty = alsoIfEmpty?.ToList();
        PlanRemoveIn(own, InFamily(list, FirewallFamilies.Ipv4), plan, empty);
        if (own.V6 is { } v6)
        {
            PlanRemoveIn(v6, InFamily(list, FirewallFamilies.Ipv6), plan, empty);
        }
        Track(own, plan, stepsBefore);
    }

    // ---- keeping the state known (IptablesCache) ----

    /// <summary>
    /// Notes the iptables steps just planned on a snapshot read at a known generation, so that once its plan has been
    /// applied the snapshot (which planning brought up to what the plan leaves) can stand for the next read.
    /// </summary>
    private static void Track(IptablesSnapshot own, Plan plan, int stepsBefore)
    {
        if (own.ReadAt is null || plan.Steps.Count == stepsBefore)
        {
            return;
        }
        own.Pending.Note(own, plan, plan.Steps.Skip(stepsBefore), p => Applied(own, p));
    }

    /// <summary>
    /// Once a plan planned on the snapshot has run: its steps are replayed on the ruleset read, and when no other plan
    /// on it is pending and the generation moved by exactly the transactions of the plans applied, nobody else changed
    /// the tables, so the snapshot is what the kernel holds and is kept. A plan that never ran (-WhatIf, a rollback,
    /// declined) keeps it out for good, and so does one with iptables steps planned elsewhere.
    /// </summary>
    private static void Applied(IptablesSnapshot own, Plan plan)
    {
        if (!own.Pending.Take(plan, out var steps) || own.ReadAt is not { } read)
        {
            return;
        }
        own.Transactions += Transactions(plan.Steps);
        if (!ReplayApplied(own, steps, plan))
        {
            own.ReadAt = null;
            return;
        }
        if (own.Pending.Any)
        {
            return;
        }
        if (IptablesCache.Generation() is { } now && now == unchecked(read + (uint)own.Transactions))
        {
            own.ReadAt = now;
            own.Transactions = 0;
            IptablesCache.Remember(now, own);
        }
        else
        {
            own.ReadAt = null;
        }
    }

    /// <summary>
    /// Brings both families' rulesets of a snapshot up to date with the iptables steps planned on it, once their plan has
    /// been applied; false where that cannot be told for sure: the plan holds iptables steps planned elsewhere, or a
    /// step that <see cref="Replay"/> refuses. For the nftables driver too, whose snapshot holds iptables' side.
    /// </summary>
    internal static bool ReplayApplied(IptablesSnapshot? own, IReadOnlyList<PlanStep> planned, Plan plan)
    {
        if (plan.Steps.Count(IsIptablesStep) != planned.Count)
        {
            return false;
        }
        if (planned.Count == 0)
        {
            // Nothing to replay (an nftables plan beside a Docker host's iptables): the ruleset read stays shared.
            return true;
        }
        if (own is null)
        {
            return false;
        }
        own.OwnRuleset();
        own.V6?.OwnRuleset();
        return planned.All(step => Replay(step.Command.Program == Tool(ipv6: true) ? own.V6 : own, step.Command.Arguments));
    }

    internal static bool IsIptablesStep(PlanStep step) => step.Command.Program == Tool(ipv6: false) || step.Command.Program == Tool(ipv6: true);

    /// <summary>
    /// The kernel transactions a plan makes in iptables: one per iptables process the executor runs for it, one per
    /// table section of each iptables-restore (it commits a section at a time), one per run deleted in-process.
    /// </summary>
    internal static int Transactions(IReadOnlyList<PlanStep> steps)
    {
        var count = 0;
        for (var i = 0; i < steps.Count;)
        {
            var length = PlanExecutor.GroupLength(steps, i, failAt: 0);
            if (IsIptablesStep(steps[i]))
            {
                var commands = steps.Skip(i).Take(length).Select(s => s.Command).ToList();
                // Deleted in-process, a run is one transaction; a restore is one per section.
                count += length == 1 || IptablesNetlink.Deletes(commands) ? 1 : IptablesBatch.Sections(commands).Count;
            }
            i += length;
        }
        return count;
    }

    /// <summary>
    /// Brings a family's ruleset up to date with one applied `iptables -w -t TABLE` step, as iptables-save would show it
    /// next. False where that cannot be told for sure: a table that did not exist (iptables-nft makes its built-in
    /// chains on demand), a chain not read, a rule to delete not found as it was read.
    /// </summary>
    internal static bool Replay(IptablesSnapshot? part, IReadOnlyList<string> args)
    {
        if (part is null || args.Count < 5 || args[0] != "-w" || args[1] != "-t")
        {
            return false;
        }
        var ruleset = part.Ruleset;
        var (table, op, name) = (args[2], args[3], args[4]);
        if (!ruleset.Chains.Any(c => c.Table == table))
        {
            return false;
        }
        if (op == "-N")
        {
            if (ruleset.Chain(table, name) is not null)
            {
                return false;
            }
            ruleset.GetOrAdd(table, name, owned: IsOwnChain(name));
            return true;
        }
        if (op == "-X")
        {
            return ruleset.RemoveChain(table, name);
        }
        if (ruleset.Chain(table, name) is not { } chain)
        {
            return false;
        }
        switch (op)
        {
            case "-A":
                ruleset.Append(ParseChainRule(table, name, args.Skip(5).ToList()));
                return true;
            case "-I" when args.Count > 5 && int.TryParse(args[5], NumberStyles.None, CultureInfo.InvariantCulture, out var position)
                           && position >= 1 && position <= chain.Rules.Count + 1:
                chain.InsertAt(position - 1, ParseChainRule(table, name, args.Skip(6).ToList()));
                return true;
            case "-D":
                var spec = args.Skip(5).ToList();
                var index = chain.Rules.FindIndex(r => r.NativeSpec.SequenceEqual(spec));
                if (index < 0)
                {
                    return false;
                }
                chain.RemoveAt(index);
                return true;
            default:
                return false;
        }
    }

    /// <summary>Plans the removal of rules from one family's tables (rules of the other family are not found there).</summary>
    private static void PlanRemoveIn(IptablesSnapshot own, IEnumerable<FirewallRule> rules, Plan plan, IEnumerable<(FirewallTable, FirewallHook)>? alsoIfEmpty)
    {
        var v6 = own.IsV6;
        var touched = new HashSet<(FirewallTable, FirewallHook)>();
        foreach (var rule in rules.OrderBy(r => r.Table).ToList())
        {
            // The very instance the snapshot handed out, else an equal rule (the first, as iptables -D takes the first match).
            var tagged = own.Entries.WithTag(rule.Tag);
            var live = tagged.FirstOrDefault(e => ReferenceEquals(e.Rule, rule)) ?? tagged.FirstOrDefault(e => e.Rule == rule);
            if (live is null)
            {
                continue;
            }
            PlanDelete(own, plan, live.Rule.Table, OwnChain(live.Rule.Hook), live.Spec);
            own.Entries.Remove(live);
            touched.Add((live.Rule.Table, live.Rule.Hook));
        }
        // A module chain left empty goes, with its jump, so teardown leaves the firewall as it was found; so does one the
        // caller names that was empty already (flushed by hand, or left by a run killed between -N and -A).
        foreach (var (table, hook) in touched.Concat(alsoIfEmpty ?? Enumerable.Empty<(FirewallTable, FirewallHook)>()).Distinct().ToList())
        {
            if (own.Entries.AnyIn(table, hook))
            {
                continue;
            }
            foreach (var jump in own.Jumps.Where(j => j.Table == table && j.Hook == hook).ToList())
            {
                PlanDelete(own, plan, table, BuiltinChain(hook), jump.Spec);
                own.Jumps.Remove(jump);
            }
            if (own.OwnChains.Remove((table, hook)))
            {
                plan.Add(Command(v6, table, "-X", OwnChain(hook)), Command(v6, table, "-N", OwnChain(hook)));
                own.Order.Remove((table, OwnChain(hook)));
            }
        }
    }

    /// <summary>
    /// Deletes a rule; its undo inserts it back at the position it had (`-I CHAIN N`), not at the end: a rollback
    /// that appended reordered the chain, which for a jump in a built-in chain also moved it past other tools' rules.
    /// The position is the one the rule has when its deletion runs, after the deletions planned before it; undone
    /// newest first, each insertion then finds the chain as it was.
    /// </summary>
    private static void PlanDelete(IptablesSnapshot snapshot, Plan plan, FirewallTable table, string chain, IReadOnlyList<string> spec)
    {
        var v6 = snapshot.IsV6;
        var delete = Command(v6, table, "-D", chain, spec);
        if (snapshot.Order.TryGetValue((table, chain), out var rules))
        {
            // iptables -D removes the first rule that matches, so that is the one whose place is kept.
            var index = rules.FindIndex(r => r.SequenceEqual(spec));
            if (index >= 0)
            {
                rules.RemoveAt(index);
                var position = (index + 1).ToString(CultureInfo.InvariantCulture);
                plan.Add(delete, Command(v6, table, new[] { "-I", chain, position }.Concat(spec).ToArray()));
                return;
            }
        }
        plan.Add(delete, Command(v6, table, "-A", chain, spec));
    }

    /// <summary>Appends a rule (undo: delete it), keeping the planned order current for deletions planned after it.</summary>
    private static void PlanAppend(IptablesSnapshot snapshot, Plan plan, FirewallTable table, string chain, IReadOnlyList<string> spec)
    {
        var v6 = snapshot.IsV6;
        plan.Add(Command(v6, table, "-A", chain, spec), Command(v6, table, "-D", chain, spec));
        if (!snapshot.Order.TryGetValue((table, chain), out var rules))
        {
            snapshot.Order[(table, chain)] = rules = new List<IReadOnlyList<string>>();
        }
        rules.Add(spec);
    }

    /// <summary>Inserts a rule first in a chain (undo: delete it), keeping the planned order current.</summary>
    private static void PlanInsertFirst(IptablesSnapshot snapshot, Plan plan, FirewallTable table, string chain, IReadOnlyList<string> spec)
    {
        var v6 = snapshot.IsV6;
        if (!snapshot.Order.TryGetValue((table, chain), out var rules))
        {
            snapshot.Order[(table, chain)] = rules = new List<IReadOnlyList<string>>();
        }
        // First, but after Docker's jump to DOCKER-USER: Docker keeps that jump first in FORWARD so that a user's own
        // rules there filter every forwarded packet, the module's bridges' included (moby's "DOCKER-USER" contract).
        var at = rules.FindLastIndex(IsDockerUserJump) + 1;
        plan.Add(Command(v6, table, new[] { "-I", chain, (at + 1).ToString(CultureInfo.InvariantCulture) }.Concat(spec).ToArray()), Command(v6, table, "-D", chain, spec));
        rules.Insert(at, spec);
    }

    /// <summary>The jump Docker puts first in FORWARD: `-A FORWARD -j DOCKER-USER`.</summary>
    private static bool IsDockerUserJump(IReadOnlyList<string> spec) => spec.Count == 2 && spec[0] == "-j" && spec[1] == DockerUserChain;

    /// <summary>Docker's chain for a user's own forwarding rules, reached first from FORWARD.</summary>
    public const string DockerUserChain = "DOCKER-USER";

    /// <summary>
    /// Whether iptables' filter FORWARD drops what no rule of it accepts: its policy is DROP, or its last rule is a
    /// DROP or REJECT (as Docker's iptables mode, ufw and firewalld's iptables backend leave it). nftables' accept
    /// does not override that: a packet must be accepted on every base chain of the hook.
    /// </summary>
    public static bool ForwardDrops(FirewallSnapshot snapshot) => Drops(Own(snapshot).Ruleset.Chain("filter", BuiltinChain(FirewallHook.Forward)));

    /// <summary>Whether a built-in chain drops what no rule of it accepts: policy DROP, or a last rule that drops or rejects.</summary>
    public static bool Drops(FirewallChain? chain) =>
        chain is not null && (chain.Policy == "DROP" || chain.Rules.LastOrDefault()?.Target is "DROP" or "REJECT");

    bool IFirewallDriver.ForwardPathDrops(FirewallSnapshot snapshot) => ForwardDrops(snapshot);

    /// <summary>IPv4 where iptables' filter FORWARD drops, IPv6 where ip6tables' does (read only where ip6tables is installed).</summary>
    public static FirewallFamilies ForwardDropFamilies(FirewallSnapshot snapshot) =>
        (ForwardDrops(snapshot) ? FirewallFamilies.Ipv4 : FirewallFamilies.None)
        | (Own(snapshot).V6 is { } v6 && Drops(v6.Ruleset.Chain("filter", BuiltinChain(FirewallHook.Forward))) ? FirewallFamilies.Ipv6 : FirewallFamilies.None);

    FirewallFamilies IFirewallDriver.ForwardDropFamilies(FirewallSnapshot snapshot) => ForwardDropFamilies(snapshot);

    // ---- for the diagnostics ----

    /// <summary>iptables-save holds every table and chain already; always a whole read, which the planning read after it then copies.</summary>
    public FirewallSnapshot ReadForDiagnostics(IProcessRunner runner, CancellationToken token) => Read(runner, token, cached: false);

    /// <summary>Nothing: the cmdlet that made the chain's rules puts its jump back.</summary>
    public string RepairUnreached(FirewallSnapshot snapshot, FirewallTable table, FirewallHook hook) => "";

    public string DescribeUnreached(FirewallSnapshot snapshot, FirewallTable table, FirewallHook hook) =>
        $"no jump from {HookName(table, hook)} to {ChainName(table, hook)}";

    /// <summary>The built-in chains are the only ones of their hook: the same as <see cref="RepairInsert"/>.</summary>
    public string RepairAcceptIn(string table, string chain, FirewallRule rule) => RepairInsert(rule);

    public string HookName(FirewallTable table, FirewallHook hook) => $"{TableName(table)} {BuiltinChain(hook)}";

    public string ChainName(FirewallTable table, FirewallHook hook) => OwnChain(hook);

    public string ForwardAcceptChains(FirewallSnapshot snapshot) => OwnChain(FirewallHook.Forward);

    /// <summary>iptables -w -t TABLE -I CHAIN SPEC, with the match of the module chain's jump and without the tag.</summary>
    public string RepairInsert(FirewallRule rule)
    {
        var jump = JumpSpec(rule.Table, rule.Hook);
        var match = jump.Take(jump.Count - 2);
        var spec = Spec(rule).ToList();
        var comment = spec.IndexOf("comment");
        if (comment > 0)
        {
            spec.RemoveRange(comment - 1, 4);
        }
        return new CommandSpec("iptables", new[] { "-w", "-t", TableName(rule.Table), "-I", BuiltinChain(rule.Hook) }.Concat(match).Concat(spec)).Render();
    }

    /// <summary>iptables -w -t TABLE -D CHAIN SPEC: deletes exactly that rule.</summary>
    public string RepairDelete(ChainRule rule) =>
        new CommandSpec("iptables", new[] { "-w", "-t", rule.Table, "-D", rule.Chain }.Concat(rule.NativeSpec)).Render();

    /// <summary>What iptables-legacy-save and iptables-nft-save print, and which of them `iptables` is.</summary>
    public BackendFacts ReadBackends(FirewallSnapshot snapshot, IProcessRunner runner, CancellationToken token) =>
        new(snapshot.Ruleset.Backend ?? ActiveBackendFromPath("iptables"), Save(runner, "iptables-legacy-save", token), Save(runner, "iptables-nft-save", token));

    /// <summary>What iptables-legacy-save and iptables-nft-save print, for another driver: `iptables` is whichever PATH names.</summary>
    public static BackendFacts ReadSaveTools(IProcessRunner runner, CancellationToken token) =>
        new(ActiveBackendFromPath("iptables"), Save(runner, "iptables-legacy-save", token), Save(runner, "iptables-nft-save", token));

    /// <summary>iptables-nft-save's output, parsed; null when it is missing or fails.</summary>
    public static FirewallRuleset? SaveNft(IProcessRunner runner, CancellationToken token) => Save(runner, "iptables-nft-save", token);

    /// <summary>iptables-legacy-save's output, parsed; null when it is missing or fails.</summary>
    public static FirewallRuleset? SaveLegacy(IProcessRunner runner, CancellationToken token) => Save(runner, "iptables-legacy-save", token);

    /// <summary>
    /// Moves the other backend's rules into the one `iptables` uses (so they still apply, and show), then empties it.
    /// ACCEPT policies stay behind: copied, they would open a chain the active backend keeps at DROP. Each step runs
    /// only if the one before succeeded (&amp;&amp; works alike in pwsh 7 and bash).
    /// </summary>
    public string RepairBackendSplit(BackendFacts b)
    {
        var split = b.IsSplit;
        if (!split)
        {
            return "";
        }
        var (from, to, stray) = b.Active == "legacy" ? ("nft", "legacy", b.Nft!) : ("legacy", "nft", b.Legacy!);
        var commands = new List<string> { $"iptables-{from}-save | grep -v '^:[A-Z]* ACCEPT ' | iptables-{to}-restore --noflush" };
        foreach (var table in stray.TablesInUse())
        {
            commands.Add($"iptables-{from} -w -t {table} -F");
            commands.Add($"iptables-{from} -w -t {table} -X");
            foreach (var chain in stray.Chains.Where(c => c.Table == table && c.Policy is not null && c.Policy != "ACCEPT"))
            {
                commands.Add($"iptables-{from} -w -t {table} -P {chain.Name} ACCEPT");
            }
        }
        return string.Join(" && ", commands);
    }

    /// <summary>What one backend's save tool prints, parsed; null when the tool is missing or fails.</summary>
    private static FirewallRuleset? Save(IProcessRunner runner, string tool, CancellationToken token)
    {
        try
        {
            var result = runner.Run(new CommandSpec(tool), token);
            return result.Succeeded ? ParseRuleset(result.StandardOutput) : null;
        }
        catch (NetNsException)
        {
            return null;
        }
    }

    /// <summary>The backend a tool (`iptables`, `ip6tables`) on PATH points to: xtables-nft-multi or xtables-legacy-multi.</summary>
    internal static string? ActiveBackendFromPath(string tool)
    {
        try
        {
            var path = ProcessRunner.ResolveProgram(tool);
            var target = File.ResolveLinkTarget(path, returnFinalTarget: true)?.Name ?? Path.GetFileName(path);
            return target.Contains("nft", StringComparison.Ordinal) ? "nf_tables" : target.Contains("legacy", StringComparison.Ordinal) ? "legacy" : null;
        }
        catch (Exception e) when (e is NetNsException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Splits an iptables-save line into arguments, honouring its double quotes.</summary>
    public static List<string> Tokenize(string line)
    {
        var tokens = new List<string>();
        var current = new StringBuilder();
        var inQuotes = false;
        var hasToken = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (inQuotes)
            {
                if (c == '\\' && i + 1 < line.Length)
                {
                    current.Append(line[++i]);
                }
                else if (c == '"')
                {
                    inQuotes = false;
                }
                else
                {
                    current.Append(c);
                }
            }
            else if (c == '"')
            {
                inQuotes = true;
                hasToken = true;
            }
            else if (c == ' ')
            {
                if (hasToken || current.Length > 0)
                {
                    tokens.Add(current.ToString());
                    current.Clear();
                    hasToken = false;
                }
            }
            else
            {
                current.Append(c);
            }
        }
        if (hasToken || current.Length > 0)
        {
            tokens.Add(current.ToString());
        }
        return tokens;
    }
}
