using System.Collections.Generic;
using NetNsPS.Linux;
using NetNsPS.Linux.Firewall;

namespace NetNsPS.Operations;

/// <summary>
/// Everything a planner may read of the system, and nothing it may change: named namespaces, links with their
/// addresses, routes, sysctls and the persist file, and the module's own firewall objects. The live implementation
/// reads the kernel (targeted where it can: one link by name, not a dump of the host); tests give an in-memory one,
/// so convergence is tested without root. Reads are cached until <see cref="Invalidate"/>.
/// </summary>
public interface ISystemView
{
    /// <summary>A named network namespace: an nsfs mount under /run/netns, as `ip netns` makes.</summary>
    bool NamespaceExists(string name);

    /// <summary>
    /// A file under /run/netns of that name that is not a namespace: what a run killed between creating the file and
    /// mounting the namespace on it leaves. `ip netns delete` removes it.
    /// </summary>
    bool NamespaceFileIsStray(string name);

    /// <summary>Every named network namespace, sorted by name.</summary>
    IReadOnlyList<string> NamespaceNames();

    /// <summary>All links of a namespace (null: the host), with their addresses.</summary>
    IReadOnlyList<LinkRecord> Links(string? ns);

    /// <summary>One link by name, or null.</summary>
    LinkRecord? Link(string? ns, string name);

    /// <summary>One link by interface index, or null.</summary>
    LinkRecord? LinkByIndex(string? ns, int index);

    /// <summary>The main routing table of a namespace (null: the host).</summary>
    IReadOnlyList<RouteRecord> Routes(string? ns);

    /// <summary>
    /// The root qdiscs of a namespace (null: the host), of one device or (null) of all: what `tc -j qdisc show` reports.
    /// A device that does not exist has none.
    /// </summary>
    IReadOnlyList<QdiscRecord> Qdiscs(string? ns, string? device);

    /// <summary>A kernel parameter of the host's network namespace, or null where it does not exist.</summary>
    string? Sysctl(string key);

    /// <summary>A kernel parameter inside a named network namespace (null: the host), or null where it does not exist.</summary>
    string? Sysctl(string? ns, string key);

    /// <summary>The text of NetNsPS's persist file of a family (<see cref="Linux.Sysctl.PersistFileOf"/>), or null where there is none.</summary>
    string? PersistFileText(System.Net.Sockets.AddressFamily family = System.Net.Sockets.AddressFamily.InterNetwork);

    /// <summary>What NetNsPS recorded of a setting it set (the value it found, the value it wrote), or null.</summary>
    SettingRecord? RecordedSetting(string key);

    /// <summary>This machine's id (systemd's machine-id), from which a bridge's own MAC is derived.</summary>
    string MachineId();

    /// <summary>What the module owns in the firewall right now, read once until invalidated.</summary>
    FirewallSnapshot Firewall();

    /// <summary>
    /// Where firewalld runs, the zone <paramref name="iface"/> is bound to (<see cref="Linux.Firewall.Firewalld.FirewalldBinding"/>);
    /// null where firewalld does not run. Read once per interface until invalidated.
    /// </summary>
    Linux.Firewall.Firewalld.FirewalldBinding? Firewalld(string iface);

    /// <summary>Forgets what was read (of one namespace, or of everything), so the next read sees the kernel's truth.</summary>
    void Invalidate(string? ns = null);
}
