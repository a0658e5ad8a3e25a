using NetNsPS.Operations;
using System.Management.Automation;
using NetNsPS.Internal;
using NetNsPS.Linux;

namespace NetNsPS.Commands;

/// <summary>Removes the outbound NAT of a bridge (exactly the rules Enable-NsMasquerade added). Already gone is not an error.</summary>
[Cmdlet(VerbsLifecycle.Disable, "NsMasquerade", SupportsShouldProcess = true)]
[OutputType(typeof(void))]
public sealed class DisableNsMasqueradeCommand : NetNsCmdlet
{
    /// <summary>The bridges; takes names, NsMasquerade and NetBridge objects from the pipeline.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Name")]
    [ArgumentCompleter(typeof(NetNsPS.Completion.BridgeCompleter))]
    [AllowEmptyString]
    public string[] Bridge { get; set; } = System.Array.Empty<string>();

    protected override bool ChangesState => true;

    protected override void Process() => ForEachItem(Bridge, DisableFor);

    /// <summary>Disables masquerade for one bridge of -Bridge.</summary>
    private void DisableFor(string item)
    {
        var bridge = Names.Interface(item, nameof(Bridge));
        // Read, plan and apply under the module's firewall lock, so scripts side by side do not plan the same chain twice.
        using var firewallLock = IsWhatIf ? null : FirewallLock.Acquire(CancellationToken);
        var plan = MasqueradePlanner.Disable(State, Firewall, bridge);
        if (plan.IsEmpty)
        {
            WriteVerbose($"No masquerade for bridge '{bridge}'; nothing to remove.");
            return;
        }
        Apply(plan);
    }
}
