using NetNsPS.Operations;
using System.Management.Automation;
using NetNsPS.Internal;
using NetNsPS.Linux;

namespace NetNsPS.Commands;

/// <summary>
/// Lets the host route for its namespaces (sysctl -w net.ipv4.ip_forward=1). With -Persist, also writes
/// /etc/sysctl.d/99-netnsps.conf so the setting survives a reboot. Records what it found under /run/netnsps, so
/// Disable-IpForward and Clear-NetNsPS put back exactly that.
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
        // Where NetNsPS's own persist file turned it on at boot, what it was before NetNsPS is off.
        var before = Sysctl.IsOurs(State.PersistFileText()) ? "0" : State.Sysctl(Sysctl.IpForward);
        var plan = SysctlPlanner.EnableIpForward(State, Persist);
        if (Apply(plan))
        {
            // What it was before NetNsPS (1 already, say, on a Docker host), for Disable-IpForward and Clear-NetNsPS to put back.
            SettingsRecords.Remember(Sysctl.IpForward, before ?? "0", "1");
            Emit(SysctlSettings.IpForward());
        }
    }
}
