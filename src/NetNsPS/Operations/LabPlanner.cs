using System;
using System.Collections.Generic;
using System.Linq;
using NetNsPS.Internal;
using NetNsPS.Lab;
using NetNsPS.Linux;
using NetNsPS.Linux.Firewall;

namespace NetNsPS.Operations;

/// <summary>
/// One stage of a lab deploy: planned against the system as the stages before it left it (under -WhatIf, as it is
/// now), so the firewall is read again after the other firewall changes, and ports resolve against the namespaces built.
/// </summary>
public sealed record LabStage(string Name, Func<ISystemView, Plan> Plan);

/// <summary>
/// What Deploy-NsLab and Remove-NsLab do, composed of the other planners: take down what the lab owned and its file
/// no longer names (or names otherwise), then build what is missing. A lab already as its file says plans nothing.
/// </summary>
public static class LabPlanner
{
    /// <summary>
    /// The stages from <paramref name="owned"/> (what the last deploy made; null: nothing) to <paramref name="desired"/>.
    /// <paramref name="created"/> are the namespaces this deploy creates: only they run their Exec lines.
    /// <paramref name="forwardingBefore"/> is the host's ip_forward before the lab first turned it on (null: the lab did not).
    /// </summary>
    public static IReadOnlyList<LabStage> Converge(LabSpec desired, LabSpec? owned, IFirewallDriver driver, int selfPid,
        IReadOnlyCollection<string> created, string? forwardingBefore)
    {
        owned ??= LabSpec.Empty(desired.Name);
        return new[]
        {
            new LabStage("ports", view => UnpublishGone(view, driver, desired, owned)),
            new LabStage("masquerade", view => MasqueradeGone(view, driver, desired, owned)),
            new LabStage("teardown", view => Teardown(view, driver, desired, owned, forwardingBefore)),
            new LabStage("build", view => Build(view, driver, desired, selfPid, Replaced(desired, owned))),
            new LabStage("firewall", view => Firewall(view, driver, desired)),
            new LabStage("exec", _ => Exec(desired, created)),
        };
    }

    /// <summary>The namespaces, bridges, interfaces, addresses and routes the lab has; nothing when they are all as its file says.</summary>
    public static Plan Build(ISystemView view, IFirewallDriver driver, LabSpec lab, int selfPid, IReadOnlySet<(string, IpPrefix)>? replacedRoutes = null)
    {
        var plan = new Plan();
        foreach (var n in lab.Namespaces)
        {
            plan.Append(NamespacePlanner.Ensure(view, n.Name, lab.Name));
        }
        foreach (var b in lab.Bridges)
        {
            plan.Append(BridgePlanner.Ensure(view, driver, b.Name, b.Address, lab.Name));
        }
        foreach (var n in lab.Namespaces.Where(n => n.Bridge is not null))
        {
            plan.Append(VethPlanner.Ensure(view, new VethIntent(n.Name, n.Interface, n.HostInterface, n.Bridge) { InnerNameIsLocal = true }, selfPid));
        }
        foreach (var n in lab.Namespaces.Where(n => n.Bridge is not null && n.Address is not null))
        {
            var planned = !view.NamespaceExists(n.Name) || view.Link(n.Name, n.Interface) is null;
            plan.Append(AddressPlanner.Add(view, n.Name, n.Interface, n.Address!.Value, deviceIsPlanned: planned));
        }
        foreach (var l in lab.Links)
        {
            // The lab makes its namespaces in this plan: one missing now is planned, not an error.
            plan.Append(LinkPlanner.Ensure(view, new LinkIntent(l.A.Namespace, l.A.Interface, l.B.Namespace, l.B.Interface, l.AddressA, l.AddressB),
                selfPid, isPlanned: _ => true));
        }
        foreach (var l in lab.Links.Where(l => l.Shaping is not null))
        {
            // A link's impairment is the link's, both ways: each end sends with it (as Mininet's TCLink).
            foreach (var end in new[] { l.A, l.B })
            {
                var planned = !view.NamespaceExists(end.Namespace) || view.Link(end.Namespace, end.Interface) is null;
                plan.Append(ShapingPlanner.Set(view, end.Namespace, end.Interface, l.Shaping!.Settings, devicePlanned: planned));
            }
        }
        foreach (var n in lab.Namespaces.Where(n => n.Forwarding))
        {
            plan.Append(SysctlPlanner.EnableIpForward(view, persist: false, n.Name, namespacePlanned: !view.NamespaceExists(n.Name)));
        }
        foreach (var r in lab.AllRoutes())
        {
            // A route the teardown replaces is still there only under -WhatIf (nothing ran): announced as added, as it will be.
            var replaced = replacedRoutes?.Contains((r.Namespace, r.Destination)) == true && view.NamespaceExists(r.Namespace)
                && view.Routes(r.Namespace).Any(x => x.Destination == r.Destination && !r.NextHop.Equals(x.Gateway));
            plan.Append(RoutePlanner.Add(view, r.Namespace, r.Destination, r.NextHop, null,
                nsPlanned: replaced || !view.NamespaceExists(r.Namespace), devicePlanned: false, out _));
        }
        if (NeedsHostForwarding(lab))
        {
            plan.Append(SysctlPlanner.EnableIpForward(view, persist: false));
        }
        return plan;
    }

