using NetNsPS.Operations;
using System.Management.Automation;
using NetNsPS.Internal;
using NetNsPS.Linux;
using NetNsPS.Linux.Firewall.Nftables;

namespace NetNsPS.Commands;

/// <summary>
/// Deletes a bridge (ip link delete NAME) and the forward accepts New-NetBridge made for it. Its ports stay, detached. A bridge that is already gone is not an error;
/// an interface of that name that is not a bridge is left alone with an error.
/// </summary>
[Cmdlet(VerbsCommon.Remove, "NetBridge", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(void))]
public sealed class RemoveNetBridgeCommand : NetNsCmdlet
{
    /// <summary>Names of the bridges to delete; takes Get-NetBridge output from the pipeline.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Bridge")]
    [ArgumentCompleter(typeof(NetNsPS.Completion.BridgeCompleter))]
    [AllowEmptyString]
    public string[] Name { get; set; } = System.Array.Empty<string>();

    protected override bool ChangesState => true;

    protected override void Process()
    {
        ForEachItem(Name, raw =>
        {
            var name = Names.Interface(raw, nameof(Name));
            // Under the module's lock: the bridge's forward accepts share the module's chains with other cmdlets.
            using (IsWhatIf ? null : FirewallLock.Acquire(CancellationToken))
            {
                var plan = BridgePlanner.Remove(State, Firewall, name, ForeignForwardAccepts.Find(Runner, name, CancellationToken));
                if (plan.IsEmpty)
                {
                    WriteVerbose($"Bridge '{name}' does not exist; nothing to remove.");
                    return;
                }
                Apply(plan);
            }
        });
    }
}
