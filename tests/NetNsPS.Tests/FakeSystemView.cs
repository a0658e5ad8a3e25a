using System;
using System.Collections.Generic;
using System.Linq;
using NetNsPS.Linux;
using NetNsPS.Linux.Firewall;
using NetNsPS.Linux.Firewall.Firewalld;
using NetNsPS.Linux.Firewall.Iptables;
using NetNsPS.Operations;

namespace NetNsPS.Tests;

/// <summary>
/// An in-memory system for planners: namespaces, links (with addresses), routes, sysctls, the persist file and the
/// firewall, set up by a test. Counts its reads, so a test can show what a planner looked at.
/// </summary>
public sealed class FakeSystemView : ISystemView
{
    private readonly SortedSet<string> _namespaces = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<LinkRecord>> _links = new();
    private readonly Dictionary<string, List<RouteRecord>> _routes = new();
    private int _nextIndex = 2;

    public Dictionary<string, string> Sysctls { get; } = new();
    public string? PersistFile { get; set; }
    public FirewallSnapshot Snapshot { get; set; } = IptablesDriver.Parse("");

    /// <summary>How often each kind of read was made ("Links:red", "Link:red/veth-red", ...).</summary>
    public List<string> Reads { get; } = new();

    public FakeSystemView Namespace(params string[] names)
    {
        foreach (var name in names)
        {
            _namespaces.Add(name);
            AddLink(name, new LinkRecord(1, "lo", null, null, LinkFlags.Loopback | LinkFlags.Up, "UNKNOWN", 65536, "00:00:00:00:00:00", null, null, null, null, null, Array.Empty<AddressRecord>()));
        }
        return this;
    }

    public FakeSystemView Bridge(string name, bool up = true, string? address = null)
    {
        AddLink(null, Link(name, "bridge", null, up, null, address));
        return this;
    }

    /// <summary>A veth pair with one end in <paramref name="ns"/> (null: both on the host) and the other on the host.</summary>
    public FakeSystemView Veth(string? ns, string name, string peer, string? master = null, bool up = true, string? address = null, bool? hairpin = null)
    {
        var inside = Link(name, "veth", null, up, null, address);
        var hostEnd = Link(peer, "veth", master is null ? null : "bridge", up, master, null) with { Hairpin = master is null ? null : hairpin ?? false };
        if (ns is null)
        {
            inside = inside with { PeerNameSameNamespace = peer };
            hostEnd = hostEnd with { PeerNameSameNamespace = name };
        }
        else
        {
            inside = inside with { PeerIndex = hostEnd.Index, PeerNetnsId = 0 };
            hostEnd = hostEnd with { PeerIndex = inside.Index, PeerNetnsId = 1 };
        }
        AddLink(ns, inside);
        AddLink(null, hostEnd);
        return this;
    }

    /// <summary>A point-to-point veth pair: <paramref name="name"/> in <paramref name="ns"/>, <paramref name="peer"/> in <paramref name="peerNs"/> (null: the host).</summary>
    public FakeSystemView NsLink(string? ns, string name, string? peerNs, string peer, bool up = true, string? address = null, string? peerAddress = null)
    {
        var end = Link(name, "veth", null, up, null, address);
        var other = Link(peer, "veth", null, up, null, peerAddress);
        AddLink(ns, end with { PeerIndex = other.Index, PeerNetnsId = 0 });
        AddLink(peerNs, other with { PeerIndex = end.Index, PeerNetnsId = 0 });
        return this;
    }

    /// <summary>A veth pair with both ends in one namespace (a two-step `ip link add` + `set netns` stopped half way).</summary>
    public FakeSystemView VethWithin(string ns, string name, string peer, bool up = false)
    {
        AddLink(ns, Link(name, "veth", null, up, null, null) with { PeerNameSameNamespace = peer });
        AddLink(ns, Link(peer, "veth", null, up, null, null) with { PeerNameSameNamespace = name });
        return this;
    }

    public FakeSystemView Device(string? ns, string name, string kind = "dummy", string? address = null)
    {
        AddLink(ns, Link(name, kind, null, true, null, address));
        return this;
    }

    /// <summary>Sets the namespace's lo down (as a namespace made by another tool may have it).</summary>
    public FakeSystemView WithLoDown(string ns)
    {
        var list = _links[ns];
        var i = list.FindIndex(l => l.Name == "lo");
        list[i] = list[i] with { Flags = LinkFlags.Loopback, OperState = "DOWN" };
        return this;
    }

    /// <summary>Adds one more address to a link already there (a second family, a link-local one).</summary>
    public FakeSystemView AddAddress(string? ns, string device, string cidr)
    {
        var list = _links[ns ?? ""];
        var i = list.FindIndex(l => l.Name == device);
        list[i] = list[i] with { Addresses = list[i].Addresses.Append(Address(cidr)).ToList() };
        return this;
    }

    public FakeSystemView Route(string? ns, RouteRecord route)
    {
        Routes(ns);
        _routes[ns ?? ""].Add(route);
        return this;
    }

    private LinkRecord Link(string name, string kind, string? slaveKind, bool up, string? master, string? address)
    {
        var addresses = address is null ? Array.Empty<AddressRecord>() : new[] { Address(address) };
        return new LinkRecord(_nextIndex++, name, kind, slaveKind, LinkFlags.Broadcast | LinkFlags.Multicast | (up ? LinkFlags.Up : LinkFlags.None),
            up ? "UP" : "DOWN", 1500, "02:00:00:00:00:" + _nextIndex.ToString("x2"), master, null, null, null, null, addresses);
    }

