using System;
using System.IO;
using System.Management.Automation;
using System.Threading;

namespace NetNsPS.Linux.Firewall.Firewalld;

/// <summary>
/// Where firewalld runs, the zone an interface is bound to: <see cref="Zone"/> null when it is bound to none (it then
/// falls to the default zone, whose target, on a stock install `public`, rejects forwarded traffic).
/// </summary>
public sealed record FirewalldBinding(string Interface, string? Zone);

/// <summary>
/// firewalld, through the module's runner (argv only): the zone of an interface, read over firewalld's D-Bus API
/// (dbus-send), and the runtime `firewall-cmd` commands that put an interface in a zone and take it out (what -WhatIf
/// prints, to paste). The module's bridges go in <see cref="Zone"/>, at
/// runtime only, as netavark puts its subnets there and Docker its bridges in a zone of its own: firewalld cannot make
/// a zone at runtime (`firewall-cmd --new-zone` needs `--permanent`, and the zone exists only after `--reload`), and a
/// reload flushes every iptables table on the host (measured with firewalld 1.3.3, nftables backend: a NETNSPS-FORWARD
/// chain with its jump and a nat MASQUERADE rule were gone after it; native nft tables stayed), so the module never reloads and never writes the permanent
/// configuration. A reload by someone else drops the runtime binding (firewalld does not keep it); New-NetBridge puts
/// it back, and Get-NsDiagnostic says so.
/// </summary>
public static class FirewalldZone
{
    public const string Program = "firewall-cmd";

    /// <summary>The zone the module puts its bridges in: built in, target ACCEPT.</summary>
    public const string Zone = "trusted";

    /// <summary>firewalld's D-Bus service lives on the system bus; without its socket firewalld cannot run.</summary>
    public const string SystemBusSocket = "/run/dbus/system_bus_socket";

    /// <summary>firewall-cmd's exit code when firewalld does not run (firewall-cmd(1): NOT_RUNNING).</summary>
    public const int NotRunning = 252;

    /// <summary>firewall-cmd --get-zone-of-interface's exit code, with "no zone" on stderr, for an interface bound to none.</summary>
    private const int NoZone = 2;

    public static CommandSpec ZoneOfInterface(string iface) => new(Program, $"--get-zone-of-interface={iface}");

    public static CommandSpec AddInterface(string iface, string zone = Zone) => new(Program, $"--zone={zone}", $"--add-interface={iface}");

    /// <summary>Moves an interface bound to another zone (runtime only).</summary>
    public static CommandSpec ChangeInterface(string iface, string zone = Zone) => new(Program, $"--zone={zone}", $"--change-interface={iface}");

    public static CommandSpec RemoveInterface(string iface, string zone = Zone) => new(Program, $"--zone={zone}", $"--remove-interface={iface}");

    /// <summary>firewalld's D-Bus name, object and the method that answers an interface's zone ("" for none).</summary>
    public const string BusName = "org.fedoraproject.FirewallD1";

    /// <summary>
    /// The read, through firewalld's D-Bus API (zone.getZoneOfInterface) with dbus-send: about 25 ms where
    /// `firewall-cmd --get-zone-of-interface` (a Python program) takes about 550 ms (measured in the sandbox).
    /// </summary>
    public static CommandSpec ZoneOfInterfaceOverBus(string iface) =>
        new("dbus-send", "--system", "--print-reply", $"--dest={BusName}", "/org/fedoraproject/FirewallD1", $"{BusName}.zone.getZoneOfInterface", $"string:{iface}");

    /// <summary>
    /// The zone of <paramref name="iface"/>, or null where firewalld does not run (no system bus, or no firewalld on
    /// it): one dbus-send call, only where the bus is there; firewall-cmd where dbus-send is not installed.
    /// </summary>
    public static FirewalldBinding? Read(IProcessRunner runner, CancellationToken token, string iface)
    {
        if (!File.Exists(SystemBusSocket))
        {
            return null;
        }
        var command = ZoneOfInterfaceOverBus(iface);
        try
        {
            return ParseBusReply(iface, command, runner.Run(command, token));
        }
        catch (NetNsException e) when (e.ErrorId == "ProgramNotFound")
        {
        }
        command = ZoneOfInterface(iface);
        ProcessResult result;
        try
        {
            result = runner.Run(command, token);
        }
        catch (NetNsException e) when (e.ErrorId == "ProgramNotFound")
        {
            return null;
        }
        return result.ExitCode switch
        {
            0 => new FirewalldBinding(iface, result.StandardOutput.Trim()),
            NoZone when result.ErrorText.Contains("no zone", StringComparison.Ordinal) => new FirewalldBinding(iface, null),
            NotRunning => null,
            _ => throw Failed(command, result),
        };
    }

    /// <summary>dbus-send's reply: `   string "trusted"` (or `""`: no zone); no firewalld on the bus: null.</summary>
    internal static FirewalldBinding? ParseBusReply(string iface, CommandSpec command, ProcessResult result)
    {
        if (!result.Succeeded)
        {
            return result.ErrorText.Contains("org.freedesktop.DBus.Error.ServiceUnknown", StringComparison.Ordinal)
                || result.ErrorText.Contains("org.freedesktop.DBus.Error.NameHasNoOwner", StringComparison.Ordinal)
                ? null : throw Failed(command, result);
        }
        foreach (var line in result.StandardOutput.Split('\n'))
        {
            var text = line.Trim();
            if (text.StartsWith("string \"", StringComparison.Ordinal) && text.EndsWith('"'))
            {
                var zone = text["string \"".Length..^1];
                return new FirewalldBinding(iface, zone.Length == 0 ? null : zone);
            }
        }
        throw Failed(command, result);
    }

    private static NetNsException Failed(CommandSpec command, ProcessResult result) =>
        new($"{command.Render()}: {(result.ErrorText.Length > 0 ? result.ErrorText : $"exit code {result.ExitCode}")}", "CommandFailed", ErrorCategory.NotSpecified, command.Render());
}
