using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using NetNsPS.Internal;
using NetNsPS.Linux;
using NetNsPS.Linux.Firewall;

namespace NetNsPS.Commands;

/// <summary>
/// Removes a published port: exactly that mapping's rules, and the shared ones (localhost masquerade and its
/// guard, route_localnet, hairpin mode) when the last mapping that needs them goes. Already gone is not an error.
/// </summary>
[Cmdlet(VerbsData.Unpublish, "NsPort", SupportsShouldProcess = true)]
[OutputType(typeof(void))]
public sealed class UnpublishNsPortCommand : NetNsCmdlet
{
    /// <summary>The host port; takes Get-NsPort output from the pipeline.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [PortNumber]
    public ushort ExternalPort { get; set; }

    /// <summary>Tcp (default) or Udp.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public NsProtocol Protocol { get; set; } = NsProtocol.Tcp;

    /// <summary>Only the mapping on this host address; default: any.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? ExternalIPAddress { get; set; }

    /// <summary>Only the mapping to this namespace.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? Namespace { get; set; }

    protected override bool ChangesState => true;

    protected override void Process()
    {
        var external = ExternalIPAddress is null ? null : Ipv4Cidr.Format(Ipv4Cidr.ParseAddress(ExternalIPAddress, nameof(ExternalIPAddress)));
        var ns = string.IsNullOrEmpty(Namespace) ? null : Names.Namespace(Namespace, nameof(Namespace));
        // Read, plan and apply under the module's firewall lock, so scripts side by side do not plan the same chain twice.
        using var firewallLock = IsWhatIf ? null : FirewallLock.Acquire(CancellationToken);
        var snapshot = ReadFirewall();
        // By tag, not by the DNAT rule: a mapping whose DNAT rules were deleted by hand is still removed whole.
        var all = NatRules.ReadPortTags(snapshot);
        var gone = all.Where(p => p.Protocol == Protocol && p.ExternalPort == ExternalPort
            && (external is null || p.ExternalIPAddress == external) && (ns is null || p.Namespace == ns)).ToList();
        if (gone.Count == 0)
        {
            WriteVerbose($"{Protocol.ToString().ToLowerInvariant()} port {ExternalPort} is not published; nothing to remove.");
            return;
        }
        var plan = new Plan();
        PortTeardown.Plan(State, snapshot, Firewall, gone, all, plan);
        Apply(plan);
    }
}
