using System;
using System.Collections.Generic;
using System.IO;
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
    /// <summary>The namespaces to run in, one after another; takes names, NetNamespace objects (their Name) and objects with a Namespace property from the pipeline.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("Name")]
    [ArgumentCompleter(typeof(NetNsPS.Completion.NamespaceCompleter))]
    [AllowEmptyString]
    public string[] Namespace { get; set; } = System.Array.Empty<string>();

    /// <summary>The program, such as ping or curl.</summary>
    [Parameter(Mandatory = true, Position = 1)]
    [AllowEmptyString]
    public string Command { get; set; } = "";

    /// <summary>The program's arguments, passed as they are (no shell).</summary>
    [Parameter(Position = 2, ValueFromRemainingArguments = true)]
    [Alias("Args")]
    public string[] ArgumentList { get; set; } = System.Array.Empty<string>();

    protected override bool ChangesState => true;

    protected override void Process() => ForEachItem(Namespace, InvokeIn);

    /// <summary>Runs the program in one namespace of -Namespace.</summary>
    private void InvokeIn(string item)
    {
        var ns = Names.Namespace(item, nameof(Namespace));
        if (string.IsNullOrEmpty(Command))
        {
            throw new NetNsException("Command is empty: name the program to run, such as ping.", "EmptyCommand", ErrorCategory.InvalidArgument, Command);
        }
        RequireNamespace(ns);
        if (!IsProgram(Command))
        {
            // Checked here rather than left to ip netns exec, whose "exec of ... failed" came back as a
            // NativeCommandFailed error of category FromStdErr that did not say what the parameter takes.
            throw new NetNsException(
                $"Command '{Names.Show(Command)}' is not a program on PATH nor an executable file: give the program's name, such as ping, or its full path, and its arguments after it (Invoke-NsCommand {ns} ping -c 1 192.168.15.1); no shell is involved.",
                "CommandNotFound", ErrorCategory.ObjectNotFound, Command);
        }
        var command = Ip.Exec(ns, new[] { Command }.Concat(ArgumentList));
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
            throw new NetNsException($"'{Names.Show(Command)}' in namespace '{ns}' exited with code {exitCode}{detail}",
                "NativeCommandFailed", ErrorCategory.FromStdErr, line);
        }
    }

    /// <summary>What `ip netns exec` can run: a file given by path, or a name found on PATH as execvp looks it up.</summary>
    internal static bool IsProgram(string command)
    {
        if (command.Contains('/'))
        {
            return File.Exists(command);
        }
        var path = Environment.GetEnvironmentVariable("PATH") ?? "";
        return path.Split(':', StringSplitOptions.RemoveEmptyEntries).Any(dir => File.Exists(Path.Combine(dir, command)));
    }
}
