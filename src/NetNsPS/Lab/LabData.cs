using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.Specialized;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.Json;

namespace NetNsPS.Lab;

/// <summary>
/// A lab as plain data, the shape of a lab file (tables, lists, strings, numbers, booleans): what the state file keeps
/// (as JSON) and Export-NsLab writes (as a .psd1). Read back with <see cref="LabReader"/>, so there is one parser.
/// </summary>
public static class LabData
{
    public static OrderedDictionary ToData(LabSpec spec)
    {
        var top = new OrderedDictionary { ["Name"] = spec.Name };
        if (spec.Bridges.Count > 0)
        {
            top["Bridges"] = spec.Bridges.Select(b => Table(("Name", b.Name), ("IPAddress", b.Address?.ToString()),
                ("Masquerade", b.Masquerade ? true : null))).ToList();
        }
        if (spec.Namespaces.Count > 0)
        {
            top["Namespaces"] = spec.Namespaces.Select(n => Table(("Name", n.Name), ("Bridge", n.Bridge),
                ("IPAddress", n.Address?.ToString()), ("DefaultRoute", n.DefaultRoute?.ToString()),
                ("Forwarding", n.Forwarding ? true : null),
                ("Interface", n.Bridge is not null && n.Interface != "eth0" ? n.Interface : null),
                ("HostInterface", n.Bridge is not null && n.HostInterface != $"veth-{n.Name}" ? n.HostInterface : null),
                ("Exec", n.Exec.Count > 0 ? n.Exec.Select(JoinCommandLine).ToList() : null))).ToList();
        }
        if (spec.Links.Count > 0)
        {
            top["Links"] = spec.Links.Select(l => Table(("Endpoints", new List<string> { l.A.ToString(), l.B.ToString() }),
                ("IPAddress", l.AddressA is { } a && l.AddressB is { } b ? new List<string> { a.ToString(), b.ToString() } : null),
                ("Delay", l.Shaping?.Delay), ("Jitter", l.Shaping?.Jitter), ("Loss", l.Shaping?.Loss), ("Duplicate", l.Shaping?.Duplicate), ("Rate", l.Shaping?.Rate))).ToList();
        }
        if (spec.Routes.Count > 0)
        {
            top["Routes"] = spec.Routes.Select(r => Table(("Namespace", r.Namespace), ("DestinationPrefix", r.Destination.ToString()),
                ("NextHop", r.NextHop.ToString()))).ToList();
        }
        if (spec.Ports.Count > 0)
        {
            top["Ports"] = spec.Ports.Select(p => Table(("Namespace", p.Namespace), ("InternalPort", (int)p.InternalPort),
                ("ExternalPort", (int)p.ExternalPort), ("Protocol", p.Protocol == NsProtocol.Tcp ? null : p.Protocol.ToString()))).ToList();
        }
        return top;
    }

    private static OrderedDictionary Table(params (string Key, object? Value)[] entries)
    {
        var table = new OrderedDictionary();
        foreach (var (key, value) in entries.Where(e => e.Value is not null))
        {
            table[key] = value;
        }
        return table;
    }

    /// <summary>An argv as one line that <see cref="LabReader.SplitCommandLine"/> splits back into the same argv.</summary>
    public static string JoinCommandLine(IReadOnlyList<string> argv) =>
        string.Join(' ', argv.Select(a => a.Length > 0 && a.All(c => char.IsAsciiLetterOrDigit(c) || "-_./:=,@+%^".Contains(c)) ? a : "'" + a.Replace("'", "'\"'\"'") + "'"));

    // ---- JSON (the state file) ----

    public static string ToJson(object? data) => JsonSerializer.Serialize(Plain(data), new JsonSerializerOptions { WriteIndented = true });

    private static object? Plain(object? value) => value switch
    {
        IDictionary map => map.Keys.Cast<object>().ToDictionary(k => k.ToString()!, k => Plain(map[k])),
        string s => s,
        IEnumerable list => list.Cast<object?>().Select(Plain).ToList(),
        _ => value,
    };

    /// <summary>JSON back to tables (case-insensitive keys), lists, strings, numbers and booleans.</summary>
    public static object? FromJson(string json)
    {
        using var document = JsonDocument.Parse(json);
        return FromElement(document.RootElement);
    }

    private static object? FromElement(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => e.EnumerateObject().Aggregate(new Hashtable(StringComparer.OrdinalIgnoreCase), (t, p) => { t[p.Name] = FromElement(p.Value); return t; }),
        JsonValueKind.Array => e.EnumerateArray().Select(FromElement).ToList(),
        JsonValueKind.String => e.GetString(),
        JsonValueKind.Number => e.TryGetInt64(out var n) ? n : e.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => null,
    };

    // ---- .psd1 (Export-NsLab) ----

    /// <summary>The data as a PowerShell data file that Import-PowerShellDataFile reads back to the same data.</summary>
    public static string ToPsd1(object? data)
    {
        var text = new StringBuilder();
        Write(text, data, 0);
        return text.Append('\n').ToString();
    }

    private static void Write(StringBuilder text, object? value, int depth)
    {
        var indent = new string(' ', 4 * (depth + 1));
        switch (value)
        {
            case IDictionary map when depth == 0:
                text.Append("@{\n");
                foreach (var key in map.Keys.Cast<object>())
                {
                    text.Append(indent).Append(key).Append(" = ");
                    Write(text, map[key], depth + 1);
                    text.Append('\n');
                }
                text.Append("}");
                break;
            case IDictionary map:
                text.Append("@{ ");
                text.Append(string.Join("; ", map.Keys.Cast<object>().Select(k =>
                {
                    var inner = new StringBuilder();
                    Write(inner, map[k], depth + 1);
                    return $"{k} = {inner}";
                })));
                text.Append(" }");
                break;
            case string s:
                text.Append('\'').Append(s.Replace("'", "''")).Append('\'');
                break;
            case bool b:
                text.Append(b ? "$true" : "$false");
                break;
            case IEnumerable list when list.Cast<object?>().Any(o => o is IDictionary):
                text.Append("@(\n");
                foreach (var item in list)
                {
                    text.Append(indent);
                    Write(text, item, depth + 1);
                    text.Append('\n');
                }
                text.Append(new string(' ', 4 * depth)).Append(')');
                break;
            case IEnumerable list:
                text.Append("@(").Append(string.Join(", ", list.Cast<object?>().Select(o =>
                {
                    var inner = new StringBuilder();
                    Write(inner, o, depth + 1);
                    return inner.ToString();
                }))).Append(')');
                break;
            case null:
                text.Append("$null");
                break;
            default:
                text.Append(Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
        }
    }
}
