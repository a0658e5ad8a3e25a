using NetNsPS.Operations;
using System.Management.Automation;
using NetNsPS.Internal;
using NetNsPS.Linux;

namespace NetNsPS.Commands;

/// <summary>
/// Lets the host route for its namespaces (sysctl -w net.ipv4.ip_forward=1). With -Persist, also writes
/// /etc/sysctl.d/99-netnsps.conf so the setting survives a reboot.
/// </summary>
[Cmdlet(VerbsLifecycle.Enable, "IpForward", SupportsShouldProcess = true)]
[OutputType(typeof(SysctlSetting))]
public sealed class EnableIpForwardCommand : NetNsCmdlet
{
    /// <summary>Also write net.ipv4.ip_forward=1 to /etc/sysctl.d/99-netnsps.conf.</summary>
    [Parameter]
    public SwitchParameter Persist { get; set; }

    protected override bool ChangesState => true;

    protected override void Process()
    {
        var plan = SysctlPlanner.EnableIpForward(State, Persist);
        if (Apply(plan))
        {
            Emit(SysctlSettings.IpForward());
        }
    }
}
