using NetNsPS.Operations;
using System.Management.Automation;
using NetNsPS.Internal;
using NetNsPS.Linux;

namespace NetNsPS.Commands;

/// <summary>
/// Deletes a veth pair by its namespace end (ip -n NS link delete NAME); the kernel removes the host end too.
/// A pair that is already gone is not an error.
/// </summary>
[Cmdlet(VerbsCommon.Remove, "VethPair", SupportsShouldProcess = true, DefaultParameterSetName = "ByName")]
[OutputType(typeof(void))]
public sealed class RemoveVethPairCommand : NetNsCmdlet
{
    /// <summary>The namespace that holds the pair's inner end; takes NetNamespace objects or names from the pipeline.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ParameterSetName = "ByName")]
    [ArgumentCompleter(typeof(NetNsPS.Completion.NamespaceCompleter))]
    [AllowEmptyString]
    public string Namespace { get; set; } = "";

    /// <summary>The inner end's name; default veth-NAMESPACE.</summary>
    [Parameter(ParameterSetName = "ByName")]
    [ArgumentCompleter(typeof(NetNsPS.Completion.VethNameCompleter))]
    public string? Name { get; set; }

    /// <summary>A pair from Get-VethPair or Add-VethPair.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true, ParameterSetName = "InputObject")]
    public VethPair? InputObject { get; set; }

    protected override bool ChangesState => true;

    protected override void Process()
    {
        var ns = Names.Namespace(InputObject?.Namespace ?? Namespace, nameof(Namespace));
        var name = Names.Interface(InputObject?.Name ?? Name ?? $"veth-{ns}", nameof(Name));
        if (!State.NamespaceExists(ns))
        {
            WriteVerbose($"Namespace '{ns}' does not exist, so neither does its veth '{name}'.");
            return;
        }
        var plan = VethPlanner.Remove(State, ns, name);
        if (plan.IsEmpty)
        {
            WriteVerbose($"'{name}' does not exist in namespace '{ns}'; nothing to remove.");
            return;
        }
        Apply(plan);
    }
}
