using System.Linq;
using System.Management.Automation;
using NetNsPS.Internal;
using NetNsPS.Linux;

namespace NetNsPS.Commands;

/// <summary>Lists the interfaces whose traffic a netem qdisc impairs, with its delay, jitter, loss, duplication and rate (tc -j qdisc show).</summary>
[Cmdlet(VerbsCommon.Get, "NsLinkShaping")]
[OutputType(typeof(NsLinkShaping))]
public sealed class GetNsLinkShapingCommand : NetNsCmdlet
{
    /// <summary>Namespaces to look in; wildcards allowed; empty is the host. Without it, the host and every namespace.</summary>
    [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(NetNsPS.Completion.NamespaceCompleter))]
    [AllowEmptyString]
    [AllowNull]
    public string[]? Namespace { get; set; }

    /// <summary>Interfaces to show; wildcards allowed. Binds InterfaceName from NsLink objects and Name from VethPair objects.</summary>
    [Parameter(Position = 1, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [Alias("Name")]
    [ArgumentCompleter(typeof(NetNsPS.Completion.InterfaceCompleter))]
    public string? InterfaceName { get; set; }

    protected override void Process()
    {
        var filter = Patterns.Wildcard(InterfaceName ?? "*", nameof(InterfaceName), WildcardOptions.IgnoreCase);
        var scope = Namespace is null || Namespace.Length == 0
            ? new string?[] { null }.Concat(State.NamespaceNames())
            : NamespaceScope.Expand(Namespace, WriteError);
        foreach (var ns in scope)
        {
            foreach (var q in State.Qdiscs(ns, null).Where(q => q.Netem is not null && filter.IsMatch(q.Device)))
            {
                Emit(ModelFactory.Shaping(ns, q.Device, q.Netem!));
            }
        }
    }
}
