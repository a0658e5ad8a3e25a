using System;
using System.Threading;
using System.Management.Automation;
using NetNsPS.Linux;

namespace NetNsPS.Operations;

/// <summary>Ensure-semantics that hold when another process creates the same object at the same moment.</summary>
internal static class Converge
{
    /// <summary>
    /// Runs an ensure operation (read, plan, apply). When the kernel refuses a step because what it creates already
    /// exists, another process made it between our read and our apply; the plan has been rolled back, so the state is
    /// read again and the operation runs again, converging on what is there now (or failing with the usual error).
    /// </summary>
    public static void OnRace(ISystemView state, Action ensure)
    {
        // Each lost race means another process got further (made the bridge, then its address): a few tries converge.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                ensure();
                return;
            }
            catch (NetNsException e) when (e.ErrorId == "CommandFailed" && e.Category == ErrorCategory.ResourceExists && attempt < MaxAttempts)
            {
                state.Invalidate();
            }
        }
    }

    /// <summary>
    /// The same under the module's lock (not under -WhatIf): NetNsPS processes side by side take turns, so one never
    /// rolls back (deletes) a bridge that another has already taken as there; the retries remain for other tools.
    /// </summary>
    public static void OnRace(ISystemView state, Action ensure, bool whatIf, CancellationToken token)
    {
        using var moduleLock = whatIf ? null : FirewallLock.Acquire(token);
        // What was read before the lock may be stale by now.
        state.Invalidate();
        OnRace(state, ensure);
    }

    private const int MaxAttempts = 4;
}
