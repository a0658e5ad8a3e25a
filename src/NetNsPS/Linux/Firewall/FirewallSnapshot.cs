using System.Collections.Generic;
using System.Linq;

namespace NetNsPS.Linux.Firewall;

/// <summary>
/// What the module owns in the firewall right now, as its driver read it. Each driver subclasses it and keeps its
/// own words (positions, handles, argv) to itself; everyone else sees only driver-neutral facts. Planning with a
/// driver updates the snapshot to what the plan will leave, so one snapshot serves a whole plan.
/// </summary>
public abstract class FirewallSnapshot
{
    /// <summary>The rules in the module's chains, in order; each instance is the handle to give back to PlanRemove.</summary>
    public abstract IReadOnlyList<FirewallRule> Rules { get; }

    /// <summary>
    /// The rules of the port mappings on those protocols and host ports (any host address), each the instance
    /// <see cref="Rules"/> gives out. A driver may index them; by default, one pass over <see cref="Rules"/>, whatever
    /// the number of ports asked for.
    /// </summary>
    public virtual IEnumerable<FirewallRule> RulesOfPorts(IReadOnlySet<(NsProtocol Protocol, ushort ExternalPort)> ports) =>
        Rules.Where(r => r.Identity is { Kind: RuleKind.Port, Port: { } key } && ports.Contains((key.Protocol, key.ExternalPort)));

    /// <summary>The keys of every port mapping that has a rule here. A driver may index them; by default, read from <see cref="Rules"/>.</summary>
    public virtual IReadOnlyCollection<PortKey> PortKeys =>
        Rules.Select(r => r.Identity).Where(t => t is { Kind: RuleKind.Port }).Select(t => t!.Port!).Distinct().ToList();

    /// <summary>
    /// The keys of the port mappings on that namespace and that bridge (null: any), as <see cref="PortKeys"/> has them.
    /// Lazy, so a question such as "is any other mapping left on this bridge?" stops at the first; a driver may index
    /// them, so that Unpublish-NsPort does not go through every mapping of the host.
    /// </summary>
    public virtual IEnumerable<PortKey> PortKeysOn(string? ns, string? bridge) =>
        PortKeys.Where(k => (ns is null || k.Namespace == ns) && (bridge is null || k.Bridge == bridge));

    /// <summary>The module's chains that exist (empty ones included).</summary>
    public abstract IReadOnlyCollection<(FirewallTable Table, FirewallHook Hook)> Chains { get; }

    /// <summary>Whether the module's chain of that hook is reached from the built-in chain (its jump is there).</summary>
    public abstract bool IsReached(FirewallTable table, FirewallHook hook);

    /// <summary>Every chain and rule of every table, the module's and anybody else's, for the diagnostics.</summary>
    public abstract FirewallRuleset Ruleset { get; }

    /// <summary>The snapshot as it would be without one rule of <see cref="Ruleset"/> (anybody's), for the diagnostics.</summary>
    public abstract FirewallSnapshot Without(ChainRule rule);
}
