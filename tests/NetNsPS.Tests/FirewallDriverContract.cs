using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using NetNsPS.Internal;
using NetNsPS.Linux;
using NetNsPS.Linux.Firewall;
using NetNsPS.Operations;
using Xunit;

namespace NetNsPS.Tests;

/// <summary>
/// What every firewall driver must do, checked without root: each driver's subclass gives an in-memory kernel that
/// runs the driver's own commands and reads back through the driver's own parser.
/// </summary>
public abstract class FirewallDriverContract
{
    protected abstract IFirewallDriver Driver { get; }

    /// <summary>A firewall holding other tools' rules only: in the built-in chains the module hooks into, and chains of their own.</summary>
    protected abstract FirewallSnapshot Foreign();

    /// <summary>Runs the commands on the kernel double holding what <paramref name="before"/> showed, and reads it back.</summary>
    protected abstract FirewallSnapshot Run(FirewallSnapshot before, IEnumerable<CommandSpec> commands);

    private FirewallSnapshot Apply(FirewallSnapshot before, Plan plan) => Run(before, plan.Steps.Select(s => s.Command));

    private static NsPortMapping Red => new()
    {
        Protocol = NsProtocol.Tcp, ExternalIPAddress = NatRules.AnyAddress, ExternalPort = 8080, Namespace = "red",
        InternalIPAddress = "192.168.15.2", InternalPort = 80, Bridge = "bridge0",
    };

    private static NsPortMapping Blue => new()
    {
        Protocol = NsProtocol.Udp, ExternalIPAddress = "10.0.0.5", ExternalPort = 5353, Namespace = "blue",
        InternalIPAddress = "192.168.15.3", InternalPort = 53, Bridge = "bridge0",
    };

    /// <summary>Every kind of rule the module writes.</summary>
    private static List<FirewallRule> Wanted() =>
        NatRules.Masquerade("bridge0", "192.168.15.0/24").Concat(NatRules.Port(Red)).Concat(NatRules.Port(Blue)).Concat(NatRules.Localnet("bridge0"))
            .Concat(NatRules.BridgeForward("bridge0")).ToList();

    /// <summary>Everybody else's rules, chain by chain, in order, jumps into the module's chains left out.</summary>
    private static string Others(FirewallSnapshot s)
    {
        var r = s.Ruleset;
        return string.Join("\n", r.Chains.Where(c => !c.Owned).OrderBy(c => c.Table + " " + c.Name, StringComparer.Ordinal).Select(c =>
            $"{c.Table} {c.Name} {c.Policy}: " + string.Join(" | ", c.Rules.Where(x => r.Chain(x.Table, x.Target)?.Owned != true).Select(x => x.Text + " #" + x.Comment))));
    }

    /// <summary>The whole firewall, for comparing before and after.</summary>
    private static string Everything(FirewallSnapshot s) =>
        string.Join("\n", s.Ruleset.Chains.OrderBy(c => c.Table + " " + c.Name, StringComparer.Ordinal)
            .Select(c => $"{c.Table} {c.Name} {c.Policy}: " + string.Join(" | ", c.Rules.Select(x => x.Text + " #" + x.Comment))));

    [Fact]
    public void EnsureOnAnEmptyFirewall_MakesExactlyTheRules_EachChainReached()
    {
        var plan = new Plan();
        Driver.PlanEnsure(Driver.Empty(), Wanted(), plan);
        Assert.NotEmpty(plan.Steps);
        var after = Apply(Driver.Empty(), plan);
        Assert.Equal(Wanted().OrderBy(r => r.Tag + r.Hook).ToList(), after.Rules.OrderBy(r => r.Tag + r.Hook).ToList());
        Assert.All(Wanted(), w => Assert.True(after.IsReached(w.Table, w.Hook), $"{w.Table} {w.Hook} not reached"));
        Assert.Equal(Wanted().Select(w => (w.Table, w.Hook)).Distinct().Count(), after.Chains.Count);
    }

    [Fact]
    public void EnsureAgain_PlansNothing()
    {
        var plan = new Plan();
        Driver.PlanEnsure(Foreign(), Wanted(), plan);
        var after = Apply(Foreign(), plan);
        var again = new Plan();
        Driver.PlanEnsure(after, Wanted(), again);
        Assert.Empty(again.Steps);
    }

    [Fact]
    public void EnsureAfterAJumpWasDeleted_PutsOnlyTheJumpBack()
    {
        var plan = new Plan();
        Driver.PlanEnsure(Driver.Empty(), Wanted(), plan);
        var ensured = Apply(Driver.Empty(), plan);
        // Take away every jump: removing all rules and chains, then making the chains' rules again, is not what
        // happens here; instead the jumps alone go, as a hand edit would.
        var removal = new Plan();
        Driver.PlanRemove(ensured, ensured.Rules, removal, ensured.Chains);
        var jumps = removal.Steps.Select(s => s.Command).Where(c => !c.Render().Contains("netnsps:", StringComparison.Ordinal)).ToList();
        var withoutJumps = Run(Apply(Driver.Empty(), plan), jumps.Take(1));
        var repair = new Plan();
        Driver.PlanEnsure(withoutJumps, Wanted(), repair);
        Assert.Single(repair.Steps);
        Assert.Equal(Everything(ensured), Everything(Apply(withoutJumps, repair)));
    }

