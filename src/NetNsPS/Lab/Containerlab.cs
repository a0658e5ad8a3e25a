using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.Specialized;
using System.Linq;
using System.Management.Automation;
using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace NetNsPS.Lab;

/// <summary>
/// A containerlab topology (.clab.yml) as lab data, without containers: every node is a plain namespace (its kind and
/// image are ignored, with one warning), a node of kind bridge is a bridge on the host, topology.links[].endpoints are
/// veth links ("r1:eth1", "r2:eth1"; to a bridge node: the namespace's veth to that bridge), and a node's exec lines run
/// inside its namespace, in order, when the deploy creates it. Every other key is a warning, never silently dropped.
/// </summary>
public static class Containerlab
{
    private static readonly string[] TopKeys = { "name", "topology" };
    private static readonly string[] TopologyKeys = { "nodes", "links" };
    private static readonly string[] NodeKeys = { "kind", "image", "exec" };
    private static readonly string[] LinkKeys = { "endpoints" };

    public static object? ToData(string yaml, string source, List<string> warnings)
    {
        object? document;
        try
        {
            document = new DeserializerBuilder().Build().Deserialize<object>(yaml);
        }
        catch (YamlException e)
        {
            throw new NetNsException($"The lab file {source} is not valid YAML; nothing was changed: line {e.Start.Line}, column {e.Start.Column}: {e.Message}",
                "InvalidLabFile", ErrorCategory.InvalidData, source);
        }
        if (document is not IDictionary top)
        {
            return document;
        }
        Unknown(top, TopKeys, "(file)", warnings);
        var lab = new OrderedDictionary();
        if (Get(top, "name") is { } name)
        {
            lab["Name"] = name;
        }
        var topology = Get(top, "topology") as IDictionary ?? new Hashtable();
        Unknown(topology, TopologyKeys, "topology", warnings);
        var nodes = Get(topology, "nodes") as IDictionary ?? new Hashtable();
        var bridges = new List<OrderedDictionary>();
        var namespaces = new Dictionary<string, OrderedDictionary>(StringComparer.Ordinal);
        var ignoredImage = false;
        foreach (var key in nodes.Keys.Cast<object>())
        {
            var nodeName = key.ToString() ?? "";
            var path = $"topology.nodes.{nodeName}";
            var node = nodes[key] as IDictionary ?? new Hashtable();
            Unknown(node, NodeKeys, path, warnings);
            if (Get(node, "kind") as string == "bridge")
            {
                bridges.Add(new OrderedDictionary { ["Name"] = nodeName });
                continue;
            }
            if (!ignoredImage && (Get(node, "image") is not null || Get(node, "kind") is not null))
            {
                warnings.Add($"{path}: kind and image are ignored: every node is a plain network namespace (no container)");
                ignoredImage = true;
            }
            var ns = new OrderedDictionary { ["Name"] = nodeName };
            if (Get(node, "exec") is { } exec)
            {
                ns["Exec"] = exec is IList list ? list.Cast<object?>().Select(o => o?.ToString() ?? "").ToList() : new List<string> { exec.ToString() ?? "" };
            }
            namespaces[nodeName] = ns;
        }
        var links = new List<OrderedDictionary>();
        var linkList = Get(topology, "links") as IList ?? Array.Empty<object>();
        for (var i = 0; i < linkList.Count; i++)
        {
            var path = $"topology.links[{i}]";
            var link = linkList[i] as IDictionary ?? new Hashtable();
            Unknown(link, LinkKeys, path, warnings);
            var ends = (Get(link, "endpoints") as IList)?.Cast<object?>().Select(o => o?.ToString() ?? "").ToList() ?? new List<string>();
            var bridgeEnd = ends.FindIndex(e => bridges.Any(b => (string)b["Name"]! == NodeOf(e)));
            if (ends.Count == 2 && bridgeEnd >= 0 && namespaces.TryGetValue(NodeOf(ends[1 - bridgeEnd]), out var member))
            {
                // A namespace's port on a bridge node: its veth, the bridge's side named as the file names it.
                if (member.Contains("Bridge"))
                {
                    throw new NetNsException($"The lab file {source} is not valid; nothing was changed:\n  {path}.endpoints: namespace '{NodeOf(ends[1 - bridgeEnd])}' is on bridge '{member["Bridge"]}' already; a namespace has one bridge here",
                        "InvalidLabFile", ErrorCategory.InvalidData, source);
                }
                member["Bridge"] = NodeOf(ends[bridgeEnd]);
                member["Interface"] = InterfaceOf(ends[1 - bridgeEnd]);
                member["HostInterface"] = InterfaceOf(ends[bridgeEnd]);
                continue;
            }
            links.Add(new OrderedDictionary { ["Endpoints"] = ends });
        }
        if (bridges.Count > 0)
        {
            lab["Bridges"] = bridges;
        }
        lab["Namespaces"] = namespaces.Values.ToList();
        if (links.Count > 0)
        {
            lab["Links"] = links;
        }
        return lab;
    }

    private static string NodeOf(string endpoint) => endpoint.Contains(':') ? endpoint[..endpoint.IndexOf(':')] : endpoint;

    private static string InterfaceOf(string endpoint) => endpoint.Contains(':') ? endpoint[(endpoint.IndexOf(':') + 1)..] : "";

    private static object? Get(IDictionary map, string key) =>
        map.Keys.Cast<object>().FirstOrDefault(k => string.Equals(k.ToString(), key, StringComparison.Ordinal)) is { } k ? map[k] : null;

    private static void Unknown(IDictionary map, string[] known, string path, List<string> warnings)
    {
        foreach (var key in map.Keys.Cast<object>().Select(k => k.ToString() ?? "").Where(k => !known.Contains(k, StringComparer.Ordinal)))
        {
            warnings.Add($"{path}: key '{Linux.Names.Show(key)}' is not supported and was ignored (supported: {string.Join(", ", known)})");
        }
    }
}
