using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using System.Text;
using NetNsPS.Internal;
using NetNsPS.Linux;

namespace NetNsPS.Commands;

/// <summary>
/// Runs a script block in a new pwsh inside a throwaway network + mount namespace with NetNsPS imported
/// (unshare --net --mount), and returns its output as deserialized objects, its errors as errors.
/// Whatever the block builds disappears when it ends; the host's interfaces, routes, firewall and sysctls are never touched.
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "NsSandbox")]
[OutputType(typeof(PSObject))]
public sealed class InvokeNsSandboxCommand : NetNsCmdlet
{
    // Runs in the sandboxed pwsh: prepare the sandbox, then the user's block with all streams merged and marked.
    private const string Bootstrap = """
        $ErrorActionPreference = 'Stop'
        Import-Module $env:NETNSPS_SANDBOX_MODULE
        [NetNsPS.Linux.Sandbox]::Enter()
        # The block is parsed at the line and column, and in the file, where the caller wrote it: errors and stack
        # traces inside name the caller's own lines.
        $__netnsps_text = ("`n" * ([int]$env:NETNSPS_SANDBOX_LINE - 1)) + (' ' * ([int]$env:NETNSPS_SANDBOX_COLUMN - 1)) +
            [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($env:NETNSPS_SANDBOX_SCRIPT))
        $__netnsps_file = if ($env:NETNSPS_SANDBOX_FILE) { $env:NETNSPS_SANDBOX_FILE } else { $null }
        $__netnsps_errors = $null
        $__netnsps_block = [Management.Automation.Language.Parser]::ParseInput($__netnsps_text, $__netnsps_file, [ref]$null, [ref]$__netnsps_errors).GetScriptBlock()
        $__netnsps_args = @([Management.Automation.PSSerializer]::Deserialize([Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($env:NETNSPS_SANDBOX_ARGS))))
        Remove-Item env:NETNSPS_SANDBOX_SCRIPT, env:NETNSPS_SANDBOX_ARGS, env:NETNSPS_SANDBOX_MODULE, env:NETNSPS_SANDBOX_LINE, env:NETNSPS_SANDBOX_COLUMN
        Remove-Item env:NETNSPS_SANDBOX_FILE -ErrorAction SilentlyContinue
        if ($env:NETNSPS_SANDBOX_VERBOSE -eq '1') { $VerbosePreference = 'Continue' }
        Remove-Item env:NETNSPS_SANDBOX_VERBOSE -ErrorAction SilentlyContinue
        $ErrorActionPreference = 'Continue'
        # The frames a stack trace of the block ends with that are this script's, not the user's.
        $__netnsps_frames = @(Get-PSCallStack).Count
        try {
            & $__netnsps_block @__netnsps_args 2>&1 3>&1 4>&1 5>&1 | ForEach-Object { [NetNsPS.Linux.SandboxProtocol]::Emit($_, $__netnsps_text, $__netnsps_frames) }
        } catch {
            [NetNsPS.Linux.SandboxProtocol]::Emit($_, $__netnsps_text, $__netnsps_frames)
            exit 1
        }
        exit 0
        """;

    /// <summary>The script to run inside the sandbox. It sees none of the caller's variables: pass values with -ArgumentList.</summary>
    [Parameter(Mandatory = true, Position = 0)]
    public ScriptBlock ScriptBlock { get; set; } = null!;

    /// <summary>Arguments for the script block's param() block; they cross into the sandbox serialized.</summary>
    [Parameter(Position = 1, ValueFromRemainingArguments = true)]
    [Alias("Args")]
    public object[] ArgumentList { get; set; } = Array.Empty<object>();

    protected override bool ChangesState => true;

