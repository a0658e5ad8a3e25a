using NetNsPS.Operations;
using System.Management.Automation;
using NetNsPS.Internal;
using NetNsPS.Linux;

namespace NetNsPS.Commands;

/// <summary>
/// Takes the netem qdisc off an interface (tc [-n NS] qdisc del dev IF root), so its traffic flows unimpaired again.
/// An interface without netem, or one that is gone, is left as it is.
/// </summary>
[Cmdlet(VerbsCommon.Remove, "NsLinkShaping", SupportsShouldProcess = true)]
[OutputType(typeof(void))]
public sealed class RemoveNsLinkShapingCommand : NetNsCmdlet
{
    /// <summary>The interface's namespace; without it (or empty), the host. Binds Namespace from NsLinkShaping, NsLink and VethPair objects.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(NetNsPS.Completion.NamespaceCompleter))]
    [AllowEmptyString]
    [AllowNull]
    public string? Namespace { get; set; }

    /// <summary>The interface. Binds InterfaceName from NsLinkShaping and NsLink objects, and Name from VethPair objects.</summary>
    [Parameter(Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
    [Alias("Name")]
    [ArgumentCompleter(typeof(NetNsPS.Completion.InterfaceCompleter))]
    public string InterfaceName { get; set; } = "";

    protected override bool ChangesState => true;

    protected override void Process()
    {
        var ns = string.IsNullOrEmpty(Namespace) ? null : Names.Namespace(Namespace, nameof(Namespace));
        var device = Names.Interface(InterfaceName, nameof(InterfaceName));
        var plan = ShapingPlanner.Remove(State, ns, device);
        if (plan.IsEmpty)
        {
            WriteVerbose($"'{device}' in {Errors.Where(ns)} has no netem qdisc; nothing to remove.");
            return;
        }
        Apply(plan);
    }
}
