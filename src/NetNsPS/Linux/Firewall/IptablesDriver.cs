using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Text;
using System.Threading;

namespace NetNsPS.Linux.Firewall;

/// <summary>
/// iptables: module rules live in NETNSPS-* chains, each reached by one jump from its built-in chain.
/// Reads with one iptables-save; every change is an `iptables -w` command (waits for the xtables lock).
/// </summary>
public sealed class IptablesDriver : IFirewallDriver
{
    public const string ChainPrefix = "NETNSPS-";
    public static readonly IptablesDriver Instance = new();

    public static string TableName(FirewallTable table) => table.ToString().ToLowerInvariant();

    public static string BuiltinChain(FirewallHook hook) => hook.ToString().ToUpperInvariant();

    public static string OwnChain(FirewallHook hook) => ChainPrefix + BuiltinChain(hook);

    /// <summary>The one jump into a module chain. nat PREROUTING/OUTPUT only for packets addressed to this host, as Docker does.</summary>
    public static IReadOnlyList<string> JumpSpec(FirewallTable table, FirewallHook hook) =>
        table == FirewallTable.Nat && hook is FirewallHook.Prerouting or FirewallHook.Output
            ? new[] { "-m", "addrtype", "--dst-type", "LOCAL", "-j", OwnChain(hook) }
            : new[] { "-j", OwnChain(hook) };

    public static CommandSpec Iptables(FirewallTable table, params string[] args) =>
        new("iptables", new[] { "-w", "-t", TableName(table) }.Concat(args));

    private static CommandSpec Iptables(FirewallTable table, string op, string chain, IEnumerable<string> spec) =>
        Iptables(table, new[] { op, chain }.Concat(spec).ToArray());

    public FirewallSnapshot Read(IProcessRunner runner, CancellationToken token)
    {
        var result = runner.Run(new CommandSpec("iptables-save"), token);
        if (!result.Succeeded)
        {
            if (KernelErrors.Categorize(result.ErrorText) == ErrorCategory.PermissionDenied && !Privileges.HasNetworkAdmin())
            {
                throw Privileges.ReadNeedsRoot("the firewall", "CAP_NET_ADMIN", $"iptables-save: {result.ErrorText}");
            }
            throw new NetNsException($"iptables-save: {result.ErrorText}", "FirewallReadFailed", KernelErrors.Categorize(result.ErrorText), "iptables-save");
        }
        return Parse(result.StandardOutput);
    }

