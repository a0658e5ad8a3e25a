using System.Collections.Generic;
using System.Linq;
using NetNsPS.Internal;
using NetNsPS.Linux.Firewall;

namespace NetNsPS.Operations;

/// <summary>Outbound NAT of a bridge's namespaces: what Enable-NsMasquerade and Disable-NsMasquerade change. Reads only the view.</summary>
internal static class MasqueradePlanner
{
    public static string Subject(string bridge) => $"masquerade of {bridge}";

    /// <summary>The rules that masquerade <paramref name="sourcePrefix"/> leaving anywhere but the bridge; an empty plan when they are there.</summary>
    public static Plan Enable(ISystemView view, IFirewallDriver driver, string bridge, string sourcePrefix) =>
        Enable(view, driver, bridge, new[] { sourcePrefix });

    /// <summary>The same for several source networks (a dual-stack bridge's IPv4 and IPv6 subnets), in one driver call.</summary>
    public static Plan Enable(ISystemView view, IFirewallDriver driver, string bridge, IReadOnlyList<string> sourcePrefixes)
    {
        var plan = new Plan().About(Subject(bridge));
        var snapshot = view.Firewall();
        // The out and reply accepts stay IPv4's (as before IPv6) and, for an IPv6 subnet where IPv6's FORWARD drops
        // (ip6tables' on a Docker 27+ host), are IPv6's too.
        var families = sourcePrefixes.Any(NatRules.IsIpv6) && (driver.ForwardDropFamilies(snapshot) & FirewallFamilies.Ipv6) != 0
            ? FirewallFamilies.Both : (FirewallFamilies?)null;
        driver.PlanEnsure(snapshot, sourcePrefixes.SelectMany(p => NatRules.Masquerade(bridge, p, families)).Distinct(), plan);
        return plan;
    }

    /// <summary>The removal of exactly the bridge's masquerade rules (and of chains they leave empty); an empty plan when there are none.</summary>
    public static Plan Disable(ISystemView view, IFirewallDriver driver, string bridge)
    {
        var plan = new Plan().About(Subject(bridge));
        var snapshot = view.Firewall();
        var rules = snapshot.Rules.Where(r => NatRules.IsMasqueradeTag(r.Tag, bridge)).ToList();
        if (rules.Count > 0)
        {
            driver.PlanRemove(snapshot, rules, plan, NatRules.MasqueradeHooks);
        }
        return plan;
    }
}
