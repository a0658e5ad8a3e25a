using System.Linq;
using System.Management.Automation;
using NetNsPS.Internal;
using NetNsPS.Linux;

namespace NetNsPS.Commands;

/// <summary>Lists the host's bridges with their state, addresses and ports (ip -d link show type bridge).</summary>
[Cmdlet(VerbsCommon.Get, "NetBridge")]
[OutputType(typeof(NetBridge))]
public sealed class GetNetBridgeCommand : NetNsCmdlet
{
    /// <summary>Bridge names to show; wildcards allowed. Without it, all bridges.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Bridge")]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(NetNsPS.Completion.BridgeCompleter))]
    public string[]? Name { get; set; }

    protected override void Process()
    {
        var links = State.Links(null);
        var bridges = links.Where(l => l.IsBridge).ToList();
        foreach (var pattern in Name ?? new[] { "*" })
        {
            WildcardPattern? wildcard;
            try
            {
                wildcard = Patterns.Interface(pattern, nameof(Name));
            }
            catch (NetNsException e)
            {
                WriteError(e.ToErrorRecord());
                continue;
            }
            if (wildcard is not null)
            {
                foreach (var bridge in bridges.Where(b => wildcard.IsMatch(b.Name)))
                {
                    Emit(ModelFactory.Bridge(bridge, links));
                }
                continue;
            }
            var match = bridges.FirstOrDefault(b => b.Name == pattern);
            if (match is null)
            {
                WriteError(Errors.BridgeNotFound(pattern).ToErrorRecord());
                continue;
            }
            Emit(ModelFactory.Bridge(match, links));
        }
    }
}
