using NetNsPS.Operations;
using System.Management.Automation;
using NetNsPS.Internal;
using NetNsPS.Linux;

namespace NetNsPS.Commands;

/// <summary>
/// Puts IP forwarding back as Enable-IpForward found it (sysctl -w net.ipv4.ip_forward=0; nothing where it was on
/// before NetNsPS, or was changed by someone since) and removes the file Enable-IpForward -Persist wrote; any other
/// file under /etc/sysctl.d is left alone. Without a record of Enable-IpForward's, it turns forwarding off. With
/// -Namespace, stops a namespace routing (ip netns exec NS sysctl -w net.ipv4.ip_forward=0).
/// </summary>
[Cmdlet(VerbsLifecycle.Disable, "IpForward", SupportsShouldProcess = true)]
[OutputType(typeof(SysctlSetting))]
public sealed class DisableIpForwardCommand : NetNsCmdlet
{
    /// <summary>The namespaces that stop forwarding; without it, the host. Takes NetNamespace objects or names from the pipeline.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(NetNsPS.Completion.NamespaceCompleter))]
    [AllowEmptyString]
    public string[]? Namespace { get; set; }

    /// <summary>Write the resulting setting to the pipeline.</summary>
    [Parameter]
    public SwitchParameter PassThru { get; set; }

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
            var plan = SysctlPlanner.DisableIpForward(State, ns, ns is not null && !State.NamespaceExists(ns), family);
            if (!Apply(plan))
            {
                continue;
            }
            if (ns is null)
            {
                // Put back, or left to whoever changed it since: either way NetNsPS's records of it are done with.
                SettingsRecords.Forget(key);
                if (family == System.Net.Sockets.AddressFamily.InterNetworkV6)
                {
                    foreach (var link in State.Links(null))
                    {
                        SettingsRecords.Forget(Sysctl.AcceptRa(link.Name));
                    }
                }
                if (Sysctl.Read(key) == "1")
                {
                    WriteVerbose($"{key} stays 1: it was on before Enable-IpForward, or someone turned it on since (sysctl -w {key}=0 turns it off).");
                }
            }
            if (PassThru)
            {
                Emit(SysctlSettings.IpForward(ns, family));
            }
        }
    });
}
