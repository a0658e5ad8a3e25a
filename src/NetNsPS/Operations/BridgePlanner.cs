using System.Linq;
using System.Management.Automation;
using NetNsPS.Internal;
using NetNsPS.Linux;
using NetNsPS.Linux.Firewall;
using NetNsPS.Linux.Firewall.Firewalld;
using NetNsPS.Linux.Firewall.Nftables;
using System.Collections.Generic;

namespace NetNsPS.Operations;

/// <summary>
/// Bridges on the host: created with a MAC of their own and the ownership mark, up, optionally with an address, and,
/// where the host's FORWARD drops (Docker, ufw), with accepts for the bridge's own traffic in the module's chain, as
/// Docker makes them for each of its networks, and where firewalld runs, in its zone <see cref="FirewalldZone.Zone"/>
/// (runtime only); removed with the bridge.
/// </summary>
public static class BridgePlanner
{
    public static string Subject(string name) => $"bridge '{name}'";

    /// <summary>
    /// What makes the bridge exist, up, with the address, and its traffic accepted where FORWARD drops; an existing
    /// non-bridge of that name is an error. <paramref name="lab"/>: the lab whose mark the bridge gets (null: the module's).
    /// </summary>
    public static Plan Ensure(ISystemView view, IFirewallDriver driver, string name, IpPrefix? address, string? lab = null) =>
        Ensure(view, driver, name, address, lab, System.Array.Empty<ForeignForwardAccepts.ChainRef>(), System.Array.Empty<ForeignForwardAccepts.Found>());

    /// <summary>
    /// The same, and the bridge's accepts first in each of <paramref name="acceptIn"/> (other tools' nftables chains
    /// the user named) where <paramref name="foreign"/> (the tagged rules found there) lacks them: the plan's last steps.
    /// </summary>
    public static Plan Ensure(ISystemView view, IFirewallDriver driver, string name, IpPrefix? address, string? lab,
        IReadOnlyList<ForeignForwardAccepts.ChainRef> acceptIn, IReadOnlyCollection<ForeignForwardAccepts.Found> foreign)
    {
        var plan = new Plan().About(Subject(name));
        var existing = view.Link(null, name);
        if (existing is null)
        {
            plan.Add(Ip.AddBridge(name), Ip.DeleteLink(null, name));
            // A MAC of its own, so the bridge's address does not follow its ports (see BridgeMac).
            plan.Add(Ip.SetMacAddress(name, BridgeMac.For(name, view.MachineId())));
            // Only a bridge this call creates is marked as NetNsPS's (Clear-NetNsPS removes it); never one it found.
            plan.Add(Ownership.MarkBridge(name, lab));
            plan.Add(Ip.SetUp(null, name));
        }
        else
        {
            if (!existing.IsBridge)
            {
                throw new NetNsException(
                    $"Interface '{name}' already exists on the host and is a {existing.Kind ?? "device"}, not a bridge.",
                    "InterfaceExistsNotBridge", ErrorCategory.ResourceExists, name);
            }
            if (!existing.IsUp)
            {
                plan.Add(Ip.SetUp(null, name), Ip.SetDown(null, name));
            }
        }
        // Before the address, so -Confirm asks about the bridge once.
        plan.Append(AcceptForward(view, driver, name));
        plan.Append(EnterZone(view, name));
        if (address is { } a)
        {
            plan.Append(AddressPlanner.Add(view, null, name, a, deviceIsPlanned: existing is null));
        }
        foreach (var chain in acceptIn)
        {
            ForeignForwardAccepts.PlanEnsure(chain, name, foreign, plan);
        }
        return plan;
    }

