using System.Linq;
using NetNsPS.Operations;
using System.Collections.Generic;
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
    /// <summary>The namespace that serves the port; takes names, NetNamespace objects (their Name) and NsPortMapping objects from the pipeline.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Name")]
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

    private readonly List<PortPlanner.PublishTarget> _pending = new();

    /// <summary>Checks each mapping as it comes; the firewall changes for the whole pipeline are made together in End.</summary>
    protected override void Process()
    {
        var ns = Names.Namespace(Namespace, nameof(Namespace));
        var external = ExternalIPAddress is null ? null : IpPrefix.ParseAddress(ExternalIPAddress, nameof(ExternalIPAddress)).ToString();
        var wantedInternal = InternalIPAddress is null ? null : IpPrefix.ParseAddress(InternalIPAddress, nameof(InternalIPAddress)).ToString();
        _pending.AddRange(PortPlanner.Resolve(State, new PortPlanner.PublishIntent(Protocol, external, ExternalPort, ns, wantedInternal, InternalPort)));
    }

    /// <summary>
    /// One firewall read and one plan for every mapping of the pipeline (one batch of the driver's), so a
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
        if (accepted.Any(a => !NatRules.IsIpv6(a.Mapping)) && Sysctl.Read(Sysctl.IpForward) != "1")
        {
            WriteWarning("IP forwarding is off: only the host itself reaches the published ports; other machines, sibling namespaces and the namespace itself need Enable-IpForward.");
        }
        if (accepted.FirstOrDefault(a => NatRules.IsIpv6(a.Mapping)) is { } v6)
        {
            if (Sysctl.Read(Sysctl.Ipv6Forward) != "1")
            {
                WriteWarning("IPv6 forwarding is off: only the host itself reaches the IPv6 mappings; other machines, sibling namespaces and the namespace itself need Enable-IpForward -AddressFamily IPv6.");
            }
            // The kernel has no IPv6 route_localnet: DNAT to a namespace cannot answer a packet sent to ::1.
            var hostAddress = State.Link(null, v6.Mapping.Bridge)?.Ipv6Addresses.FirstOrDefault()?.Address.ToString() ?? "a global IPv6 address of the host";
            WriteWarning($"[::1]:{v6.Mapping.ExternalPort} does not reach the IPv6 mapping: Linux has no route_localnet for IPv6, so DNAT cannot answer ::1. From the host, use one of its own addresses, such as [{hostAddress}]:{v6.Mapping.ExternalPort} (or 127.0.0.1:{v6.Mapping.ExternalPort} for the IPv4 mapping).");
        }
        foreach (var target in accepted)
        {
            Emit(target.Mapping);
        }
    }

    /// <summary>
    /// Reads the firewall, plans and applies under the module's lock, so scripts side by side do not plan the same
    /// chain twice. The lock is released before anything is written to the pipeline: a command downstream runs
    /// inside the write and must not find it held. Returns the mappings applied (none under -WhatIf).
    /// </summary>
    private IReadOnlyList<PortPlanner.PublishTarget> PublishUnderLock()
    {
        using var firewallLock = IsWhatIf ? null : FirewallLock.Acquire(CancellationToken);
        var result = PortPlanner.Publish(State, Firewall, _pending);
        foreach (var refused in result.Refused)
        {
            WriteError(refused.ToErrorRecord());
        }
        if (result.Accepted.Count == 0)
        {
            return result.Accepted;
        }
        // route_localnet of each bridge and hairpin mode of each port as they were, for Unpublish-NsPort and
        // Clear-NetNsPS to put back.
        var found = result.Accepted.Where(a => !NatRules.IsIpv6(a.Mapping)).Select(a => Sysctl.RouteLocalnet(a.Mapping.Bridge)).Distinct().ToDictionary(k => k, k => State.Sysctl(k) ?? "0");
        foreach (var hostEnd in result.Accepted.Select(a => a.HostEnd))
        {
            found[PortPlanner.HairpinKey(hostEnd.Name)] = hostEnd.Hairpin == true ? "1" : "0";
        }
        var bridgeNetfilter = State.Sysctl(Sysctl.BridgeNfCallIptables);
        var bridgeNetfilter6 = State.Sysctl(Sysctl.BridgeNfCallIp6tables);
        var ipv6 = result.Accepted.Any(a => NatRules.IsIpv6(a.Mapping));
        if (!Apply(result.Plan))
        {
            return new List<PortPlanner.PublishTarget>();
        }
        SettingsRecords.Remember(found.Select(f => new SettingRecord(f.Key, f.Value, "1"))
            .Concat(SettingsRecords.BridgeNetfilterFound(bridgeNetfilter, bridgeNetfilter6, ipv6)));
        return result.Accepted;
    }
}
