using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;

namespace NetNsPS.Linux;

/// <summary>Runs a plan step by step; when a step fails, undoes the steps already done, newest first.</summary>
public sealed class PlanExecutor
{
    /// <summary>For tests: "k" makes the k-th command of every operation fail as if the kernel refused it.</summary>
    public const string FaultInjectionVariable = "NETNSPS_TEST_FAIL_STEP";

    private readonly IProcessRunner _runner;
    private readonly Action<string> _verbose;
    private readonly CancellationToken _token;

    public PlanExecutor(IProcessRunner runner, Action<string> verbose, CancellationToken token)
    {
        _runner = runner;
        _verbose = verbose;
        _token = token;
    }

    /// <summary>Runs every step; on failure rolls back and throws the first step's error with the kernel's words.</summary>
    public void Execute(Plan plan, Func<PlanStep, bool> confirm)
    {
        var failAt = FaultInjectionStep();
        var done = new List<PlanStep>();
        var i = 0;
        while (i < plan.Steps.Count)
        {
            // Consecutive iptables changes to one table go to the kernel as one atomic iptables-restore.
            var count = IptablesBatch.GroupLength(plan.Steps, i, failAt);
            var group = plan.Steps.Skip(i).Take(count).ToList();
            foreach (var step in group)
            {
                if (!confirm(step))
                {
                    Rollback(done);
                    throw new NetNsException("The operation was declined; what it had done was undone.", "OperationDeclined",
                        System.Management.Automation.ErrorCategory.OperationStopped, step.Command.Render());
                }
            }
            var command = count == 1 ? group[0].Command : IptablesBatch.Restore(group.Select(g => g.Command));
            if (count > 1)
            {
                _verbose($"(the {count} iptables commands above run as one: iptables-restore -w --noflush)");
            }
            ProcessResult result;
            try
            {
                result = i + 1 == failAt
                    ? new ProcessResult(2, string.Empty, $"injected fault at step {failAt} ({FaultInjectionVariable})")
                    : _runner.Run(command, _token);
            }
            catch (Exception)
            {
                // Cancellation (Ctrl+C) or a program that would not start: leave nothing half-built.
                Rollback(done);
                throw;
            }
            if (!result.Succeeded)
            {
                Rollback(done);
                throw new NetNsException($"{command.Render()}: {result.ErrorText}", "CommandFailed",
                    KernelErrors.Categorize(result.ErrorText), command.Render());
            }
            done.AddRange(group);
            i += count;
        }
    }

    private void Rollback(List<PlanStep> done)
    {
        for (var i = done.Count - 1; i >= 0; i--)
        {
            var undo = done[i].Undo;
            if (undo is null)
            {
                continue;
            }
            _verbose("Rollback: " + undo.Render());
            // Rollback must finish even after Ctrl+C, so it does not take the cancelled token.
            var result = _runner.Run(undo, CancellationToken.None);
            if (!result.Succeeded)
            {
                _verbose($"Rollback step failed: {undo.Render()}: {result.ErrorText}");
            }
        }
    }

    private static int FaultInjectionStep()
    {
        var value = Environment.GetEnvironmentVariable(FaultInjectionVariable);
        return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var k) ? k : 0;
    }
}
