using System.Management.Automation;
using NetNsPS.Internal;

namespace NetNsPS.Commands;

/// <summary>Lists outbound NAT per bridge, read from the live firewall rules.</summary>
[Cmdlet(VerbsCommon.Get, "NsMasquerade")]
[OutputType(typeof(NsMasquerade))]
public sealed class GetNsMasqueradeCommand : NetNsCmdlet
{
    /// <summary>Only this bridge; wildcards allowed.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Name")]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(NetNsPS.Completion.BridgeCompleter))]
    public string? Bridge { get; set; }

    protected override void Process()
    {
        var filter = Patterns.Wildcard(Bridge ?? "*", nameof(Bridge));
        foreach (var masquerade in NatRules.ReadMasquerades(ReadFirewall()))
        {
            if (filter.IsMatch(masquerade.Bridge))
            {
                Emit(masquerade);
            }
        }
    }
}
