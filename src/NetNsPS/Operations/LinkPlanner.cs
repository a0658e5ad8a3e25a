using System;
using System.Globalization;
using System.Management.Automation;
using NetNsPS.Linux;

namespace NetNsPS.Operations;

/// <summary>
/// What Add-NsLink asks for: one veth end <paramref name="Name"/> in <paramref name="Namespace"/>, the other end
/// <paramref name="PeerName"/> in <paramref name="PeerNamespace"/> (null: the host, for either), each with an optional address.
/// </summary>
public sealed record LinkIntent(string? Namespace, string Name, string? PeerNamespace, string PeerName, IpPrefix? Address = null, IpPrefix? PeerAddress = null);

/// <summary>Point-to-point links between two namespaces: a veth pair created with each end in its namespace, up, addressed; and removed.</summary>
public static class LinkPlanner
{
    /// <summary>The default name of the end in one namespace that leads to <paramref name="otherNamespace"/>: to-OTHER (to-host for the host).</summary>
    public static string DefaultName(string? otherNamespace) => "to-" + (otherNamespace ?? "host");

    public static string Subject(string? ns, string name, string? peerNs, string peer) =>
        $"link '{name}' in {Errors.Where(ns)} to '{peer}' in {Errors.Where(peerNs)}";

    /// <summary>
    /// What makes the link exist as asked. Converged: both ends there, paired, up (and addressed). A pair with both ends
    /// still in the first namespace (another tool's two-step `ip link add` + `set netns` stopped half way) is completed by
    /// moving the peer; a name taken by anything else is an error. <paramref name="isPlanned"/> says which missing
    /// namespaces a -WhatIf run before announced; <paramref name="selfPid"/> names the host in the undo of a move.
    /// </summary>
    public static Plan Ensure(ISystemView view, LinkIntent intent, int selfPid, Func<string, bool>? isPlanned = null)
    {
        var (ns, name, peerNs, peer) = (intent.Namespace, intent.Name, intent.PeerNamespace, intent.PeerName);
        if (ns == peerNs)
        {
            throw new NetNsException(
                $"Both ends of link '{name}' would be in {Errors.Where(ns)}; a link joins two namespaces, give another -PeerNamespace.",
                "SameNamespace", ErrorCategory.InvalidArgument, ns ?? "(host)");
        }
        var nsPlanned = Planned(view, ns, isPlanned);
        var peerPlanned = Planned(view, peerNs, isPlanned);
        var here = nsPlanned ? null : view.Link(ns, name);
        var there = peerPlanned ? null : view.Link(peerNs, peer);
        var plan = new Plan().About(Subject(ns, name, peerNs, peer));
        var preexisting = true;
        var peerNow = there;

        if (here is not null)
        {
            var peerHere = view.Link(ns, peer);
            if (there is not null && here.IsPairedWith(there, acrossNamespaces: true))
            {
                // The link is there; what follows brings its ends up.
            }
            else if (there is null && peerHere is not null && here.IsPairedWith(peerHere, acrossNamespaces: false))
            {
                // Both ends still in the first namespace: move the peer where it belongs.
                plan.Add(Ip.MoveToNamespace(ns, peer, Target(peerNs, selfPid)), Ip.MoveToNamespace(peerNs, peer, Target(ns, selfPid)));
                peerNow = peerHere;
            }
            else
            {
                throw new NetNsException(
                    $"Interface '{name}' already exists in {Errors.Where(ns)} but is not a veth paired with '{peer}' in {Errors.Where(peerNs)}. Remove it or choose another -Name.",
                    "LinkConflict", ErrorCategory.ResourceExists, name);
            }
        }
        else
        {
            if (there is not null)
            {
                throw new NetNsException(
                    $"Interface '{peer}' already exists in {Errors.Where(peerNs)} (it is not the peer of '{name}' in {Errors.Where(ns)}). Remove it or choose another -PeerName.",
                    "InterfaceExists", ErrorCategory.ResourceExists, peer);
            }
            preexisting = false;
            // Created with both ends already in place; deleting one end deletes the pair.
            plan.Add(Ip.AddVeth(name, ns, peer, peerNs), Ip.DeleteLink(ns, name));
        }

        if (here is not { IsUp: true })
        {
            plan.Add(Ip.SetUp(ns, name), preexisting ? Ip.SetDown(ns, name) : null);
        }
        if (peerNow is not { IsUp: true })
        {
            plan.Add(Ip.SetUp(peerNs, peer), preexisting ? Ip.SetDown(peerNs, peer) : null);
        }
        if (intent.Address is { } address)
        {
            plan.Append(AddressPlanner.Add(view, ns, name, address, deviceIsPlanned: nsPlanned));
        }
        if (intent.PeerAddress is { } peerAddress)
        {
            plan.Append(AddressPlanner.Add(view, peerNs, peer, peerAddress, deviceIsPlanned: peerPlanned));
        }
        return plan;
    }

    /// <summary>What deletes the link by one of its ends (the kernel deletes both); nothing when it is gone; an error for a non-veth.</summary>
    public static Plan Remove(ISystemView view, string? ns, string name)
    {
        var plan = new Plan();
        var link = ns is null || view.NamespaceExists(ns) ? view.Link(ns, name) : null;
        if (link is null)
        {
            return plan;
        }
        if (!link.IsVeth)
        {
            throw new NetNsException($"'{name}' in {Errors.Where(ns)} is a {link.Kind ?? "device"}, not a veth link; it was left alone.",
                "NotAVeth", ErrorCategory.InvalidArgument, name);
        }
        return plan.About($"link '{name}' in {Errors.Where(ns)}").Add(Ip.DeleteLink(ns, name));
    }

    /// <summary>True when the namespace is missing but announced by -WhatIf; a missing namespace otherwise is an error.</summary>
    private static bool Planned(ISystemView view, string? ns, Func<string, bool>? isPlanned)
    {
        if (ns is null || view.NamespaceExists(ns))
        {
            return false;
        }
        return isPlanned?.Invoke(ns) == true ? true : throw Errors.NamespaceNotFound(ns);
    }

    /// <summary>Where `ip link set X netns` sends a link: a named namespace, or the host as this process's pid.</summary>
    private static string Target(string? ns, int selfPid) => ns ?? selfPid.ToString(CultureInfo.InvariantCulture);
}
