using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using NetNsPS.Linux;

namespace NetNsPS.Lab;

/// <summary>A bridge on the host; with Masquerade its namespaces reach out through the host (the bridge's subnet is NATed).</summary>
public sealed record LabBridge(string Name, IpPrefix? Address, bool Masquerade);

/// <summary>
/// A namespace of the lab. With a Bridge it gets a veth pair to it (Interface inside, HostInterface on the host) and
/// its IPAddress on Interface; Exec are argv lines run inside it when it is created.
/// </summary>
public sealed record LabNamespace(string Name, string? Bridge, IpPrefix? Address, IPAddress? DefaultRoute, bool Forwarding,
    string Interface, string HostInterface, IReadOnlyList<IReadOnlyList<string>> Exec);

/// <summary>One end of a point-to-point link: an interface in a namespace ("r1:eth-r2").</summary>
public sealed record LabEndpoint(string Namespace, string Interface)
{
    public override string ToString() => $"{Namespace}:{Interface}";
}

/// <summary>A point-to-point veth pair between two namespaces, with an address on each end and optional impairment.</summary>
public sealed record LabLink(LabEndpoint A, LabEndpoint B, IpPrefix? AddressA, IpPrefix? AddressB, LabShaping? Shaping)
{
    public override string ToString() => $"{A}-{B}";
}

/// <summary>tc netem settings of a link, as written in the file ("20ms", "1%", "100mbit"; null: not set), and as netem takes them.</summary>
public sealed record LabShaping(string? Delay, string? Jitter, string? Loss, string? Duplicate, string? Rate)
{
    /// <summary>The settings each end of the link sends with (checked when the file was read).</summary>
    public NetemSettings Settings => Netem.FromParameters(Delay, Jitter, Loss, Duplicate, Rate);

    /// <summary>Live netem settings in the file's words.</summary>
    public static LabShaping From(NetemSettings s) => new(
        s.DelayMicroseconds is { } d ? Netem.FormatTime(d) : null, s.JitterMicroseconds is { } j ? Netem.FormatTime(j) : null,
        s.LossPercent is { } l ? Netem.FormatPercent(l) : null, s.DuplicatePercent is { } u ? Netem.FormatPercent(u) : null,
        s.RateBitsPerSecond is { } r ? Netem.FormatRate(r) : null);
}

/// <summary>A route of a namespace's main table.</summary>
public sealed record LabRoute(string Namespace, IpPrefix Destination, IPAddress NextHop);

/// <summary>A port of a namespace published on the host (the namespace needs a Bridge and an IPAddress).</summary>
public sealed record LabPort(string Namespace, ushort InternalPort, ushort ExternalPort, NsProtocol Protocol)
{
    public override string ToString() => $"{Protocol.ToString().ToLowerInvariant()}/{ExternalPort}->{Namespace}:{InternalPort}";
}

/// <summary>A whole lab, validated: every name checked, every reference resolved.</summary>
public sealed record LabSpec(string Name, IReadOnlyList<LabBridge> Bridges, IReadOnlyList<LabNamespace> Namespaces,
    IReadOnlyList<LabLink> Links, IReadOnlyList<LabRoute> Routes, IReadOnlyList<LabPort> Ports)
{
    /// <summary>A lab that names nothing: what Remove-NsLab converges to.</summary>
    public static LabSpec Empty(string name) => new(name, Array.Empty<LabBridge>(), Array.Empty<LabNamespace>(),
        Array.Empty<LabLink>(), Array.Empty<LabRoute>(), Array.Empty<LabPort>());

    public LabNamespace? Namespace(string name) => Namespaces.FirstOrDefault(n => n.Name == name);

    public LabBridge? Bridge(string name) => Bridges.FirstOrDefault(b => b.Name == name);

    /// <summary>The routes the lab puts in place: its Routes and each namespace's DefaultRoute.</summary>
    public IEnumerable<LabRoute> AllRoutes() => Namespaces.Where(n => n.DefaultRoute is not null)
        .Select(n => new LabRoute(n.Name, IpPrefix.Default(System.Net.Sockets.AddressFamily.InterNetwork), n.DefaultRoute!))
        .Concat(Routes);

    /// <summary>Every address of the lab: (namespace or null for the host, interface, address).</summary>
    public IEnumerable<(string? Namespace, string Interface, IpPrefix Address)> AllAddresses()
    {
        foreach (var b in Bridges.Where(b => b.Address is not null))
        {
            yield return (null, b.Name, b.Address!.Value);
        }
        foreach (var n in Namespaces.Where(n => n.Bridge is not null && n.Address is not null))
        {
            yield return (n.Name, n.Interface, n.Address!.Value);
        }
        foreach (var l in Links)
        {
            if (l.AddressA is { } a)
            {
                yield return (l.A.Namespace, l.A.Interface, a);
            }
            if (l.AddressB is { } b)
            {
                yield return (l.B.Namespace, l.B.Interface, b);
            }
        }
    }
}
