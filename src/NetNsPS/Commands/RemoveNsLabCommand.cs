using NetNsPS.Operations;
using System;
using System.Linq;
using System.Management.Automation;
using NetNsPS.Internal;
using NetNsPS.Lab;
using NetNsPS.Linux;

namespace NetNsPS.Commands;

/// <summary>
/// Removes exactly what a lab owns (its published ports, masquerade, namespaces with their interfaces, bridges, and
/// the host's ip_forward back to what it was) and its state file; nothing else. One rollback for all of it.
/// </summary>
[Cmdlet(VerbsCommon.Remove, "NsLab", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
public sealed class RemoveNsLabCommand : NetNsCmdlet
{
    /// <summary>The lab; takes NsLab objects (their Name) from the pipeline.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    public string[] Name { get; set; } = Array.Empty<string>();

    protected override bool ChangesState => true;

    protected override void Process() => ForEachItem(Name, RemoveOne);

    private void RemoveOne(string item)
    {
        var name = Names.Namespace(item, nameof(Name));
        var record = LabStore.Read(name) ?? throw GetNsLabCommand.LabNotFound(name);
        using (IsWhatIf ? null : FirewallLock.Acquire(CancellationToken))
        {
            State.Invalidate();
            var leaving = LabPlanner.HostEnds(State, record.Spec.Namespaces);
            var stages = LabPlanner.Converge(LabSpec.Empty(name), record.Spec, Firewall, Environment.ProcessId, Array.Empty<string>(), record.ForwardingBefore);
            ApplyStages($"Remove-NsLab {name}", stages);
            if (IsWhatIf)
            {
                return;
            }
            NamespaceRemoval.WaitGone(State, leaving, CancellationToken);
            LabStore.Delete(name);
        }
    }
}
