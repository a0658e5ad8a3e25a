using System.Management.Automation;
using NetNsPS.Linux;

namespace NetNsPS.Operations;

/// <summary>Hairpin mode of a bridge port: a frame may leave by the port it came in on (a namespace reaching itself through the host).</summary>
public static class HairpinPlanner
{
    public static string Subject(string port) => $"hairpin mode of bridge port '{port}'";

    /// <summary>What sets hairpin mode on or off; the port must be attached to a bridge.</summary>
    public static Plan Set(ISystemView view, string port, bool enabled)
    {
        var link = view.Link(null, port) ?? throw Errors.InterfaceNotFound(null, port);
        if (link.SlaveKind != "bridge")
        {
            throw new NetNsException($"Interface '{port}' is not attached to a bridge, so it has no hairpin mode. Attach it first (Add-VethPair ... -Bridge).",
                "NotABridgePort", ErrorCategory.InvalidArgument, port);
        }
        var plan = new Plan().About(Subject(port));
        if (link.Hairpin != enabled)
        {
            plan.Add(Ip.SetHairpin(port, enabled), Ip.SetHairpin(port, !enabled));
        }
        return plan;
    }
}
