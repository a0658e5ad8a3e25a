using NetNsPS.Operations;
using System.Management.Automation;
using NetNsPS.Internal;
using NetNsPS.Linux;

namespace NetNsPS.Commands;

/// <summary>
/// Makes bridged traffic pass through iptables, so a reply between two namespaces on one bridge is un-DNATed
/// (modprobe br_netfilter when it is not loaded; sysctl -w net.bridge.bridge-nf-call-iptables=1).
/// </summary>
[Cmdlet(VerbsLifecycle.Enable, "BridgeNetfilter", SupportsShouldProcess = true)]
[OutputType(typeof(SysctlSetting))]
public sealed class EnableBridgeNetfilterCommand : NetNsCmdlet
{
    protected override bool ChangesState => true;

    protected override void Process()
    {
        var before = State.Sysctl(Sysctl.BridgeNfCallIptables);
        if (Apply(SysctlPlanner.BridgeNetfilter(State)))
        {
            SettingsRecords.Remember(SettingsRecords.BridgeNetfilterFound(before));
            Emit(SysctlSettings.BridgeNetfilter());
        }
    }
}