    protected override void Process()
    {
        var modulePath = ModuleManifestPath();
        var start = BlockStart(ScriptBlock);
        var origin = new ErrorOrigin(ScriptBlock, name =>
            (name is null ? null : InvokeCommand.GetCommand(name, CommandTypes.Cmdlet | CommandTypes.Function | CommandTypes.Alias)) ?? MyInvocation.MyCommand);
        var environment = new Dictionary<string, string?>
        {
            ["NETNSPS_SANDBOX_MODULE"] = modulePath,
            ["NETNSPS_SANDBOX_SCRIPT"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(ScriptBlock.ToString())),
            ["NETNSPS_SANDBOX_ARGS"] = Convert.ToBase64String(Encoding.UTF8.GetBytes(PSSerializer.Serialize(ArgumentList, 3))),
            ["NETNSPS_SANDBOX_VERBOSE"] = MyInvocation.BoundParameters.ContainsKey("Verbose") ? "1" : "0",
            ["NETNSPS_SANDBOX_FILE"] = ScriptBlock.File,
            ["NETNSPS_SANDBOX_LINE"] = start.Line.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["NETNSPS_SANDBOX_COLUMN"] = start.Column.ToString(System.Globalization.CultureInfo.InvariantCulture),
            [Sandbox.ParentNetnsVariable] = Sandbox.CurrentNetns(),
            [Sandbox.MarkerVariable] = null,
        };
        var arguments = new List<string> { "--net", "--mount", "--propagation", "private", "--" };
        arguments.AddRange(PwshCommandLine());
        arguments.AddRange(new[] { "-NoProfile", "-NonInteractive", "-NoLogo", "-OutputFormat", "Text", "-Command", Bootstrap });
        var sawError = false;
        var stderr = new List<string>();
        var exitCode = ProcessRunner.Stream(new CommandSpec("unshare", arguments), line =>
        {
            if (!SandboxProtocol.TryParse(line, out var kind, out var payload))
            {
                Host.UI.WriteLine(line);
                return;
            }
            switch (kind)
            {
                case SandboxProtocol.Kind.Output:
                    WriteObject(PSSerializer.Deserialize(payload));
                    break;
                case SandboxProtocol.Kind.Error:
                    sawError = true;
                    WriteError(SandboxProtocol.ToErrorRecord(System.Text.Json.JsonSerializer.Deserialize<SandboxProtocol.ErrorPayload>(payload)!, origin));
                    break;
                case SandboxProtocol.Kind.Warning:
                    WriteWarning(payload);
                    break;
                case SandboxProtocol.Kind.Verbose:
                    WriteVerbose(payload);
                    break;
                case SandboxProtocol.Kind.Debug:
                    WriteDebug(payload);
                    break;
            }
        }, stderr.Add, CancellationToken, environment);
        if (exitCode != 0 && !sawError)
        {
            throw new NetNsException($"The sandbox exited with code {exitCode}: {string.Join(Environment.NewLine, stderr)}",
                "SandboxFailed", ErrorCategory.InvalidResult, exitCode);
        }
        foreach (var line in stderr)
        {
            Host.UI.WriteErrorLine(line);
        }
    }

    /// <summary>
    /// Where the block's text (ScriptBlock.ToString(): what is inside the braces of a literal) starts in the caller's
    /// script: just after the brace of a literal, at the start of a block made from a string.
    /// </summary>
    internal static (int Line, int Column) BlockStart(ScriptBlock block)
    {
        var extent = block.Ast.Extent;
        var literal = extent.Text.StartsWith('{') && block.ToString() != extent.Text;
        return (extent.StartLineNumber, extent.StartColumnNumber + (literal ? 1 : 0));
    }

    /// <summary>The manifest this module was loaded from (falls back to the assembly when imported by DLL).</summary>
    private string ModuleManifestPath()
    {
        var assembly = typeof(InvokeNsSandboxCommand).Assembly.Location;
        var manifest = Path.Combine(Path.GetDirectoryName(assembly) ?? ".", "NetNsPS.psd1");
        return File.Exists(manifest) ? manifest : assembly;
    }

    /// <summary>How to start the same pwsh that runs us: its own executable, or `dotnet pwsh.dll` for the dotnet tool.</summary>
    private static IEnumerable<string> PwshCommandLine()
    {
        var process = Environment.ProcessPath ?? "pwsh";
        if (Path.GetFileNameWithoutExtension(process) == "dotnet")
        {
            var psHome = Path.GetDirectoryName(typeof(PSObject).Assembly.Location) ?? ".";
            return new[] { process, Path.Combine(psHome, "pwsh.dll") };
        }
        return new[] { process };
    }
}
