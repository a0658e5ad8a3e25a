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

    protected override void Process()
    {
        foreach (var ns in NamespaceScope.Expand(Namespace, WriteError))
        {
            Emit(SysctlSettings.IpForward(ns));
        }
    }
}
