using NetNsPS.Operations;
using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using NetNsPS.Linux;
using NetNsPS.Linux.Netlink;

namespace NetNsPS.Internal;

/// <summary>
/// `ip netns delete` returns before the kernel has freed the namespace: its interfaces, and with them the host ends of
/// its veth pairs, go a moment later (a grace period, about 30 ms here). The kernel frees namespaces deleted close
/// together in one pass, so waiting once for many costs what waiting for one does, where waiting after each costs
/// that every time.
/// Remove-NetNamespace therefore only notes the host ends it leaves (<see cref="Defer"/>). They are waited for
/// (<see cref="Settle"/>) before the next NetNsPS cmdlet looks at the system, before the next program the session runs,
/// and when the process exits, so the next command (make the pair again, delete the bridge, compare the state) and the
/// next process see the namespace gone whole. Commands that delete many namespaces in one call wait for them themselves (<see cref="WaitGone"/>).
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

    private static readonly object Lock = new();
    private static readonly HashSet<int> Pending = new();
    private static bool _exitHooked;

    /// <summary>True while host ends of deleted namespaces may still be there.</summary>
    public static bool AnyPending
    {
        get
        {
            lock (Lock)
            {
                return Pending.Count > 0;
            }
        }
    }

    /// <summary>
    /// Notes the host ends a deleted namespace leaves for the kernel to free, to be waited for later: by the next
    /// NetNsPS cmdlet, by the next program this session runs (`ip link`, `bridge link`: they would look behind the
    /// module's back), and when the process exits.
    /// </summary>
    public static void Defer(IEnumerable<int> hostIndexes, CommandInvocationIntrinsics session)
    {
        lock (Lock)
        {
            Pending.UnionWith(hostIndexes);
            if (Pending.Count == 0)
            {
                return;
            }
            if (!_exitHooked)
            {
                AppDomain.CurrentDomain.ProcessExit += (_, _) => SettleHere();
                _exitHooked = true;
            }
        }
        // One hook per session, after whatever lookup hook the user has: a program is about to run.
        EventHandler<CommandLookupEventArgs> hook = BeforeProgram;
        if (session.PostCommandLookupAction?.GetInvocationList().Contains(hook) != true)
        {
            session.PostCommandLookupAction = (EventHandler<CommandLookupEventArgs>)Delegate.Combine(session.PostCommandLookupAction, hook);
        }
    }

    private static void BeforeProgram(object? sender, CommandLookupEventArgs e)
    {
        if (e.Command is ApplicationInfo && AnyPending)
        {
            SettleHere();
        }
    }

    /// <summary>Waits (at most 5 s) for the host ends noted by <see cref="Defer"/>; each is waited for once.</summary>
    public static void Settle(ISystemView state, CancellationToken token) =>
        SettleWith(i => state.LinkByIndex(null, i) is null, () => state.Invalidate(), token);

    /// <summary>
    /// <see cref="Settle"/> where no cmdlet is running (a program's lookup, the process's exit): its own rtnetlink
    /// socket in the host namespace. It never throws: waiting is a courtesy to what comes next.
    /// </summary>
    private static void SettleHere()
    {
        try
        {
            using var session = NetlinkSession.Enabled ? new NetlinkSession() : null;
            var net = new NetState(ProcessRunner.Instance, CancellationToken.None, session);
            SettleWith(i => net.LinkByIndex(null, i) is null, () => net.Invalidate(), CancellationToken.None);
        }
        catch (Exception)
        {
            // A host end that cannot be looked up is not waited for.
        }
    }

    private static void SettleWith(Func<int, bool> gone, Action invalidate, CancellationToken token)
    {
        int[] pending;
        lock (Lock)
        {
            pending = Pending.ToArray();
        }
        if (pending.Length == 0)
        {
            return;
        }
        WaitUntil(gone, invalidate, pending, token);
        lock (Lock)
        {
            // Gone, or given up on after 5 s: either way the next command does not wait for them again.
            Pending.ExceptWith(pending);
        }
    }

    /// <summary>Waits (at most 5 s) until none of these host interfaces exists any more.</summary>
    public static void WaitGone(ISystemView state, IReadOnlyCollection<int> hostIndexes, CancellationToken token) =>
        WaitUntil(i => state.LinkByIndex(null, i) is null, () => state.Invalidate(), hostIndexes, token);

    private static void WaitUntil(Func<int, bool> gone, Action invalidate, IReadOnlyCollection<int> hostIndexes, CancellationToken token)
    {
        var deadline = DateTime.UtcNow + Patience;
        var pause = 1;
        while (hostIndexes.Count > 0)
        {
            invalidate();
            // One lookup per host end, never a dump of the host: the cost does not grow with what else is there.
            if (hostIndexes.All(gone) || DateTime.UtcNow >= deadline)
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
