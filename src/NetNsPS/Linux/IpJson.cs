using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Net;
using System.Net.Sockets;
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
                    var family = FamilyOf(Str(a, "family"));
                    var local = Str(a, "local");
                    if (local is null || family is null)
                    {
                        continue;
                    }
                    addresses.Add(new AddressRecord(family.Value, Address(local, family.Value, json), (byte)(Int(a, "prefixlen") ?? 0), Str(a, "scope"))
                    {
                        Tentative = Bool(a, "tentative") == true,
                        DadFailed = Bool(a, "dadfailed") == true,
                    });
                }
            }
            links.Add(new LinkRecord(
                Index: Int(item, "ifindex") ?? 0,
                Name: Str(item, "ifname") ?? "",
                Kind: Str(linkinfo, "info_kind"),
                SlaveKind: Str(linkinfo, "info_slave_kind"),
                Flags: item.TryGetProperty("flags", out var flags) && flags.ValueKind == JsonValueKind.Array
                    ? flags.EnumerateArray().Aggregate(LinkFlags.None, (all, f) => all | FlagOf(f.GetString()))
                    : LinkFlags.None,
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

    /// <summary>`ip [-6] -j route show`: the family is the command's (the JSON names none), so "default" is 0.0.0.0/0 or ::/0.</summary>
    public static List<RouteRecord> ParseRoutes(string json, AddressFamily family = AddressFamily.InterNetwork) =>
        Array(json).Select(r => new RouteRecord(
            Destination(Str(r, "dst"), family, json),
            Str(r, "gateway") is { } gateway ? Address(gateway, null, json) : null,
            Str(r, "dev"),
            Str(r, "scope"),
            Str(r, "protocol"),
            Str(r, "prefsrc") is { } source ? Address(source, null, json) : null,
            Str(r, "type"))).ToList();

    private static AddressFamily? FamilyOf(string? name) => name switch
    {
        "inet" => AddressFamily.InterNetwork,
        "inet6" => AddressFamily.InterNetworkV6,
        _ => null,
    };

    /// <summary>iproute2's names of the IFF_* bits; "NO-CARRIER" and "M-DOWN" are derived from other state, not flags.</summary>
    private static LinkFlags FlagOf(string? name) => name switch
    {
        "UP" => LinkFlags.Up,
        "BROADCAST" => LinkFlags.Broadcast,
        "DEBUG" => LinkFlags.Debug,
        "LOOPBACK" => LinkFlags.Loopback,
        "POINTOPOINT" => LinkFlags.PointToPoint,
        "NOTRAILERS" => LinkFlags.NoTrailers,
        "NOARP" => LinkFlags.NoArp,
        "PROMISC" => LinkFlags.Promisc,
        "ALLMULTI" => LinkFlags.AllMulti,
        "MASTER" => LinkFlags.Master,
        "SLAVE" => LinkFlags.Slave,
        "MULTICAST" => LinkFlags.Multicast,
        "PORTSEL" => LinkFlags.PortSel,
        "AUTOMEDIA" => LinkFlags.AutoMedia,
        "DYNAMIC" => LinkFlags.Dynamic,
        "LOWER_UP" => LinkFlags.LowerUp,
        "DORMANT" => LinkFlags.Dormant,
        "ECHO" => LinkFlags.Echo,
        _ => LinkFlags.None,
    };

    /// <summary>An address as iproute2 prints it, of the family expected (null: either).</summary>
    private static IPAddress Address(string text, AddressFamily? family, string json) =>
        IPAddress.TryParse(text, out var address) && address.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6
            && (family is null || address.AddressFamily == family)
            // ScopeId throws for an IPv4 address.
            && (address.AddressFamily == AddressFamily.InterNetwork || address.ScopeId == 0)
            ? address
            : throw Unreadable($"'{text}' is not an {(family is { } f ? IpPrefix.FamilyName(f) : "IP")} address", json);

    /// <summary>A route's "dst": "default", a bare address (full length) or address/len.</summary>
    private static IpPrefix Destination(string? text, AddressFamily family, string json)
    {
        if (text is null || text == "default")
        {
            return IpPrefix.Default(family);
        }
        var slash = text.IndexOf('/');
        var address = Address(slash < 0 ? text : text[..slash], null, json);
        if (slash < 0)
        {
            return IpPrefix.Host(address);
        }
        return byte.TryParse(text.AsSpan(slash + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var length)
            && length <= IpPrefix.MaxLengthOf(address.AddressFamily)
            ? new IpPrefix(address, length)
            : throw Unreadable($"'{text}' is not a route destination", json);
    }

    private static NetNsException Unreadable(string what, string json) =>
        new($"Could not read iproute2's JSON output: {what}", "IpJsonUnreadable", ErrorCategory.ParserError, json);

    internal static List<JsonElement> Array(string json)
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
            throw Unreadable(e.Message, json);
        }
    }

    internal static string? Str(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static int? Int(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i) ? i : null;

    internal static bool? Bool(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && (v.ValueKind == JsonValueKind.True || v.ValueKind == JsonValueKind.False) ? v.GetBoolean() : null;
}
