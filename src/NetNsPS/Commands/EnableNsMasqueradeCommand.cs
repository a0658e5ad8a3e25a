using System.Collections.Generic;
using NetNsPS.Operations;
using System.Linq;
using System.Management.Automation;
using NetNsPS.Internal;
using NetNsPS.Linux;

namespace NetNsPS.Commands;

/// <summary>
/// Outbound NAT for the namespaces on a bridge, the article's
/// `iptables -t nat -A POSTROUTING -s 192.168.15.0/24 ! -o bridge0 -j MASQUERADE`, in the module's own chain
/// (plus FORWARD accepts, so it also works where FORWARD's policy is DROP). Re-running converges.
/// </summary>
[Cmdlet(VerbsLifecycle.Enable, "NsMasquerade", SupportsShouldProcess = true)]
[OutputType(typeof(NsMasquerade))]
public sealed class EnableNsMasqueradeCommand : NetNsCmdlet
{
    /// <summary>The bridges whose namespaces get outbound NAT; takes names and NetBridge objects from the pipeline.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Name")]
    [ArgumentCompleter(typeof(NetNsPS.Completion.BridgeCompleter))]
    [AllowEmptyString]
    public string[] Bridge { get; set; } = System.Array.Empty<string>();

    /// <summary>The source network to masquerade (IPv4 or IPv6); default: the bridge's subnets, from its IPv4 address and its IPv6 address.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? SourcePrefix { get; set; }

    protected override bool ChangesState => true;

    protected override void Process() => ForEachItem(Bridge, EnableFor);

    /// <summary>Enables masquerade for one bridge of -Bridge.</summary>
    private void EnableFor(string item)
    {
        var bridge = Names.Interface(item, nameof(Bridge));
        IpPrefix? given = SourcePrefix is null ? null : IpPrefix.ParseNetwork(SourcePrefix, nameof(SourcePrefix));
        var link = BridgeLookup.Require(State, bridge, IsWhatIf && WhatIfLedger.HasLink(null, bridge));
        var sources = given is { } g ? new List<IpPrefix> { g } : DefaultPrefixes(link, bridge);
        // Read, plan and apply under the module's firewall lock, so scripts side by side do not plan the same chain twice;
        // released before the output, which runs whatever comes next in the pipeline.
        bool applied;
        using (IsWhatIf ? null : FirewallLock.Acquire(CancellationToken))
        {
            applied = Apply(MasqueradePlanner.Enable(State, Firewall, bridge, sources.Select(s => s.ToString()).ToList()));
        }
        if (applied)
        {
            foreach (var source in sources)
            {
                Emit(new NsMasquerade { Bridge = bridge, SourcePrefix = source.ToString() });
            }
        }
    }

    /// <summary>The bridge's subnets: of its first IPv4 address, and of its first IPv6 address that is not link-local.</summary>
    private static List<IpPrefix> DefaultPrefixes(LinkRecord? link, string bridge)
    {
        var prefixes = new[] { System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.AddressFamily.InterNetworkV6 }
            .Select(f => link?.AddressesOf(f).FirstOrDefault()).OfType<AddressRecord>().Select(a => a.Prefix.Network).ToList();
        return prefixes.Count > 0 ? prefixes : throw new NetNsException(
            $"Bridge '{bridge}' has no IPv4 or IPv6 address to take the subnet from; give -SourcePrefix or add one (Add-NsIPAddress 192.168.15.1/24 -InterfaceName {bridge}).",
            "NoBridgeAddress", ErrorCategory.InvalidArgument, bridge);
    }
}
