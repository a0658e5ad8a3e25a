using System.Management.Automation;
using NetNsPS.Internal;

namespace NetNsPS.Commands;

/// <summary>Shows net.bridge.bridge-nf-call-iptables; its Value is null when br_netfilter is not loaded.</summary>
[Cmdlet(VerbsCommon.Get, "BridgeNetfilter")]
[OutputType(typeof(SysctlSetting))]
public sealed class GetBridgeNetfilterCommand : NetNsCmdlet
{
    protected override void Process() => Emit(SysctlSettings.BridgeNetfilter());
}