    /// <summary>Parses iptables-save output, keeping only what concerns NETNSPS-* chains.</summary>
    public static FirewallSnapshot Parse(string save)
    {
        var rules = new List<LiveRule>();
        var chains = new List<(FirewallTable, FirewallHook)>();
        var jumps = new List<(FirewallTable, FirewallHook, IReadOnlyList<string>)>();
        var order = new Dictionary<(FirewallTable, string), List<IReadOnlyList<string>>>();
        FirewallTable? table = null;
        foreach (var rawLine in save.Split('\n'))
        {
            var line = rawLine.TrimEnd('\r');
            if (line.StartsWith('*'))
            {
                table = Enum.TryParse<FirewallTable>(line[1..], ignoreCase: true, out var t) ? t : null;
                continue;
            }
            if (table is not { } tbl)
            {
                continue;
            }
            if (line.StartsWith(':' + ChainPrefix, StringComparison.Ordinal))
            {
                var name = line[1..].Split(' ')[0];
                if (HookOf(name) is { } hook)
                {
                    chains.Add((tbl, hook));
                }
                continue;
            }
            if (!line.StartsWith("-A ", StringComparison.Ordinal))
            {
                continue;
            }
            var tokens = Tokenize(line);
            var chain = tokens[1];
            var spec = tokens.Skip(2).ToList();
            if (!order.TryGetValue((tbl, chain), out var inChain))
            {
                order[(tbl, chain)] = inChain = new List<IReadOnlyList<string>>();
            }
            inChain.Add(spec);
            if (HookOf(chain) is { } own)
            {
                rules.Add(new LiveRule(ParseRule(tbl, own, spec), spec));
            }
            else if (spec.Count >= 2 && spec[^2] == "-j" && spec[^1].StartsWith(ChainPrefix, StringComparison.Ordinal)
                     && Enum.TryParse<FirewallHook>(chain, ignoreCase: true, out var builtin) && OwnChain(builtin) == spec[^1])
            {
                jumps.Add((tbl, builtin, spec));
            }
        }
        return new FirewallSnapshot(rules, chains, jumps, order);
    }

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
        if (rule.Action == FirewallAction.Dnat && rule.DnatTo is not null) Add("--to-destination", rule.DnatTo);
        return args;
    }

    public static FirewallRule ParseRule(FirewallTable table, FirewallHook hook, IReadOnlyList<string> spec)
    {
        string? source = null, destination = null, input = null, output = null, protocol = null, tag = null, dnat = null, target = null;
        int? port = null;
        bool notOut = false, local = false, established = false, negate = false;
        var unknown = new StringBuilder();
        for (var i = 0; i < spec.Count; i++)
        {
            var token = spec[i];
            string Next() => i + 1 < spec.Count ? spec[++i] : "";
            switch (token)
            {
                case "!": negate = true; continue;
                case "-s": source = Next(); break;
                case "-d": destination = Next(); break;
                case "-i": input = Next(); break;
                case "-o": output = Next(); notOut = negate; negate = false; continue;
                case "-p": protocol = Next(); break;
                case "-m": Next(); break;
                case "--src-type" when spec.ElementAtOrDefault(i + 1) == "LOCAL": local = true; i++; break;
                case "--ctstate" when spec.ElementAtOrDefault(i + 1) == "RELATED,ESTABLISHED": established = true; i++; break;
                case "--dport": port = int.TryParse(Next(), NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : -1; break;
                case "--comment": tag = Next(); break;
                case "-j": target = Next(); break;
                case "--to-destination": dnat = Next(); break;
                default: unknown.Append(token).Append(' '); break;
            }
            if (negate)
            {
                unknown.Append("! ");
                negate = false;
            }
        }
        var action = Enum.TryParse<FirewallAction>(target, ignoreCase: true, out var a) ? a : FirewallAction.Accept;
        if (!Enum.TryParse<FirewallAction>(target, ignoreCase: true, out _))
        {
            unknown.Append("-j ").Append(target);
        }
        return new FirewallRule(table, hook, tag ?? "", action)
        {
            Source = source,
            Destination = destination,
            InInterface = input,
            OutInterface = output,
            NotOutInterface = notOut,
            Protocol = protocol,
            DestinationPort = port,
            SourceIsLocal = local,
            EstablishedOnly = established,
            DnatTo = dnat,
            Unrecognized = unknown.Length == 0 ? null : unknown.ToString().Trim(),
        };
    }

    public void PlanEnsure(FirewallSnapshot snapshot, IEnumerable<FirewallRule> rules, Plan plan)
    {
        foreach (var rule in rules)
        {
            if (snapshot.Rules.Any(r => r.Rule == rule))
            {
                continue;
            }
            // A rule of ours that was edited by hand: replace it rather than add a second one.
            foreach (var stale in snapshot.Rules.Where(r => r.Rule.Tag == rule.Tag && r.Rule.Table == rule.Table && r.Rule.Hook == rule.Hook).ToList())
            {
                PlanDelete(snapshot, plan, stale.Rule.Table, OwnChain(stale.Rule.Hook), stale.NativeSpec);
                snapshot.Rules.Remove(stale);
            }
            var key = (rule.Table, rule.Hook);
            if (!snapshot.Chains.Contains(key))
            {
                plan.Add(Iptables(rule.Table, "-N", OwnChain(rule.Hook)), Iptables(rule.Table, "-X", OwnChain(rule.Hook)));
                snapshot.Chains.Add(key);
                snapshot.Order[(rule.Table, OwnChain(rule.Hook))] = new List<IReadOnlyList<string>>();
            }
            if (!snapshot.Jumps.Any(j => j.Table == rule.Table && j.Hook == rule.Hook))
            {
                var jump = JumpSpec(rule.Table, rule.Hook);
                PlanAppend(snapshot, plan, rule.Table, BuiltinChain(rule.Hook), jump);
                snapshot.Jumps.Add((rule.Table, rule.Hook, jump));
            }
            var spec = Spec(rule);
            PlanAppend(snapshot, plan, rule.Table, OwnChain(rule.Hook), spec);
            snapshot.Rules.Add(new LiveRule(rule, spec));
        }
    }

    public void PlanRemove(FirewallSnapshot snapshot, IEnumerable<LiveRule> rules, Plan plan, IEnumerable<(FirewallTable, FirewallHook)>? alsoIfEmpty = null)
    {
        var touched = new HashSet<(FirewallTable, FirewallHook)>();
        foreach (var live in rules.ToList())
        {
            PlanDelete(snapshot, plan, live.Rule.Table, OwnChain(live.Rule.Hook), live.NativeSpec);
            snapshot.Rules.Remove(live);
            touched.Add((live.Rule.Table, live.Rule.Hook));
        }
        // A module chain left empty goes, with its jump, so teardown leaves the firewall as it was found; so does one the
        // caller names that was empty already (flushed by hand, or left by a run killed between -N and -A).
        foreach (var (table, hook) in touched.Concat(alsoIfEmpty ?? Enumerable.Empty<(FirewallTable, FirewallHook)>()).Distinct().ToList())
        {
            if (snapshot.Rules.Any(r => r.Rule.Table == table && r.Rule.Hook == hook))
            {
                continue;
            }
            foreach (var jump in snapshot.Jumps.Where(j => j.Table == table && j.Hook == hook).ToList())
            {
                PlanDelete(snapshot, plan, table, BuiltinChain(hook), jump.NativeSpec);
                snapshot.Jumps.Remove(jump);
            }
            if (snapshot.Chains.Remove((table, hook)))
            {
                plan.Add(Iptables(table, "-X", OwnChain(hook)), Iptables(table, "-N", OwnChain(hook)));
                snapshot.Order.Remove((table, OwnChain(hook)));
            }
        }
    }

    /// <summary>
    /// Deletes a rule; its undo inserts it back at the position it had (`-I CHAIN N`), not at the end: a rollback
    /// that appended reordered the chain, which for a jump in a built-in chain also moved it past other tools' rules.
    /// The position is the one the rule has when its deletion runs, after the deletions planned before it; undone
    /// newest first, each insertion then finds the chain as it was.
    /// </summary>
    private static void PlanDelete(FirewallSnapshot snapshot, Plan plan, FirewallTable table, string chain, IReadOnlyList<string> spec)
    {
        var delete = Iptables(table, "-D", chain, spec);
        if (snapshot.Order.TryGetValue((table, chain), out var rules))
        {
            // iptables -D removes the first rule that matches, so that is the one whose place is kept.
            var index = rules.FindIndex(r => r.SequenceEqual(spec));
            if (index >= 0)
            {
                rules.RemoveAt(index);
                var position = (index + 1).ToString(CultureInfo.InvariantCulture);
                plan.Add(delete, Iptables(table, new[] { "-I", chain, position }.Concat(spec).ToArray()));
                return;
            }
        }
        plan.Add(delete, Iptables(table, "-A", chain, spec));
    }

    /// <summary>Appends a rule (undo: delete it), keeping the planned order current for deletions planned after it.</summary>
    private static void PlanAppend(FirewallSnapshot snapshot, Plan plan, FirewallTable table, string chain, IReadOnlyList<string> spec)
    {
        plan.Add(Iptables(table, "-A", chain, spec), Iptables(table, "-D", chain, spec));
        if (!snapshot.Order.TryGetValue((table, chain), out var rules))
        {
            snapshot.Order[(table, chain)] = rules = new List<IReadOnlyList<string>>();
        }
        rules.Add(spec);
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
