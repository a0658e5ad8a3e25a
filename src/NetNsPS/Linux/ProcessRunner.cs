using System;
using System.Collections.Concurrent;
using System.IO;
using System.Threading;
using CliWrap;
using CliWrap.Buffered;
using CliWrap.EventStream;

namespace NetNsPS.Linux;

/// <summary>The only place that starts processes: CliWrap with argument arrays, no shell.</summary>
public sealed class ProcessRunner : IProcessRunner
{
    public static readonly ProcessRunner Instance = new();

    private static readonly ConcurrentDictionary<(string Program, string Path), string> Resolved = new();

    public ProcessResult Run(CommandSpec command, CancellationToken cancellationToken)
    {
        var path = ResolveProgram(command.Program);
        var cli = Cli.Wrap(path)
            .WithArguments(command.Arguments)
            .WithValidation(CommandResultValidation.None)
            // A fixed locale keeps the kernel's and tools' words parseable and searchable.
            .WithEnvironmentVariables(env => env.Set("LC_ALL", "C"));
        if (command.StandardInput is not null)
        {
            cli = cli.WithStandardInputPipe(PipeSource.FromString(command.StandardInput));
        }
        try
        {
            // Sync over async is safe here: cmdlets run without a synchronization context.
            var result = cli.ExecuteBufferedAsync(cancellationToken).GetAwaiter().GetResult();
            return new ProcessResult(result.ExitCode, result.StandardOutput, result.StandardError);
        }
        catch (OperationCanceledException)
        {
            throw;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException or InvalidOperationException)
        {
            throw new NetNsException(
                $"Could not start '{command.Program}': {e.Message}",
                "ProgramStartFailed",
                System.Management.Automation.ErrorCategory.OpenError,
                command.Program);
        }
    }

    /// <summary>
    /// Runs a program and hands each output line to a callback on the calling thread as it arrives
    /// (so a cmdlet may write it), then returns the exit code.
    /// </summary>
    public static int Stream(CommandSpec command, Action<string> onOutput, Action<string> onError,
        CancellationToken cancellationToken, System.Collections.Generic.IReadOnlyDictionary<string, string?>? environment = null)
    {
        var cli = Cli.Wrap(ResolveProgram(command.Program))
            .WithArguments(command.Arguments)
            .WithValidation(CommandResultValidation.None);
        if (environment is not null)
        {
            cli = cli.WithEnvironmentVariables(environment);
        }
        if (command.StandardInput is not null)
        {
            cli = cli.WithStandardInputPipe(PipeSource.FromString(command.StandardInput));
        }
        var exitCode = -1;
        var events = cli.ListenAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
        try
        {
            while (events.MoveNextAsync().AsTask().GetAwaiter().GetResult())
            {
                switch (events.Current)
                {
                    case StandardOutputCommandEvent o:
                        onOutput(o.Text);
                        break;
                    case StandardErrorCommandEvent e:
                        onError(e.Text);
                        break;
                    case ExitedCommandEvent x:
                        exitCode = x.ExitCode;
                        break;
                }
            }
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException)
        {
            throw new NetNsException($"Could not start '{command.Program}': {e.Message}", "ProgramStartFailed",
                System.Management.Automation.ErrorCategory.OpenError, command.Program);
        }
        finally
        {
            events.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
        return exitCode;
    }

    /// <summary>Finds a program on PATH; a missing one is named together with the Debian package that provides it.</summary>
    public static string ResolveProgram(string program)
    {
        if (program.Contains('/'))
        {
            return program;
        }
        var pathVariable = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        // Only a hit is remembered, and only while the file is still there: a program installed or removed while
        // pwsh runs (apt-get in another shell) is seen at once, never reported as missing, or as there, from memory.
        if (Resolved.TryGetValue((program, pathVariable), out var known) && File.Exists(known))
        {
            return known;
        }
        foreach (var dir in pathVariable.Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, program);
            if (File.Exists(candidate))
            {
                Resolved[(program, pathVariable)] = candidate;
                return candidate;
            }
        }
        Resolved.TryRemove((program, pathVariable), out _);
        throw MissingProgram(program);
    }

    public static NetNsException MissingProgram(string program)
    {
        var package = DebianPackages.For(program);
        return new NetNsException(
            $"The program '{program}' was not found on PATH. Install it with: apt-get install {package}",
            "ProgramNotFound",
            System.Management.Automation.ErrorCategory.ObjectNotFound,
            program);
    }
}
