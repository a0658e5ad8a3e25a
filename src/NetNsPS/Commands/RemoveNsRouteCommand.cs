using NetNsPS.Operations;
using System.Linq;
using System.Management.Automation;
using NetNsPS.Internal;
using NetNsPS.Linux;

namespace NetNsPS.Commands;

/// <summary>Removes a route (ip [-n NS] route del PREFIX ...). A route that is already gone is not an error.</summary>
[Cmdlet(VerbsCommon.Remove, "NsRoute", SupportsShouldProcess = true)]
[OutputType(typeof(void))]
public sealed class RemoveNsRouteCommand : NetNsCmdlet
{
    /// <summary>The namespaces; without it, the host. Takes names, NetNamespace objects (their Name) and NsRoute objects from the pipeline.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Name")]
    [ArgumentCompleter(typeof(NetNsPS.Completion.NamespaceCompleter))]
    public string[]? Namespace { get; set; }

    /// <summary>The destination network; without it, or 'default', the default route: of NextHop's family when it is given, else of both families.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? DestinationPrefix { get; set; }

    /// <summary>Only the route via this gateway.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? NextHop { get; set; }

    /// <summary>Only the route through this interface.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(NetNsPS.Completion.InterfaceCompleter))]
    public string? InterfaceName { get; set; }

    protected override bool ChangesState => true;

    protected override void Process() => ForEachItemOrNone(Namespace, RemoveFrom);

    /// <summary>Removes the route from one namespace of -Namespace (null: the host).</summary>
    private void RemoveFrom(string? item)
    {
        var ns = string.IsNullOrEmpty(item) ? null : Names.Namespace(item, nameof(Namespace));
        var nextHop = NextHop is null ? null : IpPrefix.ParseAddress(NextHop, nameof(NextHop));
        var bothDefaults = nextHop is null && (DestinationPrefix is null || IpPrefix.IsDefaultText(DestinationPrefix));
        var destination = IpPrefix.ParseNetwork(DestinationPrefix ?? "default", nameof(DestinationPrefix), defaultFamily: nextHop?.AddressFamily ?? System.Net.Sockets.AddressFamily.InterNetwork);
        if (nextHop is not null)
        {
            IpPrefix.RequireSameFamily(destination, nameof(DestinationPrefix), nextHop, nameof(NextHop));
        }
        var device = InterfaceName is null ? null : Names.Interface(InterfaceName, nameof(InterfaceName));
        if (ns is not null && !State.NamespaceExists(ns))
        {
            WriteVerbose($"Namespace '{ns}' does not exist, so neither do its routes.");
            return;
        }
        var plan = RoutePlanner.Remove(State, ns, destination, nextHop, device);
        if (bothDefaults)
        {
            plan.Append(RoutePlanner.Remove(State, ns, IpPrefix.Default(System.Net.Sockets.AddressFamily.InterNetworkV6), null, device));
        }
        if (plan.IsEmpty)
        {
            WriteVerbose($"No route to {destination} matches in {Errors.Where(ns)}; nothing to remove.");
            return;
        }
        Apply(plan);
    }
}
