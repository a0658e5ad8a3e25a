using NetNsPS.Internal;
using System.Linq;
using System.Management.Automation;
using NetNsPS.Linux;

namespace NetNsPS.Operations;

/// <summary>Ensure-semantics for an interface address, shared by New-NetBridge -IPAddress and Add-NsIPAddress.</summary>
internal static class AddressPlanner
{
    /// <summary>Validates the address and adds `ip addr add` to the plan unless it is already there.</summary>
    public static void PlanAdd(ISystemView state, string? ns, string device, Ipv4Cidr address, Plan plan, bool deviceIsPlanned)
    {
        if (address.PrefixLength < 31 && (address.Address == address.NetworkAddress || address.Address == address.BroadcastAddress))
        {
            var what = address.Address == address.NetworkAddress ? "the network address" : "the broadcast address";
            throw new NetNsException(
                $"IPAddress '{address}' is {what} of {address.Network}; give a host address such as {Ipv4Cidr.Format(address.NetworkAddress + 1)}/{address.PrefixLength}.",
                "InvalidHostAddress", ErrorCategory.InvalidArgument, address.ToString());
        }
        if (deviceIsPlanned)
        {
            plan.Add(Ip.AddAddress(ns, address, device), Ip.DeleteAddress(ns, address, device));
            return;
        }
        var text = address.AddressText;
        foreach (var link in state.Links(ns))
        {
            foreach (var existing in link.Ipv4Addresses.Where(a => a.Address == text))
            {
                if (link.Name != device)
                {
                    throw new NetNsException(
                        $"Address {text} is already on interface '{link.Name}' in {Errors.Where(ns)}; remove it there first (Remove-NsIPAddress {text}{(ns is null ? "" : " -Namespace " + ns)}).",
                        "AddressInUse", ErrorCategory.ResourceExists, text);
                }
                if (existing.PrefixLength != address.PrefixLength)
                {
                    throw new NetNsException(
                        $"Interface '{device}' in {Errors.Where(ns)} already has {existing.Cidr}, with another prefix length than {address}.",
                        "AddressConflict", ErrorCategory.ResourceExists, text);
                }
                return;
            }
        }
        plan.Add(Ip.AddAddress(ns, address, device), Ip.DeleteAddress(ns, address, device));
    }
}
