using System.Linq;
using NetNsPS.Linux;
using NetNsPS.Linux.Firewall.Nftables;
using NetNsPS.Operations;
using Xunit;

namespace NetNsPS.Tests;

/// <summary>A bridge's accepts in another tool's nftables chain (New-NetBridge -AcceptInChain): what is planned, found and removed.</summary>
public class ForeignForwardAcceptsTests
{
    private static readonly ForeignForwardAccepts.ChainRef Hostfw = new("inet", "hostfw", "forward");

    [Fact]
    public void PlanEnsure_InsertsTheFourTaggedAccepts_LastRoleFirst_SoTheyStandInOrder_WithoutUndo()
    {
        var plan = new Plan();
        ForeignForwardAccepts.PlanEnsure(Hostfw, "bridge0", System.Array.Empty<ForeignForwardAccepts.Found>(), plan);
        Assert.Equal(new[]
        {
            "nft insert rule inet hostfw forward 'oifname \"bridge0\" ct status dnat accept comment \"netnsps:bridge:bridge0:dnat\"'",
            "nft insert rule inet hostfw forward 'oifname \"bridge0\" ct state established,related accept comment \"netnsps:bridge:bridge0:reply\"'",
            "nft insert rule inet hostfw forward 'iifname \"bridge0\" oifname != \"bridge0\" accept comment \"netnsps:bridge:bridge0:out\"'",
            "nft insert rule inet hostfw forward 'iifname \"bridge0\" oifname \"bridge0\" accept comment \"netnsps:bridge:bridge0:within\"'",
        }, plan.Steps.Select(s => s.Command.Render()));
        Assert.All(plan.Steps, s => Assert.Null(s.Undo));
        Assert.All(plan.Steps, s => Assert.Equal(NftCommand.Batch, s.Command.Batch));
    }

    [Fact]
    public void PlanEnsure_AddsOnlyWhatIsMissingInThatChain()
    {
        var present = new[]
        {
            new ForeignForwardAccepts.Found(Hostfw, 7, "netnsps:bridge:bridge0:within"),
            new ForeignForwardAccepts.Found(new("inet", "other", "forward"), 8, "netnsps:bridge:bridge0:out"),
        };
        var plan = new Plan();
        ForeignForwardAccepts.PlanEnsure(Hostfw, "bridge0", present, plan);
        Assert.Equal(3, plan.Steps.Count);
        Assert.DoesNotContain(plan.Steps, s => s.Command.Render().Contains(":within", System.StringComparison.Ordinal));
    }

    [Fact]
    public void PlanRemove_DeletesByHandle_AndItsUndoInsertsTheRuleBack()
    {
        var plan = new Plan();
        ForeignForwardAccepts.PlanRemove(new[] { new ForeignForwardAccepts.Found(Hostfw, 12, "netnsps:bridge:bridge0:reply") }, plan);
        var step = Assert.Single(plan.Steps);
        Assert.Equal("nft delete rule inet hostfw forward handle 12", step.Command.Render());
        Assert.Equal("nft insert rule inet hostfw forward 'oifname \"bridge0\" ct state established,related accept comment \"netnsps:bridge:bridge0:reply\"'", step.Undo!.Render());
    }

    [Fact]
    public void Parse_FindsTheBridgesTaggedRulesOutsideTheModulesTable()
    {
        const string json = """
            {"nftables": [{"metainfo": {"json_schema_version": 1}},
             {"rule": {"family": "inet", "table": "hostfw", "chain": "forward", "handle": 5, "comment": "netnsps:bridge:bridge0:within", "expr": []}},
             {"rule": {"family": "inet", "table": "hostfw", "chain": "forward", "handle": 6, "comment": "netnsps:bridge:bridge1:within", "expr": []}},
             {"rule": {"family": "inet", "table": "hostfw", "chain": "forward", "handle": 7, "comment": "the admin's own", "expr": []}},
             {"rule": {"family": "inet", "table": "hostfw", "chain": "forward", "handle": 8, "expr": []}},
             {"rule": {"family": "inet", "table": "netnsps", "chain": "filter-forward", "handle": 9, "comment": "netnsps:bridge:bridge0:within", "expr": []}}]}
            """;
        Assert.Equal(new[] { new ForeignForwardAccepts.Found(Hostfw, 5, "netnsps:bridge:bridge0:within") }, ForeignForwardAccepts.Parse(json, "bridge0"));
        Assert.Equal(2, ForeignForwardAccepts.Parse(json, null).Count);
        Assert.Empty(ForeignForwardAccepts.Parse(null, null));
    }

    [Theory]
    [InlineData("inet hostfw forward", true)]
    [InlineData("ip filter FORWARD", true)]
    [InlineData("inet netnsps filter-forward", false)]
    [InlineData("hostfw forward", false)]
    [InlineData("inet hostfw forward; flush ruleset", false)]
    [InlineData("bridge hostfw forward", false)]
    public void ChainRef_Parse(string text, bool valid)
    {
        if (valid)
        {
            Assert.Equal(text, ForeignForwardAccepts.ChainRef.Parse(text, "AcceptInChain").ToString());
        }
        else
        {
            Assert.Equal("InvalidChain", Assert.Throws<NetNsException>(() => ForeignForwardAccepts.ChainRef.Parse(text, "AcceptInChain")).ErrorId);
        }
    }
}
