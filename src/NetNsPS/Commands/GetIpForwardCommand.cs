using System.Management.Automation;
using NetNsPS.Internal;

namespace NetNsPS.Commands;

/// <summary>Shows whether the host routes for its namespaces (net.ipv4.ip_forward) and whether NetNsPS persisted it.</summary>
[Cmdlet(VerbsCommon.Get, "IpForward")]
[OutputType(typeof(SysctlSetting))]
public sealed class GetIpForwardCommand : NetNsCmdlet
{
    protected override void Process() => Emit(SysctlSettings.IpForward());
}
