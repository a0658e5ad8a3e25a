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
    public static Plan Add(ISystemView view, string? ns, string device, IpPrefix address, bool deviceIsPlanned, bool detectDuplicates = false)
    {
        var plan = new Plan().About(Subject(ns, device, address.ToString()));
        if (address.ReservedAddressKind is { } what)
        {
            throw new NetNsException(
                $"IPAddress '{address}' is {what} of {address.Network}; give a host address such as {address.FirstHostAddress}/{address.PrefixLength}.",
                "InvalidHostAddress", ErrorCategory.InvalidArgument, address.ToString());
        }
        if (deviceIsPlanned)
        {
            return plan.Add(Ip.AddAddress(ns, address, device, detectDuplicates), Ip.DeleteAddress(ns, address, device));
        }
        var text = address.AddressText;
        foreach (var link in view.Links(ns))
        {
            foreach (var existing in link.Addresses.Where(a => a.Address.Equals(address.Address)))
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
        return plan.Add(Ip.AddAddress(ns, address, device, detectDuplicates), Ip.DeleteAddress(ns, address, device));
    }

    /// <summary>What removes the address (whatever its prefix length) from the interface, or from every interface that has it.</summary>
    public static Plan Remove(ISystemView view, string? ns, string? device, IpPrefix given)
    {
        var plan = new Plan();
        foreach (var link in view.Links(ns).Where(l => device is null || l.Name == device))
        {
            foreach (var a in link.Addresses.Where(a => a.Address.Equals(given.Address)))
            {
                var cidr = a.Prefix;
                plan.About(Subject(ns, link.Name, cidr.ToString()));
                plan.Add(Ip.DeleteAddress(ns, cidr, link.Name), Ip.AddAddress(ns, cidr, link.Name));
            }
        }
        return plan;
    }
}
