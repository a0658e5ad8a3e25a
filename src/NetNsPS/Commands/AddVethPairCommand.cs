using NetNsPS.Operations;
using System;
using System.Management.Automation;
using NetNsPS.Internal;
using NetNsPS.Linux;

namespace NetNsPS.Commands;

/// <summary>
/// Connects a namespace to the host with a veth pair: creates the pair, moves Name into the namespace,
/// attaches PeerName to the bridge and brings both ends up. Re-running converges; a half-built pair
/// (for example left by an interrupted run) is completed; a conflicting one is an error.
/// </summary>
[Cmdlet(VerbsCommon.Add, "VethPair", SupportsShouldProcess = true)]
[OutputType(typeof(VethPair))]
public sealed class AddVethPairCommand : NetNsCmdlet
{
    /// <summary>The namespaces that get a Name end each; takes NetNamespace objects or names from the pipeline.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(NetNsPS.Completion.NamespaceCompleter))]
    [AllowEmptyString]
    public string[] Namespace { get; set; } = System.Array.Empty<string>();

    /// <summary>The end inside the namespace; default veth-NAMESPACE.</summary>
    [Parameter]
    public string? Name { get; set; }

    /// <summary>The end on the host; default NAME-br (veth-NAMESPACE-br).</summary>
    [Parameter]
    public string? PeerName { get; set; }

    /// <summary>The bridge that PeerName is attached to; without it the host end stays unattached.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(NetNsPS.Completion.BridgeCompleter))]
    public string? Bridge { get; set; }

    protected override bool ChangesState => true;

    protected override void Process() => ForEachItem(Namespace, AddTo);

    /// <summary>Adds the pair to one namespace of -Namespace.</summary>
    private void AddTo(string item)
    {
        var ns = Names.Namespace(item, nameof(Namespace));
        var name = DefaultName(Name, $"veth-{ns}", nameof(Name));
        var peer = DefaultName(PeerName, $"{name}-br", nameof(PeerName));
        var bridge = Bridge is null ? null : Names.Interface(Bridge, nameof(Bridge));
        if (name == peer)
        {
            throw new NetNsException($"Name and PeerName are both '{name}'; the two ends need different names.",
                "SameVethNames", ErrorCategory.InvalidArgument, name);
        }
        RequireNamespace(ns);
        if (bridge is not null)
        {
            BridgeLookup.Require(State, bridge, IsWhatIf && WhatIfLedger.HasLink(null, bridge));
        }

        var plan = VethPlanner.Ensure(State, new VethIntent(ns, name, peer, bridge), Environment.ProcessId);
        if (!Apply(plan))
        {
            WhatIfLedger.RecordLink(ns, name);
            return;
        }
        var insideNow = State.Link(ns, name) ?? throw Errors.InterfaceNotFound(ns, name);
        Emit(ModelFactory.Veth(ns, insideNow, State.Link(null, peer)));
    }

    /// <summary>A given name, checked; or the default, which must fit the kernel's limit (a long namespace name makes a long default).</summary>
    internal static string DefaultName(string? given, string fallback, string parameterName)
    {
        if (given is not null)
        {
            return Names.Interface(given, parameterName);
        }
        if (fallback.Length > Names.MaxInterfaceName)
        {
            throw new NetNsException(
                $"The default {parameterName} '{fallback}' is longer than {Names.MaxInterfaceName} characters, the kernel's limit; give -Name and -PeerName.",
                "DefaultNameTooLong", ErrorCategory.InvalidArgument, fallback);
        }
        return Names.Interface(fallback, parameterName);
    }
}