    /// <summary>
    /// The bridge's forward accepts (<see cref="NatRules.BridgeForward"/>: within it, out of it, and the replies) where
    /// the host's FORWARD path drops, for each family whose FORWARD drops; nothing where it does not (the firewall stays as it was) or where they are there.
    /// </summary>
    public static Plan AcceptForward(ISystemView view, IFirewallDriver driver, string name)
    {
        var plan = new Plan().About(Subject(name));
        // For each family whose FORWARD drops: iptables' and, on a Docker host with IPv6, ip6tables' too.
        if (FirewallIfReadable(view) is { } snapshot && driver.ForwardDropFamilies(snapshot) is var families && families != FirewallFamilies.None)
        {
            driver.PlanEnsure(snapshot, NatRules.BridgeForward(name, FirewallRule.AsFamilies(families)), plan);
        }
        return plan;
    }

    /// <summary>
    /// Where firewalld runs and the bridge is bound to no zone (so the default zone, which rejects forwarded traffic,
    /// holds it): the runtime binding to <see cref="FirewalldZone.Zone"/>. Nothing where firewalld does not run, where
    /// the bridge is there already, or where someone bound it to another zone (that choice is theirs; Get-NsDiagnostic
    /// names it).
    /// </summary>
    public static Plan EnterZone(ISystemView view, string name)
    {
        var plan = new Plan().About(Subject(name));
        if (view.Firewalld(name) is { Zone: null })
        {
            plan.Add(FirewalldZone.AddInterface(name), FirewalldZone.RemoveInterface(name));
        }
        return plan;
    }

    /// <summary>The bridge's binding to <see cref="FirewalldZone.Zone"/> taken out, where it has one (undo: put back).</summary>
    public static Plan LeaveZone(ISystemView view, string name)
    {
        var plan = new Plan().About(Subject(name));
        if (view.Firewalld(name) is { Zone: FirewalldZone.Zone })
        {
            plan.Add(FirewalldZone.RemoveInterface(name), FirewalldZone.AddInterface(name));
        }
        return plan;
    }

    /// <summary>
    /// The firewall, or null where it cannot be read: without the driver's program no FORWARD of it can drop (a bridge
    /// needs no firewall), and without root only -WhatIf gets this far (a bridge's own commands need root too).
    /// </summary>
    private static FirewallSnapshot? FirewallIfReadable(ISystemView view)
    {
        try
        {
            return view.Firewall();
        }
        catch (NetNsException e) when (e.ErrorId is "ProgramNotFound" or "RootRequired")
        {
            return null;
        }
    }

    /// <summary>
    /// What deletes the bridge, its forward accepts and its binding to firewalld's <see cref="FirewalldZone.Zone"/>
    /// (those first, and also when the bridge is gone already); nothing when none is there; an error when the name is
    /// not a bridge.
    /// </summary>
    public static Plan Remove(ISystemView view, IFirewallDriver driver, string name) =>
        Remove(view, driver, name, System.Array.Empty<ForeignForwardAccepts.Found>());

    /// <summary>The same, with the bridge's accepts found in other tools' chains (<paramref name="foreign"/>) deleted first.</summary>
    public static Plan Remove(ISystemView view, IFirewallDriver driver, string name, IReadOnlyCollection<ForeignForwardAccepts.Found> foreign)
    {
        var plan = new Plan().About(Subject(name));
        var link = view.Link(null, name);
        if (link is { IsBridge: false })
        {
            throw new NetNsException($"Interface '{name}' is a {link.Kind ?? "device"}, not a bridge; it was left alone.",
                "NotABridge", ErrorCategory.InvalidArgument, name);
        }
        ForeignForwardAccepts.PlanRemove(foreign.Where(f => RuleTag.Parse(f.Tag)?.Bridge == name), plan);
        if (FirewallIfReadable(view) is { } snapshot && snapshot.Rules.Where(r => NatRules.IsBridgeTag(r.Tag, name)).ToList() is { Count: > 0 } rules)
        {
            driver.PlanRemove(snapshot, rules, plan, NatRules.BridgeForwardHooks);
        }
        plan.Append(LeaveZone(view, name));
        return link is null ? plan : plan.Add(Ip.DeleteLink(null, name));
    }
}
