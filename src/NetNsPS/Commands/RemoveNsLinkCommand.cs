using NetNsPS.Operations;
using System.Management.Automation;
using NetNsPS.Internal;
using NetNsPS.Linux;

namespace NetNsPS.Commands;

/// <summary>
/// Deletes a point-to-point link by either end (ip -n NS link delete NAME); the kernel removes the other end too.
/// A link that is already gone is not an error. Takes NsLink objects from Get-NsLink or Add-NsLink.
/// </summary>
[Cmdlet(VerbsCommon.Remove, "NsLink", SupportsShouldProcess = true)]
[OutputType(typeof(void))]
public sealed class RemoveNsLinkCommand : NetNsCmdlet
{
    /// <summary>The namespace of the end named by InterfaceName; without it (or empty), the host.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(NetNsPS.Completion.NamespaceCompleter))]
    [AllowEmptyString]
    [AllowNull]
    public string? Namespace { get; set; }

    /// <summary>One end of the link; default to-PEERNAMESPACE with -PeerNamespace.</summary>
    [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
    [Alias("Name")]
    [ArgumentCompleter(typeof(NetNsPS.Completion.InterfaceCompleter))]
    public string? InterfaceName { get; set; }

    /// <summary>The namespace at the other end, to name the end by its default (to-PEERNAMESPACE).</summary>
    [Parameter]
    [ArgumentCompleter(typeof(NetNsPS.Completion.NamespaceCompleter))]
    public string? PeerNamespace { get; set; }

    protected override bool ChangesState => true;

    protected override void Process()
    {
        var ns = string.IsNullOrEmpty(Namespace) ? null : Names.Namespace(Namespace, nameof(Namespace));
        if (InterfaceName is null && PeerNamespace is null)
        {
            throw new NetNsException("Name the link: give -InterfaceName, or -PeerNamespace for the default to-PEERNAMESPACE.",
                "LinkNotNamed", ErrorCategory.InvalidArgument, ns ?? "(host)");
        }
        var name = Names.Interface(InterfaceName ?? LinkPlanner.DefaultName(Names.Namespace(PeerNamespace, nameof(PeerNamespace))), nameof(InterfaceName));
        if (ns is not null && !State.NamespaceExists(ns))
        {
            WriteVerbose($"Namespace '{ns}' does not exist, so neither does its link '{name}'.");
            return;
        }
        var plan = LinkPlanner.Remove(State, ns, name);
        if (plan.IsEmpty)
        {
            WriteVerbose($"'{name}' does not exist in {Errors.Where(ns)}; nothing to remove.");
            return;
        }
        Apply(plan);
    }
}