    [Fact]
    public void RemoveAll_LeavesNoModuleChainNorJump_AndEverybodyElsesRulesAsTheyWere()
    {
        var start = Foreign();
        var plan = new Plan();
        Driver.PlanEnsure(start, Wanted(), plan);
        var ensured = Apply(start, plan);
        Assert.Equal(Others(start), Others(ensured));
        var removal = new Plan();
        Driver.PlanRemove(ensured, ensured.Rules, removal, ensured.Chains);
        var after = Apply(ensured, removal);
        Assert.Empty(after.Rules);
        Assert.Empty(after.Chains);
        Assert.DoesNotContain(after.Ruleset.Chains, c => c.Owned);
        Assert.All(Wanted(), w => Assert.False(after.IsReached(w.Table, w.Hook)));
        Assert.Equal(Everything(start), Everything(after));
    }

    [Fact]
    public void RemovingOneMapping_LeavesTheOthersRules()
    {
        var plan = new Plan();
        Driver.PlanEnsure(Driver.Empty(), Wanted(), plan);
        var ensured = Apply(Driver.Empty(), plan);
        var key = NatRules.KeyOf(Red);
        var removal = new Plan();
        Driver.PlanRemove(ensured, ensured.Rules.Where(r => NatRules.IsRuleOf(r, key)).ToList(), removal);
        var after = Apply(ensured, removal);
        Assert.Equal(Wanted().Where(r => !NatRules.IsRuleOf(r, key)).OrderBy(r => r.Tag + r.Hook), after.Rules.OrderBy(r => r.Tag + r.Hook));
    }

    [Fact]
    public void AHandEditedRule_IsReplaced_NotDoubled()
    {
        var wanted = NatRules.Port(Red).First();
        var edited = wanted with { DestinationPort = 9999 };
        var first = new Plan();
        Driver.PlanEnsure(Foreign(), new[] { edited }, first);
        var handEdited = Apply(Foreign(), first);
        var plan = new Plan();
        Driver.PlanEnsure(handEdited, new[] { wanted }, plan);
        var after = Apply(handEdited, plan);
        Assert.Equal(wanted, Assert.Single(after.Rules, r => r.Tag == wanted.Tag));
        Assert.Equal(Others(Foreign()), Others(after));
    }

    [Fact]
    public void UndoingEveryPrefixOfAPlan_RestoresTheFirewallExactly()
    {
        var start = Run(Foreign(), Array.Empty<CommandSpec>());
        var setup = new Plan();
        Driver.PlanEnsure(start, NatRules.Port(Red).Select(r => r with { DestinationPort = 1 }).Concat(NatRules.Masquerade("bridge0", "192.168.15.0/24")), setup);
        start = Apply(start, setup);
        var plan = new Plan();
        Driver.PlanEnsure(start, NatRules.Port(Red).Concat(NatRules.Localnet("bridge0")), plan);
        var removal = new Plan();
        Driver.PlanRemove(Apply(start, plan), Apply(start, plan).Rules.Where(r => r.Tag.Contains("masq", StringComparison.Ordinal)).ToList(), removal);
        for (var k = 0; k <= plan.Steps.Count; k++)
        {
            var done = plan.Steps.Take(k).ToList();
            var undone = Run(start, done.Select(s => s.Command).Concat(done.AsEnumerable().Reverse().Select(s => s.Undo).OfType<CommandSpec>()));
            Assert.Equal(Everything(start), Everything(undone));
        }
        var middle = Apply(start, plan);
        for (var k = 0; k <= removal.Steps.Count; k++)
        {
            var done = removal.Steps.Take(k).ToList();
            var undone = Run(middle, done.Select(s => s.Command).Concat(done.AsEnumerable().Reverse().Select(s => s.Undo).OfType<CommandSpec>()));
            Assert.Equal(Everything(middle), Everything(undone));
        }
    }

    [Theory]
    [InlineData("netnsps:masq:bridge0")]
    [InlineData("netnsps:masq:bridge0:reply")]
    [InlineData("netnsps:localnet:bridge0:guard")]
    [InlineData("netnsps:bridge:bridge0:within")]
    [InlineData("netnsps:port:tcp:0.0.0.0:8080:red:bridge0:dnat")]
    [InlineData("netnsps:port:udp:10.0.0.5:53:red:br-x.1:hairpin")]
    [InlineData("netnsps:port:tcp:[2001:db8::1]:8080:red:bridge0:dnat")]
    [InlineData("netnsps:port:tcp:[::]:443:blue:bridge0:forward")]
    public void Identities_RoundTripThroughTheFirewall(string tag)
    {
        var identity = RuleTag.Parse(tag)!;
        Assert.Equal(tag, identity.ToString());
        var rule = new FirewallRule(FirewallTable.Nat, FirewallHook.Prerouting, tag, FirewallAction.Dnat)
        {
            Protocol = "tcp", DestinationPort = 8080, DnatTo = new DnatTarget(IPAddress.Parse("192.168.15.2"), 80),
        };
        var plan = new Plan();
        Driver.PlanEnsure(Driver.Empty(), new[] { rule }, plan);
        var live = Assert.Single(Apply(Driver.Empty(), plan).Rules);
        Assert.Equal(rule, live);
        Assert.Equal(identity, live.Identity);
    }
}
