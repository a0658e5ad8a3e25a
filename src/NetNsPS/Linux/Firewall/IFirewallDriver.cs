using NetNsPS.Operations;
using System.Collections.Generic;
using System.Threading;

namespace NetNsPS.Linux.Firewall;

/// <summary>
/// The module's only door to the firewall. iptables today; an nftables driver implements the same calls and
/// registers in <see cref="FirewallDrivers"/>. Drivers touch only module-owned chains and the one jump into each of them.
/// </summary>
public interface IFirewallDriver
{
    /// <summary>The name <see cref="FirewallDrivers.Variable"/> selects it by.</summary>
    string Name { get; }

    FirewallSnapshot Read(IProcessRunner runner, CancellationToken token);

    /// <summary>A firewall that holds nothing (tests, and the diagnostics' facts before anything was read).</summary>
    FirewallSnapshot Empty();

    /// <summary>Adds to the plan what makes each rule present exactly as given (creating chain and jump first), and nothing for rules already there.</summary>
    void PlanEnsure(FirewallSnapshot snapshot, IEnumerable<FirewallRule> rules, Plan plan);

    /// <summary>
    /// Adds to the plan the removal of these live rules (instances from <see cref="FirewallSnapshot.Rules"/>), then of
    /// each module chain they leave empty and its jump, and of each chain of <paramref name="alsoIfEmpty"/> that is
    /// empty already (flushed by hand, or left by a killed run).
    /// </summary>
    void PlanRemove(FirewallSnapshot snapshot, IEnumerable<FirewallRule> rules, Plan plan, IEnumerable<(FirewallTable, FirewallHook)>? alsoIfEmpty = null);

    /// <summary>
    /// Whether the host's FORWARD path drops what nothing accepts in a place the module's own accepts count (iptables'
    /// filter FORWARD with policy DROP or a trailing DROP or REJECT, as Docker, ufw and firewalld's iptables backend
    /// leave it): then New-NetBridge accepts its bridge's traffic in the module's chain.
    /// </summary>
    bool ForwardPathDrops(FirewallSnapshot snapshot);

    /// <summary>
    /// The families whose FORWARD drops in that sense: IPv4 where iptables' does (<see cref="ForwardPathDrops"/>),
    /// IPv6 where ip6tables' does (Docker 27+ with IPv6 leaves both at DROP). New-NetBridge accepts its bridge for
    /// each, and an IPv6 masquerade's accepts go to IPv6's FORWARD where it drops.
    /// </summary>
    FirewallFamilies ForwardDropFamilies(FirewallSnapshot snapshot);

    /// <summary>The whole ruleset as it would be after PlanEnsure of these rules (for the diagnostics: would re-running a cmdlet repair it?).</summary>
    FirewallRuleset Simulate(FirewallSnapshot snapshot, IEnumerable<FirewallRule> rules);

    // ---- for the diagnostics: facts and repair commands in the driver's own words ----

    /// <summary>
    /// The snapshot for the diagnostics: as <see cref="Read"/>, but its Ruleset (and Simulate's, and Without's) holds
    /// everything else on the packet path too. iptables-save has it all already; nftables adds every other table's
    /// chains with their hooks and priorities.
    /// </summary>
    FirewallSnapshot ReadForDiagnostics(IProcessRunner runner, CancellationToken token);

    /// <summary>
    /// What must run before the cmdlets that made the module's chain of a hook, for them to make it reached again
    /// ("" when re-running them is enough, as a missing jump or lookup is put back by them).
    /// </summary>
    string RepairUnreached(FirewallSnapshot snapshot, FirewallTable table, FirewallHook hook);

    /// <summary>How an unreached module chain is described ("no jump from nat POSTROUTING to NETNSPS-POSTROUTING").</summary>
    string DescribeUnreached(FirewallSnapshot snapshot, FirewallTable table, FirewallHook hook);

    /// <summary>
    /// The command that puts this rule, untagged, first in a chain of somebody else that decides against the module's
    /// traffic (TABLE and CHAIN as the ruleset names them): under nftables an accept elsewhere does not undo that
    /// chain's drop, so the accept must be in it.
    /// </summary>
    string RepairAcceptIn(string table, string chain, FirewallRule rule);

    /// <summary>The backends the firewall may live in and what each holds (for a split that hides rules).</summary>
    BackendFacts ReadBackends(FirewallSnapshot snapshot, IProcessRunner runner, CancellationToken token);

    /// <summary>The command that moves the rules of the backend not in use into the one in use; "" when they are not split.</summary>
    string RepairBackendSplit(BackendFacts backends);

    /// <summary>
    /// The command that puts this rule, untagged, first in the built-in chain of its hook, matching what the module's
    /// chain of that hook is reached with: a raw repair that works without NetNsPS.
    /// </summary>
    string RepairInsert(FirewallRule rule);

    /// <summary>The command that deletes exactly this rule of the ruleset.</summary>
    string RepairDelete(ChainRule rule);

    /// <summary>The built-in chain of a hook, as its users name it ("nat PREROUTING").</summary>
    string HookName(FirewallTable table, FirewallHook hook);

    /// <summary>The module's own chain of a hook, as its users name it.</summary>
    string ChainName(FirewallTable table, FirewallHook hook);

    /// <summary>
    /// Where the module's forward accepts are, as the diagnostics name it: its FORWARD chain, and under nftables the
    /// chain of its iptables FORWARD shim too where there is one.
    /// </summary>
    string ForwardAcceptChains(FirewallSnapshot snapshot);
}

/// <summary>
/// The two backends netfilter rules may be written to (x_tables "legacy" and nf_tables): which one the driver's
/// tools use, and what each holds (null when it cannot be read). Both hook into the same packet path, so rules in either apply.
/// </summary>
public sealed record BackendFacts(string? Active, FirewallRuleset? Legacy, FirewallRuleset? Nft)
{
    /// <summary>Both backends hold rules (split brain): both apply, but `iptables` shows one.</summary>
    /// <remarks>
    /// Where `iptables` is the legacy binary, NetNsPS's own nftables table beside the host's legacy rules is no split:
    /// the module lists and removes it, and its FORWARD shim goes where the legacy drop is. Where `iptables` is
    /// iptables-nft, any legacy rule is one `iptables` does not show.
    /// </remarks>
    public bool IsSplit => Legacy is not null && Nft is not null && Legacy.TablesInUse().Count > 0 && Nft.TablesInUse(othersOnly: Active == "legacy").Count > 0;
}
