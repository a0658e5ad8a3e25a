using NetNsPS.Operations;
using System.Management.Automation;
using NetNsPS.Internal;
using NetNsPS.Linux;

namespace NetNsPS.Commands;

/// <summary>
/// Deletes named network namespaces: first, from inside, each veth whose other end is elsewhere (ip -n NS link delete,
/// synchronous: the other end goes with it), then the namespace (ip netns delete), whose remaining interfaces the
/// kernel frees in the background. So when the cmdlet returns nothing of the namespace is left on the host, without
/// waiting for the kernel's cleanup. A namespace that is already gone is not an error.
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
            Apply(plan);
        });
    }
}
