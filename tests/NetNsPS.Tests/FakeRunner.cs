using System;
using System.Collections.Generic;
using System.Threading;
using NetNsPS.Linux;

namespace NetNsPS.Tests;

/// <summary>Records the commands it is asked to run and answers from a script of results.</summary>
internal sealed class FakeRunner : IProcessRunner
{
    private readonly Func<CommandSpec, ProcessResult> _answer;

    public FakeRunner(Func<CommandSpec, ProcessResult>? answer = null) =>
        _answer = answer ?? (_ => new ProcessResult(0, "", ""));

    public List<string> Ran { get; } = new();

    public ProcessResult Run(CommandSpec command, CancellationToken cancellationToken)
    {
        Ran.Add(command.Render());
        return _answer(command);
    }
}
