using NetNsPS.Operations;
using System;
using System.Collections.Generic;
using System.Management.Automation;
using System.Threading;
using NetNsPS.Linux;
using Xunit;

namespace NetNsPS.Tests;

[Collection("Environment")]
public class PlanExecutorTests
{
    private static Plan VethPlan() => new Plan()
        .Add(Ip.AddVethInNamespace("veth-red", "red", "veth-red-br"), Ip.DeleteLink(null, "veth-red-br"))
        .Add(Ip.SetMaster("veth-red-br", "bridge0"))
        .Add(Ip.SetUp("red", "veth-red"))
        .Add(Ip.SetUp(null, "veth-red-br"));

    /// <summary>The same plan as two objects: the pair (created and attached), then its ends brought up.</summary>
    private static Plan TwoObjectPlan() => new Plan()
        .About("veth pair 'veth-red'")
        .Add(Ip.AddVethInNamespace("veth-red", "red", "veth-red-br"), Ip.DeleteLink(null, "veth-red-br"))
        .Add(Ip.SetMaster("veth-red-br", "bridge0"))
        .About("its ends")
        .Add(Ip.SetUp("red", "veth-red"))
        .Add(Ip.SetUp(null, "veth-red-br"));

    [Fact]
    public void Confirm_IsAskedOncePerObject_WithAllItsCommands_AndVerboseShowsEachCommand()
    {
        var runner = new FakeRunner();
        var asked = new List<PlanObject>();
        var verbose = new List<string>();
        new PlanExecutor(runner, verbose.Add, default).Execute(TwoObjectPlan(), o => { asked.Add(o); return true; });
        Assert.Equal(new[] { "veth pair 'veth-red'", "its ends" }, asked.ConvertAll(o => o.Subject));
        Assert.Equal(2, asked[0].Steps.Count);
        Assert.Equal(runner.Ran, verbose);
    }

    [Fact]
    public void AllStepsSucceed_RunsThemInOrder()
    {
        var runner = new FakeRunner();
        new PlanExecutor(runner, _ => { }, default).Execute(VethPlan(), _ => true);
        Assert.Equal(new[]
        {
            "ip link add veth-red netns red type veth peer name veth-red-br",
            "ip link set veth-red-br master bridge0",
            "ip -n red link set veth-red up",
            "ip link set veth-red-br up",
        }, runner.Ran);
    }

    [Fact]
    public void FailingStep_RollsBackDoneStepsNewestFirst_AndKeepsTheKernelsWords()
    {
        var runner = new FakeRunner(c => c.Render().Contains("master")
            ? new ProcessResult(2, "", "Error: argument \"bridge0\" is wrong: Device does not exist")
            : new ProcessResult(0, "", ""));
        var verbose = new List<string>();
        var e = Assert.Throws<NetNsException>(() => new PlanExecutor(runner, verbose.Add, default).Execute(VethPlan(), _ => true));
        Assert.Equal("ip link delete veth-red-br", runner.Ran[^1]);
        Assert.Equal(3, runner.Ran.Count);
        Assert.Contains("Device does not exist", e.Message);
        Assert.StartsWith("ip link set veth-red-br master bridge0:", e.Message);
        Assert.Equal(ErrorCategory.ObjectNotFound, e.Category);
        Assert.Contains("Rollback: ip link delete veth-red-br", verbose);
    }

    [Fact]
    public void Declined_RollsBackAndStops()
    {
        var runner = new FakeRunner();
        var asked = 0;
        var e = Assert.Throws<NetNsException>(() => new PlanExecutor(runner, _ => { }, default).Execute(TwoObjectPlan(), _ => ++asked < 2));
        Assert.Equal("OperationDeclined", e.ErrorId);
        Assert.Equal(new[]
        {
            "ip link add veth-red netns red type veth peer name veth-red-br",
            "ip link set veth-red-br master bridge0",
            "ip link delete veth-red-br",
        }, runner.Ran);
    }

