using System.Linq;
using NetNsPS.Operations;
using System.Collections.Generic;
using System.Management.Automation;
using NetNsPS.Internal;
using NetNsPS.Linux;

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
    [ValidateRange(1, 65535)]
    [ArgumentCompleter(typeof(NetNsPS.Completion.PublishedPortCompleter))]
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
    [ArgumentCompleter(typeof(NetNsPS.Completion.NamespaceCompleter))]
    public string? Namespace { get; set; }

    protected override bool ChangesState => true;

    /// <summary>A mapping's rules and settings are not links: a teardown loop does not wait here for deleted namespaces.</summary>
    protected override bool SettlesRemovals => false;

    private readonly List<PortPlanner.UnpublishIntent> _requests = new();

    /// <summary>Checks each request as it comes; the removals for the whole pipeline are made together in End.</summary>
    protected override void Process()
    {
        var external = ExternalIPAddress is null ? null : IpPrefix.ParseAddress(ExternalIPAddress, nameof(ExternalIPAddress)).ToString();
        var ns = string.IsNullOrEmpty(Namespace) ? null : Names.Namespace(Namespace, nameof(Namespace));
        _requests.Add(new PortPlanner.UnpublishIntent(Protocol, ExternalPort, external, ns));
    }

    /// <summary>One firewall read and one plan for every request of the pipeline, under the module's firewall lock.</summary>
    protected override void End()
    {
        if (_requests.Count == 0)
        {
            return;
        }
        using var firewallLock = IsWhatIf ? null : FirewallLock.Acquire(CancellationToken);
        var result = PortPlanner.Unpublish(State, Firewall, _requests);
        foreach (var r in result.NotPublished)
        {
            WriteVerbose($"{r.Protocol.ToString().ToLowerInvariant()} port {r.ExternalPort} is not published; nothing to remove.");
        }
        if (!result.Plan.IsEmpty && Apply(result.Plan))
        {
            result.Released.ToList().ForEach(SettingsRecords.Forget);
        }
    }
}
