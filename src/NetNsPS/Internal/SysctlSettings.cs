using NetNsPS.Operations;
using NetNsPS.Linux;

namespace NetNsPS.Internal;

/// <summary>The kernel settings the module reports, as output objects.</summary>
internal static class SysctlSettings
{
    /// <summary>net.ipv4.ip_forward of the host, or of a named namespace (never persisted there).</summary>
    public static SysctlSetting IpForward(string? ns = null) => new()
    {
        Namespace = ns,
        Name = Sysctl.IpForward,
        Value = Sysctl.Read(ns, Sysctl.IpForward),
        PersistentPath = ns is null && Sysctl.PersistFileIsOurs() ? Sysctl.PersistFile : null,
    };

    public static SysctlSetting BridgeNetfilter() => new()
    {
        Name = Sysctl.BridgeNfCallIptables,
        Value = Sysctl.Read(Sysctl.BridgeNfCallIptables),
    };
}
