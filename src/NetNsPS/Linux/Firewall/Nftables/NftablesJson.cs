using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Text.Json;

namespace NetNsPS.Linux.Firewall.Nftables;

/// <summary>
/// Reads `nft -j -a list table inet netnsps` (JSON schema 1, nftables 1.0.6): chains, rules with handles and comments,
/// maps and sets with their elements. A rule's expressions become a FirewallRule's fields; what it does not model is
/// kept, as JSON, in Unrecognized, so such a rule never equals a wanted one.
/// </summary>
public static class NftablesJson
{
    public static NftablesSnapshot Parse(string json)
    {
        var snapshot = new NftablesSnapshot();
        if (string.IsNullOrWhiteSpace(json))
        {
            snapshot.Freeze();
            return snapshot;
        }
        using var doc = JsonDocument.Parse(json);
        if (!doc.RootElement.TryGetProperty("nftables", out var items))
        {
            snapshot.Freeze();
            return snapshot;
        }
        var elements = new List<(NftablesSnapshot.NftElement, FirewallRule)>();
        foreach (var item in items.EnumerateArray())
        {
            if (item.TryGetProperty("table", out var table) && Own(table))
            {
                snapshot.TableExists = true;
            }
            else if ((item.TryGetProperty("set", out var set) || item.TryGetProperty("map", out set)) && Own(set))
            {
                ReadSet(snapshot, set, elements);
            }
            else if (item.TryGetProperty("chain", out var chain) && Own(chain))
            {
                var name = chain.GetProperty("name").GetString() ?? "";
                if (NftablesLayout.HookOf(name) is { } hook)
                {
                    snapshot.OwnChains.Add(new NftablesSnapshot.NftChain(hook.Table, hook.Hook));
                }
                else
                {
                    snapshot.StrayChains.Add(name);
                }
            }
            else if (item.TryGetProperty("rule", out var rule) && Own(rule))
            {
                var name = rule.GetProperty("chain").GetString() ?? "";
                if (NftablesLayout.HookOf(name) is { } hook && snapshot.Chain(hook.Table, hook.Hook) is { } c)
                {
                    c.Rules.Add(ReadRule(hook.Table, hook.Hook, rule));
                }
            }
        }
        snapshot.AddElements(elements);
        snapshot.Freeze();
        return snapshot;
    }

    /// <summary>Whether a listed object belongs to `table inet netnsps` (a table object names itself, the others their table).</summary>
    private static bool Own(JsonElement o) =>
        o.TryGetProperty("family", out var f) && f.GetString() == NftablesLayout.Family
        && (o.TryGetProperty("table", out var t) ? t.GetString() : o.TryGetProperty("name", out var n) ? n.GetString() : null) == NftablesLayout.Name;

    private static void ReadSet(NftablesSnapshot snapshot, JsonElement set, List<(NftablesSnapshot.NftElement, FirewallRule)> elements)
    {
        var name = set.GetProperty("name").GetString() ?? "";
        if (NftablesLayout.Set(name) is not { } layout)
        {
            return;
        }
        snapshot.Sets.Add(name);
        if (!set.TryGetProperty("elem", out var elems))
        {
            return;
        }
        foreach (var elem in elems.EnumerateArray())
        {
            // A map element is [key, value]; a key with a comment is {"elem": {"val": key, "comment": ...}}.
            JsonElement key = elem, value = default;
            var isMap = layout.Keyword == "map";
            if (isMap)
            {
                key = elem[0];
                value = elem[1];
            }
            var tag = "";
            if (key.ValueKind == JsonValueKind.Object && key.TryGetProperty("elem", out var wrapped))
            {
                tag = wrapped.TryGetProperty("comment", out var c) ? c.GetString() ?? "" : "";
                key = wrapped.GetProperty("val");
            }
            var keyParts = Parts(key);
            var valueParts = isMap ? Parts(value) : null;
            var keyText = NftablesLayout.JoinParts(keyParts);
            var valueText = valueParts is null ? null : NftablesLayout.JoinParts(valueParts);
            var rule = NftablesLayout.FromElement(layout, keyParts, valueParts, tag)
                ?? new FirewallRule(layout.Table, layout.Hook, tag, FirewallAction.Accept) { Unrecognized = "element " + keyText };
            elements.Add((new NftablesSnapshot.NftElement(name, keyText, valueText, tag), rule));
        }
    }

