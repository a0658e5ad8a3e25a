using System.IO;
using System.Management.Automation;
using System.Text;
using NetNsPS.Internal;
using NetNsPS.Lab;
using NetNsPS.Linux;

namespace NetNsPS.Commands;

/// <summary>
/// Writes a deployed lab as the system has it now to a lab file (.psd1): what was changed by hand since the deploy is
/// in it. Deploying the file in a fresh sandbox gives the same state. Without -Path the text goes to the pipeline.
/// </summary>
[Cmdlet(VerbsData.Export, "NsLab", SupportsShouldProcess = true)]
[OutputType(typeof(FileInfo), typeof(string))]
public sealed class ExportNsLabCommand : NetNsCmdlet
{
    /// <summary>The deployed lab; takes NsLab objects (their Name) from the pipeline.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    public string Name { get; set; } = "";

    /// <summary>The .psd1 to write (overwritten); without it the file's text is written to the pipeline.</summary>
    [Parameter(Position = 1)]
    public string? Path { get; set; }

    protected override void Process()
    {
        var name = Names.Namespace(Name, nameof(Name));
        var record = LabStore.Read(name) ?? throw GetNsLabCommand.LabNotFound(name);
        var text = $"# Lab '{name}' as exported by Export-NsLab from the live system.\n" + LabData.ToPsd1(LabData.ToData(LabObserver.Observe(State, record.Spec)));
        if (Path is null)
        {
            WriteObject(text);
            return;
        }
        var path = GetUnresolvedProviderPathFromPSPath(Path);
        if (ShouldProcess(path, "Write lab file"))
        {
            File.WriteAllText(path, text, new UTF8Encoding(false));
            WriteObject(new FileInfo(path));
        }
    }
}
