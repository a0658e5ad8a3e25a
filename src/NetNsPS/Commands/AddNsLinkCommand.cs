using NetNsPS.Operations;
using System;
using System.Management.Automation;
using NetNsPS.Internal;
using NetNsPS.Linux;

namespace NetNsPS.Commands;

/// <summary>
/// Joins two namespaces with a point-to-point link: a veth pair created with one end in each namespace
/// (ip link add name A netns NS1 type veth peer name B netns NS2), both ends up, each with an optional address.
/// Re-running converges; a pair left with both ends in the first namespace is completed; a conflicting name is an error.
/// </summary>
[Cmdlet(VerbsCommon.Add, "NsLink", SupportsShouldProcess = true)]
[OutputType(typeof(NsLink))]
public sealed class AddNsLinkCommand : NetNsCmdlet
{
    /// <summary>The namespace of the first end; without it (or empty), the host. Takes NetNamespace objects or names from the pipeline.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true)]
    [ArgumentCompleter(typeof(NetNsPS.Completion.NamespaceCompleter))]
    [AllowEmptyString]
    public string? Namespace { get; set; }

    /// <summary>The namespace of the other end.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [ArgumentCompleter(typeof(NetNsPS.Completion.NamespaceCompleter))]
    public string PeerNamespace { get; set; } = "";

    /// <summary>The end in Namespace; default to-PEERNAMESPACE.</summary>
    [Parameter]
    public string? Name { get; set; }

    /// <summary>The end in PeerNamespace; default to-NAMESPACE (to-host for the host).</summary>
    [Parameter]
    public string? PeerName { get; set; }

    /// <summary>The address of the end in Namespace, in CIDR form (10.0.12.1/30); without a prefix length, /32.</summary>
    [Parameter]
    public string? IPAddress { get; set; }

    /// <summary>The address of the end in PeerNamespace, in CIDR form (10.0.12.2/30).</summary>
    [Parameter]
    public string? PeerIPAddress { get; set; }

    protected override bool ChangesState => true;

    protected override void Process()
    {
        var ns = string.IsNullOrEmpty(Namespace) ? null : Names.Namespace(Namespace, nameof(Namespace));
        var peerNs = Names.Namespace(PeerNamespace, nameof(PeerNamespace));
        var name = AddVethPairCommand.DefaultName(Name, LinkPlanner.DefaultName(peerNs), nameof(Name));
        var peer = AddVethPairCommand.DefaultName(PeerName, LinkPlanner.DefaultName(ns), nameof(PeerName));
        var address = IPAddress is null ? (IpPrefix?)null : IpPrefix.Parse(IPAddress, nameof(IPAddress), IpPrefix.HostLength);
        var peerAddress = PeerIPAddress is null ? (IpPrefix?)null : IpPrefix.Parse(PeerIPAddress, nameof(PeerIPAddress), IpPrefix.HostLength);
        var intent = new LinkIntent(ns, name, peerNs, peer, address, peerAddress);
        var applied = false;
        Converge.OnRace(State, () =>
        {
            var plan = LinkPlanner.Ensure(State, intent, Environment.ProcessId, n => IsWhatIf && WhatIfLedger.HasNamespace(n));
            applied = Apply(plan);
        }, IsWhatIf, CancellationToken);
        if (!applied)
        {
            WhatIfLedger.RecordLink(ns, name);
            WhatIfLedger.RecordLink(peerNs, peer);
            return;
        }
        var end = State.Link(ns, name) ?? throw Errors.InterfaceNotFound(ns, name);
        Emit(ModelFactory.Link(ns, end, peerNs, State.Link(peerNs, peer)));
    }
}