    /// <summary>Masquerade of the bridges that have it and the published ports, in one driver call.</summary>
    public static Plan Firewall(ISystemView view, IFirewallDriver driver, LabSpec lab)
    {
        var masquerade = lab.Bridges.Where(b => b.Masquerade && b.Address is not null)
            .SelectMany(b => NatRules.Masquerade(b.Name, b.Address!.Value.Network.ToString())).ToList();
        var targets = lab.Ports.Select(p => Target(view, lab, p)).ToList();
        if (targets.Count == 0)
        {
            var plan = new Plan().About(MasqueradePlanner.Subject(string.Join(", ", lab.Bridges.Where(b => b.Masquerade).Select(b => b.Name))));
            driver.PlanEnsure(view.Firewall(), masquerade, plan);
            return plan;
        }
        var result = PortPlanner.Publish(view, driver, targets, masquerade);
        if (result.Refused.Count > 0)
        {
            throw result.Refused[0];
        }
        return result.Plan;
    }

    /// <summary>A port's target from the file: the namespace's address on its bridged veth (the host end read when it is there).</summary>
    private static PortPlanner.PublishTarget Target(ISystemView view, LabSpec lab, LabPort p)
    {
        var n = lab.Namespace(p.Namespace)!;
        var hostEnd = view.Link(null, n.HostInterface)
            ?? new LinkRecord(0, n.HostInterface, "veth", null, default, "DOWN", 1500, null, n.Bridge, null, null, null, false, Array.Empty<AddressRecord>());
        return new PortPlanner.PublishTarget(new NsPortMapping
        {
            Protocol = p.Protocol,
            ExternalIPAddress = NatRules.AnyAddress,
            ExternalPort = p.ExternalPort,
            Namespace = p.Namespace,
            InternalIPAddress = n.Address!.Value.AddressText,
            InternalPort = p.InternalPort,
            Bridge = n.Bridge!,
        }, hostEnd);
    }

    /// <summary>The lab's Exec lines in the namespaces this deploy creates, in order: `ip netns exec NS ARGV...`.</summary>
    public static Plan Exec(LabSpec lab, IReadOnlyCollection<string> created)
    {
        var plan = new Plan();
        foreach (var n in lab.Namespaces.Where(n => created.Contains(n.Name) && n.Exec.Count > 0))
        {
            plan.About($"exec lines of namespace '{n.Name}'");
            foreach (var argv in n.Exec)
            {
                plan.Add(Ip.Exec(n.Name, argv));
            }
        }
        return plan;
    }

    // ---- what the lab owned and no longer names ----

