using System.Linq;
using System.Management.Automation;
using NetNsPS.Internal;
using NetNsPS.Linux;

namespace NetNsPS.Operations;

/// <summary>Interface addresses: ensure-semantics for `ip addr add`, shared by New-NetBridge -IPAddress and Add-NsIPAddress; and removal.</summary>
public static class AddressPlanner
{
    public static string Subject(string? ns, string device, string address) => $"address {address} on '{device}' in {Errors.Where(ns)}";

    /// <summary>Validates the address and plans `ip addr add` unless it is already there.</summary>
    public static Plan Add(ISystemView view, string? ns, string device, Ipv4Cidr address, bool deviceIsPlanned)
    {
        var plan = new Plan().About(Subject(ns, device, address.ToString()));
        if (address.PrefixLength < 31 && (address.Address == address.NetworkAddress || address.Address == address.BroadcastAddress))
        {
            var what = address.Address == address.NetworkAddress ? "the network address" : "the broadcast address";
            throw new NetNsException(
                $"IPAddress '{address}' is {what} of {address.Network}; give a host address such as {Ipv4Cidr.Format(address.NetworkAddress + 1)}/{address.PrefixLength}.",
                "InvalidHostAddress", ErrorCategory.InvalidArgument, address.ToString());
        }
        if (deviceIsPlanned)
        {
            return plan.Add(Ip.AddAddress(ns, address, device), Ip.DeleteAddress(ns, address, device));
        }
        var text = address.AddressText;
        foreach (var link in view.Links(ns))
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
                return plan;
            }
        }
        return plan.Add(Ip.AddAddress(ns, address, device), Ip.DeleteAddress(ns, address, device));
    }

    /// <summary>What removes the address (whatever its prefix length) from the interface, or from every interface that has it.</summary>
    public static Plan Remove(ISystemView view, string? ns, string? device, Ipv4Cidr given)
    {
        var plan = new Plan();
        foreach (var link in view.Links(ns).Where(l => device is null || l.Name == device))
        {
            foreach (var a in link.Ipv4Addresses.Where(a => a.Address == given.AddressText))
            {
                var cidr = new Ipv4Cidr(given.Address, a.PrefixLength);
                plan.About(Subject(ns, link.Name, cidr.ToString()));
                plan.Add(Ip.DeleteAddress(ns, cidr, link.Name), Ip.AddAddress(ns, cidr, link.Name));
            }
        }
        return plan;
    }
}
