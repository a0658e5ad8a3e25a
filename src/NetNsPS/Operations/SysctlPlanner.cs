using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Net.Sockets;
using NetNsPS.Linux;

namespace NetNsPS.Operations;

/// <summary>Kernel parameters the module sets: IP forwarding (and its persist file), bridge netfilter.</summary>
public static class SysctlPlanner
{
    /// <summary>
    /// What turns IP forwarding of a family on (IPv4's net.ipv4.ip_forward by default, IPv6's
    /// net.ipv6.conf.all.forwarding), and with <paramref name="persist"/> writes NetNsPS's persist file of that family. In
    /// a named namespace (<paramref name="ns"/>; null: the host) it makes the namespace a router; there is nothing to
    /// persist: the namespace ends with the boot, so -Persist is refused. <paramref name="namespacePlanned"/>: the
    /// namespace is one a -WhatIf run before announced, so its (default) value is not read.
    /// IPv6 on the host: an interface that takes its default route from router advertisements (accept_ra 1, a route of
    /// protocol "ra" through it) would stop taking them once the host forwards, and lose that route when it expires; so
    /// its accept_ra becomes 2 (accept even when forwarding), the fix the kernel documents.
    /// </summary>
    public static Plan EnableIpForward(ISystemView view, bool persist, string? ns = null, bool namespacePlanned = false,
        AddressFamily family = AddressFamily.InterNetwork)
    {
        if (ns is not null && persist)
        {
            throw new NetNsException(
                $"-Persist writes {Sysctl.PersistFileOf(family)}, which the host reads at boot; a namespace does not outlive the boot, so there is nothing to persist for '{ns}'. Leave out -Persist, or -Namespace.",
                "PersistInNamespace", ErrorCategory.InvalidArgument, ns);
        }
        var key = Sysctl.ForwardKey(family);
        var plan = new Plan().About(ForwardingSubject(ns, family));
        var current = namespacePlanned ? null : view.Sysctl(ns, key);
        if (current is null && !namespacePlanned && family == AddressFamily.InterNetworkV6)
        {
            throw new NetNsException(
                $"{Errors.Where(ns)} has no IPv6 ({key} does not exist: IPv6 is disabled on the kernel command line or absent); IPv6 forwarding cannot be turned on.",
                "IPv6Unavailable", ErrorCategory.NotEnabled, key);
        }
        var acceptRa = AcceptRaRaised(view, ns, family, current);
        foreach (var device in acceptRa)
        {
            plan.Add(Sysctl.Write(Sysctl.AcceptRa(device), "2"), Sysctl.Write(Sysctl.AcceptRa(device), "1"));
        }
        if (current != "1")
        {
            plan.Add(Sysctl.Write(ns, key, "1"), Sysctl.Write(ns, key, current ?? "0"));
        }
        if (ns is not null)
        {
            return plan;
        }
        var file = view.PersistFileText(family);
        if (persist && !Sysctl.IsOurs(file))
        {
            if (file is not null)
            {
                throw new NetNsException($"{Sysctl.PersistFileOf(family)} exists and was not written by NetNsPS; it was left alone.",
                    "PersistFileNotOurs", ErrorCategory.ResourceExists, Sysctl.PersistFileOf(family));
            }
            var extra = acceptRa.Select(d => $"{Sysctl.AcceptRa(d)}=2").ToArray();
            plan.About(Sysctl.PersistFileOf(family)).Add(Sysctl.WritePersistFile(family, extra), Sysctl.RemovePersistFile(family));
        }
        return plan;
    }

    /// <summary>
    /// The interfaces whose accept_ra <see cref="EnableIpForward"/> raises to 2: on the host, when it turns IPv6
    /// forwarding on (now <paramref name="current"/>; read when not given), those of <see cref="RouterAdvertisementsKept"/>.
    /// What Enable-IpForward records is this same list.
    /// </summary>
    public static List<string> AcceptRaRaised(ISystemView view, string? ns, AddressFamily family, string? current = null) =>
        ns is null && family == AddressFamily.InterNetworkV6 && (current ?? view.Sysctl(Sysctl.Ipv6Forward)) != "1"
            ? RouterAdvertisementsKept(view) : new List<string>();

    /// <summary>The host's interfaces that learn a route from router advertisements (a route of protocol "ra") and accept them only while not forwarding.</summary>
    public static List<string> RouterAdvertisementsKept(ISystemView view) =>
        view.Routes(null).Where(r => !r.Destination.IsIpv4 && r.Protocol == "ra" && r.Device is not null).Select(r => r.Device!).Distinct()
            .Where(d => view.Sysctl(Sysctl.AcceptRa(d)) == "1").OrderBy(d => d, System.StringComparer.Ordinal).ToList();

