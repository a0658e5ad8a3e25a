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
        if (view.NamespaceExists(name) || view.NamespaceFileIsStray(name))
        {
            plan.Add(Ip.DeleteNamespace(name));
        }
        return plan;
    }
}
