using NetNsPS.Operations;
using System.Linq;
using System.Management.Automation;
using NetNsPS.Internal;
using NetNsPS.Linux;

namespace NetNsPS.Commands;

/// <summary>Lists veth pairs that join a namespace to the host, with the bridge and hairpin mode of the host end.</summary>
[Cmdlet(VerbsCommon.Get, "VethPair")]
[OutputType(typeof(VethPair))]
public sealed class GetVethPairCommand : NetNsCmdlet
{
    /// <summary>Namespaces to look in; wildcards allowed. Without it, all namespaces.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(NetNsPS.Completion.NamespaceCompleter))]
    public string[]? Namespace { get; set; }

    /// <summary>Names of the namespace ends to show; wildcards allowed.</summary>
    [Parameter(ValueFromPipelineByPropertyName = false)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(NetNsPS.Completion.VethNameCompleter))]
    public string? Name { get; set; }

    protected override void Process()
    {
        var names = State.NamespaceNames();
        var nameFilter = Patterns.Wildcard(Name ?? "*", nameof(Name), WildcardOptions.IgnoreCase);
        foreach (var pattern in Namespace ?? new[] { "*" })
        {
            WildcardPattern? wildcard;
            try
            {
                wildcard = Patterns.Namespace(pattern, nameof(Namespace));
            }
            catch (NetNsException e)
            {
                WriteError(e.ToErrorRecord());
                continue;
            }
            var matched = names.Where(n => wildcard is null ? n == pattern : wildcard.IsMatch(n)).ToList();
            if (matched.Count == 0 && wildcard is null)
            {
                WriteError(Errors.NamespaceNotFound(pattern).ToErrorRecord());
                continue;
            }
            foreach (var ns in matched)
            {
                foreach (var inside in State.Links(ns).Where(l => l.IsVeth && nameFilter.IsMatch(l.Name)))
                {
                    Emit(ModelFactory.Veth(ns, inside, VethPairs.HostEnd(State, inside)));
                }
            }
        }
    }
}
