using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using System.Net;
using System.Text.Json;
using System.Threading;
using NetNsPS.Linux.Firewall.Iptables;
using NetNsPS.Linux.Netlink;

namespace NetNsPS.Linux.Firewall.Nftables;

/// <summary>
/// The rest of the nftables ruleset, for the diagnostics: what `list ruleset` shows besides the module's rules. Every
/// other table's chains (named "family table", as "inet othertool" or "ip filter"), base chains with their hook,
/// priority and policy, rules in the driver-neutral <see cref="ChainRule"/> terms; and how the module's own chains
/// were found hooked (one may have been re-made by hand as a regular chain, which nothing reaches). iptables-nft's
/// tables (ip filter, nat, raw, mangle, security) take their rules from iptables-nft-save when it can be read, since
/// nft shows their xtables matches and targets without their options.
/// </summary>
public sealed class NftablesHost
{
    /// <summary>iptables-nft's tables, by name (family ip).</summary>
    public static readonly IReadOnlyList<string> XtablesTables = new[] { "filter", "nat", "raw", "mangle", "security" };

    /// <summary>A chain of the module as read: its hook (null for a regular chain) and policy.</summary>
    public sealed record OwnChain(BaseHook? Hook, string? Policy);

    private NftablesHost(FirewallRuleset others, IReadOnlyList<string> tables, IReadOnlyDictionary<string, OwnChain> own)
    {
        Others = others;
        Tables = tables;
        Own = own;
    }

    /// <summary>Every chain not one of the module's base chains (others' tables, and strays in the module's table).</summary>
    public FirewallRuleset Others { get; }

    /// <summary>The tables as "family name", in the order listed (creation order: the order equal priorities run in).</summary>
    public IReadOnlyList<string> Tables { get; }

    /// <summary>The module's chains as read, by name.</summary>
    public IReadOnlyDictionary<string, OwnChain> Own { get; }

    /// <summary>The hook a module chain must have: <see cref="NftablesLayout.ChainSpec"/>'s, as `list` shows it.</summary>
    public static BaseHook Expected(FirewallTable table, FirewallHook hook) =>
        new(NftablesLayout.Family, table == FirewallTable.Nat ? "nat" : "filter", hook.ToString().ToLowerInvariant(), NftablesLayout.Priority(table, hook));

    /// <summary>Whether the module's chain of the hook is a base chain on it, at its priority (false also when it is not there).</summary>
    public bool IsHooked(FirewallTable table, FirewallHook hook) =>
        Own.TryGetValue(NftablesLayout.ChainName(table, hook), out var c) && c.Hook == Expected(table, hook);

    /// <summary>The whole ruleset: the module's chains (<paramref name="module"/>, hooked as read, or as made when new) among everybody else's.</summary>
    public FirewallRuleset Merge(FirewallRuleset module)
    {
        var result = new FirewallRuleset { Backend = "nf_tables" };
        var tables = Tables.Contains(NftablesLayout.Table) ? Tables : Tables.Append(NftablesLayout.Table).ToList();
        foreach (var table in tables)
        {
            if (table == NftablesLayout.Table)
            {
                foreach (var chain in module.Chains)
                {
                    var read = Own.GetValueOrDefault(chain.Name);
                    var made = NftablesLayout.HookOf(chain.Name) is { } h ? Expected(h.Table, h.Hook) : null;
                    var hook = read is null ? made : read.Hook;
                    var c = result.GetOrAdd(chain.Table, chain.Name, hook is null ? null : read?.Policy ?? "ACCEPT", owned: true);
                    c.Hook = hook;
                    c.Rules.AddRange(chain.Rules);
                }
            }
            foreach (var chain in Others.Chains.Where(c => c.Table == table))
            {
                var c = result.GetOrAdd(chain.Table, chain.Name, chain.Policy, chain.Owned);
                c.Hook = chain.Hook;
                c.Rules.AddRange(chain.Rules);
            }
        }
        return result;
    }

    /// <summary>The same without one rule of somebody else.</summary>
    public NftablesHost Without(ChainRule rule)
    {
        var others = Others.Clone();
        others.Chain(rule.Table, rule.Chain)?.Rules.RemoveAll(r => r.Position == rule.Position);
        return new NftablesHost(others, Tables, Own);
    }

