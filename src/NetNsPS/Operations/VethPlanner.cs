using System.Globalization;
using System.Management.Automation;
using NetNsPS.Linux;

namespace NetNsPS.Operations;

/// <summary>What Add-VethPair asks for: the namespace, both ends' names and the bridge of the host end (null: none).</summary>
public sealed record VethIntent(string Namespace, string Name, string PeerName, string? Bridge)
{
    /// <summary>
    /// The inner name is only the namespace's (a lab's eth0): a host interface of that name that is not a veth paired
    /// with PeerName is somebody else's and no obstacle, as the pair is created with its inner end in the namespace.
    /// </summary>
    public bool InnerNameIsLocal { get; init; }
}

/// <summary>Veth pairs between a namespace and the host: created, completed when half-built, attached, up; and removed.</summary>
public static class VethPlanner
{
    public static string Subject(string ns, string name) => $"veth pair '{name}' of namespace '{ns}'";

    /// <summary>
    /// What makes the pair exist as asked. A pair with both ends still on the host (a run stopped between create and
    /// move) is completed; a pair attached to another bridge, or names taken by something else, is an error.
    /// <paramref name="selfPid"/> names this process's namespace in the undo of a move (`ip link set X netns PID`).
    /// </summary>
    public static Plan Ensure(ISystemView view, VethIntent intent, int selfPid)
    {
        var (ns, name, peer, bridge) = (intent.Namespace, intent.Name, intent.PeerName, intent.Bridge);
        var nsPlanned = !view.NamespaceExists(ns);
        var inside = nsPlanned ? null : view.Link(ns, name);
        var hostPeer = view.Link(null, peer);
        var hostSame = view.Link(null, name);
        if (intent.InnerNameIsLocal && hostSame is not null && (hostPeer is null || !hostSame.IsPairedWith(hostPeer, acrossNamespaces: false)))
        {
            hostSame = null;
        }
        var plan = new Plan().About(Subject(ns, name));
        var preexisting = true;

        if (inside is not null)
        {
            if (hostPeer is null || !inside.IsPairedWith(hostPeer, acrossNamespaces: true))
            {
                throw new NetNsException(
                    $"Interface '{name}' already exists in namespace '{ns}' but is not a veth paired with '{peer}' on the host. Remove it or choose another -Name.",
                    "VethConflict", ErrorCategory.ResourceExists, name);
            }
        }
        else if (hostSame is not null)
        {
            // Both ends still on the host: an earlier run stopped between create and move.
            if (hostPeer is null || !hostSame.IsPairedWith(hostPeer, acrossNamespaces: false))
            {
                throw new NetNsException(
                    $"Interface '{name}' already exists on the host and is not a veth paired with '{peer}'. Remove it or choose another -Name.",
                    "InterfaceExists", ErrorCategory.ResourceExists, name);
            }
            plan.Add(Ip.MoveToNamespace(null, name, ns), Ip.MoveToNamespace(ns, name, selfPid.ToString(CultureInfo.InvariantCulture)));
        }
        else
        {
            if (hostPeer is not null)
            {
                throw new NetNsException(
                    $"Interface '{peer}' already exists on the host (it is not the peer of '{name}' in '{ns}'). Remove it or choose another -PeerName.",
                    "InterfaceExists", ErrorCategory.ResourceExists, peer);
            }
            preexisting = false;
            // Created with its inner end already in the namespace; deleting the host end deletes the pair.
            plan.Add(Ip.AddVethInNamespace(name, ns, peer), Ip.DeleteLink(null, peer));
        }

        if (bridge is not null && hostPeer?.Master != bridge)
        {
            if (hostPeer?.Master is { } other)
            {
                throw new NetNsException(
                    $"'{peer}' is already attached to bridge '{other}', not '{bridge}'. Remove the pair (Remove-VethPair {ns}) or use -Bridge {other}.",
                    "AttachedToOtherBridge", ErrorCategory.ResourceExists, peer);
            }
            plan.Add(Ip.SetMaster(peer, bridge), preexisting ? Ip.SetNoMaster(peer) : null);
        }
        if (inside is not { IsUp: true })
        {
            plan.Add(Ip.SetUp(ns, name), preexisting && inside is not null ? Ip.SetDown(ns, name) : null);
        }
        if (hostPeer is not { IsUp: true })
        {
            plan.Add(Ip.SetUp(null, peer), preexisting ? Ip.SetDown(null, peer) : null);
        }
        return plan;
    }

    /// <summary>What deletes the pair (deleting one end deletes both); nothing when it is gone; an error for a non-veth of that name.</summary>
    public static Plan Remove(ISystemView view, string ns, string name)
    {
        var plan = new Plan().About(Subject(ns, name));
        var link = view.NamespaceExists(ns) ? view.Link(ns, name) : null;
        if (link is null)
        {
            return plan;
        }
        if (!link.IsVeth)
        {
            throw new NetNsException($"'{name}' in namespace '{ns}' is a {link.Kind ?? "device"}, not a veth; it was left alone.",
                "NotAVeth", ErrorCategory.InvalidArgument, name);
        }
        return plan.Add(Ip.DeleteLink(ns, name));
    }
}
