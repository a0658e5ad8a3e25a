using System;
using System.Management.Automation;
using NetNsPS.Linux;

namespace NetNsPS.Internal;

/// <summary>Ensure-semantics that hold when another process creates the same object at the same moment.</summary>
internal static class Converge
{
    /// <summary>
    /// Runs an ensure operation (read, plan, apply). When the kernel refuses a step because what it creates already
    /// exists, another process made it between our read and our apply; the plan has been rolled back, so the state is
    /// read again and the operation runs again, converging on what is there now (or failing with the usual error).
    /// </summary>
    public static void OnRace(NetState state, Action ensure)
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

    private const int MaxAttempts = 4;
}
