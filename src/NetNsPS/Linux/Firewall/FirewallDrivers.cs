using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using NetNsPS.Linux.Firewall.Iptables;

namespace NetNsPS.Linux.Firewall;

/// <summary>
/// The one place a firewall driver is chosen: <see cref="Variable"/> names it (iptables when unset). A new driver
/// is one entry in <see cref="Known"/>.
/// </summary>
public static class FirewallDrivers
{
    public const string Variable = "NETNSPS_FIREWALL";

    public const string DefaultName = "iptables";

    private static readonly IReadOnlyDictionary<string, Func<IFirewallDriver>> Known = new Dictionary<string, Func<IFirewallDriver>>(StringComparer.Ordinal)
    {
        [DefaultName] = () => IptablesDriver.Instance,
    };

    /// <summary>The names <see cref="Variable"/> accepts.</summary>
    public static IReadOnlyList<string> Names => Known.Keys.OrderBy(k => k, StringComparer.Ordinal).ToList();

    /// <summary>The driver the environment asks for.</summary>
    public static IFirewallDriver Current => ForName(Environment.GetEnvironmentVariable(Variable));

    /// <summary>The driver of that name (null or empty: the default); an unknown name is an error that lists the known ones.</summary>
    public static IFirewallDriver ForName(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return Known[DefaultName]();
        }
        if (Known.TryGetValue(name, out var make))
        {
            return make();
        }
        throw new NetNsException(
            $"{Variable}='{name}' names no firewall driver NetNsPS has; use {string.Join(" or ", Names)}, or leave it unset for {DefaultName}.",
            "UnknownFirewallDriver", ErrorCategory.InvalidArgument, name);
    }
}
