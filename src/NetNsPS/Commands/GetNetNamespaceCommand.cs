using NetNsPS.Operations;
using System.Linq;
using System.Management.Automation;
using NetNsPS.Internal;
using NetNsPS.Linux;

namespace NetNsPS.Commands;

/// <summary>Lists named network namespaces with their interfaces and IPv4 addresses (ip netns list; ip -n NAME addr).</summary>
[Cmdlet(VerbsCommon.Get, "NetNamespace")]
[OutputType(typeof(NetNamespace))]
public sealed class GetNetNamespaceCommand : NetNsCmdlet
{
    /// <summary>Names to show; wildcards allowed. Without it, all namespaces.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Namespace")]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(NetNsPS.Completion.NamespaceCompleter))]
    public string[]? Name { get; set; }

    protected override void Process()
    {
        var all = State.NamespaceNames();
        foreach (var pattern in Name ?? new[] { "*" })
        {
            WildcardPattern? wildcard;
            try
            {
                wildcard = Patterns.Namespace(pattern, nameof(Name));
            }
            catch (NetNsException e)
            {
                // One malformed name is one error; the other names of the same call are still shown.
                WriteError(e.ToErrorRecord());
                continue;
            }
            if (wildcard is not null)
            {
                foreach (var name in all.Where(n => wildcard.IsMatch(n)))
                {
                    Emit(ModelFactory.Namespace(name, State.Links(name)));
                }
                continue;
            }
            if (!all.Contains(pattern))
            {
                WriteError(Errors.NamespaceNotFound(pattern).ToErrorRecord());
                continue;
            }
            Emit(ModelFactory.Namespace(pattern, State.Links(pattern)));
        }
    }
}
