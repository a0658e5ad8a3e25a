using System.Linq;
using System.Management.Automation;
using NetNsPS.Linux;

namespace NetNsPS.Operations;

/// <summary>Link impairment: a netem root qdisc on one interface (delay, jitter, loss, duplication, rate), set, changed and removed.</summary>
public static class ShapingPlanner
{
    public static string Subject(string? ns, string device) => $"shaping of '{device}' in {Errors.Where(ns)}";

    /// <summary>
    /// What gives the interface exactly these netem settings: nothing when its netem qdisc already has them; one
    /// `tc qdisc replace` otherwise, undone by the settings it had (or by deleting the qdisc it added). A root qdisc of
    /// another kind that someone set up (tbf, htb, ...) is not replaced: it is an error. <paramref name="devicePlanned"/>:
    /// the interface is one a -WhatIf run before announced, so it has the kernel's default qdisc.
    /// </summary>
    public static Plan Set(ISystemView view, string? ns, string device, NetemSettings settings, bool devicePlanned = false)
    {
        var plan = new Plan().About(Subject(ns, device));
        if (devicePlanned)
        {
            return plan.Add(Tc.ReplaceNetem(ns, device, settings), Tc.DeleteRoot(ns, device));
        }
        if (view.Link(ns, device) is null)
        {
            throw Errors.InterfaceNotFound(ns, device);
        }
        var root = view.Qdiscs(ns, device).FirstOrDefault();
        if (root is { IsNetem: true, Netem: { } current })
        {
            return current.SameAs(settings) ? plan : plan.Add(Tc.ReplaceNetem(ns, device, settings), Tc.ReplaceNetem(ns, device, current));
        }
        if (root is not null && !root.IsDefault)
        {
            throw new NetNsException(
                $"'{device}' in {Errors.Where(ns)} has a root qdisc of kind '{root.Kind}' (handle {root.Handle}) that is not netem; it was left alone. Remove it first ({Tc.DeleteRoot(ns, device).Render()}) or shape another interface.",
                "QdiscInUse", ErrorCategory.ResourceExists, device);
        }
        return plan.Add(Tc.ReplaceNetem(ns, device, settings), Tc.DeleteRoot(ns, device));
    }

    /// <summary>What takes the netem qdisc off the interface (back to the kernel's default), undone by setting it again; nothing without one.</summary>
    public static Plan Remove(ISystemView view, string? ns, string device)
    {
        var plan = new Plan().About(Subject(ns, device));
        if ((ns is not null && !view.NamespaceExists(ns)) || view.Link(ns, device) is null)
        {
            return plan;
        }
        return view.Qdiscs(ns, device).FirstOrDefault() is { IsNetem: true, Netem: { } current }
            ? plan.Add(Tc.DeleteRoot(ns, device), Tc.ReplaceNetem(ns, device, current))
            : plan;
    }
}