    /// <summary>The command Read runs without libnftables: `nft -j -a list ruleset`.</summary>
    public static readonly CommandSpec ListCommand = new(NftCommand.Program, "-j", "-a", "list", "ruleset");

    /// <summary>
    /// Reads `list ruleset` in JSON once (libnftables, in-process), and iptables-nft-save when iptables-nft has tables:
    /// the module's snapshot with everybody else's chains attached.
    /// </summary>
    public static NftablesSnapshot Read(IProcessRunner runner, CancellationToken token)
    {
        token.ThrowIfCancellationRequested();
        ProcessResult result;
        if (NetlinkSession.Enabled)
        {
            try
            {
                result = LibNftables.Run("list ruleset", json: true);
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
            if (KernelErrors.Categorize(result.ErrorText) == ErrorCategory.PermissionDenied && !Privileges.HasNetworkAdmin())
            {
                throw Privileges.ReadNeedsRoot("the firewall", "CAP_NET_ADMIN", $"nft: {result.ErrorText}");
            }
            throw new NetNsException($"nft list ruleset: {result.ErrorText}", "FirewallReadFailed",
                KernelErrors.Categorize(result.ErrorText), ListCommand.Render());
        }
        var json = result.StandardOutput;
        var xtables = HasXtables(json) ? IptablesDriver.SaveNft(runner, token) : null;
        // x_tables (iptables-legacy) tables run beside nf_tables and nft cannot list them: their save tool can.
        var legacy = NftablesDriver.LegacyTablesLoaded() ? IptablesDriver.SaveLegacy(runner, token) : null;
        return Attach(json, xtables, legacy);
    }

    /// <summary>
    /// The snapshot of `list ruleset` JSON, with the rest of the ruleset attached (xtables: iptables-nft-save's, or
    /// null; legacy: iptables-legacy-save's, or null).
    /// </summary>
    public static NftablesSnapshot Attach(string json, FirewallRuleset? xtables, FirewallRuleset? legacy = null)
    {
        var snapshot = NftablesJson.Parse(json);
        snapshot.Host = Parse(json, xtables, legacy);
        snapshot.Freeze();
        return snapshot;
    }

    private static bool HasXtables(string json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return false;
        }
        using var doc = JsonDocument.Parse(json);
        return doc.RootElement.TryGetProperty("nftables", out var items) && items.EnumerateArray().Any(i =>
            i.TryGetProperty("table", out var t) && t.GetProperty("family").GetString() == "ip" && XtablesTables.Contains(t.GetProperty("name").GetString()));
    }

