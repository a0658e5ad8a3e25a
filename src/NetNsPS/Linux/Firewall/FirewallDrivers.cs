using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using NetNsPS.Linux.Firewall.Iptables;
using NetNsPS.Linux.Firewall.Nftables;

namespace NetNsPS.Linux.Firewall;

/// <summary>
/// The one place a firewall driver is chosen: <see cref="Variable"/> names it (Set-NetNsPSOption -FirewallDriver sets
/// it for the session and its sandboxes). Unset, empty or "auto": nftables where libnftables can be loaded, else
/// iptables. A new driver is one entry in <see cref="Known"/>: how to make it, and whether this machine can run it.
/// </summary>
public static class FirewallDrivers
{
    public const string Variable = "NETNSPS_FIREWALL";

    /// <summary>The iptables driver's name.</summary>
    public const string IptablesName = "iptables";

    /// <summary>The setting that lets the machine decide: nftables where it can run, else iptables.</summary>
    public const string AutoName = "auto";

    /// <summary>A driver: how to make it, and whether what it needs is here (its program on PATH, its library loadable).</summary>
    public sealed record Entry(string Name, Func<IFirewallDriver> Make, Func<bool> Available)
    {
        public bool IsAvailable => Available();
    }

    private static readonly IReadOnlyDictionary<string, Entry> Known = new Dictionary<string, Entry>(StringComparer.Ordinal)
    {
        [IptablesName] = new(IptablesName, () => IptablesDriver.Instance, () => OnPath("iptables")),
        [NftablesDriver.DriverName] = new(NftablesDriver.DriverName, () => NftablesDriver.Instance, () => NftablesDriver.IsAvailable),
    };

    /// <summary>Every known driver, by name.</summary>
    public static IReadOnlyList<Entry> All => Names.Select(n => Known[n]).ToList();

    /// <summary>Whether the driver of that name can run here (false for an unknown name).</summary>
    public static bool IsAvailable(string name) => Known.TryGetValue(name, out var entry) && entry.IsAvailable;

    /// <summary>Whether a program is on PATH (resolved as the runner would, without starting it).</summary>
    internal static bool OnPath(string program)
    {
        try
        {
            ProcessRunner.ResolveProgram(program);
            return true;
        }
        catch (NetNsException)
        {
            return false;
        }
    }

    /// <summary>The names <see cref="Variable"/> accepts.</summary>
    public static IReadOnlyList<string> Names => Known.Keys.OrderBy(k => k, StringComparer.Ordinal).ToList();

    /// <summary>The driver the environment asks for.</summary>
    public static IFirewallDriver Current => ForName(Environment.GetEnvironmentVariable(Variable));

    /// <summary>The driver "auto" picks here: nftables where libnftables can be loaded, else iptables.</summary>
    public static string AutoChoice => Known[NftablesDriver.DriverName].IsAvailable ? NftablesDriver.DriverName : IptablesName;

    /// <summary>
    /// The driver of that name (null, empty or "auto": <see cref="AutoChoice"/>). An unknown name is an error that
    /// lists the known ones; nftables asked for by name where libnftables cannot be loaded is an error naming its package.
    /// </summary>
    public static IFirewallDriver ForName(string? name)
    {
        if (string.IsNullOrEmpty(name) || string.Equals(name, AutoName, StringComparison.OrdinalIgnoreCase))
        {
            return Known[AutoChoice].Make();
        }
        if (!Known.TryGetValue(name, out var entry))
        {
            throw new NetNsException(
                $"{Variable}='{name}' names no firewall driver NetNsPS has; use {string.Join(" or ", Names)}, or {AutoName} (or leave it unset) for nftables where libnftables is installed, else iptables.",
                "UnknownFirewallDriver", ErrorCategory.InvalidArgument, name);
        }
        if (name == NftablesDriver.DriverName && !entry.IsAvailable)
        {
            throw LibNftables.Missing();
        }
        // iptables asked for where it is not installed (an nft-only host) is not refused here: a cmdlet that needs no
        // firewall (New-NetBridge where nothing can drop the bridge's traffic) still works, and one that reads the
        // firewall fails before any change, naming the program and its package (ProgramNotFound).
        return entry.Make();
    }
}
