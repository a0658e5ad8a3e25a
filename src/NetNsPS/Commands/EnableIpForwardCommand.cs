using NetNsPS.Operations;
using System.Management.Automation;
using NetNsPS.Internal;
using NetNsPS.Linux;

namespace NetNsPS.Commands;

/// <summary>
/// Lets the host route for its namespaces (sysctl -w net.ipv4.ip_forward=1), or with -Namespace makes a namespace a
/// router (ip netns exec NS sysctl -w net.ipv4.ip_forward=1). With -Persist, also writes
/// /etc/sysctl.d/99-netnsps.conf so the host's setting survives a reboot. On the host it records what it found under
/// /run/netnsps, so Disable-IpForward and Clear-NetNsPS put back exactly that.
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
        // Where NetNsPS's own persist file turned it on at boot, what it was before NetNsPS is off.
        var before = ns is null ? (Sysctl.IsOurs(State.PersistFileText()) ? "0" : State.Sysctl(Sysctl.IpForward)) : null;
        var plan = SysctlPlanner.EnableIpForward(State, Persist, ns, ns is not null && !State.NamespaceExists(ns));
        if (Apply(plan))
        {
            if (ns is null)
            {
                // What it was before NetNsPS (1 already, say, on a Docker host), for Disable-IpForward and Clear-NetNsPS to put back.
                SettingsRecords.Remember(Sysctl.IpForward, before ?? "0", "1");
            }
            Emit(SysctlSettings.IpForward(ns));
        }
    });
}
