using NetNsPS.Operations;
using System.Management.Automation;
using NetNsPS.Internal;
using NetNsPS.Linux;

namespace NetNsPS.Commands;

/// <summary>
/// Stops the host routing (sysctl -w net.ipv4.ip_forward=0) and removes the file Enable-IpForward -Persist
/// wrote; any other file under /etc/sysctl.d is left alone.
/// </summary>
[Cmdlet(VerbsLifecycle.Disable, "IpForward", SupportsShouldProcess = true)]
[OutputType(typeof(SysctlSetting))]
public sealed class DisableIpForwardCommand : NetNsCmdlet
{
    /// <summary>Write the resulting setting to the pipeline.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override bool ChangesState => true;

    protected override void Process()
    {
        var plan = SysctlPlanner.DisableIpForward(State);
        if (Apply(plan) && PassThru)
        {
            Emit(SysctlSettings.IpForward());
        }
    }
}
