using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;
using NetNsPS.Linux;
using NetNsPS.Linux.Firewall.Nftables;

namespace NetNsPS.Tests;

/// <summary>
/// A small in-memory nftables for tests: tables of maps, sets and chains of rules, changed by the nft command text the
/// driver writes (add/delete table, chain, map, set, element, rule; flush chain), each command (or `nft -f` script)
/// all or nothing, with the kernel's refusals that matter (a missing object, an element key of the wrong arity, a set
/// still looked up, a map key that holds another value), and listed as `nft -j -a list table` prints it (JSON schema 1,
/// nftables 1.0.6 shapes). Rules are kept as text; only the expressions the driver writes are understood.
/// </summary>
public sealed class NftKernel
{
    private sealed class Set
    {
        public string Name = "", Keyword = "", Type = "";
        public long Handle;
        public List<(string Key, string? Value, string? Comment)> Elements = new();
        public int KeyParts => Type.Split(':')[0].Split(" . ").Length;
    }

    private sealed class Rule
    {
        public long Handle;
        public string Body = "";
        public string? Comment;
    }

    private sealed class Chain
    {
        public string Name = "", Spec = "";
        public long Handle;
        public List<Rule> Rules = new();
    }

    private sealed class Table
    {
        public string Family = "", Name = "";
        public long Handle;
        public List<Set> Sets = new();
        public List<Chain> Chains = new();
        public long NextHandle = 1;
    }

    private List<Table> _tables = new();
    private long _nextTableHandle = 1;

    /// <summary>Another tool's table, planted to prove the driver never touches it.</summary>
    public const string OtherTool = """
        add table inet othertool
        add chain inet othertool forward { type filter hook forward priority filter; policy accept; }
        add rule inet othertool forward iifname "docker0" oifname != "docker0" accept comment "othertool out"
        add chain inet othertool postrouting { type nat hook postrouting priority srcnat; policy accept; }
        add rule inet othertool postrouting ip saddr 172.17.0.0/16 oifname != "docker0" masquerade
        """;

    public static NftKernel WithOtherTool()
    {
        var kernel = new NftKernel();
        kernel.RunText(OtherTool);
        return kernel;
    }

    public NftKernel Clone()
    {
        var copy = new NftKernel { _nextTableHandle = _nextTableHandle };
        copy._tables = _tables.Select(t => new Table
        {
            Family = t.Family, Name = t.Name, Handle = t.Handle, NextHandle = t.NextHandle,
            Sets = t.Sets.Select(s => new Set { Name = s.Name, Keyword = s.Keyword, Type = s.Type, Handle = s.Handle, Elements = s.Elements.ToList() }).ToList(),
            Chains = t.Chains.Select(c => new Chain { Name = c.Name, Spec = c.Spec, Handle = c.Handle, Rules = c.Rules.Select(r => new Rule { Handle = r.Handle, Body = r.Body, Comment = r.Comment }).ToList() }).ToList(),
        }).ToList();
        return copy;
    }

    /// <summary>Runs one command (or script) as one transaction; throws, changing nothing, when the kernel would refuse it.</summary>
    public void Run(CommandSpec command)
    {
        if (command.Program != NftCommand.Program)
        {
            throw new InvalidOperationException("not an nft command: " + command.Render());
        }
        RunText(NftCommand.TextOf(command));
    }

    public void RunAll(IEnumerable<CommandSpec> commands)
    {
        foreach (var command in commands)
        {
            Run(command);
        }
    }

