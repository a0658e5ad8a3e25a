using NetNsPS.Operations;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using NetNsPS.Internal;
using NetNsPS.Linux;
using NetNsPS.Linux.Firewall.Nftables;
using NetNsPS.Linux.Firewall;

namespace NetNsPS.Commands;

/// <summary>
/// Removes everything NetNsPS made on this host, and only that: every rule in its own firewall chains (port mappings,
/// masquerades, the localhost rules and their guard, the bridges' forward accepts), those chains and their jumps,
/// /etc/sysctl.d/99-netnsps.conf if NetNsPS wrote it, and the namespaces and bridges New-NetNamespace and
/// New-NetBridge created (they carry its mark, an interface alias; ones they merely found are not touched; where
/// firewalld runs, each leaves firewalld's zone trusted first). The
/// firewall part is one operation, rolled back whole on failure, and nothing else is removed then; each namespace and
/// bridge is removed on its own, going on after an error. A bridge that still has ports NetNsPS did not make is left
/// in place. Settings NetNsPS recorded changing (route_localnet, hairpin mode, bridge-nf-call-iptables, ip_forward)
/// are put back to what it found, unless someone changed them since; net.ipv4.ip_forward without such a record is
/// left as it is (other software may need the host to route): Disable-IpForward turns it off. -WhatIf lists every
/// command.
/// </summary>
[Cmdlet(VerbsCommon.Clear, "NetNsPS", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(void))]
public sealed class ClearNetNsPSCommand : NetNsCmdlet
{
    protected override bool ChangesState => true;

    protected override void Process()
    {
        var firewallLock = IsWhatIf ? null : FirewallLock.Acquire(CancellationToken);
        Plan firewall;
        List<string> namespaces, bridges;
        try
        {
            var snapshot = State.Firewall();
            var ruleCount = snapshot.Rules.Count;
            firewall = PlanFirewall(snapshot);
            namespaces = State.NamespaceNames().Where(IsMarkedNamespace).ToList();
            bridges = State.Links(null).Where(l => l.IsBridge && Ownership.IsMarked(l)).Select(l => l.Name).ToList();
            if (firewall.IsEmpty && namespaces.Count == 0 && bridges.Count == 0 && NetNsPS.Lab.LabStore.Names().Count == 0)
            {
                WriteVerbose("NetNsPS has made nothing here that is still there; nothing to remove.");
                return;
            }
            if (IsWhatIf)
            {
                Apply(firewall);
                namespaces.ForEach(ns => Apply(new Plan().Add(Ip.DeleteNamespace(ns))));
                bridges.ForEach(b => Apply(BridgePlanner.LeaveZone(State, b).Add(Ip.DeleteLink(null, b))));
                return;
            }
            var what = $"{ruleCount} firewall rule(s) in NETNSPS-* chains; namespaces: {List(namespaces)}; bridges: {List(bridges)}";
            if (!ShouldProcess(what, $"Remove everything NetNsPS made ({what})?", MyInvocation.MyCommand.Name))
            {
                return;
            }
            Run(firewall);
            _released.ForEach(SettingsRecords.Forget);
        }
        finally
        {
            firewallLock?.Dispose();
        }

        foreach (var ns in namespaces)
        {
            Teardown(() =>
            {
                var hostEnds = NamespaceRemoval.HostEnds(State, ns);
                Run(new Plan().Add(Ip.DeleteNamespace(ns)));
                NamespaceRemoval.WaitGone(State, hostEnds, CancellationToken);
            });
        }
        foreach (var bridge in bridges)
        {
            Teardown(() =>
            {
                State.Invalidate();
                var ports = State.Links(null).Where(l => l.Master == bridge).Select(l => l.Name).ToList();
                if (ports.Count > 0)
                {
                    WriteWarning($"Bridge '{bridge}' still has ports NetNsPS did not make ({string.Join(", ", ports)}); it was left in place.");
                    return;
                }
                Run(BridgePlanner.LeaveZone(State, bridge).Add(Ip.DeleteLink(null, bridge)));
            });
        }
        // The labs' objects went with the rest: their state files would only describe what is gone.
        foreach (var lab in NetNsPS.Lab.LabStore.Names())
        {
            WriteVerbose($"Forgetting lab '{lab}' ({NetNsPS.Lab.LabStore.PathOf(lab)}).");
            NetNsPS.Lab.LabStore.Delete(lab);
        }
        if (Sysctl.Read(Sysctl.IpForward) == "1")
        {
            WriteWarning($"{Sysctl.IpForward} is still 1: Clear-NetNsPS leaves it, as other software may need the host to route. Disable-IpForward turns it off.");
        }
    }

