using NetNsPS.Operations;
using System.Linq;
using System.Management.Automation;
using NetNsPS.Linux;

namespace NetNsPS.Internal;

/// <summary>Resolves -InterfaceName: checks a given one exists, or picks a namespace's only interface besides lo.</summary>
internal static class InterfaceChooser
{
    public static string Resolve(ISystemView state, string? ns, string? given)
    {
        if (given is not null)
        {
            var name = Names.Interface(given, "InterfaceName");
            if (state.Link(ns, name) is null)
            {
                throw Errors.InterfaceNotFound(ns, name);
            }
            return name;
        }
        if (ns is null)
        {
            throw new NetNsException("InterfaceName is required for the host: name the device, such as bridge0.",
                "InterfaceNameRequired", ErrorCategory.InvalidArgument, null);
        }
        var candidates = state.Links(ns).Where(l => l.Name != "lo").Select(l => l.Name).ToList();
        return candidates.Count switch
        {
            1 => candidates[0],
            0 => throw new NetNsException($"Namespace '{ns}' has no interface besides lo; add one with Add-VethPair {ns}.",
                "NoInterface", ErrorCategory.ObjectNotFound, ns),
            _ => throw new NetNsException($"Namespace '{ns}' has several interfaces ({string.Join(", ", candidates)}); choose one with -InterfaceName.",
                "InterfaceNameRequired", ErrorCategory.InvalidArgument, ns),
        };
    }
}