    [Fact]
    public void FaultInjection_FailsTheKthStep()
    {
        var runner = new FakeRunner();
        Environment.SetEnvironmentVariable(PlanExecutor.FaultInjectionVariable, "2");
        try
        {
            var e = Assert.Throws<NetNsException>(() => new PlanExecutor(runner, _ => { }, default).Execute(VethPlan(), _ => true));
            Assert.Contains("injected fault", e.Message);
            Assert.Equal(new[] { "ip link add veth-red netns red type veth peer name veth-red-br", "ip link delete veth-red-br" }, runner.Ran);
        }
        finally
        {
            Environment.SetEnvironmentVariable(PlanExecutor.FaultInjectionVariable, null);
        }
    }

    [Theory]
    [InlineData("RTNETLINK answers: File exists", ErrorCategory.ResourceExists)]
    [InlineData("Cannot find device \"veth-x\"", ErrorCategory.ObjectNotFound)]
    [InlineData("RTNETLINK answers: Operation not permitted", ErrorCategory.PermissionDenied)]
    [InlineData("Error: Nexthop has invalid gateway.", ErrorCategory.InvalidArgument)]
    [InlineData("something else entirely", ErrorCategory.InvalidOperation)]
    public void KernelWords_MapToCategories(string message, ErrorCategory category) =>
        Assert.Equal(category, KernelErrors.Categorize(message));

    [Fact]
    public void CtrlC_DuringAStep_LetsItFinish_ThenUndoesItWithTheOthers()
    {
        // Ctrl+C arrives while "ip link set veth-red-br master bridge0" runs: the kernel does it, so it must be undone too.
        using var cancel = new CancellationTokenSource();
        CancellationToken seen = default;
        var runner = new FakeRunner(c =>
        {
            if (c.Render().Contains("master bridge0"))
            {
                cancel.Cancel();
            }
            return new ProcessResult(0, "", "");
        });
        var plan = new Plan()
            .Add(Ip.AddVethInNamespace("veth-red", "red", "veth-red-br"), Ip.DeleteLink(null, "veth-red-br"))
            .Add(Ip.SetMaster("veth-red-br", "bridge0"), Ip.SetNoMaster("veth-red-br"))
            .Add(Ip.SetUp(null, "veth-red-br"));
        Assert.ThrowsAny<OperationCanceledException>(() => new PlanExecutor(new TokenSpy(runner, t => seen = t), _ => { }, cancel.Token).Execute(plan, _ => true));
        Assert.Equal(new[]
        {
            "ip link add veth-red netns red type veth peer name veth-red-br",
            "ip link set veth-red-br master bridge0",
            "ip link set veth-red-br nomaster",
            "ip link delete veth-red-br",
        }, runner.Ran);
        Assert.False(seen.IsCancellationRequested, "the step was not killed at once");
    }

    [Fact]
    public void CtrlC_BeforeAStep_RunsNothingMore()
    {
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        var runner = new FakeRunner();
        Assert.ThrowsAny<OperationCanceledException>(() => new PlanExecutor(runner, _ => { }, cancel.Token).Execute(VethPlan(), _ => true));
        Assert.Empty(runner.Ran);
    }

    /// <summary>Passes commands on, noting the token each was run with.</summary>
    private sealed class TokenSpy(IProcessRunner inner, Action<CancellationToken> note) : IProcessRunner
    {
        public ProcessResult Run(CommandSpec command, CancellationToken cancellationToken)
        {
            var result = inner.Run(command, cancellationToken);
            note(cancellationToken);
            return result;
        }
    }

    [Fact]
    public void APipelineStoppedWhileAsking_StillRollsBack_EvenWhenVerboseThrowsToo()
    {
        // PowerShell.Stop(): ShouldProcess and WriteVerbose throw PipelineStoppedException before the token is cancelled.
        var runner = new FakeRunner();
        var stopped = false;
        Assert.Throws<PipelineStoppedException>(() => new PlanExecutor(runner, _ => { if (stopped) throw new PipelineStoppedException(); }, default)
            .Execute(TwoObjectPlan(), o =>
            {
                if (o.Subject == "its ends")
                {
                    stopped = true;
                    throw new PipelineStoppedException();
                }
                return true;
            }));
        Assert.Equal(new[] { "ip link add veth-red netns red type veth peer name veth-red-br", "ip link set veth-red-br master bridge0", "ip link delete veth-red-br" }, runner.Ran);
    }
}
