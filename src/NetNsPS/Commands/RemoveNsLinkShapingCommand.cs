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
public sealed class RemoveNsLinkShapingCommand : NsInterfaceCmdlet
{
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
