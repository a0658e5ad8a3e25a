using System.Linq;
using NetNsPS.Operations;
using NetNsPS.Linux;

namespace NetNsPS.Internal;

/// <summary>The kernel settings the module reports, as output objects.</summary>
internal static class SysctlSettings
{
    /// <summary>net.ipv4.ip_forward (or IPv6's net.ipv6.conf.all.forwarding) of the host, or of a named namespace (never persisted there).</summary>
    public static SysctlSetting IpForward(string? ns = null, System.Net.Sockets.AddressFamily family = System.Net.Sockets.AddressFamily.InterNetwork) => new()
    {
        Namespace = ns,
        Name = Sysctl.ForwardKey(family),
        Value = Sysctl.Read(ns, Sysctl.ForwardKey(family)),
        PersistentPath = ns is null && Sysctl.PersistFileIsOurs(family) ? Sysctl.PersistFileOf(family) : null,
    };

    /// <summary>The families -AddressFamily names (IPv4 and IPv6, each once, in that order); IPv4 without it.</summary>
    public static System.Net.Sockets.AddressFamily[] Families(string[]? names) => names is null || names.Length == 0
        ? new[] { System.Net.Sockets.AddressFamily.InterNetwork }
        : new[] { "IPv4", "IPv6" }.Where(f => names.Contains(f, System.StringComparer.OrdinalIgnoreCase))
            .Select(f => f == "IPv6" ? System.Net.Sockets.AddressFamily.InterNetworkV6 : System.Net.Sockets.AddressFamily.InterNetwork).ToArray();

    public static SysctlSetting BridgeNetfilter() => new()
    {
        Name = Sysctl.BridgeNfCallIptables,
        Value = Sysctl.Read(Sysctl.BridgeNfCallIptables),
    };
}
