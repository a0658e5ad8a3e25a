using NetNsPS.Operations;
using System.Linq;
using System.Management.Automation;
using NetNsPS.Internal;
using NetNsPS.Linux;

namespace NetNsPS.Commands;

/// <summary>
/// Adds a route via a next hop (ip [-n NS] route add PREFIX via NEXTHOP [dev IFACE]); the default route
/// when no prefix is given, as the article's `ip -n red route add default via 192.168.15.1` (or IPv6's ::/0 for an IPv6 next hop).
/// The same route again converges; a different route to the same prefix is an error.
/// </summary>
[Cmdlet(VerbsCommon.Add, "NsRoute", SupportsShouldProcess = true)]
[OutputType(typeof(NsRoute))]
public sealed class AddNsRouteCommand : NetNsCmdlet
{
    /// <summary>The namespaces; without it, the host. Takes names, NetNamespace objects (their Name) and objects with a Namespace property from the pipeline.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Name")]
    [ArgumentCompleter(typeof(NetNsPS.Completion.NamespaceCompleter))]
    public string[]? Namespace { get; set; }

    /// <summary>The destination network in CIDR form; without it, or 'default', the default route of NextHop's family (0.0.0.0/0 or ::/0).</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    public string? DestinationPrefix { get; set; }

    /// <summary>The gateway address, such as the bridge's 192.168.15.1.</summary>
    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Gateway", "Via")]
    [AllowEmptyString]
    public string NextHop { get; set; } = "";

    /// <summary>The interface to send through; without it the kernel picks the one that reaches NextHop.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [ArgumentCompleter(typeof(NetNsPS.Completion.InterfaceCompleter))]
    public string? InterfaceName { get; set; }

    protected override bool ChangesState => true;

    protected override void Process() => ForEachItemOrNone(Namespace, AddTo);

    /// <summary>Adds the route in one namespace of -Namespace (null: the host).</summary>
    private void AddTo(string? item)
    {
        var ns = string.IsNullOrEmpty(item) ? null : Names.Namespace(item, nameof(Namespace));
        var nextHop = IpPrefix.ParseAddress(NextHop, nameof(NextHop));
        var destination = IpPrefix.ParseNetwork(DestinationPrefix ?? "default", nameof(DestinationPrefix), defaultFamily: nextHop.AddressFamily);
        IpPrefix.RequireSameFamily(destination, nameof(DestinationPrefix), nextHop, nameof(NextHop));
        var device = InterfaceName is null ? null : Names.Interface(InterfaceName, nameof(InterfaceName));
        if (ns is not null)
        {
            RequireNamespace(ns);
        }
        var nsPlanned = ns is not null && !State.NamespaceExists(ns);
        var devicePlanned = device is not null && IsWhatIf && WhatIfLedger.HasLink(ns, device);
        var plan = RoutePlanner.Add(State, ns, destination, nextHop, device, nsPlanned, devicePlanned, out var existing);
        if (existing is not null)
        {
            if (!IsWhatIf)
            {
                Emit(ModelFactory.Route(ns, existing));
            }
            return;
        }
        if (!Apply(plan))
        {
            return;
        }
        var added = State.Routes(ns).FirstOrDefault(r => r.Destination == destination);
        if (added is not null)
        {
            Emit(ModelFactory.Route(ns, added));
        }
    }
}
