using System.Linq;
using NetNsPS.Internal;
using NetNsPS.Linux.Firewall;

namespace NetNsPS.Operations;

/// <summary>Outbound NAT of a bridge's namespaces: what Enable-NsMasquerade and Disable-NsMasquerade change. Reads only the view.</summary>
internal static class MasqueradePlanner
{
    public static string Subject(string bridge) => $"masquerade of {bridge}";

    /// <summary>The rules that masquerade <paramref name="sourcePrefix"/> leaving anywhere but the bridge; an empty plan when they are there.</summary>
    public static Plan Enable(ISystemView view, IFirewallDriver driver, string bridge, string sourcePrefix)
    {
        var plan = new Plan().About(Subject(bridge));
        driver.PlanEnsure(view.Firewall(), NatRules.Masquerade(bridge, sourcePrefix), plan);
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