    private static Plan UnpublishGone(ISystemView view, IFirewallDriver driver, LabSpec desired, LabSpec owned)
    {
        var keep = desired.Ports.Select(p => PortKey(desired, p)).ToHashSet();
        var gone = owned.Ports.Where(p => !keep.Contains(PortKey(owned, p)))
            .Select(p => new PortPlanner.UnpublishIntent(p.Protocol, p.ExternalPort, null, p.Namespace)).ToList();
        return gone.Count == 0 ? new Plan() : PortPlanner.Unpublish(view, driver, gone).Plan;
    }

    /// <summary>A port is the same only when it goes to the same address on the same bridge.</summary>
    private static string PortKey(LabSpec lab, LabPort p) => $"{p} {lab.Namespace(p.Namespace)?.Address} {lab.Namespace(p.Namespace)?.Bridge}";

    private static Plan MasqueradeGone(ISystemView view, IFirewallDriver driver, LabSpec desired, LabSpec owned)
    {
        var plan = new Plan();
        foreach (var b in owned.Bridges.Where(b => b.Masquerade))
        {
            var still = desired.Bridge(b.Name);
            if (still is not { Masquerade: true } || still.Address?.Network != b.Address?.Network)
            {
                plan.Append(MasqueradePlanner.Disable(view, driver, b.Name));
            }
        }
        return plan;
    }

    private static Plan Teardown(ISystemView view, IFirewallDriver driver, LabSpec desired, LabSpec owned, string? forwardingBefore)
    {
        var plan = new Plan();
        bool Stays(string ns) => desired.Namespace(ns) is not null && view.NamespaceExists(ns);
        var routes = desired.AllRoutes().ToHashSet();
        foreach (var r in owned.AllRoutes().Where(r => !routes.Contains(r) && Stays(r.Namespace)))
        {
            plan.Append(RoutePlanner.Remove(view, r.Namespace, r.Destination, r.NextHop, null));
        }
        // An address the file changed or dropped, on an interface that stays (the others go with their interface).
        var addresses = desired.AllAddresses().ToHashSet();
        var interfaces = addresses.Select(a => (a.Namespace, a.Interface)).ToHashSet();
        foreach (var a in owned.AllAddresses().Where(a => !addresses.Contains(a) && interfaces.Contains((a.Namespace, a.Interface))
            && (a.Namespace is null ? view.Link(null, a.Interface) is not null : Stays(a.Namespace))))
        {
            plan.Append(AddressPlanner.Remove(view, a.Namespace, a.Interface, a.Address));
        }
        // A bridged veth whose bridge or names the file changed goes, and is made again as the file says.
        foreach (var n in owned.Namespaces.Where(n => n.Bridge is not null && Stays(n.Name)))
        {
            var now = desired.Namespace(n.Name)!;
            if (now.Bridge != n.Bridge || now.Interface != n.Interface || now.HostInterface != n.HostInterface)
            {
                plan.Append(VethPlanner.Remove(view, n.Name, n.Interface));
            }
        }
        foreach (var l in owned.Links.Where(l => !desired.Links.Any(d => SameEnds(d, l))))
        {
            var end = Stays(l.A.Namespace) ? l.A : Stays(l.B.Namespace) ? l.B : null;
            if (end is not null)
            {
                plan.Append(LinkPlanner.Remove(view, end.Namespace, end.Interface));
            }
        }
        foreach (var l in owned.Links.Where(l => l.Shaping is not null && desired.Links.Any(d => SameEnds(d, l) && d.Shaping is null)))
        {
            foreach (var end in new[] { l.A, l.B }.Where(e => Stays(e.Namespace)))
            {
                plan.Append(ShapingPlanner.Remove(view, end.Namespace, end.Interface));
            }
        }
        foreach (var n in owned.Namespaces.Where(n => n.Forwarding && Stays(n.Name) && !desired.Namespace(n.Name)!.Forwarding))
        {
            plan.Append(SysctlPlanner.DisableIpForward(view, n.Name));
        }
        // Deleting a namespace deletes its interfaces, and with them the other end of their veth pairs.
        foreach (var n in owned.Namespaces.Where(n => desired.Namespace(n.Name) is null))
        {
            plan.Append(NamespacePlanner.Remove(view, n.Name));
        }
        foreach (var b in owned.Bridges.Where(b => desired.Bridge(b.Name) is null))
        {
            plan.Append(BridgePlanner.Remove(view, driver, b.Name));
        }
        if (forwardingBefore is not null && !NeedsHostForwarding(desired) && view.Sysctl(Sysctl.IpForward) != forwardingBefore)
        {
            plan.About("IP forwarding").Add(Sysctl.Write(Sysctl.IpForward, forwardingBefore), Sysctl.Write(Sysctl.IpForward, "1"));
        }
        return plan;
    }

