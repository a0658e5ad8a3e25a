using System.Collections.Generic;
using System.Linq;
using NetNsPS.Internal;
using NetNsPS.Linux;
using NetNsPS.Linux.Firewall;
using NetNsPS.Operations;

namespace NetNsPS.Lab;

/// <summary>
/// A deployed lab as the system has it now (Export-NsLab): its namespaces and bridges that are still there, each with
/// its live veth to a bridge, addresses, gateway routes and forwarding; its links with their live addresses; the
/// masquerade and the ports the firewall has for them. Exec lines are no state to read: the owned ones are kept.
/// </summary>
public static class LabObserver
{
    public static LabSpec Observe(ISystemView view, LabSpec owned)
    {
        var snapshot = view.Firewall();
        var bridges = owned.Bridges.Where(b => view.Link(null, b.Name) is { IsBridge: true }).Select(b =>
        {
            var link = view.Link(null, b.Name)!;
            var address = link.Ipv4Addresses.Select(a => a.Prefix).Cast<IpPrefix?>().FirstOrDefault();
            var masquerade = snapshot.Rules.Any(r => NatRules.IsMasqueradeTag(r.Tag, b.Name));
            return new LabBridge(b.Name, address, masquerade);
        }).ToList();
        var namespaces = owned.Namespaces.Where(n => view.NamespaceExists(n.Name)).Select(n => Namespace(view, n)).ToList();
        var present = namespaces.Select(n => n.Name).ToHashSet();
        var links = owned.Links.Where(l => present.Contains(l.A.Namespace) && present.Contains(l.B.Namespace)
                && view.Link(l.A.Namespace, l.A.Interface) is { IsVeth: true } && view.Link(l.B.Namespace, l.B.Interface) is { IsVeth: true })
            .Select(l => l with
            {
                AddressA = FirstAddress(view, l.A.Namespace, l.A.Interface),
                AddressB = FirstAddress(view, l.B.Namespace, l.B.Interface),
                Shaping = view.Qdiscs(l.A.Namespace, l.A.Interface).FirstOrDefault() is { IsNetem: true, Netem: { } netem } ? LabShaping.From(netem) : null,
            })
            .ToList();
        var routes = namespaces.SelectMany(n => view.Routes(n.Name)
                .Where(r => r.Gateway is not null && !r.IsDefault && r.Destination.IsIpv4)
                .Select(r => new LabRoute(n.Name, r.Destination, r.Gateway!)))
            .ToList();
        var ports = NatRules.ReadPorts(snapshot).Select(p => p.Listed).OfType<NsPortMapping>()
            .Where(m => present.Contains(m.Namespace) && NatRules.IsAny(m.ExternalIPAddress))
            .Select(m => new LabPort(m.Namespace, m.InternalPort, m.ExternalPort, m.Protocol)).ToList();
        return new LabSpec(owned.Name, bridges, namespaces, links, routes, ports);
    }

    private static LabNamespace Namespace(ISystemView view, LabNamespace owned)
    {
        string? bridge = null, inside = null, host = null;
        IpPrefix? address = null;
        foreach (var link in view.Links(owned.Name).Where(l => l.IsVeth))
        {
            if (VethPairs.HostEnd(view, link) is { Master: { } master } hostEnd)
            {
                (bridge, inside, host) = (master, link.Name, hostEnd.Name);
                address = link.Ipv4Addresses.Select(a => a.Prefix).Cast<IpPrefix?>().FirstOrDefault();
                break;
            }
        }
        var gateway = view.Routes(owned.Name).FirstOrDefault(r => r.IsDefault && r.Gateway is not null && r.Destination.IsIpv4)?.Gateway;
        var forwarding = view.Sysctl(owned.Name, Sysctl.IpForward) == "1";
        return new LabNamespace(owned.Name, bridge, address, gateway, forwarding, inside ?? owned.Interface,
            host ?? owned.HostInterface, owned.Exec);
    }

    private static IpPrefix? FirstAddress(ISystemView view, string ns, string device) =>
        view.Link(ns, device)?.Ipv4Addresses.Select(a => a.Prefix).Cast<IpPrefix?>().FirstOrDefault();
}
