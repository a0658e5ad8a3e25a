using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace NetNsPS.Linux.Firewall.Nftables;

/// <summary>
/// The module's nftables table: `table inet netnsps`, one base chain per (table, hook) the module uses, and the maps
/// and sets that hold the port mappings, each looked up by one rule of its chain, so a packet's cost does not grow
/// with the number of mappings. Rules of other shapes (masquerade and localnet per bridge, few) are rules with the
/// RuleTag as their comment; map and set elements carry it as theirs.
/// </summary>
public static class NftablesLayout
{
    public const string Family = "inet";
    public const string Name = "netnsps";
    public const string Table = Family + " " + Name;

    /// <summary>A map or set of the table: its name, keyword ("map" or "set"), type, and the family of its addresses.</summary>
    public sealed record NftSet(string SetName, string Keyword, string Type, FirewallTable Table, FirewallHook Hook, SetKind Kind, string Dispatch,
        AddressFamily Family = AddressFamily.InterNetwork);

    public enum SetKind { DnatAny, DnatHost, Hairpin, Forward }

    /// <summary>The base chain of a (table, hook): "nat-prerouting", "raw-prerouting", ...</summary>
    public static string ChainName(FirewallTable table, FirewallHook hook) =>
        table.ToString().ToLowerInvariant() + "-" + hook.ToString().ToLowerInvariant();

    public static (FirewallTable Table, FirewallHook Hook)? HookOf(string chain)
    {
        var dash = chain.IndexOf('-');
        return dash > 0 && Enum.TryParse<FirewallTable>(chain[..dash], true, out var t) && Enum.TryParse<FirewallHook>(chain[(dash + 1)..], true, out var h)
            && ChainName(t, h) == chain ? (t, h) : null;
    }

    /// <summary>
    /// The base chain's declaration: nat at dstnat/srcnat as iptables' nat table, filter at 0, raw at -300; all policy
    /// accept. nft 1.0.6 takes the name dstnat only on the prerouting hook, so nat output says -100 (the same priority).
    /// </summary>
    public static string ChainSpec(FirewallTable table, FirewallHook hook)
    {
        var type = table == FirewallTable.Nat ? "nat" : "filter";
        var priority = table switch
        {
            FirewallTable.Raw => "raw",
            FirewallTable.Filter => "filter",
            _ => hook switch { FirewallHook.Prerouting => "dstnat", FirewallHook.Postrouting => "srcnat", _ => "-100" },
        };
        return $"{{ type {type} hook {hook.ToString().ToLowerInvariant()} priority {priority}; policy accept; }}";
    }

    /// <summary>What `nft list` prints for <see cref="ChainSpec"/>'s priority, as a number (the JSON form).</summary>
    public static int Priority(FirewallTable table, FirewallHook hook) => table switch
    {
        FirewallTable.Raw => -300,
        FirewallTable.Filter => 0,
        _ => hook is FirewallHook.Prerouting or FirewallHook.Output ? -100 : 100,
    };

    /// <summary>
    /// The maps and sets a chain uses, each with the one rule that looks it up: one of each kind per address family
    /// ("-host4" and "-host6", ...). The inet table sees both families; a NAT statement of the other family than the
    /// packet's does nothing, so each family's lookups leave the other's packets alone.
    /// </summary>
    public static IReadOnlyList<NftSet> SetsOf(FirewallTable table, FirewallHook hook) => Sets[(int)table][(int)hook];

    /// <summary>Every (table, hook)'s sets, made once: planning asks for them several times per rule.</summary>
    private static readonly IReadOnlyList<NftSet>[][] Sets = Enum.GetValues<FirewallTable>().Select(t => Enum.GetValues<FirewallHook>()
        .Select(h => (IReadOnlyList<NftSet>)new[] { AddressFamily.InterNetwork, AddressFamily.InterNetworkV6 }.SelectMany(f => SetsOf(t, h, f)).ToArray())
        .ToArray()).ToArray();

    private static IEnumerable<NftSet> SetsOf(FirewallTable table, FirewallHook hook, AddressFamily family)
    {
        var chain = ChainName(table, hook);
        var (n, addr, ip) = family == AddressFamily.InterNetworkV6 ? ("6", "ipv6_addr", "ip6") : ("4", "ipv4_addr", "ip");
        return (table, hook) switch
        {
            (FirewallTable.Nat, FirewallHook.Prerouting or FirewallHook.Output) => new[]
            {
                new NftSet(chain + "-host" + n, "map", $"{addr} . inet_proto . inet_service : {addr} . inet_service", table, hook, SetKind.DnatHost,
                    $"fib daddr type local dnat {ip} to {ip} daddr . meta l4proto . th dport map @{chain}-host{n}", family),
                new NftSet(chain + "-any" + n, "map", $"inet_proto . inet_service : {addr} . inet_service", table, hook, SetKind.DnatAny,
                    $"fib daddr type local dnat {ip} to meta l4proto . th dport map @{chain}-any{n}", family),
            },
            (FirewallTable.Nat, FirewallHook.Postrouting) => new[]
            {
                new NftSet(chain + "-hairpin" + n, "set", $"{addr} . {addr} . inet_proto . inet_service", table, hook, SetKind.Hairpin,
                    $"{ip} saddr . {ip} daddr . meta l4proto . th dport @{chain}-hairpin{n} masquerade", family),
            },
            (FirewallTable.Filter, FirewallHook.Forward) => new[]
            {
                new NftSet(chain + "-ports" + n, "set", $"{addr} . ifname . inet_proto . inet_service", table, hook, SetKind.Forward,
                    $"{ip} daddr . oifname . meta l4proto . th dport @{chain}-ports{n} accept", family),
            },
            _ => Array.Empty<NftSet>(),
        };
    }