    /// <summary>
    /// How the system compares with a deployed lab: Missing (none of its namespaces and bridges is there), Drifted
    /// (a deploy would change something: the objects it would touch, or why it could not) or Deployed.
    /// </summary>
    public static NsLab Status(ISystemView view, IFirewallDriver driver, LabRecord record, int selfPid)
    {
        var lab = record.Spec;
        var drift = new List<string>();
        var present = lab.Namespaces.Count(n => view.NamespaceExists(n.Name)) + lab.Bridges.Count(b => view.Link(null, b.Name) is not null);
        foreach (var planner in new Func<Plan>[] { () => Build(view, driver, lab, selfPid), () => Firewall(view, driver, lab) })
        {
            try
            {
                drift.AddRange(planner().Objects().Select(o => o.Subject ?? "(unnamed)"));
            }
            catch (NetNsException e)
            {
                drift.Add(e.Message);
            }
        }
        return new NsLab
        {
            Name = lab.Name,
            Path = record.Path,
            State = present == 0 && lab.Namespaces.Count + lab.Bridges.Count > 0 ? "Missing" : drift.Count == 0 ? "Deployed" : "Drifted",
            Namespaces = lab.Namespaces.Select(n => n.Name).ToArray(),
            Bridges = lab.Bridges.Select(b => b.Name).ToArray(),
            Links = lab.Links.Select(l => l.ToString()).ToArray(),
            Ports = lab.Ports.Select(p => p.ToString()).ToArray(),
            Drift = drift.Distinct().ToArray(),
        };
    }

    /// <summary>
    /// The host ends (interface indexes) of these namespaces' bridged veths, by their names in the lab: what deleting the
    /// namespaces frees a moment later (NamespaceRemoval.WaitGone waits for them).
    /// </summary>
    public static List<int> HostEnds(ISystemView view, IEnumerable<LabNamespace> namespaces) =>
        namespaces.Where(n => n.Bridge is not null && view.NamespaceExists(n.Name))
            .Select(n => view.Link(null, n.HostInterface)?.Index).OfType<int>().ToList();

    /// <summary>The routes the file gives another next hop: the teardown deletes the old one, the build adds the new.</summary>
    private static IReadOnlySet<(string, IpPrefix)> Replaced(LabSpec desired, LabSpec owned)
    {
        var old = owned.AllRoutes().ToList();
        return desired.AllRoutes().Where(r => old.Any(o => o.Namespace == r.Namespace && o.Destination == r.Destination && !o.NextHop.Equals(r.NextHop)))
            .Select(r => (r.Namespace, r.Destination)).ToHashSet();
    }

    private static bool SameEnds(LabLink a, LabLink b) => (a.A == b.A && a.B == b.B) || (a.A == b.B && a.B == b.A);

    /// <summary>Masquerade and published ports need the host to forward (the lab turns it on, and back off when it goes).</summary>
    public static bool NeedsHostForwarding(LabSpec lab) => lab.Ports.Count > 0 || lab.Bridges.Any(b => b.Masquerade);
}
