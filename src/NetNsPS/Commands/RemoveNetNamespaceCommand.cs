using NetNsPS.Operations;
using System.Collections.Generic;
using System.Management.Automation;
using NetNsPS.Internal;
using NetNsPS.Linux;

namespace NetNsPS.Commands;

/// <summary>
/// Deletes named network namespaces (ip netns delete). The kernel removes their interfaces, and with
/// them the host ends of their veth pairs. A namespace that is already gone is not an error.
/// </summary>
[Cmdlet(VerbsCommon.Remove, "NetNamespace", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(void))]
public sealed class RemoveNetNamespaceCommand : NetNsCmdlet
{
    /// <summary>Names of the namespaces to delete; takes Get-NetNamespace output from the pipeline.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Namespace")]
    [ArgumentCompleter(typeof(NetNsPS.Completion.NamespaceCompleter))]
    [AllowEmptyString]
    public string[] Name { get; set; } = System.Array.Empty<string>();

    private readonly List<int> _hostEnds = new();

    protected override bool ChangesState => true;

    protected override void Process()
    {
        ForEachItem(Name, raw =>
        {
            var name = Names.Namespace(raw, nameof(Name));
            var plan = NamespacePlanner.Remove(State, name);
            if (plan.IsEmpty)
            {
                WriteVerbose($"Namespace '{name}' does not exist; nothing to remove.");
                return;
            }
            // The kernel frees the namespace after `ip netns delete` returns; the host ends of its veth pairs go then.
            var hostEnds = IsWhatIf || !State.NamespaceExists(name) ? new List<int>() : NamespaceRemoval.HostEnds(State, name);
            if (Apply(plan))
            {
                _hostEnds.AddRange(hostEnds);
            }
        });
    }

    /// <summary>
    /// Notes the host ends of the deleted namespaces' veths, without waiting for the kernel to free them: the next
    /// NetNsPS cmdlet, the next program this session runs, or the end of the process waits for them all at once
    /// (<see cref="NamespaceRemoval"/>).
    /// </summary>
    protected override void End() =>
        // The engine's own intrinsics ($ExecutionContext), whose lookup hook the session runs; a cmdlet's InvokeCommand is a copy.
        NamespaceRemoval.Defer(_hostEnds, ((EngineIntrinsics)GetVariableValue("ExecutionContext")).InvokeCommand);

    /// <summary>A loop deleting namespaces one call at a time does not wait for each.</summary>
    protected override bool SettlesRemovals => false;
}
