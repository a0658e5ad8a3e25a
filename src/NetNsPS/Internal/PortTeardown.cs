using NetNsPS.Operations;
using System.Collections.Generic;
using System.Linq;
using NetNsPS.Linux;
using NetNsPS.Linux.Firewall;

namespace NetNsPS.Internal;

/// <summary>
/// What goes with published ports when they go: their rules, and the shared settings (localhost masquerade and its
/// guard, route_localnet, hairpin mode) once no remaining mapping needs them. Shared by Unpublish-NsPort and Clear-NetNsPS.
/// </summary>
internal static class PortTeardown
{
    /// <summary>Plans the removal of the mappings <paramref name="gone"/>, given all mappings now live.</summary>
    public static void Plan(ISystemView state, FirewallSnapshot snapshot, IFirewallDriver firewall,
        IReadOnlyCollection<NatRules.MappingTag> gone, IReadOnlyCollection<NatRules.MappingTag> all, Plan plan)
    {
        var remaining = all.Except(gone).ToList();
        var rules = snapshot.Rules.Where(r => gone.Any(p => r.Rule.Tag.StartsWith(p.TagPrefix, System.StringComparison.Ordinal))).ToList();
        var sharedPlan = new Plan();
        var hooks = NatRules.PortHooks.ToList();
        foreach (var bridge in gone.Select(p => p.Bridge).Distinct().Where(b => remaining.All(m => m.Bridge != b)))
        {
            rules.AddRange(snapshot.Rules.Where(r => NatRules.IsLocalnetTag(r.Rule.Tag, bridge)));
            hooks.AddRange(NatRules.LocalnetHooks);
            var key = Sysctl.RouteLocalnet(bridge);
            if (Sysctl.Read(key) == "1")
            {
                sharedPlan.Add(Sysctl.Write(key, "0"), Sysctl.Write(key, "1"));
            }
        }
        foreach (var (ns, bridge) in gone.Select(p => (p.Namespace, p.Bridge)).Distinct()
                     .Where(t => remaining.All(m => m.Namespace != t.Namespace)))
        {
            PlanHairpinOff(state, ns, bridge, sharedPlan);
        }
        firewall.PlanRemove(snapshot, rules, plan, hooks);
        plan.Append(sharedPlan);
    }

    /// <summary>Turns hairpin mode off on the namespace's port of that bridge, if the namespace is still there.</summary>
    private static void PlanHairpinOff(ISystemView state, string ns, string bridge, Plan plan)
    {
        if (!state.NamespaceExists(ns))
        {
            return;
        }
        foreach (var inside in state.Links(ns).Where(l => l.IsVeth))
        {
            if (VethPairs.HostEnd(state, inside) is { Hairpin: true } hostEnd && hostEnd.Master == bridge)
            {
                plan.Add(Ip.SetHairpin(hostEnd.Name, false), Ip.SetHairpin(hostEnd.Name, true));
            }
        }
    }
}
