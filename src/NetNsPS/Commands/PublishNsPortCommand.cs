using NetNsPS.Operations;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using NetNsPS.Internal;
using NetNsPS.Linux;

namespace NetNsPS.Commands;

/// <summary>
/// Publishes a port of a namespace on the host, reachable the four ways the article walks through, as Docker
/// does with userland-proxy off: from other machines (DNAT in PREROUTING), from the host and localhost (DNAT in
/// OUTPUT, MASQUERADE of local sources, route_localnet on the bridge, guarded), from sibling namespaces
/// (br_netfilter) and from the namespace itself (hairpin MASQUERADE and hairpin mode on its bridge port).
/// The same mapping again converges; the port published to another target is an error.
/// </summary>
[Cmdlet(VerbsData.Publish, "NsPort", SupportsShouldProcess = true)]
[OutputType(typeof(NsPortMapping))]
public sealed class PublishNsPortCommand : NetNsCmdlet
{
    /// <summary>The namespace that serves the port.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(NetNsPS.Completion.NamespaceCompleter))]
    [AllowEmptyString]
    public string Namespace { get; set; } = "";

    /// <summary>The port the service listens on inside the namespace.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [PortNumber]
    public ushort InternalPort { get; set; }

    /// <summary>The port on the host.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [PortNumber]
    public ushort ExternalPort { get; set; }

    /// <summary>Tcp (default) or Udp.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public NsProtocol Protocol { get; set; } = NsProtocol.Tcp;

    /// <summary>Only this address of the host; default: all of them.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? ExternalIPAddress { get; set; }

    /// <summary>The namespace's address to forward to; default: its address on the veth attached to a bridge.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? InternalIPAddress { get; set; }

    protected override bool ChangesState => true;

    private readonly List<(NsPortMapping Mapping, LinkRecord HostEnd)> _pending = new();

    /// <summary>Checks each mapping as it comes; the firewall changes for the whole pipeline are made together in End.</summary>
    protected override void Process()
    {
        var ns = Names.Namespace(Namespace, nameof(Namespace));
        var external = ExternalIPAddress is null ? NatRules.AnyAddress : Ipv4Cidr.Format(Ipv4Cidr.ParseAddress(ExternalIPAddress, nameof(ExternalIPAddress)));
        var wantedInternal = InternalIPAddress is null ? null : Ipv4Cidr.Format(Ipv4Cidr.ParseAddress(InternalIPAddress, nameof(InternalIPAddress)));
        if (!State.NamespaceExists(ns))
        {
            throw Errors.NamespaceNotFound(ns);
        }
        if (external != NatRules.AnyAddress && !State.Links(null).SelectMany(l => l.Ipv4Addresses).Any(a => a.Address == external))
        {
            throw new NetNsException($"ExternalIPAddress {external} is not an address of this host; give one of its addresses or leave it out for all of them.",
                "NotAHostAddress", ErrorCategory.InvalidArgument, external);
        }
        var (hostEnd, internalAddress) = FindTarget(ns, wantedInternal);
        _pending.Add((new NsPortMapping
        {
            Protocol = Protocol,
            ExternalIPAddress = external,
            ExternalPort = ExternalPort,
            Namespace = ns,
            InternalIPAddress = internalAddress,
            InternalPort = InternalPort,
            Bridge = hostEnd.Master!,
        }, hostEnd));
    }

    /// <summary>
    /// One firewall read and one plan for every mapping of the pipeline (iptables-restore per table), so a
    /// hundred ports cost a handful of processes; the plan rolls back as a whole if any step fails.
    /// </summary>
    protected override void End()
    {
        if (_pending.Count == 0)
        {
            return;
        }
        var accepted = PublishUnderLock();
        if (accepted.Count == 0)
        {
            return;
        }
        if (Sysctl.Read(Sysctl.IpForward) != "1")
        {
            WriteWarning("IP forwarding is off: only the host itself reaches the published ports; other machines, sibling namespaces and the namespace itself need Enable-IpForward.");
        }
        foreach (var (mapping, _) in accepted)
        {
            Emit(mapping);
        }
    }