    /// <summary>Parses `list ruleset` JSON (nft 1.0.6, schema 1) for everything but the module's rules.</summary>
    public static NftablesHost Parse(string json, FirewallRuleset? xtables, FirewallRuleset? legacy = null)
    {
        var others = new FirewallRuleset { Backend = "nf_tables" };
        var tables = new List<string>();
        var own = new Dictionary<string, OwnChain>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(json))
        {
            return new NftablesHost(others, tables, own);
        }
        using var doc = JsonDocument.Parse(json);
        if (!doc.RootElement.TryGetProperty("nftables", out var items))
        {
            return new NftablesHost(others, tables, own);
        }
        string Key(JsonElement o, string tableProperty) => o.GetProperty("family").GetString() + " " + o.GetProperty(tableProperty).GetString();
        bool FromSave(JsonElement o, string tableProperty) =>
            xtables is not null && o.GetProperty("family").GetString() == "ip" && XtablesTables.Contains(o.GetProperty(tableProperty).GetString());
        var hooks = new Dictionary<(string, string), (BaseHook? Hook, string? Policy)>();
        foreach (var item in items.EnumerateArray())
        {
            if (item.TryGetProperty("table", out var table))
            {
                tables.Add(Key(table, "name"));
            }
            else if (item.TryGetProperty("chain", out var chain))
            {
                var key = Key(chain, "table");
                var name = chain.GetProperty("name").GetString() ?? "";
                var read = ReadHook(chain);
                if (key == NftablesLayout.Table && NftablesLayout.HookOf(name) is not null)
                {
                    own[name] = new OwnChain(read.Hook, read.Policy);
                }
                else if (FromSave(chain, "table"))
                {
                    hooks[(key, name)] = read;
                }
                else
                {
                    others.GetOrAdd(key, name, read.Policy).Hook = read.Hook;
                }
            }
            else if (item.TryGetProperty("rule", out var rule))
            {
                var key = Key(rule, "table");
                var name = rule.GetProperty("chain").GetString() ?? "";
                if ((key == NftablesLayout.Table && NftablesLayout.HookOf(name) is not null) || FromSave(rule, "table"))
                {
                    continue;
                }
                others.Append(ParseRule(key, name, rule));
            }
        }
        if (xtables is not null)
        {
            // iptables-nft's tables: the chains nft has, with iptables-nft-save's rules (its words, exact).
            foreach (var chain in xtables.Chains)
            {
                var key = "ip " + chain.Table;
                if (!tables.Contains(key))
                {
                    continue;
                }
                var read = hooks.GetValueOrDefault((key, chain.Name));
                var c = others.GetOrAdd(key, chain.Name, read.Hook is null ? null : read.Policy, chain.Owned);
                c.Hook = read.Hook;
                foreach (var r in chain.Rules)
                {
                    c.Rules.Add(r with { Table = key, NativeSpec = new[] { XtablesSpec, chain.Table }.Concat(r.NativeSpec).ToArray() });
                }
            }
        }
        if (legacy is not null)
        {
            AttachLegacy(others, legacy);
            tables.AddRange(legacy.Chains.Select(c => LegacyPrefix + c.Table).Distinct().Where(t => !tables.Contains(t)));
        }
        return new NftablesHost(others, tables, own);
    }

    /// <summary>NativeSpec's first word for a rule read from iptables-nft-save: then its iptables table and arguments.</summary>
    public const string XtablesSpec = "xtables";

    /// <summary>NativeSpec's first word for a rule read from iptables-legacy-save: then its iptables table and arguments.</summary>
    public const string LegacySpec = "legacy";

    /// <summary>The prefix of the diagnostics' table names for x_tables' tables: "legacy filter", "legacy nat".</summary>
    public const string LegacyPrefix = "legacy ";

    /// <summary>
    /// iptables-legacy's tables as tables of this ruleset ("legacy filter"), their built-in chains hooked where x_tables
    /// hooks them (the iptables priorities: raw -300, mangle -150, nat -100 / 100, filter 0, security 50), so a walk
    /// of a hook meets a legacy DROP as the kernel does: after nf_tables' accept, still a drop.
    /// </summary>
    internal static void AttachLegacy(FirewallRuleset ruleset, FirewallRuleset legacy)
    {
        foreach (var chain in legacy.Chains)
        {
            var key = LegacyPrefix + chain.Table;
            var c = ruleset.GetOrAdd(key, chain.Name, chain.Policy, chain.Owned);
            if (chain.Policy is not null && LegacyPriority(chain.Table, chain.Name) is { } priority)
            {
                c.Hook = new BaseHook("ip", chain.Table == "nat" ? "nat" : "filter", chain.Name.ToLowerInvariant(), priority);
            }
            foreach (var r in chain.Rules)
            {
                c.Rules.Add(r with { Table = key, NativeSpec = new[] { LegacySpec, chain.Table }.Concat(r.NativeSpec).ToArray() });
            }
        }
    }

    private static int? LegacyPriority(string table, string chain) => table switch
    {
        "raw" => -300,
        "mangle" => -150,
        "nat" => chain is "PREROUTING" or "OUTPUT" ? -100 : 100,
        "filter" => 0,
        "security" => 50,
        _ => null,
    };

    /// <summary>NativeSpec's first word for a rule of another nftables table: then family, table, chain, handle.</summary>
    public const string RulesetSpec = "ruleset";

    private static (BaseHook? Hook, string? Policy) ReadHook(JsonElement chain)
    {
        if (!chain.TryGetProperty("hook", out var hook) || !chain.TryGetProperty("type", out var type))
        {
            return (null, null);
        }
        var prio = chain.TryGetProperty("prio", out var p) && p.ValueKind == JsonValueKind.Number ? p.GetInt32() : 0;
        var policy = chain.TryGetProperty("policy", out var pol) ? pol.GetString()?.ToUpperInvariant() : "ACCEPT";
        return (new BaseHook(chain.GetProperty("family").GetString() ?? "", type.GetString() ?? "", hook.GetString() ?? "", prio), policy ?? "ACCEPT");
    }

    // ---- one rule ----

    /// <summary>A rule of `list ruleset` JSON as a ChainRule: the matches and verdicts modelled, anything else as Unrecognized.</summary>
    public static ChainRule ParseRule(string table, string chain, JsonElement json)
    {
        var handle = json.TryGetProperty("handle", out var h) ? h.GetInt64() : 0;
        var family = json.GetProperty("family").GetString() ?? "";
        var tableName = json.GetProperty("table").GetString() ?? "";
        var rule = new ChainRule
        {
            Table = table, Chain = chain,
            Comment = json.TryGetProperty("comment", out var c) ? c.GetString() : null,
            NativeSpec = new[] { RulesetSpec, family, tableName, chain, handle.ToString(CultureInfo.InvariantCulture) },
        };
        var unknown = new List<string>();
        var text = new List<string>();
        string? target = null;
        foreach (var e in json.GetProperty("expr").EnumerateArray())
        {
            var (next, shown, understood) = Expression(rule, e, target is not null);
            rule = next;
            text.Add(shown);
            if (!understood)
            {
                unknown.Add(e.GetRawText());
            }
            if (target is null && rule.Target.Length > 0)
            {
                target = rule.Target;
            }
        }
        return rule with { Text = string.Join(' ', text.Where(t => t.Length > 0)), Unrecognized = unknown.Count == 0 ? null : string.Join(' ', unknown) };
    }

    /// <summary>One expression: the rule with what it says, its text as nft lists it, and whether it was understood.</summary>
    private static (ChainRule Rule, string Text, bool Understood) Expression(ChainRule r, JsonElement e, bool afterVerdict)
    {
        if (e.TryGetProperty("match", out var m))
        {
            return afterVerdict ? (r, e.GetRawText(), false) : Match(r, m);
        }
        if (e.TryGetProperty("counter", out _))
        {
            return (r, "counter", true);
        }
        foreach (var (word, statement) in new[] { ("log", "log"), ("mangle", "(mark set)"), ("notrack", "notrack") })
        {
            if (e.TryGetProperty(word, out _))
            {
                return (r, statement, true);
            }
        }
        if (afterVerdict)
        {
            return (r, e.GetRawText(), false);
        }
        foreach (var (word, verdict) in new[] { ("accept", "ACCEPT"), ("drop", "DROP"), ("reject", "REJECT"), ("return", "RETURN"), ("queue", "QUEUE") })
        {
            if (e.TryGetProperty(word, out _))
            {
                return (r with { Target = verdict }, word, true);
            }
        }
        if (e.TryGetProperty("continue", out _))
        {
            return (r, "continue", true);
        }
        if (e.TryGetProperty("jump", out var jump) || e.TryGetProperty("goto", out jump))
        {
            var isGoto = e.TryGetProperty("goto", out _);
            var to = jump.GetProperty("target").GetString() ?? "";
            return (r with { Target = to, IsGoto = isGoto }, (isGoto ? "goto " : "jump ") + to, true);
        }
        if (e.TryGetProperty("masquerade", out _))
        {
            return (r with { Target = "MASQUERADE" }, "masquerade", true);
        }
        if (e.TryGetProperty("dnat", out var dnat) || e.TryGetProperty("snat", out dnat) || e.TryGetProperty("redirect", out dnat))
        {
            var kind = e.TryGetProperty("dnat", out _) ? "dnat" : e.TryGetProperty("snat", out _) ? "snat" : "redirect";
            string? to = null;
            var known = dnat.ValueKind == JsonValueKind.Null;
            if (dnat.ValueKind == JsonValueKind.Object && dnat.TryGetProperty("addr", out var addr) && addr.ValueKind == JsonValueKind.String
                && IPAddress.TryParse(addr.GetString(), out var address))
            {
                known = true;
                to = address.ToString();
                if (dnat.TryGetProperty("port", out var port))
                {
                    known = port.ValueKind == JsonValueKind.Number;
                    to += ":" + port.GetRawText();
                }
            }
            var shown = to is null ? kind + " " + dnat.GetRawText() : $"{kind} ip to {to}";
            return (r with { Target = kind.ToUpperInvariant(), ToDestination = to }, shown, known);
        }
        if (e.TryGetProperty("xt", out var xt))
        {
            // iptables-nft's xtables extensions: nft knows their names, not their options.
            var name = xt.TryGetProperty("name", out var n) ? n.GetString() ?? "" : "";
            var isTarget = xt.TryGetProperty("type", out var t) && t.GetString() == "target";
            if (!isTarget)
            {
                return (r, $"xt match \"{name}\"", name == "comment");
            }
            return (r with { Target = name }, $"xt target \"{name}\"", name is "MASQUERADE" or "ACCEPT" or "DROP" or "REJECT" or "RETURN");
        }
        return (r, e.GetRawText(), false);
    }

    private static (ChainRule, string, bool) Match(ChainRule r, JsonElement m)
    {
        var op = m.GetProperty("op").GetString() ?? "";
        var left = m.GetProperty("left");
        var right = m.GetProperty("right");
        var not = op == "!=";
        var eq = op is "==" or "in";
        var shownOp = not ? "!= " : "";
        var raw = (r, "{\"match\": " + m.GetRawText() + "}", false);
        if (!eq && !not)
        {
            return raw;
        }
        if (left.TryGetProperty("meta", out var meta) && meta.TryGetProperty("key", out var keyEl))
        {
            var key = keyEl.GetString();
            if (key is "iifname" or "oifname" or "iif" or "oif" && right.ValueKind == JsonValueKind.String)
            {
                var name = right.GetString() ?? "";
                var pattern = name.EndsWith('*') ? name[..^1] + "+" : name;
                var shown = $"{key} {shownOp}\"{name}\"";
                return key is "iifname" or "iif"
                    ? (r with { InInterface = pattern, NotInInterface = not }, shown, true)
                    : (r with { OutInterface = pattern, NotOutInterface = not }, shown, true);
            }
            if (key == "l4proto" && right.ValueKind == JsonValueKind.String)
            {
                return (r with { Protocol = right.GetString(), NotProtocol = not }, $"meta l4proto {shownOp}{right.GetString()}", true);
            }
            if (key == "nfproto" && right.ValueKind == JsonValueKind.String)
            {
                var v6 = right.GetString() == "ipv6";
                return (v6 != not ? r with { Ipv6Only = true } : r, $"meta nfproto {shownOp}{right.GetString()}", true);
            }
            return raw;
        }
        if (left.TryGetProperty("payload", out var payload) && payload.TryGetProperty("protocol", out var protoEl) && payload.TryGetProperty("field", out var fieldEl))
        {
            var proto = protoEl.GetString();
            var field = fieldEl.GetString();
            if (proto == "ip6")
            {
                // Only IPv6 packets have an IPv6 header: the IPv4 packets followed never match.
                return (r with { Ipv6Only = true }, $"ip6 {field} {shownOp}{Shown(right)}", true);
            }
            if (proto == "ip" && field is "saddr" or "daddr" && Prefix(right) is { } prefix)
            {
                var shown = $"ip {field} {shownOp}{Shown(right)}";
                return field == "saddr"
                    ? (r with { Source = prefix, NotSource = not }, shown, true)
                    : (r with { Destination = prefix, NotDestination = not }, shown, true);
            }
            if (proto == "ip" && field == "protocol" && right.ValueKind == JsonValueKind.String)
            {
                return (r with { Protocol = right.GetString(), NotProtocol = not }, $"ip protocol {shownOp}{right.GetString()}", true);
            }
            if (proto is "tcp" or "udp" or "th" && field == "dport" && right.ValueKind == JsonValueKind.Number)
            {
                var port = right.GetInt32();
                var shown = $"{proto} dport {shownOp}{port.ToString(CultureInfo.InvariantCulture)}";
                var withProto = proto == "th" ? r : r with { Protocol = proto, NotProtocol = false };
                return (withProto with { DestinationPort = port, NotDestinationPort = not }, shown, true);
            }
            return raw;
        }
        if (left.TryGetProperty("fib", out var fib) && fib.TryGetProperty("result", out var result) && result.GetString() == "type"
            && fib.TryGetProperty("flags", out var flags) && right.ValueKind == JsonValueKind.String && right.GetString() == "local")
        {
            var which = string.Join(',', flags.EnumerateArray().Select(f => f.GetString()));
            var shown = $"fib {which} type {shownOp}local";
            return which switch
            {
                "saddr" => (r with { SourceIsLocal = !not }, shown, true),
                "daddr" => (r with { DestinationIsLocal = !not }, shown, true),
                _ => raw,
            };
        }
        // ct state (a set such as firewalld's `{ established, related }` too), and ct status dnat, which iptables
        // calls the virtual state DNAT (`-m conntrack --ctstate DNAT`; firewalld accepts DNATed connections by it).
        if (left.TryGetProperty("ct", out var ct) && ct.TryGetProperty("key", out var ctKey) && ctKey.GetString() is "state" or "status")
        {
            var key = ctKey.GetString();
            var values = right.ValueKind == JsonValueKind.Object && right.TryGetProperty("set", out var set) ? set : right;
            var states = values.ValueKind == JsonValueKind.Array ? values.EnumerateArray().Select(s => s.ValueKind == JsonValueKind.String ? s.GetString() ?? "" : "").ToList()
                : values.ValueKind == JsonValueKind.String ? new List<string> { values.GetString() ?? "" } : null;
            if (states is null || states.Any(s => s.Length == 0) || (key == "status" && states is not ["dnat"]))
            {
                return raw;
            }
            return (r with { States = states.Select(s => s.ToUpperInvariant()).ToList(), NotStates = not }, $"ct {key} {shownOp}{string.Join(',', states)}", true);
        }
        if (left.TryGetProperty("ct", out var cs) && cs.TryGetProperty("key", out var csKey) && csKey.GetString() == "status"
            && right.ValueKind == JsonValueKind.String && right.GetString() == "dnat")
        {
            // `ct status dnat`: a connection a DNAT rule translated, as iptables' `-m conntrack --ctstate DNAT`.
            return (r with { States = new List<string> { "DNAT" }, NotStates = not }, $"ct status {shownOp}dnat", true);
        }
        return raw;
    }

    private static string Shown(JsonElement right) =>
        right.ValueKind == JsonValueKind.Object && right.TryGetProperty("prefix", out var p)
            ? $"{p.GetProperty("addr").GetString()}/{p.GetProperty("len").GetRawText()}"
            : right.ValueKind == JsonValueKind.String ? right.GetString() ?? "" : right.GetRawText();

    private static string? Prefix(JsonElement right)
    {
        if (right.ValueKind == JsonValueKind.String && IPAddress.TryParse(right.GetString(), out var a))
        {
            return a + "/32";
        }
        if (right.ValueKind == JsonValueKind.Object && right.TryGetProperty("prefix", out var p)
            && p.TryGetProperty("addr", out var addr) && p.TryGetProperty("len", out var len) && IPAddress.TryParse(addr.GetString(), out var net))
        {
            return net + "/" + len.GetRawText();
        }
        return null;
    }

    // ---- repairs ----

    /// <summary>Deletes exactly this rule of another table: `nft delete rule FAMILY TABLE CHAIN handle N`, or iptables-nft's -D for its tables.</summary>
    public static string RepairDelete(ChainRule rule) => rule.NativeSpec switch
    {
        [RulesetSpec, var family, var table, var chain, var handle] => NftCommand.Of("delete", "rule", family, table, chain, "handle", handle).Render(),
        [XtablesSpec or LegacySpec, var table, ..] => new CommandSpec(rule.NativeSpec[0] == LegacySpec ? "iptables-legacy" : "iptables-nft",
            new[] { "-w", "-t", table, "-D", rule.Chain }.Concat(rule.NativeSpec.Skip(2))).Render(),
        _ => "",
    };

    /// <summary>`nft insert rule FAMILY TABLE CHAIN BODY`, or `iptables-nft -w -t TABLE -I CHAIN SPEC` for iptables-nft's tables.</summary>
    public static string RepairAcceptIn(string table, string chain, FirewallRule rule)
    {
        var untagged = rule with { Tag = "" };
        var parts = table.Split(' ', 2);
        if (parts.Length == 2 && parts[0] is "ip" or "legacy" && XtablesTables.Contains(parts[1]))
        {
            var spec = IptablesDriver.Spec(untagged).ToList();
            var comment = spec.IndexOf("comment");
            if (comment > 0)
            {
                spec.RemoveRange(comment - 1, 4);
            }
            return new CommandSpec(parts[0] == "legacy" ? "iptables-legacy" : "iptables-nft", new[] { "-w", "-t", parts[1], "-I", chain }.Concat(spec)).Render();
        }
        var body = NftablesLayout.Body(untagged) ?? "";
        return parts.Length == 2 ? NftCommand.Of("insert", "rule", parts[0], parts[1], chain, body).Render() : "";
    }
}
