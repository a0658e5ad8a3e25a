using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace NetNsPS.Lab;

/// <summary>What Show-NsLab draws in.</summary>
public enum LabGraphFormat { Mermaid, Dot }

/// <summary>
/// A lab as a picture: namespaces (with their routes), bridges (with address and masquerade), the veth pairs to the
/// bridges and the links between namespaces labelled with interface and address, and published ports pointing at
/// their namespace. Mermaid renders on GitHub and in docs; DOT is Graphviz's (`dot -Tsvg`).
/// </summary>
public static class LabGraph
{
    public static string Render(LabSpec lab, LabGraphFormat format) => format == LabGraphFormat.Dot ? Dot(lab) : Mermaid(lab);

    private static string NamespaceLabel(LabSpec lab, LabNamespace n, string newline)
    {
        var lines = new List<string> { n.Name + (n.Forwarding ? " (router)" : "") };
        lines.AddRange(lab.AllRoutes().Where(r => r.Namespace == n.Name).Select(r => $"{r.Destination.ToRouteDestination()} via {r.NextHop}"));
        return string.Join(newline, lines);
    }

    private static string BridgeLabel(LabBridge b, string newline) =>
        string.Join(newline, new[] { $"bridge {b.Name}", b.Address?.ToString(), b.Masquerade ? "masquerade" : null }.OfType<string>());

    private static string End(string name, Linux.IpPrefix? address) => address is { } a ? $"{name} {a}" : name;

    public static string Mermaid(LabSpec lab)
    {
        var ids = Ids(lab);
        var text = new StringBuilder($"---\ntitle: lab {lab.Name}\n---\nflowchart LR\n");
        foreach (var b in lab.Bridges)
        {
            text.Append($"    {ids[Key("b", b.Name)]}[[\"{BridgeLabel(b, "<br/>")}\"]]\n");
        }
        foreach (var n in lab.Namespaces)
        {
            text.Append($"    {ids[Key("n", n.Name)]}(\"{NamespaceLabel(lab, n, "<br/>")}\")\n");
        }
        foreach (var p in lab.Ports)
        {
            text.Append($"    {ids[Key("p", p.ToString())]}{{{{\"{Protocol(p)}/{p.ExternalPort} on the host\"}}}}\n");
        }
        foreach (var n in lab.Namespaces.Where(n => n.Bridge is not null))
        {
            text.Append($"    {ids[Key("n", n.Name)]} ---|\"{End(n.Interface, n.Address)}<br/>{n.HostInterface}\"| {ids[Key("b", n.Bridge!)]}\n");
        }
        foreach (var l in lab.Links)
        {
            text.Append($"    {ids[Key("n", l.A.Namespace)]} ---|\"{End(l.A.Interface, l.AddressA)}<br/>{End(l.B.Interface, l.AddressB)}{Shaping(l, "<br/>")}\"| {ids[Key("n", l.B.Namespace)]}\n");
        }
        foreach (var p in lab.Ports)
        {
            text.Append($"    {ids[Key("p", p.ToString())]} -->|\"{Target(lab, p)}\"| {ids[Key("n", p.Namespace)]}\n");
        }
        return text.ToString();
    }

    public static string Dot(LabSpec lab)
    {
        var text = new StringBuilder($"graph {Quote("lab " + lab.Name)} {{\n    rankdir=LR;\n    node [fontname=\"Helvetica\", fontsize=11];\n    edge [fontname=\"Helvetica\", fontsize=9];\n");
        foreach (var b in lab.Bridges)
        {
            text.Append($"    {Quote("bridge:" + b.Name)} [shape=box, style=\"rounded,filled\", fillcolor=\"#e8f0fe\", label={Quote(BridgeLabel(b, "\n"))}];\n");
        }
        foreach (var n in lab.Namespaces)
        {
            text.Append($"    {Quote("ns:" + n.Name)} [shape=ellipse, label={Quote(NamespaceLabel(lab, n, "\n"))}];\n");
        }
        foreach (var p in lab.Ports)
        {
            text.Append($"    {Quote("port:" + p)} [shape=hexagon, label={Quote($"{Protocol(p)}/{p.ExternalPort} on the host")}];\n");
        }
        foreach (var n in lab.Namespaces.Where(n => n.Bridge is not null))
        {
            text.Append($"    {Quote("ns:" + n.Name)} -- {Quote("bridge:" + n.Bridge)} [label={Quote(End(n.Interface, n.Address) + "\n" + n.HostInterface)}];\n");
        }
        foreach (var l in lab.Links)
        {
            text.Append($"    {Quote("ns:" + l.A.Namespace)} -- {Quote("ns:" + l.B.Namespace)} [label={Quote(End(l.A.Interface, l.AddressA) + "\n" + End(l.B.Interface, l.AddressB) + Shaping(l, "\n"))}];\n");
        }
        foreach (var p in lab.Ports)
        {
            text.Append($"    {Quote("port:" + p)} -- {Quote("ns:" + p.Namespace)} [label={Quote(Target(lab, p))}, dir=forward];\n");
        }
        return text.Append("}\n").ToString();
    }

    private static string Protocol(LabPort p) => p.Protocol.ToString().ToLowerInvariant();

    private static string Target(LabSpec lab, LabPort p) => $"{lab.Namespace(p.Namespace)?.Address?.AddressText}:{p.InternalPort}";

    private static string Shaping(LabLink l, string newline) => l.Shaping is not { } s ? ""
        : newline + string.Join(" ", new[] { s.Delay is null ? null : $"delay {s.Delay}" + (s.Jitter is null ? "" : $"±{s.Jitter}"),
            s.Loss is null ? null : $"loss {s.Loss}", s.Duplicate is null ? null : $"duplicate {s.Duplicate}", s.Rate is null ? null : $"rate {s.Rate}" }.OfType<string>());

    /// <summary>Mermaid ids: b0, n0, p0 in file order (names may hold '.', '@', '+', '-', which ids may not).</summary>
    private static Dictionary<string, string> Ids(LabSpec lab)
    {
        var ids = new Dictionary<string, string>();
        for (var i = 0; i < lab.Bridges.Count; i++) { ids[Key("b", lab.Bridges[i].Name)] = $"b{i}"; }
        for (var i = 0; i < lab.Namespaces.Count; i++) { ids[Key("n", lab.Namespaces[i].Name)] = $"n{i}"; }
        for (var i = 0; i < lab.Ports.Count; i++) { ids[Key("p", lab.Ports[i].ToString())] = $"p{i}"; }
        return ids;
    }

    private static string Key(string kind, string name) => kind + ":" + name;

    /// <summary>A DOT string: quotes and backslashes escaped, newlines as \n.</summary>
    private static string Quote(string text) => "\"" + text.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n") + "\"";
}
