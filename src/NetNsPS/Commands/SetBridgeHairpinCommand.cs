using NetNsPS.Operations;
using System.Management.Automation;
using NetNsPS.Internal;
using NetNsPS.Linux;

namespace NetNsPS.Commands;

/// <summary>
/// Sets hairpin mode of a bridge port (ip link set PORT type bridge_slave hairpin on|off): whether the bridge may
/// send a frame back out of the port it came in on, which a namespace reaching its own published port needs.
/// </summary>
[Cmdlet(VerbsCommon.Set, "BridgeHairpin", SupportsShouldProcess = true)]
[OutputType(typeof(VethPair))]
public sealed class SetBridgeHairpinCommand : NetNsCmdlet
{
    /// <summary>The bridge ports (a veth's host end, such as veth-red-br); takes VethPair objects (their PeerName) from the pipeline.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("PeerName")]
    [ArgumentCompleter(typeof(NetNsPS.Completion.BridgePortCompleter))]
    [AllowEmptyString]
    public string[] InterfaceName { get; set; } = System.Array.Empty<string>();

    /// <summary>On ($true, the default) or off.</summary>
    [Parameter(Position = 1)]
    public bool Enabled { get; set; } = true;

    protected override bool ChangesState => true;

    protected override void Process() => ForEachItem(InterfaceName, SetOn);

    /// <summary>Sets hairpin mode on one port of -InterfaceName.</summary>
    private void SetOn(string item)
    {
        var name = Names.Interface(item, nameof(InterfaceName));
        if (!Apply(HairpinPlanner.Set(State, name, Enabled)))
        {
            return;
        }
        var now = State.Link(null, name)!;
        if (VethPairs.FromHostEnd(State, now) is { } pair)
        {
            Emit(ModelFactory.Veth(pair.Namespace, pair.Inside, now));
        }
    }
}
