using System;
using System.Globalization;
using System.IO;
using System.Management.Automation;

namespace NetNsPS.Linux;

/// <summary>Checks the capabilities network changes need, so a non-root caller gets one clear error up front.</summary>
public static class Privileges
{
    private const int CapSysAdmin = 21;
    private const int CapNetAdmin = 12;

    public static bool HasNetworkAdmin() => HasCapability(CapNetAdmin) && HasCapability(CapSysAdmin);

    /// <summary>Reading the firewall (iptables-save) needs CAP_NET_ADMIN, even though it changes nothing.</summary>
    public static bool CanReadFirewall() => HasCapability(CapNetAdmin);

    /// <summary>
    /// The process's effective capabilities (CapEff of /proc/self/status), read once: every state-changing call checks
    /// them, and they do not change under a running pwsh (setns on the module's threads leaves them alone). A mask of
    /// 0 when it cannot be read.
    /// </summary>
    private static readonly Lazy<ulong> EffectiveMask = new(ReadEffectiveMask);

    public static bool HasCapability(int capability) => (EffectiveMask.Value & (1UL << capability)) != 0;

    private static ulong ReadEffectiveMask()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith("CapEff:", StringComparison.Ordinal))
                {
                    return ulong.Parse(line[7..].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                }
            }
        }
        catch (IOException)
        {
        }
        return 0;
    }

    /// <summary>
    /// A read the kernel refused because this process lacks the capabilities (entering a namespace, reading the
    /// firewall): one error that says so and stops the pipeline, as the root check of state-changing cmdlets does.
    /// </summary>
    public static NetNsException ReadNeedsRoot(string what, string capability, string detail) => new(
        $"Reading {what} needs root ({capability}); this pwsh does not have it: {detail}. Run pwsh as root (sudo pwsh).",
        "RootRequired", ErrorCategory.PermissionDenied, what);

    public static void RequireNetworkAdmin(string commandName)
    {
        if (!HasNetworkAdmin())
        {
            throw new NetNsException(
                $"{commandName} changes network state and needs root (CAP_NET_ADMIN and CAP_SYS_ADMIN). Run pwsh as root (sudo pwsh), or try it safely with -WhatIf.",
                "RootRequired", ErrorCategory.PermissionDenied, commandName);
        }
    }
}