    public void RunText(string text)
    {
        var work = Clone();
        foreach (var line in text.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0))
        {
            work.Apply(line);
        }
        _tables = work._tables;
        _nextTableHandle = work._nextTableHandle;
    }

    private Table? Find(string family, string name) => _tables.FirstOrDefault(t => t.Family == family && t.Name == name);

    private void Apply(string line)
    {
        var w = line.Split(' ');
        if (w.Length < 4)
        {
            throw new InvalidOperationException("not modelled: " + line);
        }
        var (verb, kind, family, tableName) = (w[0], w[1], w[2], w[3]);
        var rest = string.Join(' ', w.Skip(5));
        var name = w.Length > 4 ? w[4] : "";
        var table = Find(family, tableName);
        Table Existing() => table ?? throw new InvalidOperationException($"Error: No such file or directory (table {family} {tableName}): {line}");
        switch (verb, kind)
        {
            case ("add", "table"):
                if (table is null)
                {
                    _tables.Add(new Table { Family = family, Name = tableName, Handle = _nextTableHandle++ });
                }
                return;
            case ("delete", "table"):
                _tables.Remove(Existing());
                return;
            case ("add", "chain"):
                if (Existing().Chains.All(c => c.Name != name))
                {
                    table!.Chains.Add(new Chain { Name = name, Spec = rest, Handle = table.NextHandle++ });
                }
                return;
            case ("delete", "chain"):
                Existing().Chains.Remove(ChainOf(table!, name, line));
                return;
            case ("flush", "chain"):
                ChainOf(Existing(), name, line).Rules.Clear();
                return;
            case ("add", "map" or "set"):
                if (Existing().Sets.All(s => s.Name != name))
                {
                    var type = rest.Trim().TrimStart('{').TrimEnd('}').Trim().TrimEnd(';');
                    if (!type.StartsWith("type ", StringComparison.Ordinal) || (kind == "map") != type.Contains(" : ", StringComparison.Ordinal))
                    {
                        throw new InvalidOperationException("Error: bad set declaration: " + line);
                    }
                    table!.Sets.Add(new Set { Name = name, Keyword = kind, Type = type[5..], Handle = table.NextHandle++ });
                }
                return;
            case ("delete", "map" or "set"):
                var gone = SetOf(Existing(), name, line);
                if (table!.Chains.SelectMany(c => c.Rules).Any(r => r.Body.Contains("@" + name, StringComparison.Ordinal)))
                {
                    throw new InvalidOperationException("Error: Could not process rule: Device or resource busy: " + line);
                }
                table.Sets.Remove(gone);
                return;
            case ("add" or "delete", "element"):
                Element(SetOf(Existing(), name, line), verb == "add", rest, line);
                return;
            case ("add", "rule"):
                var chain = ChainOf(Existing(), name, line);
                var (body, comment) = SplitComment(rest);
                foreach (var reference in body.Split(' ').Where(t => t.StartsWith('@')))
                {
                    SetOf(table!, reference[1..], line);
                }
                ToExpressions(body);
                chain.Rules.Add(new Rule { Handle = table!.NextHandle++, Body = body, Comment = comment });
                return;
            case ("delete", "rule"):
                var from = ChainOf(Existing(), name, line);
                if (w.Length != 7 || w[5] != "handle" || from.Rules.RemoveAll(r => r.Handle.ToString(CultureInfo.InvariantCulture) == w[6]) != 1)
                {
                    throw new InvalidOperationException("Error: Could not process rule: No such file or directory: " + line);
                }
                return;
            default:
                throw new InvalidOperationException("not modelled: " + line);
        }
    }

    private static Chain ChainOf(Table table, string name, string line) =>
        table.Chains.FirstOrDefault(c => c.Name == name) ?? throw new InvalidOperationException("Error: No such file or directory (chain): " + line);

    private static Set SetOf(Table table, string name, string line) =>
        table.Sets.FirstOrDefault(s => s.Name == name) ?? throw new InvalidOperationException("Error: No such file or directory (set): " + line);

    private static void Element(Set set, bool add, string list, string line)
    {
        var inner = list.Trim();
        if (!inner.StartsWith("{ ", StringComparison.Ordinal) || !inner.EndsWith(" }", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("Error: syntax error (element list): " + line);
        }
        inner = inner[2..^2];
        string? value = null;
        var colon = inner.IndexOf(" : ", StringComparison.Ordinal);
        if (colon >= 0)
        {
            value = inner[(colon + 3)..];
            inner = inner[..colon];
        }
        var (key, comment) = SplitComment(inner);
        if (key.Split(" . ").Length != set.KeyParts || (add && (set.Keyword == "map") != (value is not null)) || (!add && (value is not null || comment is not null)))
        {
            throw new InvalidOperationException("Error: element does not fit the set's type: " + line);
        }
        var index = set.Elements.FindIndex(e => e.Key == key);
        if (!add)
        {
            if (index < 0)
            {
                throw new InvalidOperationException("Error: Could not process rule: No such file or directory (element): " + line);
            }
            set.Elements.RemoveAt(index);
            return;
        }
        if (index >= 0)
        {
            if (set.Elements[index].Value != value)
            {
                throw new InvalidOperationException("Error: Could not process rule: File exists: " + line);
            }
            return;
        }
        set.Elements.Add((key, value, comment));
    }

    private static (string Body, string? Comment) SplitComment(string text)
    {
        var at = text.IndexOf(" comment \"", StringComparison.Ordinal);
        if (at < 0)
        {
            return (text.Trim(), null);
        }
        var comment = text[(at + 10)..];
        if (!comment.EndsWith('"'))
        {
            throw new InvalidOperationException("Error: syntax error (comment): " + text);
        }
        return (text[..at].Trim(), comment[..^1]);
    }

    // ---- listing ----

    /// <summary>What `nft -j -a list table FAMILY NAME` prints; throws, as nft fails, when there is no such table.</summary>
    public string ListJson(string family = NftablesLayout.Family, string name = NftablesLayout.Name)
    {
        var table = Find(family, name) ?? throw new InvalidOperationException("Error: No such file or directory");
        var items = new JsonArray
        {
            new JsonObject { ["metainfo"] = new JsonObject { ["version"] = "1.0.6", ["release_name"] = "Lester Gooch #5", ["json_schema_version"] = 1 } },
            new JsonObject { ["table"] = new JsonObject { ["family"] = family, ["name"] = name, ["handle"] = table.Handle } },
        };
        foreach (var set in table.Sets)
        {
            var types = set.Type.Split(" : ");
            var o = new JsonObject
            {
                ["family"] = family, ["name"] = set.Name, ["table"] = name,
                ["type"] = Types(types[0]), ["handle"] = set.Handle,
            };
            if (set.Keyword == "map")
            {
                o["map"] = types[1];
            }
            if (set.Elements.Count > 0)
            {
                var elems = new JsonArray();
                foreach (var (key, value, comment) in set.Elements)
                {
                    JsonNode k = Concat(key);
                    if (comment is not null)
                    {
                        k = new JsonObject { ["elem"] = new JsonObject { ["val"] = k, ["comment"] = comment } };
                    }
                    elems.Add(value is null ? k : new JsonArray(k, Concat(value)));
                }
                o["elem"] = elems;
            }
            items.Add(new JsonObject { [set.Keyword] = o });
        }
        foreach (var chain in table.Chains)
        {
            var spec = chain.Spec.Trim('{', '}', ' ').Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            var decl = spec[0].Split(' ');
            var policy = spec[1].Split(' ')[1];
            items.Add(new JsonObject
            {
                ["chain"] = new JsonObject
                {
                    ["family"] = family, ["table"] = name, ["name"] = chain.Name, ["handle"] = chain.Handle,
                    ["type"] = decl[1], ["hook"] = decl[3], ["prio"] = decl[5] switch { "raw" => -300, "dstnat" => -100, "filter" => 0, "srcnat" => 100, var n => int.Parse(n, CultureInfo.InvariantCulture) },
                    ["policy"] = policy,
                },
            });
        }
        foreach (var chain in table.Chains)
        {
            foreach (var rule in chain.Rules)
            {
                var o = new JsonObject { ["family"] = family, ["table"] = name, ["chain"] = chain.Name, ["handle"] = rule.Handle };
                if (rule.Comment is not null)
                {
                    o["comment"] = rule.Comment;
                }
                o["expr"] = ToExpressions(rule.Body);
                items.Add(new JsonObject { ["rule"] = o });
            }
        }
        return new JsonObject { ["nftables"] = items }.ToJsonString();
    }

    /// <summary>The listing as the driver reads it: through nft's JSON, or nothing when the table is not there.</summary>
    public string ListOrEmpty() => Find(NftablesLayout.Family, NftablesLayout.Name) is null ? "" : ListJson();

    /// <summary>Every table as `nft list ruleset` would show it (the text the driver's commands wrote), to compare before and after.</summary>
    public string Ruleset() => string.Concat(_tables.Select(Render));

    /// <summary>One table's part of <see cref="Ruleset"/>; "" when it is not there.</summary>
    public string TableText(string family, string name) => Find(family, name) is { } t ? Render(t) : "";

    private static string Render(Table t)
    {
        var text = new StringBuilder();
        text.Append($"table {t.Family} {t.Name} {{\n");
        foreach (var s in t.Sets)
        {
            text.Append($"\t{s.Keyword} {s.Name} {{ type {s.Type}; elements = {{ ")
                .Append(string.Join(", ", s.Elements.Select(e => e.Key + (e.Comment is null ? "" : $" comment \"{e.Comment}\"") + (e.Value is null ? "" : " : " + e.Value))))
                .Append(" } }\n");
        }
        foreach (var c in t.Chains)
        {
            text.Append($"\tchain {c.Name} {c.Spec}\n");
            foreach (var r in c.Rules)
            {
                text.Append("\t\t").Append(r.Body).Append(r.Comment is null ? "" : $" comment \"{r.Comment}\"").Append('\n');
            }
        }
        return text.Append("}\n").ToString();
    }

    private static JsonNode Types(string type)
    {
        var parts = type.Split(" . ");
        return parts.Length == 1 ? JsonValue.Create(parts[0])! : new JsonArray(parts.Select(p => (JsonNode)JsonValue.Create(p)!).ToArray());
    }

    private static JsonNode Concat(string text)
    {
        var parts = text.Split(" . ").Select(Scalar).ToArray();
        return parts.Length == 1 ? parts[0] : new JsonObject { ["concat"] = new JsonArray(parts) };
    }

    private static JsonNode Scalar(string part) =>
        part.StartsWith('"') ? JsonValue.Create(part.Trim('"'))!
        : int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? JsonValue.Create(n)! : JsonValue.Create(part)!;

    // ---- rule text to JSON expressions (only what the driver writes) ----

    private static readonly string[] Verdicts = { "masquerade", "accept", "drop" };

    /// <summary>A rule body's expressions as nft 1.0.6 lists them in JSON; throws for syntax the double does not know.</summary>
    public static JsonArray ToExpressions(string body)
    {
        var t = body.Split(' ');
        var i = 0;
        var exprs = new JsonArray();
        string Next() => i < t.Length ? t[i++] : throw new InvalidOperationException("Error: syntax error, unexpected end: " + body);
        while (i < t.Length)
        {
            var word = t[i];
            if (word == "fib")
            {
                i++;
                var flag = Next();
                if (Next() != "type" || Next() != "local")
                {
                    throw new InvalidOperationException("not modelled: " + body);
                }
                exprs.Add(Match("==", new JsonObject { ["fib"] = new JsonObject { ["result"] = "type", ["flags"] = new JsonArray(flag) } }, "local"));
            }
            else if (Verdicts.Contains(word))
            {
                i++;
                exprs.Add(new JsonObject { [word] = null });
            }
            else if (word == "dnat")
            {
                i++;
                var family = Next();
                if (Next() != "to")
                {
                    throw new InvalidOperationException("Error: syntax error: " + body);
                }
                if (i < t.Length && t[i].Contains(':') && !t[i].StartsWith('@'))
                {
                    var target = Next();
                    var colon = target.LastIndexOf(':');
                    exprs.Add(new JsonObject { ["dnat"] = new JsonObject { ["family"] = family, ["addr"] = target[..colon].Trim('[', ']'), ["port"] = int.Parse(target[(colon + 1)..], CultureInfo.InvariantCulture) } });
                }
                else
                {
                    var key = Selectors(t, ref i, body);
                    if (Next() != "map")
                    {
                        throw new InvalidOperationException("Error: syntax error: " + body);
                    }
                    exprs.Add(new JsonObject { ["dnat"] = new JsonObject { ["family"] = family, ["addr"] = new JsonObject { ["map"] = new JsonObject { ["key"] = key.Node, ["data"] = Next() } } } });
                }
            }
            else
            {
                var left = Selectors(t, ref i, body);
                var op = "==";
                if (i < t.Length && t[i] == "!=")
                {
                    op = "!=";
                    i++;
                }
                var right = Next();
                if (right.StartsWith('@'))
                {
                    exprs.Add(Match(op, left.Node, right));
                }
                else if (left.Last == "ct state")
                {
                    exprs.Add(Match("in", left.Node, new JsonArray(right.Split(',').Select(s => (JsonNode)JsonValue.Create(s)!).ToArray())));
                }
                else if (left.Last is "ip saddr" or "ip daddr" or "ip6 saddr" or "ip6 daddr" && right.Contains('/'))
                {
                    var slash = right.IndexOf('/');
                    exprs.Add(Match(op, left.Node, new JsonObject { ["prefix"] = new JsonObject { ["addr"] = right[..slash], ["len"] = int.Parse(right[(slash + 1)..], CultureInfo.InvariantCulture) } }));
                }
                else
                {
                    exprs.Add(Match(op, left.Node, Scalar(right)));
                }
            }
        }
        return exprs;
    }

    private static JsonObject Match(string op, JsonNode left, JsonNode right) =>
        new() { ["match"] = new JsonObject { ["op"] = op, ["left"] = left, ["right"] = right } };

    /// <summary>One selector ("ip saddr", "meta l4proto", "oifname", "tcp dport", ...) or a concatenation of them.</summary>
    private static (JsonNode Node, string Last) Selectors(string[] t, ref int i, string body)
    {
        var parts = new List<JsonNode>();
        var last = "";
        while (true)
        {
            if (i >= t.Length)
            {
                throw new InvalidOperationException("Error: syntax error: " + body);
            }
            var a = t[i++];
            JsonNode node;
            switch (a)
            {
                case "ip" or "ip6" or "tcp" or "udp" or "th":
                    var field = t[i++];
                    node = new JsonObject { ["payload"] = new JsonObject { ["protocol"] = a, ["field"] = field } };
                    last = a + " " + field;
                    break;
                case "meta":
                    var key = t[i++];
                    node = new JsonObject { ["meta"] = new JsonObject { ["key"] = key } };
                    last = "meta " + key;
                    break;
                case "iifname" or "oifname":
                    node = new JsonObject { ["meta"] = new JsonObject { ["key"] = a } };
                    last = a;
                    break;
                case "ct":
                    var ctKey = t[i++];
                    node = new JsonObject { ["ct"] = new JsonObject { ["key"] = ctKey } };
                    last = "ct " + ctKey;
                    break;
                default:
                    throw new InvalidOperationException($"not modelled: '{a}' in {body}");
            }
            parts.Add(node);
            if (i < t.Length && t[i] == ".")
            {
                i++;
                continue;
            }
            break;
        }
        return (parts.Count == 1 ? parts[0] : new JsonObject { ["concat"] = new JsonArray(parts.ToArray()) }, last);
    }
}
