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

    protected override void Process()
    {
        var ns = Names.Namespace(Namespace, nameof(Namespace));
        var external = ExternalIPAddress is null ? NatRules.AnyAddress : Ipv4Cidr.Format(Ipv4Cidr.ParseAddress(ExternalIPAddress, nameof(ExternalIPAddress)));
        var wantedInternal = InternalIPAddress is null ? null : Ipv4Cidr.Format(Ipv4Cidr.ParseAddress(InternalIPAddress, nameof(InternalIPAddress)));
        if (!NetState.NamespaceExists(ns))
        {
            throw Errors.NamespaceNotFound(ns);
        }
        if (external != NatRules.AnyAddress && !State.Links(null).SelectMany(l => l.Ipv4Addresses).Any(a => a.Address == external))
        {
            throw new NetNsException($"ExternalIPAddress {external} is not an address of this host; give one of its addresses or leave it out for all of them.",
                "NotAHostAddress", ErrorCategory.InvalidArgument, external);
        }
        var (hostEnd, internalAddress) = FindTarget(ns, wantedInternal);
        var mapping = new NsPortMapping
        {
            Protocol = Protocol,
            ExternalIPAddress = external,
            ExternalPort = ExternalPort,
            Namespace = ns,
            InternalIPAddress = internalAddress,
            InternalPort = InternalPort,
            Bridge = hostEnd.Master!,
        };

        if (!PublishUnderLock(mapping, hostEnd, external))
        {
            return;
        }
        if (Sysctl.Read(Sysctl.IpForward) != "1")
        {
            WriteWarning($"IP forwarding is off: other machines cannot reach {mapping.ExternalPort} until you run Enable-IpForward.");
        }
        WriteObject(mapping);
    }

    /// <summary>
    /// Reads the firewall, plans and applies, under the module's lock, so scripts side by side do not plan the same
    /// chain twice. The lock is released before anything is written to the pipeline: a command downstream (another
    /// NetNsPS cmdlet, or a script block) runs inside WriteObject and must not find it held.
    /// </summary>
    private bool PublishUnderLock(NsPortMapping mapping, LinkRecord hostEnd, string external)
    {
        using var firewallLock = IsWhatIf ? null : FirewallLock.Acquire(CancellationToken);
        var snapshot = ReadFirewall();
        var clash = NatRules.ReadPorts(snapshot).Select(p => p.Mapping).FirstOrDefault(p =>
            p.Protocol == Protocol && p.ExternalPort == ExternalPort
            && (p.ExternalIPAddress == external || p.ExternalIPAddress == NatRules.AnyAddress || external == NatRules.AnyAddress)
            && !SameMapping(p, mapping));
        if (clash is not null)
        {
            throw new NetNsException(
                $"{Protocol.ToString().ToLowerInvariant()} port {ExternalPort} is already published: {clash}. Unpublish it first (Unpublish-NsPort -ExternalPort {ExternalPort} -Protocol {Protocol}).",
                "PortAlreadyPublished", ErrorCategory.ResourceExists, clash);
        }

        var plan = new Plan();
        Firewall.PlanEnsure(snapshot, NatRules.Port(mapping).Concat(NatRules.Localnet(mapping.Bridge)), plan);
        var routeLocalnet = Sysctl.RouteLocalnet(mapping.Bridge);
        var current = Sysctl.Read(routeLocalnet);
        if (current != "1")
        {
            plan.Add(Sysctl.Write(routeLocalnet, "1"), Sysctl.Write(routeLocalnet, current ?? "0"));
        }
        SysctlSettings.PlanBridgeNetfilter(plan);
        if (hostEnd.Hairpin != true)
        {
            plan.Add(Ip.SetHairpin(hostEnd.Name, true), Ip.SetHairpin(hostEnd.Name, false));
        }
        return Apply(plan);
    }

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
