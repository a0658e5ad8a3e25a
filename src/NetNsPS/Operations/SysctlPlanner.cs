using System.Management.Automation;
using NetNsPS.Linux;

namespace NetNsPS.Operations;

/// <summary>Kernel parameters the module sets: IP forwarding (and its persist file), bridge netfilter.</summary>
public static class SysctlPlanner
{
    /// <summary>What turns IP forwarding on, and with <paramref name="persist"/> writes NetNsPS's persist file.</summary>
    public static Plan EnableIpForward(ISystemView view, bool persist)
    {
        var plan = new Plan().About("IP forwarding");
        var current = view.Sysctl(Sysctl.IpForward);
        if (current != "1")
        {
            plan.Add(Sysctl.Write(Sysctl.IpForward, "1"), Sysctl.Write(Sysctl.IpForward, current ?? "0"));
        }
        var file = view.PersistFileText();
        if (persist && !Sysctl.IsOurs(file))
        {
            if (file is not null)
            {
                throw new NetNsException($"{Sysctl.PersistFile} exists and was not written by NetNsPS; it was left alone.",
                    "PersistFileNotOurs", ErrorCategory.ResourceExists, Sysctl.PersistFile);
            }
            plan.About(Sysctl.PersistFile).Add(Sysctl.WritePersistFile(), Sysctl.RemovePersistFile());
        }
        return plan;
    }

    /// <summary>
    /// What puts IP forwarding back and removes NetNsPS's persist file (never another's): where Enable-IpForward
    /// recorded what it found, that value, and only while forwarding is still as NetNsPS left it (on before NetNsPS,
    /// or turned off by someone since: left alone); where nothing was recorded, off.
    /// </summary>
    public static Plan DisableIpForward(ISystemView view)
    {
        var plan = new Plan().About("IP forwarding");
        var current = view.Sysctl(Sysctl.IpForward);
        if (SettingsRecords.PutBack(view.RecordedSetting(Sysctl.IpForward), current, "0") is { } value)
        {
            plan.Add(Sysctl.Write(Sysctl.IpForward, value), Sysctl.Write(Sysctl.IpForward, current ?? "1"));
        }
        if (Sysctl.IsOurs(view.PersistFileText()))
        {
            plan.About(Sysctl.PersistFile).Add(Sysctl.RemovePersistFile(), Sysctl.WritePersistFile());
        }
        return plan;
    }

    /// <summary>
    /// Records what bridge-nf-call-iptables was before NetNsPS set it, where it existed (br_netfilter loaded): a module
    /// NetNsPS loaded stays loaded, it is the whole machine's.
    /// </summary>
    public static void RememberBridgeNetfilter(string? before)
    {
        if (before is not null)
        {
            SettingsRecords.Remember(Sysctl.BridgeNfCallIptables, before, "1");
        }
    }

    /// <summary>bridge-nf-call-iptables put back to what NetNsPS found, where it recorded that and the value is still its own; nothing otherwise.</summary>
    public static (CommandSpec Command, CommandSpec Undo)? PutBackBridgeNetfilter(ISystemView view)
    {
        var current = view.Sysctl(Sysctl.BridgeNfCallIptables);
        return current is not null && SettingsRecords.PutBack(view.RecordedSetting(Sysctl.BridgeNfCallIptables), current, null) is { } value
            ? (Sysctl.Write(Sysctl.BridgeNfCallIptables, value), Sysctl.Write(Sysctl.BridgeNfCallIptables, current)) : null;
    }

    /// <summary>What makes bridged traffic pass the firewall (sibling namespaces reaching a published port).</summary>
    public static Plan BridgeNetfilter(ISystemView view)
    {
        var plan = new Plan().About("bridge netfilter");
        var current = view.Sysctl(Sysctl.BridgeNfCallIptables);
        if (current is null)
        {
            // The sysctl exists only once br_netfilter is loaded.
            plan.Add(Sysctl.LoadBridgeNetfilter());
        }
        if (current != "1")
        {
            plan.Add(Sysctl.Write(Sysctl.BridgeNfCallIptables, "1"), current is null ? null : Sysctl.Write(Sysctl.BridgeNfCallIptables, current));
        }
        return plan;
    }
}
