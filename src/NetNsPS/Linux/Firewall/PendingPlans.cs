using System;
using System.Collections.Generic;
using NetNsPS.Operations;

namespace NetNsPS.Linux.Firewall;

/// <summary>
/// The plans planned on a snapshot read at a known generation that have not been applied yet, each with the iptables
/// steps it got from that snapshot. Both drivers keep a snapshot as the state last known only once none is pending: a
/// plan that never runs (-WhatIf, a rollback, declined) keeps it out for good.
/// </summary>
internal sealed class PendingPlans
{
    private readonly Dictionary<Plan, List<PlanStep>> _plans = new(ReferenceEqualityComparer.Instance);

    /// <summary>Whether a plan planned on the snapshot has not been applied.</summary>
    public bool Any => _plans.Count > 0;

    /// <summary>
    /// Notes the steps just planned on <paramref name="snapshot"/> for <paramref name="plan"/>; the first note of a plan
    /// has <paramref name="applied"/> called once the whole plan has been applied.
    /// </summary>
    public void Note(object snapshot, Plan plan, IEnumerable<PlanStep> steps, Action<Plan> applied)
    {
        if (!_plans.TryGetValue(plan, out var noted))
        {
            _plans[plan] = noted = new List<PlanStep>();
            plan.WhenApplied(snapshot, () => applied(plan));
        }
        noted.AddRange(steps);
    }

    /// <summary>The steps noted for a plan that has been applied, which is then no longer pending; false if none were.</summary>
    public bool Take(Plan plan, out IReadOnlyList<PlanStep> steps)
    {
        var taken = _plans.Remove(plan, out var noted);
        steps = noted ?? (IReadOnlyList<PlanStep>)Array.Empty<PlanStep>();
        return taken;
    }
}
