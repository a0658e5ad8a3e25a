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

    /// <summary>Only the route to this prefix ('default' for the default routes of both families, 0.0.0.0/0 and ::/0).</summary>
    [Parameter]
    public string? DestinationPrefix { get; set; }

    /// <summary>Also the IPv6 link-local routes (fe80::/64) the kernel adds on every interface by itself.</summary>
    [Parameter]
    public SwitchParameter IncludeLinkLocal { get; set; }

    protected override void Process()
    {
        var anyDefault = IpPrefix.IsDefaultText(DestinationPrefix);
        IpPrefix? wanted = DestinationPrefix is null || anyDefault ? null : IpPrefix.ParseNetwork(DestinationPrefix, nameof(DestinationPrefix));
        foreach (var ns in NamespaceScope.Expand(Namespace, WriteError))
        {
            foreach (var route in State.Routes(ns).Where(r => (anyDefault ? r.IsDefault : wanted is null || r.Destination == wanted)
                && (IncludeLinkLocal || !r.IsLinkLocal)))
            {
                Emit(ModelFactory.Route(ns, route));
            }
        }
    }
}
