using System;
using System.Management.Automation;
using NetNsPS.Internal;
using NetNsPS.Linux.Firewall;
using NetNsPS.Linux.Netlink;

namespace NetNsPS.Commands;

/// <summary>
/// Sets the module-wide settings for this session and the sandboxes and child processes it starts: the firewall driver
/// (auto, nftables or iptables) and the backend of the ip commands (Native or Iproute2). They are kept in the
/// environment variables NETNSPS_FIREWALL and NETNSPS_BACKEND, which a bash script can set the same way.
/// </summary>
[Cmdlet(VerbsCommon.Set, "NetNsPSOption", SupportsShouldProcess = true)]
[OutputType(typeof(NetNsPSOption))]
public sealed class SetNetNsPSOptionCommand : NetNsCmdlet
{
    /// <summary>auto (nftables where libnftables is installed, else iptables), nftables or iptables.</summary>
    [Parameter]
    [ValidateSet(FirewallDrivers.AutoName, "nftables", FirewallDrivers.IptablesName)]
    public string? FirewallDriver { get; set; }

    /// <summary>Native (rtnetlink, in-process; the default) or Iproute2 (spawn the `ip` program for every command).</summary>
    [Parameter]
    [ValidateSet(ModuleOptions.NativeBackend, ModuleOptions.Iproute2Backend)]
    public string? Backend { get; set; }

    /// <summary>Write the resulting settings to the pipeline.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void Process()
    {
        if (FirewallDriver is { } driver)
        {
            // Refused before anything is set: a driver this machine cannot run names what to install.
            var normalized = driver.ToLowerInvariant();
            FirewallDrivers.ForName(normalized);
            Set(FirewallDrivers.Variable, normalized == FirewallDrivers.AutoName ? null : normalized);
        }
        if (Backend is { } backend)
        {
            Set(NetlinkSession.BackendVariable, string.Equals(backend, ModuleOptions.Iproute2Backend, StringComparison.OrdinalIgnoreCase) ? "iproute2" : null);
        }
        if (PassThru && !IsWhatIf)
        {
            Emit(ModuleOptions.Current());
        }
    }

    /// <summary>Sets (or, for null, removes) the variable; -WhatIf shows the bash line that does the same.</summary>
    private void Set(string variable, string? value)
    {
        var line = value is null ? $"unset {variable}" : $"export {variable}={value}";
        if (ShouldProcess(line, line, MyInvocation.MyCommand.Name))
        {
            Environment.SetEnvironmentVariable(variable, value);
        }
    }
}
