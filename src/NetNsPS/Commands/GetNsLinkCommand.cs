using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using NetNsPS.Internal;
using NetNsPS.Linux;

namespace NetNsPS.Commands;

/// <summary>
/// Lists point-to-point links: veth pairs whose ends live in two namespaces (or one on the host, not attached to a
/// bridge), with both ends' names, namespaces and IPv4 addresses. Veth pairs whose host end is on a bridge are
/// Get-VethPair's.
/// </summary>
[Cmdlet(VerbsCommon.Get, "NsLink")]
[OutputType(typeof(NsLink))]
public sealed class GetNsLinkCommand : NetNsCmdlet
{
    /// <summary>Namespaces to look in; wildcards allowed. Without it, all namespaces (each link shown once).</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(NetNsPS.Completion.NamespaceCompleter))]
    public string[]? Namespace { get; set; }

    /// <summary>Names of the ends to show (in the namespaces looked in); wildcards allowed. Binds InterfaceName from NsLink objects.</summary>
    [Parameter(ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [Alias("Name")]
    [ArgumentCompleter(typeof(NetNsPS.Completion.InterfaceCompleter))]
    public string? InterfaceName { get; set; }

    protected override void Process()
    {
        var nameFilter = Patterns.Wildcard(InterfaceName ?? "*", nameof(InterfaceName), WildcardOptions.IgnoreCase);
        var all = Namespace is null || Namespace.Length == 0;
        var matched = all ? State.NamespaceNames() : NamespaceScope.Expand(Namespace, WriteError).OfType<string>().Distinct().ToList();
        var shown = new HashSet<string>(matched);
        foreach (var ns in matched)
        {
            foreach (var end in State.Links(ns).Where(l => l.IsVeth && nameFilter.IsMatch(l.Name)))
            {
                if (VethPairs.PeerOf(State, ns, end) is not var (peerNs, peer))
                {
                    continue;
                }
                // Listing every namespace, a link between two of them is shown once, from the namespace sorted first.
                if (peerNs is not null && shown.Contains(peerNs) && string.CompareOrdinal(peerNs, ns) < 0 && nameFilter.IsMatch(peer.Name))
                {
                    continue;
                }
                if (peerNs is null && peer.Master is not null)
                {
                    continue;
                }
                Emit(ModelFactory.Link(ns, end, peerNs, peer));
            }
        }
    }
}