    private static AddressRecord Address(string cidr) => TestRecords.Address(cidr);

    private void AddLink(string? ns, LinkRecord link)
    {
        var key = ns ?? "";
        if (!_links.TryGetValue(key, out var list))
        {
            _links[key] = list = new List<LinkRecord>();
        }
        list.Add(link);
    }

    /// <summary>Files under /run/netns that are not namespaces (left by a killed run).</summary>
    public HashSet<string> StrayFiles { get; } = new(StringComparer.Ordinal);

    public bool NamespaceFileIsStray(string name) => StrayFiles.Contains(name);

    public bool NamespaceExists(string name)
    {
        Reads.Add("NamespaceExists:" + name);
        return _namespaces.Contains(name);
    }

    public IReadOnlyList<string> NamespaceNames()
    {
        Reads.Add("NamespaceNames");
        return _namespaces.ToList();
    }

    public IReadOnlyList<LinkRecord> Links(string? ns)
    {
        Reads.Add("Links:" + (ns ?? "host"));
        if (ns is not null && !_namespaces.Contains(ns))
        {
            throw Errors.NamespaceNotFound(ns);
        }
        return _links.TryGetValue(ns ?? "", out var list) ? list : Array.Empty<LinkRecord>();
    }

    public LinkRecord? Link(string? ns, string name)
    {
        Reads.Add($"Link:{ns ?? "host"}/{name}");
        return ns is not null && !_namespaces.Contains(ns) ? throw Errors.NamespaceNotFound(ns)
            : _links.TryGetValue(ns ?? "", out var list) ? list.FirstOrDefault(l => l.Name == name) : null;
    }

    public LinkRecord? LinkByIndex(string? ns, int index)
    {
        Reads.Add($"LinkByIndex:{ns ?? "host"}/{index}");
        return _links.TryGetValue(ns ?? "", out var list) ? list.FirstOrDefault(l => l.Index == index) : null;
    }

    public IReadOnlyList<RouteRecord> Routes(string? ns)
    {
        Reads.Add("Routes:" + (ns ?? "host"));
        var key = ns ?? "";
        if (!_routes.TryGetValue(key, out var list))
        {
            _routes[key] = list = new List<RouteRecord>();
        }
        return list;
    }

    public string? Sysctl(string key)
    {
        Reads.Add("Sysctl:" + key);
        return Sysctls.TryGetValue(key, out var value) ? value : null;
    }

    /// <summary>Root qdiscs that are not the kernel's default, by (namespace or "" for the host, device).</summary>
    public Dictionary<(string Namespace, string Device), QdiscRecord> RootQdiscs { get; } = new();

    /// <summary>Sets a device's root qdisc (netem when <paramref name="netem"/> is given).</summary>
    public FakeSystemView Qdisc(string? ns, string device, string kind = "netem", NetemSettings? netem = null, string handle = "8001:")
    {
        RootQdiscs[(ns ?? "", device)] = new QdiscRecord(device, kind, handle, netem);
        return this;
    }

    public IReadOnlyList<QdiscRecord> Qdiscs(string? ns, string? device)
    {
        Reads.Add($"Qdiscs:{ns ?? "host"}/{device ?? "*"}");
        // Every existing device has a root qdisc; the kernel's default one (noqueue for a veth) unless a test set another.
        return Links(ns).Where(l => device is null || l.Name == device)
            .Select(l => RootQdiscs.TryGetValue((ns ?? "", l.Name), out var q) ? q : new QdiscRecord(l.Name, "noqueue", "0:", null))
            .ToList();
    }

    /// <summary>Kernel parameters of named namespaces, by (namespace, key).</summary>
    public Dictionary<(string Namespace, string Key), string> NamespaceSysctls { get; } = new();

    public string? Sysctl(string? ns, string key)
    {
        if (ns is null)
        {
            return Sysctl(key);
        }
        Reads.Add($"Sysctl:{ns}/{key}");
        return !_namespaces.Contains(ns) ? throw Errors.NamespaceNotFound(ns) : NamespaceSysctls.TryGetValue((ns, key), out var value) ? value : null;
    }

    public string? PersistFileText(System.Net.Sockets.AddressFamily family = System.Net.Sockets.AddressFamily.InterNetwork) =>
        family == System.Net.Sockets.AddressFamily.InterNetworkV6 ? Ipv6PersistFile : PersistFile;

    /// <summary>The text of the IPv6 persist file, or null for none.</summary>
    public string? Ipv6PersistFile { get; set; }

    /// <summary>What NetNsPS recorded of the settings it set, by key.</summary>
    public Dictionary<string, SettingRecord> Records { get; } = new();

    public SettingRecord? RecordedSetting(string key) => Records.GetValueOrDefault(key);

    /// <summary>A fixed machine id, so bridge MACs in golden plans are the same on every machine.</summary>
    public string MachineId() => "0123456789abcdef0123456789abcdef";

    public FirewallSnapshot Firewall()
    {
        Reads.Add("Firewall");
        return Snapshot;
    }

    /// <summary>firewalld's zone of each interface bound to one; null: firewalld does not run.</summary>
    public Dictionary<string, string?>? FirewalldZones { get; set; }

    public FirewalldBinding? Firewalld(string iface)
    {
        Reads.Add($"Firewalld {iface}");
        return FirewalldZones is null ? null : new FirewalldBinding(iface, FirewalldZones.GetValueOrDefault(iface));
    }

    public void Invalidate(string? ns = null) => Reads.Add("Invalidate");
}
