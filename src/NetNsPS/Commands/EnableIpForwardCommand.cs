using NetNsPS.Operations;
using System.Management.Automation;
using NetNsPS.Internal;
using NetNsPS.Linux;

namespace NetNsPS.Commands;

/// <summary>
/// Lets the host route for its namespaces (sysctl -w net.ipv4.ip_forward=1), or with -Namespace makes a namespace a
/// router (ip netns exec NS sysctl -w net.ipv4.ip_forward=1). With -Persist, also writes
/// /etc/sysctl.d/99-netnsps.conf so the host's setting survives a reboot.
/// </summary>
[Cmdlet(VerbsLifecycle.Enable, "IpForward", SupportsShouldProcess = true)]
[OutputType(typeof(SysctlSetting))]
public sealed class EnableIpForwardCommand : NetNsCmdlet
{
    /// <summary>The namespaces that forward; without it, the host. Takes NetNamespace objects or names from the pipeline.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(NetNsPS.Completion.NamespaceCompleter))]
    [AllowEmptyString]
    public string[]? Namespace { get; set; }

    /// <summary>Also write net.ipv4.ip_forward=1 to /etc/sysctl.d/99-netnsps.conf (the host only).</summary>
    [Parameter]
    public SwitchParameter Persist { get; set; }

    protected override bool ChangesState => true;

    protected override void Process() => ForEachItemOrNone(Namespace, item =>
    {
        var ns = ExistingNamespaceOrHost(item);
        var plan = SysctlPlanner.EnableIpForward(State, Persist, ns, ns is not null && !State.NamespaceExists(ns));
        if (Apply(plan))
        {
            Emit(SysctlSettings.IpForward(ns));
        }
    });
}