    public static IEnumerable<NftSet> AllSets =>
        Enum.GetValues<FirewallTable>().SelectMany(t => Enum.GetValues<FirewallHook>().SelectMany(h => SetsOf(t, h)));

    public static NftSet? Set(string name) => AllSets.FirstOrDefault(s => s.SetName == name);

    /// <summary>Whether DNAT in this chain only applies to packets for this host (as the iptables driver's jump does).</summary>
    public static bool LocalOnly(FirewallTable table, FirewallHook hook) =>
        table == FirewallTable.Nat && hook is FirewallHook.Prerouting or FirewallHook.Output;

    // ---- elements ----

    /// <summary>A rule as an element: the set, key and value (null for a set); null when the rule has another shape.</summary>
    public static (NftSet Set, string Key, string? Value)? AsElement(FirewallRule r)
    {
        if (r.Unrecognized is not null || r.InInterface is not null || r.SourceIsLocal || r.EstablishedOnly
            || r.Protocol is not ("tcp" or "udp") || r.DestinationPort is not (> 0 and <= 65535))
        {
            return null;
        }
        if (r.Family is not { } family)
        {
            return null;
        }
        var sets = SetsOf(r.Table, r.Hook).Where(s => s.Family == family).ToList();
        var port = r.DestinationPort.Value.ToString(CultureInfo.InvariantCulture);
        (NftSet, string, string?)? element = null;
        string? Host(string? prefix) => HostOf(prefix, family);
        if (r.Action == FirewallAction.Dnat && r.DnatTo is { } to
            && r.Source is null && r.OutInterface is null && LocalOnly(r.Table, r.Hook))
        {
            var value = $"{to.Address} . {to.Port.ToString(CultureInfo.InvariantCulture)}";
            if (r.Destination is null)
            {
                element = (sets.Single(s => s.Kind == SetKind.DnatAny), $"{r.Protocol} . {port}", value);
            }
            else if (Host(r.Destination) is { } host)
            {
                element = (sets.Single(s => s.Kind == SetKind.DnatHost), $"{host} . {r.Protocol} . {port}", value);
            }
        }
        else if (r.Action == FirewallAction.Masquerade && r.Table == FirewallTable.Nat && r.Hook == FirewallHook.Postrouting
                 && r.OutInterface is null && r.DnatTo is null && Host(r.Source) is { } source && Host(r.Destination) is { } destination)
        {
            element = (sets.Single(), $"{source} . {destination} . {r.Protocol} . {port}", null);
        }
        else if (r.Action == FirewallAction.Accept && r.Table == FirewallTable.Filter && r.Hook == FirewallHook.Forward
                 && r.Source is null && r.DnatTo is null && r.OutInterface is { } oif && !r.NotOutInterface && Host(r.Destination) is { } inside)
        {
            element = (sets.Single(), $"{inside} . {Quote(oif)} . {r.Protocol} . {port}", null);
        }
        // Only when the element reads back as exactly this rule (a "/32" written "10.0.0.5" would not).
        return element is { } e && FromElement(e.Item1, Split(e.Item2), e.Item3 is null ? null : Split(e.Item3), r.Tag) == r ? e : null;
    }

    /// <summary>The rule an element stands for: key and value as their parts ("tcp", "8080", ...).</summary>
    public static FirewallRule? FromElement(NftSet set, IReadOnlyList<string> key, IReadOnlyList<string>? value, string tag)
    {
        int? Port(string text) => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : null;
        var host = set.Family == AddressFamily.InterNetworkV6 ? "/128" : "/32";
        switch (set.Kind)
        {
            case SetKind.DnatAny or SetKind.DnatHost:
                var offset = set.Kind == SetKind.DnatHost ? 1 : 0;
                if (key.Count != 2 + offset || value is not { Count: 2 } || !IPAddress.TryParse(value[0], out var address)
                    || !ushort.TryParse(value[1], NumberStyles.None, CultureInfo.InvariantCulture, out var toPort))
                {
                    return null;
                }
                return new FirewallRule(set.Table, set.Hook, tag, FirewallAction.Dnat)
                {
                    Destination = offset == 1 ? key[0] + host : null, Protocol = key[offset], DestinationPort = Port(key[offset + 1]),
                    DnatTo = new DnatTarget(address, toPort),
                };
            case SetKind.Hairpin:
                return key.Count != 4 ? null : new FirewallRule(set.Table, set.Hook, tag, FirewallAction.Masquerade)
                {
                    Source = key[0] + host, Destination = key[1] + host, Protocol = key[2], DestinationPort = Port(key[3]),
                };
            default:
                return key.Count != 4 ? null : new FirewallRule(set.Table, set.Hook, tag, FirewallAction.Accept)
                {
                    Destination = key[0] + host, OutInterface = key[1], Protocol = key[2], DestinationPort = Port(key[3]),
                };
        }
    }

