using NetNsPS.Operations;
using System.Linq;
using System.Management.Automation;
using NetNsPS.Internal;
using NetNsPS.Linux;

namespace NetNsPS.Commands;

/// <summary>
/// Impairs an interface's outgoing traffic with a netem qdisc (tc [-n NS] qdisc replace dev IF root netem delay ...):
/// delay and jitter, random loss, duplication and a rate limit. The parameters given are the whole setting: one left
/// out is not applied. Re-running with the same settings changes nothing.
/// </summary>
[Cmdlet(VerbsCommon.Set, "NsLinkShaping", SupportsShouldProcess = true)]
[OutputType(typeof(NsLinkShaping))]
public sealed class SetNsLinkShapingCommand : NsInterfaceCmdlet
{
    /// <summary>The delay added to every packet: a time with its unit, us, ms or s (20ms).</summary>
    [Parameter]
    public string? Delay { get; set; }

    /// <summary>How much the delay varies either way (5ms); needs -Delay.</summary>
    [Parameter]
    public string? Jitter { get; set; }

    /// <summary>The share of packets dropped at random (1%).</summary>
    [Parameter]
    public string? Loss { get; set; }

    /// <summary>The share of packets sent twice (0.5%).</summary>
    [Parameter]
    public string? Duplicate { get; set; }

    /// <summary>The rate limit, in bit, kbit, mbit or gbit per second (100mbit).</summary>
    [Parameter]
    public string? Rate { get; set; }

    protected override bool ChangesState => true;

    protected override void Process()
    {
        var settings = Netem.FromParameters(Delay, Jitter, Loss, Duplicate, Rate);
        var ns = ExistingNamespaceOrHost(Namespace);
        var device = Names.Interface(InterfaceName, nameof(InterfaceName));
        var planned = IsWhatIf && ((ns is not null && !State.NamespaceExists(ns)) || (State.Link(ns, device) is null && WhatIfLedger.HasLink(ns, device)));
        var plan = ShapingPlanner.Set(State, ns, device, settings, planned);
        try
        {
            if (!Apply(plan))
            {
                return;
            }
        }
        catch (NetNsException e) when (e.ErrorId == "CommandFailed" && Tc.IsUnknownQdiscKind(e.Message))
        {
            throw Tc.NetemUnavailable(ns, device);
        }
        if (State.Qdiscs(ns, device).FirstOrDefault() is { Netem: { } now })
        {
            Emit(ModelFactory.Shaping(ns, device, now));
        }
    }
}
