using NetNsPS.Operations;
using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using NetNsPS.Linux;

namespace NetNsPS.Internal;

/// <summary>
/// `ip netns delete` returns before the kernel has freed the namespace: its interfaces, and with them the host ends of
/// its veth pairs, go a moment later. Whoever deletes a namespace waits for those host ends, so the next command (make
/// the pair again, delete the bridge, compare the state) sees the namespace gone whole.
/// </summary>
internal static class NamespaceRemoval
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    /// <summary>The host ends of the namespace's veth pairs, read before it is deleted (none when it cannot be read).</summary>
    public static List<int> HostEnds(ISystemView state, string ns)
    {
        try
        {
            return state.Links(ns).Where(l => l.IsVeth)
                .Select(inside => VethPairs.HostEnd(state, inside)?.Index)
                .OfType<int>().ToList();
        }
        catch (NetNsException e) when (e.ErrorId is not ("ProgramNotFound" or "RootRequired"))
        {
            // A namespace that cannot be entered (a stale file in /run/netns) is still deleted; there is nothing to wait for.
            return new List<int>();
        }
    }

    /// <summary>Waits (at most 5 s) until none of these host interfaces exists any more.</summary>
    public static void WaitGone(ISystemView state, IReadOnlyCollection<int> hostIndexes, CancellationToken token)
    {
        var deadline = DateTime.UtcNow + Patience;
        var pause = 1;
        while (hostIndexes.Count > 0)
        {
            state.Invalidate();
            // One lookup per host end, never a dump of the host: the cost does not grow with what else is there.
            if (hostIndexes.All(i => state.LinkByIndex(null, i) is null) || DateTime.UtcNow >= deadline)
            {
                return;
            }
            // The kernel usually frees a namespace within a few milliseconds: look again soon, then less often.
            token.WaitHandle.WaitOne(pause);
            pause = Math.Min(pause * 2, 20);
            token.ThrowIfCancellationRequested();
        }
    }
}
