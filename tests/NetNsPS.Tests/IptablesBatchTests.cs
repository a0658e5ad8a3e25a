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
    public void ConsecutiveChangesToOneTable_FormOneGroup()
    {
        var steps = MixedPlan().Steps;
        Assert.Equal(3, PlanExecutor.GroupLength(steps, 0, failAt: 0));
        Assert.Equal(1, PlanExecutor.GroupLength(steps, 3, failAt: 0));
        Assert.Equal(1, PlanExecutor.GroupLength(steps, 4, failAt: 0));
    }

    [Fact]
    public void AnInjectedFault_SplitsTheGroupAtThatStep() =>
        Assert.Equal(1, PlanExecutor.GroupLength(MixedPlan().Steps, 0, failAt: 2));

    [Fact]
    public void Restore_WritesOneTableWithQuotesWhereNeeded()
    {
        var restore = IptablesBatch.Restore(MixedPlan().Steps.Take(3).Select(s => s.Command).ToList());
        Assert.Equal("iptables-restore", restore.Program);
        Assert.Equal(new[] { "-w", "--noflush" }, restore.Arguments);
        Assert.Equal("*nat\n-N NETNSPS-POSTROUTING\n-A POSTROUTING -j NETNSPS-POSTROUTING\n-A NETNSPS-POSTROUTING -m comment --comment \"a b\" -j MASQUERADE\nCOMMIT\n", restore.StandardInput);
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
}
