using NetNsPS.Operations;
using System.Management.Automation;
using NetNsPS.Internal;
using NetNsPS.Linux;

namespace NetNsPS.Commands;

/// <summary>
/// Stops the host routing (sysctl -w net.ipv4.ip_forward=0) and removes the file Enable-IpForward -Persist
/// wrote; any other file under /etc/sysctl.d is left alone. With -Namespace, stops a namespace routing
/// (ip netns exec NS sysctl -w net.ipv4.ip_forward=0).
/// </summary>
[Cmdlet(VerbsLifecycle.Disable, "IpForward", SupportsShouldProcess = true)]
[OutputType(typeof(SysctlSetting))]
public sealed class DisableIpForwardCommand : NetNsCmdlet
{
    /// <summary>The namespaces that stop forwarding; without it, the host. Takes NetNamespace objects or names from the pipeline.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(NetNsPS.Completion.NamespaceCompleter))]
    [AllowEmptyString]
    public string[]? Namespace { get; set; }

    /// <summary>Write the resulting setting to the pipeline.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override bool ChangesState => true;

    protected override void Process() => ForEachItemOrNone(Namespace, item =>
    {
        var ns = ExistingNamespaceOrHost(item);
        var plan = SysctlPlanner.DisableIpForward(State, ns, ns is not null && !State.NamespaceExists(ns));
        if (Apply(plan) && PassThru)
        {
            Emit(SysctlSettings.IpForward(ns));
        }
    });
}