    /// <summary>The parts of a concatenation (or one value) as text.</summary>
    private static List<string> Parts(JsonElement value) =>
        value.ValueKind == JsonValueKind.Object && value.TryGetProperty("concat", out var concat)
            ? concat.EnumerateArray().Select(Scalar).ToList()
            : new List<string> { Scalar(value) };

    private static string Scalar(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.String => v.GetString() ?? "",
        JsonValueKind.Number => v.GetRawText(),
        _ => v.GetRawText(),
    };

    private static NftablesSnapshot.NftRule ReadRule(FirewallTable table, FirewallHook hook, JsonElement json)
    {
        var handle = json.TryGetProperty("handle", out var h) ? h.GetInt64() : (long?)null;
        var comment = json.TryGetProperty("comment", out var c) ? c.GetString() : null;
        var exprs = json.GetProperty("expr").EnumerateArray().ToList();
        var shown = string.Join(' ', exprs.Select(e => e.GetRawText()));
        // The lookup rule of one of the chain's maps or sets: it names it as "@name".
        var lookup = NftablesLayout.SetsOf(table, hook).FirstOrDefault(s => shown.Contains("\"@" + s.SetName + "\"", System.StringComparison.Ordinal));
        if (lookup is not null && comment is null)
        {
            return new NftablesSnapshot.NftRule { Handle = handle, Body = lookup.Dispatch, Lookup = lookup.SetName, Shown = shown };
        }
        var rule = ParseRule(table, hook, comment ?? "", exprs);
        return new NftablesSnapshot.NftRule
        {
            Handle = handle, Comment = comment, Rule = rule, Shown = shown,
            Body = NftablesLayout.Body(rule),
        };
    }

