using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Text.Json;

namespace NetNsPS.Linux;

/// <summary>Parses iproute2's JSON output (`ip -j`), never its text.</summary>
public static class IpJson
{
    public static List<LinkRecord> ParseLinks(string json)
    {
        var links = new List<LinkRecord>();
        foreach (var item in Array(json))
        {
            var linkinfo = item.TryGetProperty("linkinfo", out var li) ? li : default;
            var slaveData = linkinfo.ValueKind == JsonValueKind.Object && linkinfo.TryGetProperty("info_slave_data", out var sd) ? sd : default;
            var addresses = new List<AddressRecord>();
            if (item.TryGetProperty("addr_info", out var addrInfo) && addrInfo.ValueKind == JsonValueKind.Array)
            {
                foreach (var a in addrInfo.EnumerateArray())
                {
                    var local = Str(a, "local");
                    if (local is null)
                    {
                        continue;
                    }
                    addresses.Add(new AddressRecord(Str(a, "family") ?? "", local, (byte)(Int(a, "prefixlen") ?? 0), Str(a, "scope")));
                }
            }
            links.Add(new LinkRecord(
                Index: Int(item, "ifindex") ?? 0,
                Name: Str(item, "ifname") ?? "",
                Kind: Str(linkinfo, "info_kind"),
                SlaveKind: Str(linkinfo, "info_slave_kind"),
                Flags: item.TryGetProperty("flags", out var flags) && flags.ValueKind == JsonValueKind.Array
                    ? flags.EnumerateArray().Select(f => f.GetString() ?? "").ToArray()
                    : System.Array.Empty<string>(),
                OperState: Str(item, "operstate") ?? "UNKNOWN",
                Mtu: Int(item, "mtu") ?? 0,
                MacAddress: Str(item, "address"),
                Master: Str(item, "master"),
                PeerIndex: Int(item, "link_index"),
                PeerNetnsId: Int(item, "link_netnsid"),
                // Both ends in one namespace: iproute2 names the peer ("link") instead of giving its index.
                PeerNameSameNamespace: Str(item, "link"),
                Hairpin: Bool(slaveData, "hairpin"),
                Addresses: addresses)
            {
                Alias = Str(item, "ifalias"),
            });
        }
        return links;
    }

    public static List<RouteRecord> ParseRoutes(string json) =>
        Array(json).Select(r => new RouteRecord(
            Str(r, "dst") ?? "default",
            Str(r, "gateway"),
            Str(r, "dev"),
            Str(r, "scope"),
            Str(r, "protocol"),
            Str(r, "prefsrc"),
            Str(r, "type"))).ToList();

    private static List<JsonElement> Array(string json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return new List<JsonElement>();
        }
        try
        {
            using var doc = JsonDocument.Parse(json);
            if (doc.RootElement.ValueKind != JsonValueKind.Array)
            {
                throw new JsonException("expected a JSON array");
            }
            return doc.RootElement.EnumerateArray().Select(e => e.Clone()).ToList();
        }
        catch (JsonException e)
        {
            throw new NetNsException($"Could not read iproute2's JSON output: {e.Message}", "IpJsonUnreadable", ErrorCategory.ParserError, json);
        }
    }

    private static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static int? Int(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i) ? i : null;

    private static bool? Bool(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && (v.ValueKind == JsonValueKind.True || v.ValueKind == JsonValueKind.False) ? v.GetBoolean() : null;
}
