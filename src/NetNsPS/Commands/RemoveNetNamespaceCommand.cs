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
    [AllowEmptyString]
    public string[] Name { get; set; } = System.Array.Empty<string>();

    protected override bool ChangesState => true;

    protected override void Process()
    {
        foreach (var raw in Name)
        {
            var name = Names.Namespace(raw, nameof(Name));
            if (!NetState.NamespaceExists(name))
            {
                WriteVerbose($"Namespace '{name}' does not exist; nothing to remove.");
                continue;
            }
            // The kernel frees the namespace after `ip netns delete` returns; the host ends of its veth pairs go then.
            // Wait for them, so the next command (make the pair again, delete the bridge) finds them gone.
            var hostEnds = IsWhatIf ? new List<int>() : NamespaceRemoval.HostEnds(State, name);
            if (Apply(new Plan().Add(Ip.DeleteNamespace(name))))
            {
                NamespaceRemoval.WaitGone(State, hostEnds, CancellationToken);
            }
        }
    }
}
