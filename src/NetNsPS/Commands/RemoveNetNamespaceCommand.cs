using System;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using NetNsPS.Internal;
using NetNsPS.Linux;

namespace NetNsPS.Commands;

/// <summary>
/// Deletes named network namespaces (ip netns delete). The kernel removes their interfaces, and with
/// them the host ends of their veth pairs. A namespace that is already gone is not an error.
/// </summary>
[Cmdlet(VerbsCommon.Remove, "NetNamespace", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(void))]
public sealed class RemoveNetNamespaceCommand : NetNsCmdlet
{
    /// <summary>Names of the namespaces to delete; takes Get-NetNamespace output from the pipeline.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Namespace")]
    [ArgumentCompleter(typeof(NetNsPS.Completion.NamespaceCompleter))]
    public string[] Name { get; set; } = System.Array.Empty<string>();

    private readonly List<string> _hostEnds = new();

    protected override bool ChangesState => true;

    protected override void Process()
    {
        ForEachItem(Name, raw =>
        {
            var name = Names.Namespace(raw, nameof(Name));
            if (!NetState.NamespaceExists(name))
            {
                WriteVerbose($"Namespace '{name}' does not exist; nothing to remove.");
                return;
            }
            var hostEnds = State.Links(name).Where(l => l.IsVeth).Select(l => VethPairs.HostEnd(State, l)?.Name).OfType<string>().ToList();
            if (Apply(new Plan().Add(Ip.DeleteNamespace(name))))
            {
                _hostEnds.AddRange(hostEnds);
            }
        });
    }

    /// <summary>
    /// The kernel dismantles a deleted namespace in the background; wait (once, for the whole pipeline) until the
    /// host ends of its veths are gone, so what runs next sees the teardown finished.
    /// </summary>
    protected override void End()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (_hostEnds.Count > 0)
        {
            State.Invalidate();
            var present = State.Links(null).Select(l => l.Name).ToHashSet();
            _hostEnds.RemoveAll(n => !present.Contains(n));
            if (_hostEnds.Count == 0)
            {
                return;
            }
            if (DateTime.UtcNow > deadline)
            {
                WriteWarning($"The kernel is still removing {string.Join(", ", _hostEnds)}; they disappear when the deleted namespaces are released.");
                return;
            }
            CancellationToken.WaitHandle.WaitOne(2);
        }
    }
}
