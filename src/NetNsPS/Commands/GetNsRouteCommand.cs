using System.Linq;
using System.Management.Automation;
using NetNsPS.Internal;
using NetNsPS.Linux;

namespace NetNsPS.Commands;

/// <summary>Lists the main routing table of the host or of namespaces (ip [-n NS] route show), scope-link subnet routes included.</summary>
[Cmdlet(VerbsCommon.Get, "NsRoute")]
[OutputType(typeof(NsRoute))]
public sealed class GetNsRouteCommand : NetNsCmdlet
{
    /// <summary>Namespaces to look in (wildcards allowed, * for all); without it, the host.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Name")]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(NetNsPS.Completion.NamespaceCompleter))]
    public string[]? Namespace { get; set; }

    /// <summary>Only the route to this prefix ('default' for 0.0.0.0/0).</summary>
    [Parameter]
    public string? DestinationPrefix { get; set; }

    protected override void Process()
    {
        IpPrefix? wanted = DestinationPrefix is null ? null : IpPrefix.ParseNetwork(DestinationPrefix, nameof(DestinationPrefix));
        foreach (var ns in NamespaceScope.Expand(Namespace, WriteError))
        {
            foreach (var route in State.Routes(ns).Where(r => wanted is null || r.Destination == wanted))
            {
                Emit(ModelFactory.Route(ns, route));
            }
        }
    }
}
