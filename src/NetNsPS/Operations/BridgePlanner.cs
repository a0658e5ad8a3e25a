using System.Management.Automation;
using NetNsPS.Linux;

namespace NetNsPS.Operations;

/// <summary>Bridges on the host: created with a MAC of their own and the ownership mark, up, optionally with an address.</summary>
public static class BridgePlanner
{
    public static string Subject(string name) => $"bridge '{name}'";

    /// <summary>What makes the bridge exist, up, with the address; an existing non-bridge of that name is an error.</summary>
    public static Plan Ensure(ISystemView view, string name, IpPrefix? address, string? lab = null)
    {
        var plan = new Plan().About(Subject(name));
        var existing = view.Link(null, name);
        if (existing is null)
        {
            plan.Add(Ip.AddBridge(name), Ip.DeleteLink(null, name));
            // A MAC of its own, so the bridge's address does not follow its ports (see BridgeMac).
            plan.Add(Ip.SetMacAddress(name, BridgeMac.For(name, view.MachineId())));
            // Only a bridge this call creates is marked as NetNsPS's (Clear-NetNsPS removes it); never one it found.
            plan.Add(Ownership.MarkBridge(name, lab));
            plan.Add(Ip.SetUp(null, name));
        }
        else
        {
            if (!existing.IsBridge)
            {
                throw new NetNsException(
                    $"Interface '{name}' already exists on the host and is a {existing.Kind ?? "device"}, not a bridge.",
                    "InterfaceExistsNotBridge", ErrorCategory.ResourceExists, name);
            }
            if (!existing.IsUp)
            {
                plan.Add(Ip.SetUp(null, name), Ip.SetDown(null, name));
            }
        }
        if (address is { } a)
        {
            plan.Append(AddressPlanner.Add(view, null, name, a, deviceIsPlanned: existing is null));
        }
        return plan;
    }

    /// <summary>What deletes the bridge; nothing when it does not exist; an error when the name is not a bridge.</summary>
    public static Plan Remove(ISystemView view, string name)
    {
        var plan = new Plan().About(Subject(name));
        var link = view.Link(null, name);
        if (link is null)
        {
            return plan;
        }
        if (!link.IsBridge)
        {
            throw new NetNsException($"Interface '{name}' is a {link.Kind ?? "device"}, not a bridge; it was left alone.",
                "NotABridge", ErrorCategory.InvalidArgument, name);
        }
        return plan.Add(Ip.DeleteLink(null, name));
    }
}