    /// <summary>
    /// Reads the firewall, plans and applies under the module's lock, so scripts side by side do not plan the same
    /// chain twice. The lock is released before anything is written to the pipeline: a command downstream runs
    /// inside the write and must not find it held. Returns the mappings applied (none under -WhatIf).
    /// </summary>
    private List<(NsPortMapping Mapping, LinkRecord HostEnd)> PublishUnderLock()
    {
        using var firewallLock = IsWhatIf ? null : FirewallLock.Acquire(CancellationToken);
        var snapshot = ReadFirewall();
        var accepted = new List<(NsPortMapping Mapping, LinkRecord HostEnd)>();
        var published = NatRules.ReadPorts(snapshot).Select(p => p.Mapping).ToList();
        foreach (var item in _pending)
        {
            var clash = published.Concat(accepted.Select(a => a.Mapping)).FirstOrDefault(p => Overlaps(p, item.Mapping) && !SameMapping(p, item.Mapping));
            if (clash is not null)
            {
                WriteError(new NetNsException(
                    $"{item.Mapping.Protocol.ToString().ToLowerInvariant()} port {item.Mapping.ExternalPort} is already published: {clash}. Unpublish it first (Unpublish-NsPort -ExternalPort {item.Mapping.ExternalPort} -Protocol {item.Mapping.Protocol}).",
                    "PortAlreadyPublished", ErrorCategory.ResourceExists, clash).ToErrorRecord());
                continue;
            }
            accepted.Add(item);
        }
        if (accepted.Count == 0)
        {
            return accepted;
        }

        var plan = new Plan();
        var bridges = accepted.Select(a => a.Mapping.Bridge).Distinct().ToList();
        Firewall.PlanEnsure(snapshot, accepted.SelectMany(a => NatRules.Port(a.Mapping)).Concat(bridges.SelectMany(NatRules.Localnet)), plan);
        foreach (var bridge in bridges)
        {
            var routeLocalnet = Sysctl.RouteLocalnet(bridge);
            var current = Sysctl.Read(routeLocalnet);
            if (current != "1")
            {
                plan.Add(Sysctl.Write(routeLocalnet, "1"), Sysctl.Write(routeLocalnet, current ?? "0"));
            }
        }
        SysctlSettings.PlanBridgeNetfilter(plan);
        foreach (var hostEnd in accepted.Select(a => a.HostEnd).Where(h => h.Hairpin != true).Select(h => h.Name).Distinct())
        {
            plan.Add(Ip.SetHairpin(hostEnd, true), Ip.SetHairpin(hostEnd, false));
        }
        return Apply(plan) ? accepted : new List<(NsPortMapping Mapping, LinkRecord HostEnd)>();
    }

    private static bool Overlaps(NsPortMapping a, NsPortMapping b) =>
        a.Protocol == b.Protocol && a.ExternalPort == b.ExternalPort
        && (a.ExternalIPAddress == b.ExternalIPAddress || a.ExternalIPAddress == NatRules.AnyAddress || b.ExternalIPAddress == NatRules.AnyAddress);

    /// <summary>The host end of the namespace's bridged veth and the address to forward to.</summary>
    private (LinkRecord HostEnd, string Address) FindTarget(string ns, string? wanted)
    {
        foreach (var inside in State.Links(ns).Where(l => l.IsVeth))
        {
            var hostEnd = VethPairs.HostEnd(State, inside);
            if (hostEnd?.Master is null)
            {
                continue;
            }
            var addresses = inside.Ipv4Addresses.Select(a => a.Address).ToList();
            if (wanted is null && addresses.Count > 0)
            {
                return (hostEnd, addresses[0]);
            }
            if (wanted is not null && addresses.Contains(wanted))
            {
                return (hostEnd, wanted);
            }
        }
        throw wanted is null
            ? new NetNsException($"Namespace '{ns}' has no IPv4 address on a veth attached to a bridge; build it first (Add-VethPair {ns} -Bridge bridge0 | Add-NsIPAddress 192.168.15.2/24).",
                "NoBridgedAddress", ErrorCategory.ObjectNotFound, ns)
            : new NetNsException($"InternalIPAddress {wanted} is not on a bridged veth of namespace '{ns}'.",
                "InternalAddressNotFound", ErrorCategory.ObjectNotFound, wanted);
    }

    private static bool SameMapping(NsPortMapping a, NsPortMapping b) =>
        a.Protocol == b.Protocol && a.ExternalIPAddress == b.ExternalIPAddress && a.ExternalPort == b.ExternalPort
        && a.Namespace == b.Namespace && a.InternalIPAddress == b.InternalIPAddress && a.InternalPort == b.InternalPort && a.Bridge == b.Bridge;
}
