using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using NetNsPS.Internal;
using NetNsPS.Linux;

namespace NetNsPS.Commands;

/// <summary>
/// Runs a program inside a namespace (ip netns exec NS COMMAND ARGS...) and writes its output lines as they come.
/// A non-zero exit is an error that names the exit code and the program's error output.
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "NsCommand", SupportsShouldProcess = true)]
[OutputType(typeof(string))]
public sealed class InvokeNsCommandCommand : NetNsCmdlet
{
    /// <summary>The namespace to run in.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [AllowEmptyString]
    public string Namespace { get; set; } = "";

    /// <summary>The program, such as ping or curl.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [AllowEmptyString]
    public string Command { get; set; } = "";

    /// <summary>The program's arguments, passed as they are (no shell).</summary>
    [Parameter(Position = 2, ValueFromRemainingArguments = true)]
    [Alias("Args")]
    public string[] ArgumentList { get; set; } = System.Array.Empty<string>();

    protected override bool ChangesState => true;

    protected override void Process()
    {
        var ns = Names.Namespace(Namespace, nameof(Namespace));
        if (string.IsNullOrEmpty(Command))
        {
            throw new NetNsException("Command is empty: name the program to run, such as ping.", "EmptyCommand", ErrorCategory.InvalidArgument, Command);
        }
        RequireNamespace(ns);
        var command = new CommandSpec("ip", new[] { "netns", "exec", ns, Command }.Concat(ArgumentList));
        var line = command.Render();
        if (!ShouldProcess(line, line, MyInvocation.MyCommand.Name))
        {
            return;
        }
        var errors = new List<string>();
        var exitCode = ProcessRunner.Stream(command, WriteObject, e =>
        {
            errors.Add(e);
            WriteVerbose(e);
        }, CancellationToken);
        if (exitCode != 0)
        {
            var detail = errors.Count == 0 ? "" : ": " + string.Join(" ", errors.TakeLast(5));
            throw new NetNsException($"'{Command}' in namespace '{ns}' exited with code {exitCode}{detail}",
                "NativeCommandFailed", ErrorCategory.FromStdErr, line);
        }
    }
}
