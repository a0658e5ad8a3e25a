using System.Management.Automation;
using NetNsPS.Linux;

namespace NetNsPS.Operations;

/// <summary>Kernel parameters the module sets: IP forwarding (and its persist file), bridge netfilter.</summary>
public static class SysctlPlanner
{
    /// <summary>
    /// What turns IP forwarding on, and with <paramref name="persist"/> writes NetNsPS's persist file. In a named namespace
    /// (<paramref name="ns"/>; null: the host) it makes the namespace a router; there is nothing to persist: the namespace
    /// ends with the boot, so -Persist is refused. <paramref name="namespacePlanned"/>: the namespace is one a -WhatIf run
    /// before announced, so its (default) value is not read.
    /// </summary>
    public static Plan EnableIpForward(ISystemView view, bool persist, string? ns = null, bool namespacePlanned = false)
    {
        if (ns is not null && persist)
        {
            throw new NetNsException(
                $"-Persist writes {Sysctl.PersistFile}, which the host reads at boot; a namespace does not outlive the boot, so there is nothing to persist for '{ns}'. Leave out -Persist, or -Namespace.",
                "PersistInNamespace", ErrorCategory.InvalidArgument, ns);
        }
        var plan = new Plan().About(ForwardingSubject(ns));
        var current = namespacePlanned ? null : view.Sysctl(ns, Sysctl.IpForward);
        if (current != "1")
        {
            plan.Add(Sysctl.Write(ns, Sysctl.IpForward, "1"), Sysctl.Write(ns, Sysctl.IpForward, current ?? "0"));
        }
        if (ns is not null)
        {
            return plan;
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
    /// What puts IP forwarding back and removes NetNsPS's persist file (never another's; in a namespace, only the
    /// former): on the host, where Enable-IpForward recorded what it found, that value, and only while forwarding is
    /// still as NetNsPS left it (on before NetNsPS, or turned off by someone since: left alone); where nothing was
    /// recorded (a namespace has no record), off.
    /// </summary>
    public static Plan DisableIpForward(ISystemView view, string? ns = null, bool namespacePlanned = false)
    {
        var plan = new Plan().About(ForwardingSubject(ns));
        // A namespace made just now forwards nothing (the kernel's default), so one announced by -WhatIf needs no change.
        var current = namespacePlanned ? "0" : view.Sysctl(ns, Sysctl.IpForward);
        var record = ns is null ? view.RecordedSetting(Sysctl.IpForward) : null;
        if (SettingsRecords.PutBack(record, current, "0") is { } value)
        {
            plan.Add(Sysctl.Write(ns, Sysctl.IpForward, value), Sysctl.Write(ns, Sysctl.IpForward, current ?? "1"));
        }
        if (ns is null && Sysctl.IsOurs(view.PersistFileText()))
        {
            plan.About(Sysctl.PersistFile).Add(Sysctl.RemovePersistFile(), Sysctl.WritePersistFile());
        }
        return plan;
    }

    private static string ForwardingSubject(string? ns) => ns is null ? "IP forwarding" : $"IP forwarding in namespace '{ns}'";

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
