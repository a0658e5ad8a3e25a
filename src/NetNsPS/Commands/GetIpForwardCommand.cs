using System.Management.Automation;
using NetNsPS.Internal;

namespace NetNsPS.Commands;

/// <summary>
/// Shows whether the host routes for its namespaces (net.ipv4.ip_forward) and whether NetNsPS persisted it; with
/// -Namespace, whether those namespaces route.
/// </summary>
[Cmdlet(VerbsCommon.Get, "IpForward")]
[OutputType(typeof(SysctlSetting))]
public sealed class GetIpForwardCommand : NetNsCmdlet
{
    /// <summary>Namespaces to look in; wildcards allowed. Without it, the host. Takes NetNamespace objects or names from the pipeline.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(NetNsPS.Completion.NamespaceCompleter))]
    [AllowEmptyString]
    public string[]? Namespace { get; set; }

    /// <summary>Which families to show: IPv4 (net.ipv4.ip_forward, the default), IPv6 (net.ipv6.conf.all.forwarding), or both.</summary>
    [Parameter]
    [ValidateSet("IPv4", "IPv6")]
    public string[]? AddressFamily { get; set; }

    protected override void Process()
    {
        foreach (var ns in NamespaceScope.Expand(Namespace, WriteError))
        {
            foreach (var family in SysctlSettings.Families(AddressFamily))
            {
                Emit(SysctlSettings.IpForward(ns, family));
            }
        }
    }
}
