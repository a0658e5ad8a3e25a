using NetNsPS.Operations;
using NetNsPS.Linux;

namespace NetNsPS.Internal;

/// <summary>The kernel settings the module reports, as output objects.</summary>
internal static class SysctlSettings
{
    public static SysctlSetting IpForward() => new()
    {
        Name = Sysctl.IpForward,
        Value = Sysctl.Read(Sysctl.IpForward),
        PersistentPath = Sysctl.PersistFileIsOurs() ? Sysctl.PersistFile : null,
    };

    public static SysctlSetting BridgeNetfilter() => new()
    {
        Name = Sysctl.BridgeNfCallIptables,
        Value = Sysctl.Read(Sysctl.BridgeNfCallIptables),
    };
}