    /// <summary>Element text as nft prints it: "tcp . 8080", "192.168.15.2 . \"bridge0\" . tcp . 80", "fd00::2 . 80" (an IPv6 address is not a string).</summary>
    public static string JoinParts(IEnumerable<string> parts) =>
        string.Join(" . ", parts.Select(p => p.Length > 0 && (char.IsAsciiDigit(p[0]) || p is "tcp" or "udp" || (p.Contains(':') && IPAddress.TryParse(p, out _))) ? p : Quote(p)));

    /// <summary>The parts of element text written by this class (quotes taken off).</summary>
    public static List<string> Split(string text) => text.Split(" . ").Select(p => p.Trim('"')).ToList();

    /// <summary>The `{ key comment "tag" : value }` of add element.</summary>
    public static string ElementList(string key, string? value, string tag) =>
        "{ " + key + (tag.Length > 0 ? " comment " + Quote(tag) : "") + (value is null ? "" : " : " + value) + " }";

    /// <summary>A host of the family ("a.b.c.d/32", "2001:db8::2/128") as its address, in the form nft prints; null otherwise.</summary>
    private static string? HostOf(string? prefix, AddressFamily family)
    {
        var suffix = family == AddressFamily.InterNetworkV6 ? "/128" : "/32";
        return prefix is not null && prefix.EndsWith(suffix, StringComparison.Ordinal) && IPAddress.TryParse(prefix[..^suffix.Length], out var a)
            && a.AddressFamily == family && a.ToString() == prefix[..^suffix.Length] ? prefix[..^suffix.Length] : null;
    }

    // ---- rules ----

    /// <summary>A rule's body as nft takes it and lists it (without comment); null for a rule that has matches this driver cannot write.</summary>
    public static string? Body(FirewallRule r)
    {
        if (r.Unrecognized is not null)
        {
            return null;
        }
        var parts = new List<string>();
        if (LocalOnly(r.Table, r.Hook))
        {
            parts.Add("fib daddr type local");
        }
        if (r.InInterface is not null)
        {
            parts.Add("iifname " + Quote(r.InInterface));
        }
        if (r.OutInterface is not null)
        {
            parts.Add("oifname " + (r.NotOutInterface ? "!= " : "") + Quote(r.OutInterface));
        }
        if (r.Source is not null)
        {
            parts.Add(AddressMatch("saddr", r.Source));
        }
        if (r.Destination is not null)
        {
            parts.Add(AddressMatch("daddr", r.Destination));
        }
        if (r.SourceIsLocal)
        {
            parts.Add("fib saddr type local");
        }
        if (r.Protocol is not null && r.DestinationPort is { } port)
        {
            parts.Add($"{r.Protocol} dport {port.ToString(CultureInfo.InvariantCulture)}");
        }
        else if (r.Protocol is not null)
        {
            parts.Add("meta l4proto " + r.Protocol);
        }
        else if (r.DestinationPort is { } bare)
        {
            parts.Add("th dport " + bare.ToString(CultureInfo.InvariantCulture));
        }
        if (r.EstablishedOnly)
        {
            parts.Add("ct state established,related");
        }
        switch (r.Action)
        {
            case FirewallAction.Masquerade: parts.Add("masquerade"); break;
            case FirewallAction.Accept: parts.Add("accept"); break;
            case FirewallAction.Drop: parts.Add("drop"); break;
            case FirewallAction.Dnat:
                if (r.DnatTo is not { } to)
                {
                    return null;
                }
                parts.Add(to.Address.AddressFamily == AddressFamily.InterNetworkV6 ? $"dnat ip6 to {to}" : $"dnat ip to {to}");
                break;
        }
        return string.Join(' ', parts);
    }

    /// <summary>The body with the rule's tag as comment.</summary>
    public static string WithComment(string body, string? comment) =>
        string.IsNullOrEmpty(comment) ? body : body + " comment " + Quote(comment);

    private static string AddressMatch(string field, string prefix)
    {
        var family = prefix.Contains(':') ? "ip6" : "ip";
        var host = family == "ip" ? "/32" : "/128";
        return $"{family} {field} {(prefix.EndsWith(host, StringComparison.Ordinal) ? prefix[..^host.Length] : prefix)}";
    }

    /// <summary>An nft string: double quotes (names and tags hold no quote or backslash: the module's names are validated).</summary>
    public static string Quote(string text)
    {
        var sb = new StringBuilder("\"");
        foreach (var c in text)
        {
            if (c is '"' or '\\' || char.IsControl(c))
            {
                throw new ArgumentException($"'{text}' cannot be written as an nftables string", nameof(text));
            }
            sb.Append(c);
        }
        return sb.Append('"').ToString();
    }
}
