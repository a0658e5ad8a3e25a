using NetNsPS.Operations;
using System.Management.Automation;
using NetNsPS.Linux;

namespace NetNsPS.Internal;

/// <summary>Finds a bridge by name with the errors every cmdlet gives for a missing one or a non-bridge.</summary>
internal static class BridgeLookup
{
    /// <summary>The bridge's link; null only when it does not exist but <paramref name="plannedUnderWhatIf"/> says a -WhatIf run announced it.</summary>
    public static LinkRecord? Require(ISystemView state, string name, bool plannedUnderWhatIf = false)
    {
        var link = state.Link(null, name);
        if (link is null)
        {
            return plannedUnderWhatIf ? null : throw Errors.BridgeNotFound(name);
        }
        if (!link.IsBridge)
        {
            throw new NetNsException($"Interface '{name}' is a {link.Kind ?? "device"}, not a bridge.",
                "NotABridge", ErrorCategory.InvalidArgument, name);
        }
        return link;
    }
}
