using System.Linq;
using System.Management.Automation;
using System.Net;
using NetNsPS.Linux;

namespace NetNsPS.Operations;

/// <summary>Routes of a namespace's (or the host's) main table: `ip route add/del`.</summary>
public static class RoutePlanner
{
    public static string Subject(string? ns, IpPrefix destination) => $"route to {destination.ToRouteDestination()} in {Errors.Where(ns)}";

    /// <summary>
    /// What adds the route, or nothing when the same route is there (returned as <paramref name="existing"/>); a route to
    /// the same destination through another gateway or device is an error. A namespace or device that only a -WhatIf
    /// run announced is taken as there (<paramref name="nsPlanned"/>, <paramref name="devicePlanned"/>).
    /// </summary>
    public static Plan Add(ISystemView view, string? ns, IpPrefix destination, IPAddress nextHop, string? device,
        bool nsPlanned, bool devicePlanned, out RouteRecord? existing)
    {
        existing = null;
        var plan = new Plan().About(Subject(ns, destination));
        if (nsPlanned)
        {
            return plan.Add(Ip.AddRoute(ns, destination, nextHop, device));
        }
        if (device is not null && !devicePlanned && view.Link(ns, device) is null)
        {
            throw Errors.InterfaceNotFound(ns, device);
        }
        existing = view.Routes(ns).FirstOrDefault(r => r.Destination == destination);
        if (existing is null)
        {
            return plan.Add(Ip.AddRoute(ns, destination, nextHop, device), Ip.DeleteRoute(ns, destination, nextHop, device));
        }
        if (!nextHop.Equals(existing.Gateway) || (device is not null && existing.Device != device))
        {
            var shown = existing.Gateway is null ? $"dev {existing.Device}" : $"via {existing.Gateway} dev {existing.Device}";
            var wanted = device is null ? $"via {nextHop}" : $"via {nextHop} dev {device}";
            throw new NetNsException(
                $"{Errors.Where(ns)} already has a route to {destination.ToRouteDestination()} {shown}, not {wanted}; remove it first (Remove-NsRoute{(ns is null ? "" : " -Namespace " + ns)} -DestinationPrefix {destination}).",
                "RouteExists", ErrorCategory.ResourceExists, destination.ToString());
        }
        return plan;
    }

    /// <summary>What deletes the routes to the destination that match the gateway and device given (null: any).</summary>
    public static Plan Remove(ISystemView view, string? ns, IpPrefix destination, IPAddress? nextHop, string? device)
    {
        var plan = new Plan().About(Subject(ns, destination));
        foreach (var r in view.Routes(ns).Where(r => r.Destination == destination
            && (nextHop is null || nextHop.Equals(r.Gateway)) && (device is null || r.Device == device)))
        {
            var undo = r.Gateway is null ? null : Ip.AddRoute(ns, destination, r.Gateway, r.Device);
            plan.Add(Ip.DeleteRoute(ns, destination, r.Gateway, r.Device), undo);
        }
        return plan;
    }
}
