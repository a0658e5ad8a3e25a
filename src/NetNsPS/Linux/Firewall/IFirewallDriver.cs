using NetNsPS.Operations;
using System.Collections.Generic;
using System.Threading;

namespace NetNsPS.Linux.Firewall;

/// <summary>
/// The module's only door to the firewall. iptables today; an nftables driver implements the same calls.
/// Drivers touch only module-owned chains and the one jump into each of them.
/// </summary>
public interface IFirewallDriver
{
    FirewallSnapshot Read(IProcessRunner runner, CancellationToken token);

    /// <summary>Adds to the plan what makes each rule present exactly as given (creating chain and jump first), and nothing for rules already there.</summary>
    void PlanEnsure(FirewallSnapshot snapshot, IEnumerable<FirewallRule> rules, Plan plan);

    /// <summary>
    /// Adds to the plan the removal of these live rules, then of each module chain they leave empty and its jump, and of
    /// each chain of <paramref name="alsoIfEmpty"/> that is empty already (flushed by hand, or left by a killed run).
    /// </summary>
    void PlanRemove(FirewallSnapshot snapshot, IEnumerable<LiveRule> rules, Plan plan, IEnumerable<(FirewallTable, FirewallHook)>? alsoIfEmpty = null);

    /// <summary>The whole ruleset as it would be after PlanEnsure of these rules (for the diagnostics: would re-running a cmdlet repair it?).</summary>
    FirewallRuleset Simulate(FirewallSnapshot snapshot, IEnumerable<FirewallRule> rules);
}
