using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Text.Json;
using System.Threading;
using NetNsPS.Linux.Firewall;
using NetNsPS.Linux.Netlink;
using NetNsPS.Operations;

namespace NetNsPS.Linux.Firewall.Nftables;

/// <summary>
/// A bridge's forward accepts in another tool's nftables chain (an admin's `table inet hostfw` whose forward chain
/// drops): made only where the user names that chain (`New-NetBridge bridge0 -AcceptInChain 'inet hostfw forward'`).
/// An accept in the module's own table cannot override another table's drop (every base chain of the hook must
/// accept: KEP-3866, docker/docs firewall-nftables.md), and, as Docker and netavark, NetNsPS never edits another
/// table unasked. Each rule carries the bridge's tag (netnsps:bridge:NAME:ROLE), so Remove-NetBridge and
/// Clear-NetNsPS find and delete exactly them by handle, in whatever table they are.
/// </summary>
public static class ForeignForwardAccepts
{
    /// <summary>A base chain of another table, as `nft` names it: family, table, chain.</summary>
    public sealed record ChainRef(string Family, string Table, string Chain)
    {
        public override string ToString() => $"{Family} {Table} {Chain}";

        /// <summary>"inet hostfw forward" (the words `nft list chain` takes); the module's own table is refused.</summary>
        public static ChainRef Parse(string text, string parameter)
        {
            var words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words.Length != 3 || words[0] is not ("inet" or "ip" or "ip6") || words.Any(w => !w.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
            {
                throw new NetNsException($"-{parameter} '{text}' is not a chain: give its family (inet, ip or ip6), table and chain, such as 'inet hostfw forward'.",
                    "InvalidChain", ErrorCategory.InvalidArgument, text);
            }
            if ($"{words[0]} {words[1]}" == NftablesLayout.Table)
            {
                throw new NetNsException($"-{parameter} '{text}' is NetNsPS's own table, which New-NetBridge fills by itself; name another tool's chain.",
                    "InvalidChain", ErrorCategory.InvalidArgument, text);
            }
            return new ChainRef(words[0], words[1], words[2]);
        }
    }

    /// <summary>One tagged rule found in another table.</summary>
    public sealed record Found(ChainRef Chain, long Handle, string Tag);

    /// <summary>The roles, first to last as they stand at the top of the chain, and their rule bodies.</summary>
    public static IReadOnlyList<(string Role, string Body)> Rules(string bridge)
    {
        var b = NftString(bridge);
        return new[]
        {
            ("within", $"iifname {b} oifname {b} accept"),
            ("out", $"iifname {b} oifname != {b} accept"),
            ("reply", $"oifname {b} ct state established,related accept"),
            // A published port's traffic (DNAT'd to a namespace on the bridge): the module's own rules choose it.
            ("dnat", $"oifname {b} ct status dnat accept"),
        };
    }

    private static string NftString(string s) => "\"" + s + "\"";

    private static string Tag(string bridge, string role) => RuleTag.ForBridge(bridge, role).ToString();

    /// <summary>The command that puts one of the bridge's accepts first in the chain.</summary>
    private static CommandSpec Insert(ChainRef c, string bridge, string role, string body) =>
        NftCommand.Of("insert", "rule", c.Family, c.Table, c.Chain, $"{body} comment {NftString(Tag(bridge, role))}");

    /// <summary>
    /// The bridge's accepts missing from the chain, inserted first (the last role first, so they stand in order). No
    /// undo: nftables deletes a rule only by its handle, which the kernel gives at commit; these are the last steps of
    /// New-NetBridge's plan and one transaction, so nothing after them can fail and ask for them back.
    /// </summary>
    public static void PlanEnsure(ChainRef chain, string bridge, IReadOnlyCollection<Found> present, Plan plan)
    {
        foreach (var (role, body) in Rules(bridge).Reverse())
        {
            if (!present.Any(f => f.Chain == chain && f.Tag == Tag(bridge, role)))
            {
                plan.Add(Insert(chain, bridge, role, body));
            }
        }
    }

    /// <summary>The deletion of tagged rules by handle; each undo inserts it back first in its chain.</summary>
    public static void PlanRemove(IEnumerable<Found> rules, Plan plan)
    {
        foreach (var f in rules)
        {
            var tag = RuleTag.Parse(f.Tag);
            var body = tag is null ? null : Rules(tag.Bridge ?? "").FirstOrDefault(r => r.Role == tag.Role).Body;
            plan.Add(NftCommand.Of("delete", "rule", f.Chain.Family, f.Chain.Table, f.Chain.Chain, "handle", f.Handle.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                body is null ? null : Insert(f.Chain, tag!.Bridge!, tag.Role!, body));
        }
    }

    /// <summary>
    /// Every rule outside the module's table tagged for that bridge (null: for any bridge), from one `list ruleset`;
    /// empty where nftables cannot be read (no libnftables, no nft: then no such rule can exist either).
    /// </summary>
    public static IReadOnlyList<Found> Find(IProcessRunner runner, string? bridge, CancellationToken token) => Parse(ListRuleset(runner, token), bridge);

    /// <summary>Whether the chain exists (`list chain` succeeds).</summary>
    public static bool Exists(IProcessRunner runner, ChainRef c, CancellationToken token) =>
        Run(runner, token, "list", "chain", c.Family, c.Table, c.Chain) is { Succeeded: true };

    internal static IReadOnlyList<Found> Parse(string? json, string? bridge)
    {
        var found = new List<Found>();
        if (string.IsNullOrWhiteSpace(json))
        {
            return found;
        }
        using var doc = JsonDocument.Parse(json);
        if (!doc.RootElement.TryGetProperty("nftables", out var items))
        {
            return found;
        }
        foreach (var item in items.EnumerateArray())
        {
            if (!item.TryGetProperty("rule", out var rule) || !rule.TryGetProperty("comment", out var comment) || !rule.TryGetProperty("handle", out var handle))
            {
                continue;
            }
            var chain = new ChainRef(rule.GetProperty("family").GetString() ?? "", rule.GetProperty("table").GetString() ?? "", rule.GetProperty("chain").GetString() ?? "");
            var tag = RuleTag.Parse(comment.GetString());
            if ($"{chain.Family} {chain.Table}" == NftablesLayout.Table || tag is null || tag.Kind != RuleKind.Bridge || (bridge is not null && tag.Bridge != bridge))
            {
                continue;
            }
            found.Add(new Found(chain, handle.GetInt64(), comment.GetString()!));
        }
        return found;
    }

    private static string? ListRuleset(IProcessRunner runner, CancellationToken token) =>
        Run(runner, token, "-j", "-a", "list", "ruleset") is { Succeeded: true } r ? r.StandardOutput : null;

    private static ProcessResult? Run(IProcessRunner runner, CancellationToken token, params string[] words)
    {
        try
        {
            if (NetlinkSession.Enabled && LibNftables.IsAvailable)
            {
                var json = words.Length > 0 && words[0] == "-j";
                return LibNftables.Run(string.Join(' ', words.Where(w => w is not ("-j" or "-a"))), json);
            }
            return runner.Run(new CommandSpec(NftCommand.Program, words), token);
        }
        catch (NetNsException e) when (e.ErrorId == "ProgramNotFound")
        {
            return null;
        }
    }
}
