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

    /// <summary>Adds to the plan what makes bridged traffic pass iptables (sibling namespaces reaching a published port).</summary>
    public static void PlanBridgeNetfilter(Plan plan) => PlanBridgeNetfilter(plan, Sysctl.BridgeNetfilterLoaded, Sysctl.Read(Sysctl.BridgeNfCallIptables));

    /// <summary>The same, reading the system through a planner's view (br_netfilter is loaded where its sysctl exists).</summary>
    public static void PlanBridgeNetfilter(ISystemView view, Plan plan)
    {
        var current = view.Sysctl(Sysctl.BridgeNfCallIptables);
        PlanBridgeNetfilter(plan, current is not null, current);
    }

    private static void PlanBridgeNetfilter(Plan plan, bool loaded, string? current)
    {
        if (!loaded)
        {
            plan.Add(Sysctl.LoadBridgeNetfilter());
        }
        if (current != "1")
        {
            plan.Add(Sysctl.Write(Sysctl.BridgeNfCallIptables, "1"), current is null ? null : Sysctl.Write(Sysctl.BridgeNfCallIptables, current));
        }
    }
}
