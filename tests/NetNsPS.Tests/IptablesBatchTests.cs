using NetNsPS.Linux.Firewall.Iptables;
using NetNsPS.Operations;
using System.Linq;
using NetNsPS.Linux;
using NetNsPS.Linux.Firewall;
using Xunit;

namespace NetNsPS.Tests;

[Collection("Environment")]
public class IptablesBatchTests
{
    private static Plan MixedPlan() => new Plan()
        .Add(IptablesDriver.Iptables(FirewallTable.Nat, "-N", "NETNSPS-POSTROUTING"))
        .Add(IptablesDriver.Iptables(FirewallTable.Nat, "-A", "POSTROUTING", "-j", "NETNSPS-POSTROUTING"))
        .Add(IptablesDriver.Iptables(FirewallTable.Nat, "-A", "NETNSPS-POSTROUTING", "-m", "comment", "--comment", "a b", "-j", "MASQUERADE"))
        .Add(IptablesDriver.Iptables(FirewallTable.Filter, "-N", "NETNSPS-FORWARD"))
        .Add(Sysctl.Write(Sysctl.IpForward, "1"));

    [Fact]
    public void ConsecutiveIptablesChanges_FormOneGroup_WhateverTheirTable()
    {
        var steps = MixedPlan().Steps;
        Assert.Equal(4, PlanExecutor.GroupLength(steps, 0, failAt: 0));
        Assert.Equal(1, PlanExecutor.GroupLength(steps, 4, failAt: 0));
    }

    [Fact]
    public void Ip6tablesChanges_AreABatchOfTheirOwn()
    {
        var steps = new Plan()
            .Add(IptablesDriver.Iptables(FirewallTable.Nat, "-N", "X"))
            .Add(IptablesDriver.Command(true, FirewallTable.Nat, "-N", "X"))
            .Add(IptablesDriver.Command(true, FirewallTable.Filter, "-N", "Y")).Steps;
        Assert.Equal(1, PlanExecutor.GroupLength(steps, 0, failAt: 0));
        Assert.Equal(2, PlanExecutor.GroupLength(steps, 1, failAt: 0));
    }

    [Fact]
    public void AnInjectedFault_SplitsTheGroupAtThatStep() =>
        Assert.Equal(1, PlanExecutor.GroupLength(MixedPlan().Steps, 0, failAt: 2));

    [Fact]
    public void Restore_WritesASectionPerTableWithQuotesWhereNeeded()
    {
        var restore = IptablesBatch.Restore(MixedPlan().Steps.Take(4).Select(s => s.Command).ToList());
        Assert.Equal("iptables-restore", restore.Program);
        Assert.Equal(new[] { "-w", "--noflush" }, restore.Arguments);
        Assert.Equal("*nat\n-N NETNSPS-POSTROUTING\n-A POSTROUTING -j NETNSPS-POSTROUTING\n-A NETNSPS-POSTROUTING -m comment --comment \"a b\" -j MASQUERADE\nCOMMIT\n"
            + "*filter\n-N NETNSPS-FORWARD\nCOMMIT\n", restore.StandardInput);
    }

    [Fact]
    public void Restore_KeepsThePlansOrder_ATableComingBackIsASectionAgain()
    {
        var commands = new[]
        {
            IptablesDriver.Iptables(FirewallTable.Nat, "-N", "A"),
            IptablesDriver.Iptables(FirewallTable.Filter, "-N", "B"),
            IptablesDriver.Iptables(FirewallTable.Filter, "-A", "B", "-j", "RETURN"),
            IptablesDriver.Iptables(FirewallTable.Nat, "-X", "A"),
        };
        Assert.Equal(new[] { 1, 2, 1 }, IptablesBatch.Sections(commands).Select(s => s.Count));
        Assert.Equal("*nat\n-N A\nCOMMIT\n*filter\n-N B\n-A B -j RETURN\nCOMMIT\n*nat\n-X A\nCOMMIT\n", IptablesBatch.Restore(commands).StandardInput);
    }

