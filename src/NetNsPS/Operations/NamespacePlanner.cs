using NetNsPS.Linux;

namespace NetNsPS.Operations;

/// <summary>Named network namespaces: `ip netns add/delete`, lo up, the ownership mark.</summary>
public static class NamespacePlanner
{
    public static string Subject(string name) => $"namespace '{name}'";

    /// <summary>What makes the namespace exist with lo up; nothing when it already is so.</summary>
    public static Plan Ensure(ISystemView view, string name, string? lab = null)
    {
        var plan = new Plan().About(Subject(name));
        if (!view.NamespaceExists(name))
        {
            if (view.NamespaceFileIsStray(name))
            {
                // Left by a run killed half-way: not a namespace, and in the way of `ip netns add`.
                plan.Add(Ip.DeleteNamespace(name));
            }
            plan.Add(Ip.AddNamespace(name), Ip.DeleteNamespace(name));
            plan.Add(Ip.SetUp(name, "lo"));
            // Only a namespace this call creates is marked as NetNsPS's (Clear-NetNsPS removes it); never one it found.
            plan.Add(Ownership.MarkNamespace(name, lab));
        }
        else if (view.Link(name, "lo") is { IsUp: false })
        {
            plan.Add(Ip.SetUp(name, "lo"), Ip.SetDown(name, "lo"));
        }
        return plan;
    }

    /// <summary>What deletes the namespace (or a stray file in its place); nothing when neither is there.</summary>
    public static Plan Remove(ISystemView view, string name)
    {
        var plan = new Plan().About(Subject(name));
        if (view.NamespaceExists(name))
        {
            // `ip netns delete` returns before the kernel frees the namespace, and the other ends of its veths (on the
            // host, in other namespaces) go only then: a moment later, or seconds later on a busy machine. Deleting each
            // such veth first, from inside the namespace, is synchronous and takes its other end with it: when the cmdlet
            // returns, nothing of the namespace is left elsewhere, and nobody has to wait. Only the namespace's own
            // interfaces are named, never a host link found by its index (indexes of fresh namespaces repeat).
            // Best effort: a pair two namespaces of one plan share (a lab's link) is gone once the first is removed, and
            // the namespace's deletion would take it anyway.
            foreach (var veth in Internal.NamespaceRemoval.CrossNamespaceVeths(view, name))
            {
                plan.Add(Ip.DeleteLink(name, veth) with { BestEffort = true });
            }
        }
        if (view.NamespaceExists(name) || view.NamespaceFileIsStray(name))
        {
            plan.Add(Ip.DeleteNamespace(name));
        }
        return plan;
    }
}
