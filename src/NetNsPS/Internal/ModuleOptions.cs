using System;
using System.Linq;
using NetNsPS.Linux.Firewall;
using NetNsPS.Linux.Netlink;

namespace NetNsPS.Internal;

/// <summary>
/// The module-wide settings live in the process environment (NETNSPS_FIREWALL, NETNSPS_BACKEND): the one place the
/// drivers read them, inherited by every sandbox and child pwsh the session starts, and settable from bash too.
/// </summary>
internal static class ModuleOptions
{
    public const string NativeBackend = "Native";
    public const string Iproute2Backend = "Iproute2";

    public static NetNsPSOption Current()
    {
        var setting = Environment.GetEnvironmentVariable(FirewallDrivers.Variable);
        string effective;
        try
        {
            effective = FirewallDrivers.ForName(setting).Name;
        }
        catch (NetNsException)
        {
            // An unknown or unusable driver named in the environment: shown as such, the cmdlets report it when used.
            effective = "(none: " + setting + " cannot be used here)";
        }
        return new NetNsPSOption
        {
            FirewallDriver = string.IsNullOrEmpty(setting) ? FirewallDrivers.AutoName : setting,
            EffectiveFirewallDriver = effective,
            AvailableFirewallDrivers = FirewallDrivers.All.Where(d => d.IsAvailable).Select(d => d.Name).ToArray(),
            Backend = NetlinkSession.Enabled ? NativeBackend : Iproute2Backend,
        };
    }
}