    [Theory]
    // Lines: 1 *nat, 2 -N A, 3 COMMIT, 4 *filter, 5 -N B, 6 -A B, 7 COMMIT, 8 *nat, 9 -X A, 10 COMMIT.
    [InlineData("iptables-restore v1.8.9 (nf_tables): Chain 'NOSUCH' does not exist\nError occurred at line: 7\nTry `iptables-restore -h' or 'iptables-restore --help' for more information.", 1)]
    [InlineData("iptables-restore v1.8.9 (nf_tables): Chain 'NOSUCH' does not exist\nError occurred at line: 6\n", 1)]
    [InlineData("iptables-restore: line 10 failed\n", 3)]
    [InlineData("iptables-restore: line 2 failed\n", 0)]
    [InlineData("iptables-restore: line 3 failed\n", 0)]
    [InlineData("Another app is currently holding the xtables lock. Stopped waiting after 5s.\n", 0)]
    [InlineData("", 0)]
    public void AFailedRestore_LeavesTheSectionsCommittedBeforeTheLineItNames(string stderr, int applied)
    {
        var commands = new[]
        {
            IptablesDriver.Iptables(FirewallTable.Nat, "-N", "A"),
            IptablesDriver.Iptables(FirewallTable.Filter, "-N", "B"),
            IptablesDriver.Iptables(FirewallTable.Filter, "-A", "B", "-j", "NOSUCH"),
            IptablesDriver.Iptables(FirewallTable.Nat, "-X", "A"),
        };
        Assert.Equal(applied, IptablesBatch.AppliedOnFailure(commands, new ProcessResult(2, "", stderr)));
    }

    [Fact]
    public void Executor_RunsAGroupAsOneProcess_AndRollsBackEarlierGroupsOnFailure()
    {
        var runner = new FakeRunner(c => c.Program == "sysctl" ? new ProcessResult(1, "", "sysctl: permission denied") : new ProcessResult(0, "", ""));
        var plan = new Plan()
            .Add(IptablesDriver.Iptables(FirewallTable.Nat, "-N", "X"), IptablesDriver.Iptables(FirewallTable.Nat, "-X", "X"))
            .Add(IptablesDriver.Iptables(FirewallTable.Nat, "-A", "X", "-j", "RETURN"), IptablesDriver.Iptables(FirewallTable.Nat, "-D", "X", "-j", "RETURN"))
            .Add(Sysctl.Write(Sysctl.IpForward, "1"));
        Assert.Throws<NetNsException>(() => new PlanExecutor(runner, _ => { }, default).Execute(plan, _ => true));
        Assert.Equal(new[]
        {
            "iptables-restore -w --noflush <<'EOF'\n*nat\n-N X\n-A X -j RETURN\nCOMMIT\nEOF",
            "sysctl -w net.ipv4.ip_forward=1",
            "iptables -w -t nat -D X -j RETURN",
            "iptables -w -t nat -X X",
        }, runner.Ran);
    }

    [Fact]
    public void Executor_UndoesTheSectionsAFailedRestoreCommitted_AndNotTheOthers()
    {
        // The kernel refuses filter's section (line 7): nat's first section is in, the last never ran.
        var runner = new FakeRunner(c => c.Program == "iptables-restore"
            ? new ProcessResult(2, "", "iptables-restore v1.8.9 (nf_tables): Chain 'NOSUCH' does not exist\nError occurred at line: 7\n")
            : new ProcessResult(0, "", ""));
        var plan = new Plan()
            .Add(IptablesDriver.Iptables(FirewallTable.Nat, "-N", "A"), IptablesDriver.Iptables(FirewallTable.Nat, "-X", "A"))
            .Add(IptablesDriver.Iptables(FirewallTable.Filter, "-N", "B"), IptablesDriver.Iptables(FirewallTable.Filter, "-X", "B"))
            .Add(IptablesDriver.Iptables(FirewallTable.Filter, "-A", "B", "-j", "NOSUCH"), IptablesDriver.Iptables(FirewallTable.Filter, "-D", "B", "-j", "NOSUCH"))
            .Add(IptablesDriver.Iptables(FirewallTable.Nat, "-N", "C"), IptablesDriver.Iptables(FirewallTable.Nat, "-X", "C"));
        var e = Assert.Throws<NetNsException>(() => new PlanExecutor(runner, _ => { }, default).Execute(plan, _ => true));
        Assert.Equal("CommandFailed", e.ErrorId);
        Assert.Equal(new[]
        {
            "iptables-restore -w --noflush <<'EOF'\n*nat\n-N A\nCOMMIT\n*filter\n-N B\n-A B -j NOSUCH\nCOMMIT\n*nat\n-N C\nCOMMIT\nEOF",
            "iptables -w -t nat -X A",
        }, runner.Ran);
    }
}
