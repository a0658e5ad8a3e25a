using NetNsPS.Linux;
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;

namespace NetNsPS.Operations;

/// <summary>Runs a plan step by step; when a step fails, undoes the steps already done, newest first.</summary>
public sealed class PlanExecutor
{
    /// <summary>For tests: "k" makes the k-th command of every operation fail as if the kernel refused it.</summary>
    public const string FaultInjectionVariable = "NETNSPS_TEST_FAIL_STEP";

    /// <summary>How long a step may go on after Ctrl+C before it is killed (the commands take milliseconds).</summary>
    public static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(1);

    private readonly IProcessRunner _runner;
    private readonly Action<string> _verbose;
    private readonly CancellationToken _token;

    public PlanExecutor(IProcessRunner runner, Action<string> verbose, CancellationToken token)
    {
        _runner = runner;
        _verbose = verbose;
        _token = token;
    }

    /// <summary>
    /// Runs every step; on failure rolls back and throws the first step's error with the kernel's words.
    /// <paramref name="confirm"/> is asked once per object (<see cref="Plan.Objects"/>), before its first step runs.
    /// </summary>
    public void Execute(Plan plan, Func<PlanObject, bool> confirm) => Execute(plan, confirm, new List<PlanStep>());

    /// <summary>
    /// The same as one part of a larger operation: the steps done go to <paramref name="journal"/>, which holds the
    /// earlier parts' steps, and a failure rolls back all of it (Deploy-NsLab's stages: one rollback for the deploy).
    /// </summary>
    public void Execute(Plan plan, Func<PlanObject, bool> confirm, List<PlanStep> journal)
    {
        var failAt = FaultInjectionStep();
        var objects = plan.Objects();
        var firstStepOf = new Dictionary<int, PlanObject>();
        var index = 0;
        foreach (var o in objects)
        {
            firstStepOf[index] = o;
            index += o.Steps.Count;
        }
        var done = journal;
        var i = 0;
        while (i < plan.Steps.Count)
        {
            // Consecutive commands of one batch (an iptables-restore, an nft transaction) go to the kernel as one.
            var count = GroupLength(plan.Steps, i, failAt);
            var group = plan.Steps.Skip(i).Take(count).ToList();
            var commands = group.Select(g => g.Command).ToList();
            var command = count == 1 ? commands[0] : commands[0].Batch!.Combine(commands);
            try
            {
                for (var k = i; k < i + count; k++)
                {
                    _token.ThrowIfCancellationRequested();
                    if (firstStepOf.TryGetValue(k, out var o) && !confirm(o))
                    {
                        Rollback(done);
                        throw new NetNsException("The operation was declined; what it had done was undone.", "OperationDeclined",
                            System.Management.Automation.ErrorCategory.OperationStopped, o.Subject ?? o.Steps[0].Command.Render());
                    }
                    _verbose(plan.Steps[k].Command.Render());
                }
                if (count > 1)
                {
                    _verbose($"(the {count} commands above run as one: {command.Program} {string.Join(' ', command.Arguments)})");
                }
            }
            catch (Exception e) when (e is not NetNsException)
            {
                // Ctrl+C: PowerShell stops a pipeline by throwing PipelineStoppedException from ShouldProcess and the
                // Write* methods too, not only by cancelling the token: whichever comes first, undo what was done.
                Rollback(done);
                throw;
            }
            ProcessResult result;
            try
            {
                result = i + 1 == failAt
                    ? new ProcessResult(2, string.Empty, $"injected fault at step {failAt} ({FaultInjectionVariable})")
                    : RunStep(command);
            }
            catch (NetNsException e) when (command.BestEffort)
            {
                // A best-effort step that could not even start (its program missing): said, and the plan goes on.
                result = new ProcessResult(127, string.Empty, e.Message);
            }
            catch (Exception)
            {
                // Cancellation (Ctrl+C) or a program that would not start: leave nothing half-built.
                Rollback(done);
                throw;
            }
            if (!result.Succeeded && command.BestEffort && i + 1 != failAt)
            {
                // (An injected fault still fails the plan: it is there to prove the rollback of every step.)
                _verbose($"(best effort, not done: {result.ErrorText.Trim()})");
            }
            else if (!result.Succeeded)
            {
                // A batch that commits in parts (iptables-restore, a table at a time) may have left its first commands in.
                if (count > 1 && commands[0].Batch!.AppliedOnFailure is { } applied)
                {
                    done.AddRange(group.Take(applied(commands, result)));
                }
                Rollback(done);
                throw new NetNsException($"{command.Render()}: {result.ErrorText}", "CommandFailed",
                    KernelErrors.Categorize(result.ErrorText), command.Render());
            }
            done.AddRange(group);
            i += count;
        }
        plan.Applied();
    }

    /// <summary>How many steps from <paramref name="start"/> run as one: a run of the same batch, never spanning an injected fault.</summary>
    public static int GroupLength(IReadOnlyList<PlanStep> steps, int start, int failAt)
    {
        var batch = steps[start].Command.Batch;
        if (batch is null)
        {
            return 1;
        }
        var end = start + 1;
        // A fault injected at step k must hit exactly step k, so a batch never spans it.
        while (end < steps.Count && batch.Equals(steps[end].Command.Batch) && end + 1 != failAt)
        {
            end++;
        }
        return end - start;
    }

    /// <summary>
    /// Runs one step. Ctrl+C does not kill it at once: killed mid-way, `ip link add` may have done its work in the
    /// kernel without the step counting as done, so the rollback missed it and left a half-built veth pair. The step
    /// gets <see cref="StopGrace"/> to finish; then its outcome is known, it is undone with the others, and the loop
    /// stops before the next step. Only a step that hangs past the grace is killed.
    /// </summary>
    private ProcessResult RunStep(CommandSpec command)
    {
        using var grace = new CancellationTokenSource();
        using var stop = _token.Register(() => grace.CancelAfter(StopGrace));
        return _runner.Run(command, grace.Token);
    }

    /// <summary>Undoes the steps done, newest first (what a failure does; public for a journal of several plans).</summary>
    public void Rollback(List<PlanStep> done)
    {
        for (var i = done.Count - 1; i >= 0; i--)
        {
            var undo = done[i].Undo;
            if (undo is null)
            {
                continue;
            }
            Say("Rollback: " + undo.Render());
            // Rollback must finish even after Ctrl+C, so it does not take the cancelled token.
            var result = _runner.Run(undo, CancellationToken.None);
            if (!result.Succeeded)
            {
                Say($"Rollback step failed: {undo.Render()}: {result.ErrorText}");
            }
        }
    }

    /// <summary>Writes to -Verbose; while the pipeline is being stopped that throws, and the rollback must go on regardless.</summary>
    private void Say(string text)
    {
        try
        {
            _verbose(text);
        }
        catch (Exception)
        {
        }
    }

    private static int FaultInjectionStep()
    {
        var value = Environment.GetEnvironmentVariable(FaultInjectionVariable);
        return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var k) ? k : 0;
    }
}
