using NetNsPS.Linux.Firewall.Iptables;
using NetNsPS.Operations;
using System.Linq;
using NetNsPS.Internal;
using NetNsPS.Linux;
using NetNsPS.Linux.Firewall;
using Xunit;

namespace NetNsPS.Tests;

/// <summary>The module's firewall state after hand edits: reading what is left, and removing all of it.</summary>
public class BadStateTests
{
    // A port mapping whose PREROUTING DNAT rule was deleted by hand, and a raw chain flushed by hand.
    private const string Save = """
        *raw
        :PREROUTING ACCEPT [0:0]
        :NETNSPS-PREROUTING - [0:0]
        -A PREROUTING -j NETNSPS-PREROUTING
        COMMIT
        *nat
        :PREROUTING ACCEPT [0:0]
        :OUTPUT ACCEPT [0:0]
        :POSTROUTING ACCEPT [0:0]
        :NETNSPS-OUTPUT - [0:0]
        :NETNSPS-POSTROUTING - [0:0]
        :NETNSPS-PREROUTING - [0:0]
        -A PREROUTING -m addrtype --dst-type LOCAL -j NETNSPS-PREROUTING
        -A OUTPUT -m addrtype --dst-type LOCAL -j NETNSPS-OUTPUT
        -A POSTROUTING -j NETNSPS-POSTROUTING
        -A NETNSPS-OUTPUT -p tcp -m tcp --dport 8080 -m comment --comment "netnsps:port:tcp:0.0.0.0:8080:red:bridge0:dnat" -j DNAT --to-destination 192.168.15.2:80
        -A NETNSPS-POSTROUTING -s 192.168.15.2/32 -d 192.168.15.2/32 -p tcp -m tcp --dport 80 -m comment --comment "netnsps:port:tcp:0.0.0.0:8080:red:bridge0:hairpin" -j MASQUERADE
        -A NETNSPS-POSTROUTING -s 192.168.15.3/32 -d 192.168.15.3/32 -p tcp -m tcp --dport 80 -m comment --comment "netnsps:port:tcp:0.0.0.0:8081:blue:bridge0:hairpin" -j MASQUERADE
        COMMIT
        """;

    [Fact]
    public void ReadPorts_FindsAMappingByItsOutputDnat_WhenThePreroutingOneIsGone()
    {
        var mapping = Assert.Single(NatRules.ReadPorts(IptablesDriver.Parse(Save)).Select(p => p.Listed).OfType<NsPortMapping>());
        Assert.Equal(8080, mapping.ExternalPort);
        Assert.Equal("red", mapping.Namespace);
        Assert.Equal("192.168.15.2", mapping.InternalIPAddress);
    }

    [Fact]
    public void ReadPortTags_FindsEveryMappingThatHasAnyRuleLeft()
    {
        var tags = NatRules.ReadPorts(IptablesDriver.Parse(Save)).Select(p => p.Key);
        Assert.Equal(new[] { "red:8080", "blue:8081" }, tags.Select(t => $"{t.Namespace}:{t.ExternalPort}"));
        Assert.Null(RuleTag.Parse("netnsps:masq:bridge0")!.Port);
        Assert.Null(RuleTag.Parse("netnsps:port:icmp:0.0.0.0:8080:red:bridge0:dnat"));
    }

    [Fact]
    public void PortTeardown_RemovesTheRulesLeftOfAMapping_WithoutItsDnatRules()
    {
        var view = new FakeSystemView { Snapshot = IptablesDriver.Parse(Save) };
        var plan = PortPlanner.Unpublish(view, IptablesDriver.Instance, new[] { new PortPlanner.UnpublishIntent(NsProtocol.Tcp, 8081, null, null) }).Plan;
        var lines = plan.Steps.Select(s => s.Command.Render()).ToList();
        Assert.Contains(lines, l => l.StartsWith("iptables -w -t nat -D NETNSPS-POSTROUTING") && l.Contains("8081:blue:bridge0:hairpin"));
        Assert.DoesNotContain(lines, l => l.Contains(":8080:"));
        Assert.DoesNotContain(lines, l => l.Contains("NETNSPS-POSTROUTING") && l.Contains("-X"));
    }

    [Fact]
    public void PortTeardown_OfTheLastMapping_AlsoRemovesTheEmptyChainsOfPortsAndLocalnet()
    {
        var snapshot = IptablesDriver.Parse(Save);
        var plan = new Plan();
        PortPlanner.PlanUnpublishAll(new FakeSystemView { Snapshot = snapshot }, IptablesDriver.Instance, snapshot, plan);
        var lines = plan.Steps.Select(s => s.Command.Render()).ToList();
        Assert.Contains("iptables -w -t raw -X NETNSPS-PREROUTING", lines);
        Assert.Contains("iptables -w -t nat -X NETNSPS-PREROUTING", lines);
    }

    [Fact]
    public void PlanRemove_AlsoRemovesAChainThatWasAlreadyEmpty_AndItsJump_WhenAsked()
    {
        var snapshot = IptablesDriver.Parse(Save);
        var plan = new Plan();
        IptablesDriver.Instance.PlanRemove(snapshot, snapshot.Rules.ToList(), plan, snapshot.Chains.ToList());
        var lines = plan.Steps.Select(s => s.Command.Render()).ToList();
        Assert.Contains("iptables -w -t raw -D PREROUTING -j NETNSPS-PREROUTING", lines);
        Assert.Contains("iptables -w -t raw -X NETNSPS-PREROUTING", lines);
        Assert.Contains("iptables -w -t nat -X NETNSPS-PREROUTING", lines);
        Assert.Contains("iptables -w -t nat -X NETNSPS-OUTPUT", lines);
        Assert.Contains("iptables -w -t nat -X NETNSPS-POSTROUTING", lines);
    }
}
