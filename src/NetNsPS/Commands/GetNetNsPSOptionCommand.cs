using System.Management.Automation;
using NetNsPS.Internal;

namespace NetNsPS.Commands;

/// <summary>Shows the module-wide settings (firewall driver, backend) and what they resolve to on this machine.</summary>
[Cmdlet(VerbsCommon.Get, "NetNsPSOption")]
[OutputType(typeof(NetNsPSOption))]
public sealed class GetNetNsPSOptionCommand : NetNsCmdlet
{
    protected override void Process() => Emit(ModuleOptions.Current());
}
