using System.IO;
using System.Management.Automation;
using NetNsPS.Internal;
using NetNsPS.Lab;
using NetNsPS.Linux;

namespace NetNsPS.Commands;

/// <summary>
/// Draws a lab (a file, or a deployed lab as its state file has it): Mermaid or Graphviz DOT text to the pipeline, or
/// with -OutFile an SVG made by `dot -Tsvg` (Graphviz; a clear error naming the package when it is not installed).
/// </summary>
[Cmdlet(VerbsCommon.Show, "NsLab", DefaultParameterSetName = "Path")]
[OutputType(typeof(string))]
public sealed class ShowNsLabCommand : NetNsCmdlet
{
    /// <summary>The lab file to draw.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = "Path")]
    public string Path { get; set; } = "";

    /// <summary>A deployed lab to draw; takes NsLab objects (their Name) from the pipeline.</summary>
    [Parameter(Mandatory = true, ParameterSetName = "Name", ValueFromPipelineByPropertyName = true)]
    public string Name { get; set; } = "";

    /// <summary>Mermaid (default) or Dot.</summary>
    [Parameter]
    public LabGraphFormat Format { get; set; } = LabGraphFormat.Mermaid;

    /// <summary>Writes an SVG there through Graphviz's dot (the format is then DOT) instead of text to the pipeline.</summary>
    [Parameter]
    public string? OutFile { get; set; }

    protected override void Process()
    {
        var lab = ParameterSetName == "Name"
            ? (LabStore.Read(Names.Namespace(Name, nameof(Name))) ?? throw GetNsLabCommand.LabNotFound(Name)).Spec
            : LabFile.Load(this, GetUnresolvedProviderPathFromPSPath(Path));
        if (OutFile is null)
        {
            WriteObject(LabGraph.Render(lab, Format));
            return;
        }
        var svg = GetUnresolvedProviderPathFromPSPath(OutFile);
        var result = Runner.Run(new CommandSpec("dot", new[] { "-Tsvg", "-o", svg }, LabGraph.Render(lab, LabGraphFormat.Dot)), CancellationToken);
        if (!result.Succeeded)
        {
            throw new NetNsException($"dot -Tsvg failed: {result.ErrorText}", "DotFailed", ErrorCategory.InvalidResult, svg);
        }
        WriteObject(new FileInfo(svg));
    }
}
