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
    /// <summary>The bridge; takes NsMasquerade and NetBridge objects from the pipeline.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [Alias("Name")]
    [ArgumentCompleter(typeof(NetNsPS.Completion.BridgeCompleter))]
    [AllowEmptyString]
    public string Bridge { get; set; } = "";

    protected override bool ChangesState => true;

    protected override void Process()
    {
        var bridge = Names.Interface(Bridge, nameof(Bridge));
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