    /// <summary>The FirewallRule a rule's expressions say; anything not modelled goes to Unrecognized.</summary>
    public static FirewallRule ParseRule(FirewallTable table, FirewallHook hook, string tag, IReadOnlyList<JsonElement> exprs)
    {
        var rule = new FirewallRule(table, hook, tag, FirewallAction.Accept);
        var unknown = new List<string>();
        var localSeen = false;
        FirewallAction? action = null;
        foreach (var e in exprs)
        {
            if (e.TryGetProperty("match", out var m))
            {
                var op = m.GetProperty("op").GetString();
                var left = m.GetProperty("left");
                var right = m.GetProperty("right");
                var eq = op == "==";
                if (left.TryGetProperty("payload", out var p) && p.TryGetProperty("field", out var field) && p.TryGetProperty("protocol", out var proto))
                {
                    var protocol = proto.GetString();
                    var f = field.GetString();
                    if (eq && protocol is "ip" or "ip6" && f is "saddr" or "daddr" && Prefix(right, protocol == "ip6") is { } prefix)
                    {
                        rule = f == "saddr" ? rule with { Source = prefix } : rule with { Destination = prefix };
                        continue;
                    }
                    if (eq && protocol is "tcp" or "udp" or "th" && f == "dport" && right.ValueKind == JsonValueKind.Number)
                    {
                        rule = rule with { DestinationPort = right.GetInt32(), Protocol = protocol == "th" ? rule.Protocol : protocol };
                        continue;
                    }
                }
                else if (left.TryGetProperty("meta", out var meta) && meta.TryGetProperty("key", out var key))
                {
                    var k = key.GetString();
                    if (k == "iifname" && eq && right.ValueKind == JsonValueKind.String)
                    {
                        rule = rule with { InInterface = right.GetString() };
                        continue;
                    }
                    if (k == "oifname" && op is "==" or "!=" && right.ValueKind == JsonValueKind.String)
                    {
                        rule = rule with { OutInterface = right.GetString(), NotOutInterface = op == "!=" };
                        continue;
                    }
                    if (k == "l4proto" && eq && right.ValueKind == JsonValueKind.String)
                    {
                        rule = rule with { Protocol = right.GetString() };
                        continue;
                    }
                }
                else if (left.TryGetProperty("fib", out var fib) && eq && right.GetRawText() == "\"local\""
                         && fib.TryGetProperty("result", out var result) && result.GetString() == "type" && fib.TryGetProperty("flags", out var flags))
                {
                    var which = string.Join(',', flags.EnumerateArray().Select(x => x.GetString()));
                    if (which == "daddr" && NftablesLayout.LocalOnly(table, hook) && !localSeen)
                    {
                        localSeen = true;
                        continue;
                    }
                    if (which == "saddr")
                    {
                        rule = rule with { SourceIsLocal = true };
                        continue;
                    }
                }
                else if (left.TryGetProperty("ct", out var ct) && ct.TryGetProperty("key", out var ctKey) && ctKey.GetString() == "state"
                         && op is "in" or "==" && right.ValueKind == JsonValueKind.Array
                         && right.EnumerateArray().Select(x => x.GetString()).OrderBy(x => x).SequenceEqual(new[] { "established", "related" }))
                {
                    rule = rule with { EstablishedOnly = true };
                    continue;
                }
            }
            else if (action is null && e.TryGetProperty("masquerade", out _))
            {
                action = FirewallAction.Masquerade;
                continue;
            }
            else if (action is null && e.TryGetProperty("accept", out _))
            {
                action = FirewallAction.Accept;
                continue;
            }
            else if (action is null && e.TryGetProperty("drop", out _))
            {
                action = FirewallAction.Drop;
                continue;
            }
            else if (action is null && e.TryGetProperty("dnat", out var dnat) && dnat.TryGetProperty("addr", out var addr) && addr.ValueKind == JsonValueKind.String
                     && dnat.TryGetProperty("port", out var port) && port.ValueKind == JsonValueKind.Number
                     && IPAddress.TryParse(addr.GetString(), out var to) && ushort.TryParse(port.GetRawText(), NumberStyles.None, CultureInfo.InvariantCulture, out var toPort))
            {
                action = FirewallAction.Dnat;
                rule = rule with { DnatTo = new DnatTarget(to, toPort) };
                continue;
            }
            unknown.Add(e.GetRawText());
        }
        if (NftablesLayout.LocalOnly(table, hook) && !localSeen)
        {
            // Without it the rule would apply to packets for anywhere: not the shape the driver writes.
            unknown.Add("(no fib daddr type local)");
        }
        if (action is null)
        {
            unknown.Add("(no verdict)");
        }
        return rule with
        {
            Action = action ?? FirewallAction.Accept,
            Unrecognized = unknown.Count == 0 ? null : string.Join(' ', unknown),
        };
    }

    /// <summary>An address match's right side as a prefix: "10.0.0.5" → "10.0.0.5/32", {"prefix": {...}} → "a/len".</summary>
    private static string? Prefix(JsonElement right, bool v6)
    {
        if (right.ValueKind == JsonValueKind.String && IPAddress.TryParse(right.GetString(), out var a))
        {
            return a + (v6 ? "/128" : "/32");
        }
        if (right.ValueKind == JsonValueKind.Object && right.TryGetProperty("prefix", out var p)
            && p.TryGetProperty("addr", out var addr) && p.TryGetProperty("len", out var len) && IPAddress.TryParse(addr.GetString(), out var net))
        {
            return net + "/" + len.GetRawText();
        }
        return null;
    }
}
