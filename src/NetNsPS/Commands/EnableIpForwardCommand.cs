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
        var plan = new Plan();
        var current = Sysctl.Read(Sysctl.IpForward);
        if (current != "1")
        {
            plan.Add(Sysctl.Write(Sysctl.IpForward, "1"), Sysctl.Write(Sysctl.IpForward, current ?? "0"));
        }
        if (Persist && !Sysctl.PersistFileIsOurs())
        {
            if (System.IO.File.Exists(Sysctl.PersistFile))
            {
                throw new NetNsException($"{Sysctl.PersistFile} exists and was not written by NetNsPS; it was left alone.",
                    "PersistFileNotOurs", ErrorCategory.ResourceExists, Sysctl.PersistFile);
            }
            plan.Add(Sysctl.WritePersistFile(), Sysctl.RemovePersistFile());
        }
        if (Apply(plan))
        {
            Emit(SysctlSettings.IpForward());
        }
    }
}
