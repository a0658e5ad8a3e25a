using System.Linq;
using System.Management.Automation;
using NetNsPS.Internal;

namespace NetNsPS.Commands;

/// <summary>Lists published ports, read from the live firewall rules (so it shows the truth after a crash or a hand edit).</summary>
[Cmdlet(VerbsCommon.Get, "NsPort")]
[OutputType(typeof(NsPortMapping))]
public sealed class GetNsPortCommand : NetNsCmdlet
{
    /// <summary>Only ports of this namespace; wildcards allowed.</summary>
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Name")]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(NetNsPS.Completion.NamespaceCompleter))]
    public string? Namespace { get; set; }

    /// <summary>Only this host port.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(NetNsPS.Completion.PublishedPortCompleter))]
    [PortNumber]
    public ushort? ExternalPort { get; set; }

    /// <summary>Only this protocol.</summary>
    [Parameter]
    public NsProtocol? Protocol { get; set; }

    protected override void Process()
    {
        var filter = Patterns.Wildcard(Namespace ?? "*", nameof(Namespace));
        var snapshot = ReadFirewall();
        // One host port: only its rules are read into mappings (the drivers index them by port), not every mapping's.
        var rules = ExternalPort is { } port
            ? snapshot.RulesOfPorts((Protocol is { } one ? new[] { one } : System.Enum.GetValues<NsProtocol>()).Select(p => (p, port)).ToHashSet())
            : snapshot.Rules;
        foreach (var mapping in NatRules.ReadPorts(rules).Select(p => p.Listed).OfType<NsPortMapping>())
        {
            if (filter.IsMatch(mapping.Namespace) && (ExternalPort is null || mapping.ExternalPort == ExternalPort)
                && (Protocol is null || mapping.Protocol == Protocol))
            {
                Emit(mapping);
            }
        }
    }
}
