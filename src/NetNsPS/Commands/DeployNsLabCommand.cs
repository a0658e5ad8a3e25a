using NetNsPS.Operations;
using System;
using System.Linq;
using System.Management.Automation;
using NetNsPS.Internal;
using NetNsPS.Lab;
using NetNsPS.Linux;

namespace NetNsPS.Commands;

/// <summary>
/// Converges the host to a lab file: validates all of it first, then takes down what the lab owned and the file no
/// longer names, and builds what is missing, as one operation (one rollback). A lab already as its file says runs
/// no command. What the lab owns is kept in /run/netnsps/labs/NAME.json.
/// </summary>
[Cmdlet("Deploy", "NsLab", SupportsShouldProcess = true)]
[OutputType(typeof(NsLab))]
public sealed class DeployNsLabCommand : NetNsCmdlet
{
    /// <summary>The lab file: a .psd1 (see about_NetNsPS_Lab) or a containerlab .clab.yml; takes NsLab objects (their Path) from the pipeline.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName")]
    public string Path { get; set; } = "";

    protected override bool ChangesState => true;

    protected override void Process()
    {
        var path = GetUnresolvedProviderPathFromPSPath(Path);
        var lab = LabFile.Load(this, path);
        var previous = LabStore.Read(lab.Name);
        RefuseSharedObjects(lab);
        int commands;
        string? forwardingBefore;
        using (IsWhatIf ? null : FirewallLock.Acquire(CancellationToken))
        {
            State.Invalidate();
            forwardingBefore = previous?.ForwardingBefore;
            if (forwardingBefore is null && LabPlanner.NeedsHostForwarding(lab) && State.Sysctl(Sysctl.IpForward) is { } now && now != "1")
            {
                forwardingBefore = now;
            }
            var created = lab.Namespaces.Where(n => !State.NamespaceExists(n.Name)).Select(n => n.Name).ToList();
            // Deleting a namespace frees its interfaces a moment later: wait for them before building, and before the output.
            var leaving = LabPlanner.HostEnds(State, (previous?.Spec.Namespaces ?? Array.Empty<LabNamespace>()).Where(n => lab.Namespace(n.Name) is null));
            var stages = LabPlanner.Converge(lab, previous?.Spec, Firewall, Environment.ProcessId, created, forwardingBefore);
            commands = ApplyStages($"Deploy-NsLab {lab.Name}", stages, stage =>
            {
                if (stage.Name == "teardown")
                {
                    NamespaceRemoval.WaitGone(State, leaving, CancellationToken);
                }
            });
            if (IsWhatIf)
            {
                return;
            }
            if (!LabPlanner.NeedsHostForwarding(lab) && State.Sysctl(Sysctl.IpForward) == forwardingBefore)
            {
                forwardingBefore = null;
            }
            LabStore.Write(new LabRecord(lab, path, forwardingBefore));
        }
        WriteVerbose($"Lab '{lab.Name}': {commands} command{(commands == 1 ? "" : "s")} run.");
        Emit(LabPlanner.Status(State, Firewall, new LabRecord(lab, path, forwardingBefore), Environment.ProcessId));
    }

    /// <summary>A namespace or bridge is one lab's: removing the other lab would delete it from under this one.</summary>
    private static void RefuseSharedObjects(LabSpec lab)
    {
        foreach (var other in LabStore.ReadAll().Where(r => r.Spec.Name != lab.Name))
        {
            var shared = other.Spec.Namespaces.Select(n => n.Name).Intersect(lab.Namespaces.Select(n => n.Name))
                .Concat(other.Spec.Bridges.Select(b => b.Name).Intersect(lab.Bridges.Select(b => b.Name))).ToList();
            if (shared.Count > 0)
            {
                throw new NetNsException(
                    $"Lab '{other.Spec.Name}' owns {string.Join(", ", shared)} already; give lab '{lab.Name}' other names, or remove the other lab first (Remove-NsLab {other.Spec.Name}).",
                    "LabConflict", ErrorCategory.ResourceExists, lab.Name);
            }
        }
    }
}
