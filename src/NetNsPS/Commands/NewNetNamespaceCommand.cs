using NetNsPS.Operations;
using System.Management.Automation;
using NetNsPS.Internal;
using NetNsPS.Linux;

namespace NetNsPS.Commands;

/// <summary>
/// Creates named network namespaces (ip netns add) and brings their loopback up.
/// An existing namespace is not an error: it is returned as it is, with lo brought up if needed.
/// </summary>
[Cmdlet(VerbsCommon.New, "NetNamespace", SupportsShouldProcess = true)]
[OutputType(typeof(NetNamespace))]
public sealed class NewNetNamespaceCommand : NetNsCmdlet
{
    /// <summary>Names of the namespaces to create, as `ip netns add` takes them.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Namespace")]
    [AllowEmptyString]
    public string[] Name { get; set; } = System.Array.Empty<string>();

    protected override bool ChangesState => true;

    protected override void Process()
    {
        ForEachItem(Name, raw =>
        {
            var name = Names.Namespace(raw, nameof(Name));
            // Scripts side by side may create the same namespace at the same moment: converge on theirs.
            // The output is written after the lock is released: what comes next in the pipeline runs inside WriteObject.
            var applied = false;
            Converge.OnRace(State, () => applied = Ensure(name), IsWhatIf, CancellationToken);
            if (!applied)
            {
                WhatIfLedger.RecordNamespace(name);
                return;
            }
            Emit(ModelFactory.Namespace(name, State.Links(name)));
        });
    }

    /// <summary>Reads, plans and applies; false under -WhatIf.</summary>
    private bool Ensure(string name) => Apply(NamespacePlanner.Ensure(State, name));
}
