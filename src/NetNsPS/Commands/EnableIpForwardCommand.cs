using NetNsPS.Operations;
using System.Linq;
using System.Management.Automation;
using NetNsPS.Internal;
using NetNsPS.Linux;

namespace NetNsPS.Commands;

/// <summary>
/// Lets the host route for its namespaces (sysctl -w net.ipv4.ip_forward=1; with -AddressFamily IPv6,
/// net.ipv6.conf.all.forwarding=1), or with -Namespace makes a namespace a router (ip netns exec NS sysctl -w ...). With -Persist, also writes
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

    /// <summary>The address families: IPv4 (net.ipv4.ip_forward, the default), IPv6 (net.ipv6.conf.all.forwarding), or both.</summary>
    [Parameter]
    [ValidateSet("IPv4", "IPv6")]
    public string[]? AddressFamily { get; set; }

    protected override bool ChangesState => true;

    protected override void Process() => ForEachItemOrNone(Namespace, item =>
    {
        var ns = ExistingNamespaceOrHost(item);
        foreach (var family in SysctlSettings.Families(AddressFamily))
        {
            var key = Sysctl.ForwardKey(family);
            // Where NetNsPS's own persist file turned it on at boot, what it was before NetNsPS is off.
            var before = ns is null ? (Sysctl.IsOurs(State.PersistFileText(family)) ? "0" : State.Sysctl(key)) : null;
            // The interfaces the plan raises accept_ra on, to record and to name.
            var acceptRa = SysctlPlanner.AcceptRaRaised(State, ns, family);
            var plan = SysctlPlanner.EnableIpForward(State, Persist, ns, ns is not null && !State.NamespaceExists(ns), family);
            if (Apply(plan))
            {
                if (ns is null)
                {
                    // What it was before NetNsPS (1 already, say, on a Docker host), for Disable-IpForward and Clear-NetNsPS to put back.
                    SettingsRecords.Remember(acceptRa.Select(d => new SettingRecord(Sysctl.AcceptRa(d), "1", "2"))
                        .Append(new SettingRecord(key, before ?? "0", "1")));
                    foreach (var device in acceptRa)
                    {
                        WriteWarning($"{Sysctl.AcceptRa(device)} is now 2: '{device}' takes its IPv6 default route from router advertisements, which a forwarding host ignores at accept_ra 1. Disable-IpForward -AddressFamily IPv6 puts it back.");
                    }
                }
                Emit(SysctlSettings.IpForward(ns, family));
            }
        }
    });
}