    /// <summary>The settings whose records the firewall plan puts back (or leaves to whoever changed them since).</summary>
    private readonly List<string> _released = new();

    /// <summary>All of the module's firewall state and the settings tied to its port mappings, as one operation.</summary>
    private Plan PlanFirewall(FirewallSnapshot snapshot)
    {
        var plan = new Plan();
        // The bridges' accepts in other tools' chains (New-NetBridge -AcceptInChain), found by their tags.
        ForeignForwardAccepts.PlanRemove(ForeignForwardAccepts.Find(Runner, null, CancellationToken), plan);
        // Port mappings first, as Unpublish-NsPort removes them: with route_localnet put back and hairpin mode turned off.
        _released.AddRange(PortPlanner.PlanUnpublishAll(State, Firewall, snapshot, plan));
        plan.About("NetNsPS's firewall chains and settings");
        // route_localnet of a bridge whose localhost rules outlived its mappings.
        foreach (var bridge in NatRules.LocalnetBridges(snapshot).Where(b => !_released.Contains(Sysctl.RouteLocalnet(b))))
        {
            if (PortPlanner.PutBackRouteLocalnet(State, bridge) is { } putBack)
            {
                plan.Add(putBack.Command, putBack.Undo);
            }
            _released.Add(Sysctl.RouteLocalnet(bridge));
        }
        // ip_forward as Enable-IpForward found it, where it recorded that and forwarding is still as it left it;
        // without a record it stays (other software may need the host to route).
        // The same for IPv6 forwarding and the accept_ra values it raised; and each family's persist file, where it is ours.
        plan.Append(SysctlPlanner.DisableIpForward(State, unrecorded: null));
        plan.Append(SysctlPlanner.DisableIpForward(State, family: System.Net.Sockets.AddressFamily.InterNetworkV6, unrecorded: null));
        _released.Add(Sysctl.IpForward);
        _released.Add(Sysctl.Ipv6Forward);
        _released.AddRange(State.Links(null).Select(l => Sysctl.AcceptRa(l.Name)));
        plan.About("NetNsPS's firewall chains and settings");
        // bridge-nf-call-iptables, where Enable-BridgeNetfilter or Publish-NsPort recorded it and no mapping took it already.
        if (!_released.Contains(Sysctl.BridgeNfCallIptables))
        {
            foreach (var (command, undo) in SysctlPlanner.PutBackBridgeNetfilter(State))
            {
                plan.Add(command, undo);
            }
        }
        _released.AddRange(Sysctl.BridgeNfCalls);
        // Everything else in the module's chains (masquerades, anything added to them by hand), then every chain.
        Firewall.PlanRemove(snapshot, snapshot.Rules, plan, snapshot.Chains);
        return plan;
    }

    private bool IsMarkedNamespace(string ns)
    {
        try
        {
            return Ownership.IsMarked(State.Link(ns, "lo"));
        }
        catch (NetNsException e) when (e.ErrorId is not ("ProgramNotFound" or "RootRequired"))
        {
            // A namespace that cannot be read (a stale file in /run/netns) cannot be proved to be ours.
            return false;
        }
    }

    /// <summary>Runs a plan after the one confirmation for the whole call, each command to -Verbose; rolls back on failure.</summary>
    private void Run(Plan plan) => Run(plan, _ => true);

    /// <summary>Removes one namespace or bridge; an error is reported and the teardown goes on with the next.</summary>
    private void Teardown(System.Action remove)
    {
        try
        {
            remove();
        }
        catch (NetNsException e) when (e.ErrorId is not ("ProgramNotFound" or "RootRequired"))
        {
            WriteError(e.ToErrorRecord());
        }
    }

    private static string List(List<string> names) => names.Count == 0 ? "none" : string.Join(", ", names);
}