    /// <summary>
    /// What puts IP forwarding of a family back and removes NetNsPS's persist file of it (never another's; in a
    /// namespace, only the former): on the host, where Enable-IpForward recorded what it found, that value, and only
    /// while forwarding is still as NetNsPS left it (on before NetNsPS, or turned off by someone since: left alone);
    /// where nothing was recorded (a namespace has no record), <paramref name="unrecorded"/>: off for Disable-IpForward,
    /// left alone (null) for Clear-NetNsPS. IPv6: the accept_ra values Enable-IpForward raised to 2 go back to what they
    /// were, where they are still 2.
    /// </summary>
    public static Plan DisableIpForward(ISystemView view, string? ns = null, bool namespacePlanned = false,
        AddressFamily family = AddressFamily.InterNetwork, string? unrecorded = "0")
    {
        var key = Sysctl.ForwardKey(family);
        var plan = new Plan().About(ForwardingSubject(ns, family));
        // A namespace made just now forwards nothing (the kernel's default), so one announced by -WhatIf needs no change.
        var current = namespacePlanned ? "0" : view.Sysctl(ns, key);
        if (current is null && family == AddressFamily.InterNetworkV6)
        {
            // No IPv6 at all: nothing forwards it.
            return plan;
        }
        var record = ns is null ? view.RecordedSetting(key) : null;
        if (SettingsRecords.PutBack(record, current, unrecorded) is { } value)
        {
            plan.Add(Sysctl.Write(ns, key, value), Sysctl.Write(ns, key, current ?? "1"));
        }
        if (ns is null && family == AddressFamily.InterNetworkV6)
        {
            foreach (var link in view.Links(null))
            {
                var raKey = Sysctl.AcceptRa(link.Name);
                var raNow = view.Sysctl(raKey);
                if (view.RecordedSetting(raKey) is { } raRecord && SettingsRecords.PutBack(raRecord, raNow, null) is { } raBefore)
                {
                    plan.Add(Sysctl.Write(raKey, raBefore), Sysctl.Write(raKey, raNow ?? "2"));
                }
            }
        }
        if (ns is null && Sysctl.IsOurs(view.PersistFileText(family)))
        {
            plan.About(Sysctl.PersistFileOf(family)).Add(Sysctl.RemovePersistFile(family), new CommandSpec("tee", new[] { Sysctl.PersistFileOf(family) }, view.PersistFileText(family)!));
        }
        return plan;
    }

    private static string ForwardingSubject(string? ns, AddressFamily family)
    {
        var what = family == AddressFamily.InterNetworkV6 ? "IPv6 forwarding" : "IP forwarding";
        return ns is null ? what : $"{what} in namespace '{ns}'";
    }

    /// <summary>
    /// bridge-nf-call-iptables and -ip6tables put back to what NetNsPS found, each where it recorded that and the
    /// value is still its own; nothing otherwise.
    /// </summary>
    public static IEnumerable<(CommandSpec Command, CommandSpec Undo)> PutBackBridgeNetfilter(ISystemView view)
    {
        foreach (var key in Sysctl.BridgeNfCalls)
        {
            var current = view.Sysctl(key);
            if (current is not null && SettingsRecords.PutBack(view.RecordedSetting(key), current, null) is { } value)
            {
                yield return (Sysctl.Write(key, value), Sysctl.Write(key, current));
            }
        }
    }

    /// <summary>
    /// What makes bridged traffic pass the firewall (sibling namespaces reaching a published port): IPv4's, and with
    /// <paramref name="ipv6"/> IPv6's too (bridge-nf-call-ip6tables).
    /// </summary>
    public static Plan BridgeNetfilter(ISystemView view, bool ipv6 = false)
    {
        var plan = new Plan().About("bridge netfilter");
        var loaded = view.Sysctl(Sysctl.BridgeNfCallIptables) is not null;
        if (!loaded)
        {
            // The sysctls exist only once br_netfilter is loaded.
            plan.Add(Sysctl.LoadBridgeNetfilter());
        }
        foreach (var key in ipv6 ? Sysctl.BridgeNfCalls : new[] { Sysctl.BridgeNfCallIptables })
        {
            var current = loaded ? view.Sysctl(key) : null;
            if (current != "1")
            {
                plan.Add(Sysctl.Write(key, "1"), current is null ? null : Sysctl.Write(key, current));
            }
        }
        return plan;
    }
}
