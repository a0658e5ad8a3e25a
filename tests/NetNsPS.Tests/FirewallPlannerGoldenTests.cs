using System.Collections.Generic;
using System.Linq;
using System.Text;
using NetNsPS.Linux.Firewall.Iptables;
using NetNsPS.Operations;
using Xunit;

namespace NetNsPS.Tests;

/// <summary>
/// The firewall planners from each starting state, as -WhatIf would print their commands and rollback would undo
/// them, compared with Golden/*.txt. States are made by the planners themselves on an in-memory iptables.
/// </summary>
public class FirewallPlannerGoldenTests
{
    private const string RouteLocalnet = "net.ipv4.conf.bridge0.route_localnet";
    private const string BridgeNf = "net.bridge.bridge-nf-call-iptables";

    /// <summary>red (192.168.15.2) and blue (192.168.15.3) on bridge0; the firewall from <paramref name="kernel"/>.</summary>
    private static FakeSystemView View(IptablesKernel? kernel = null, bool redHairpin = false, bool blueHairpin = false,
        string routeLocalnet = "0", string? bridgeNf = "0")
    {
        var view = new FakeSystemView()
            .Namespace("red", "blue")
            .Bridge("bridge0", address: "192.168.15.1/24")
            .Veth("red", "veth-red", "veth-red-br", master: "bridge0", address: "192.168.15.2/24", hairpin: redHairpin)
            .Veth("blue", "veth-blue", "veth-blue-br", master: "bridge0", address: "192.168.15.3/24", hairpin: blueHairpin);
        view.Sysctls[RouteLocalnet] = routeLocalnet;
        if (bridgeNf is not null)
        {
            view.Sysctls[BridgeNf] = bridgeNf;
        }
        view.Snapshot = (kernel ?? new IptablesKernel()).Read();
        return view;
    }

    private static PortPlanner.PublishIntent Port(string ns, ushort external, ushort inside = 80) =>
        new(NsProtocol.Tcp, null, external, ns, null, inside);

    private static PortPlanner.PublishResult Publish(FakeSystemView view, params PortPlanner.PublishIntent[] intents) =>
        PortPlanner.Publish(view, IptablesDriver.Instance, intents.SelectMany(i => PortPlanner.Resolve(view, i)).ToList());

    /// <summary>A kernel on which these ports were published (the firewall part of the plan run).</summary>
    private static IptablesKernel Published(params PortPlanner.PublishIntent[] intents)
    {
        var kernel = new IptablesKernel();
        kernel.RunAll(Publish(View(kernel), intents).Plan.Steps.Select(s => s.Command));
        return kernel;
    }

    private static string Outcome(PortPlanner.PublishResult r)
    {
        var sb = new StringBuilder(GoldenPlan.Render(r.Plan));
        foreach (var e in r.Refused)
        {
            sb.Append("error: ").Append(e.ErrorId).Append(" (").Append(e.Category).Append("): ").Append(e.Message).Append('\n');
        }
        return sb.ToString();
    }

    private static string Unpublish(FakeSystemView view, params PortPlanner.UnpublishIntent[] requests)
    {
        var r = PortPlanner.Unpublish(view, IptablesDriver.Instance, requests);
        return GoldenPlan.Render(r.Plan) + string.Concat(r.NotPublished.Select(n => $"not published: {n.Protocol} {n.ExternalPort}\n"));
    }

    private static PortPlanner.UnpublishIntent Unport(ushort external) => new(NsProtocol.Tcp, external, null, null);

    [Fact]
    public void Publish_Fresh() => GoldenPlan.Check("port/publish-fresh", Outcome(Publish(View(bridgeNf: null), Port("red", 8080))));

    [Fact]
    public void Publish_TwoPortsInOnePipeline() =>
        GoldenPlan.Check("port/publish-two", Outcome(Publish(View(), Port("red", 8080), Port("blue", 8081))));

    [Fact]
    public void Publish_Converged_PlansNothing()
    {
        var result = Publish(View(Published(Port("red", 8080)), redHairpin: true, routeLocalnet: "1", bridgeNf: "1"), Port("red", 8080));
        Assert.True(result.Plan.IsEmpty);
        GoldenPlan.Check("port/publish-converged", Outcome(result));
    }

    [Fact]
    public void Publish_ThePortPublishedToAnotherTarget_IsRefused()
    {
        var result = Publish(View(Published(Port("red", 8080)), redHairpin: true, routeLocalnet: "1", bridgeNf: "1"), Port("blue", 8080));
        Assert.Equal("PortAlreadyPublished", Assert.Single(result.Refused).ErrorId);
        GoldenPlan.Check("port/publish-conflict", Outcome(result));
    }

    [Fact]
    public void Publish_WithHairpinAlreadyOn_LeavesHairpinAlone() =>
        GoldenPlan.Check("port/publish-hairpin-on", Outcome(Publish(View(redHairpin: true, routeLocalnet: "1", bridgeNf: "1"), Port("red", 8080))));

    [Fact]
    public void Publish_ASecondPortOnTheBridge_AddsOnlyItsOwnRules() =>
        GoldenPlan.Check("port/publish-second-on-bridge", Outcome(Publish(View(Published(Port("red", 8080)), redHairpin: true, routeLocalnet: "1", bridgeNf: "1"), Port("blue", 8081))));

    [Fact]
    public void Unpublish_TheLastMappingOnTheBridge_TakesTheSharedRulesAndSettings() =>
        GoldenPlan.Check("port/unpublish-last-on-bridge", Unpublish(View(Published(Port("red", 8080)), redHairpin: true, routeLocalnet: "1", bridgeNf: "1"), Unport(8080)));

    [Fact]
    public void Unpublish_TheLastMapping_LeavesRouteLocalnetAndHairpinOnWhereTheyWereOnBeforePublishing()
    {
        var view = View(Published(Port("red", 8080)), redHairpin: true, routeLocalnet: "1", bridgeNf: "1");
        view.Records[RouteLocalnet] = new Linux.SettingRecord(RouteLocalnet, "1", "1");
        view.Records[PortPlanner.HairpinKey("veth-red-br")] = new Linux.SettingRecord(PortPlanner.HairpinKey("veth-red-br"), "1", "1");
        var result = PortPlanner.Unpublish(view, IptablesDriver.Instance, new[] { Unport(8080) });
        Assert.Equal(new[] { RouteLocalnet, "bridge_slave/veth-red-br/hairpin", BridgeNf, "net.bridge.bridge-nf-call-ip6tables" }, result.Released);
        GoldenPlan.Check("port/unpublish-last-settings-were-on", GoldenPlan.Render(result.Plan));
    }

    [Fact]
    public void Unpublish_TheLastMappingOfAll_PutsBridgeNetfilterBackWhereNetNsPSTurnedItOn()
    {
        var view = View(Published(Port("red", 8080)), redHairpin: true, routeLocalnet: "1", bridgeNf: "1");
        view.Records[BridgeNf] = new Linux.SettingRecord(BridgeNf, "0", "1");
        var plan = PortPlanner.Unpublish(view, IptablesDriver.Instance, new[] { Unport(8080) }).Plan;
        Assert.Contains(plan.Steps, s => s.Command.Render() == "sysctl -w net.bridge.bridge-nf-call-iptables=0");
        // Not while another mapping needs it.
        var two = View(Published(Port("red", 8080), Port("blue", 8081)), redHairpin: true, blueHairpin: true, routeLocalnet: "1", bridgeNf: "1");
        two.Records[BridgeNf] = new Linux.SettingRecord(BridgeNf, "0", "1");
        Assert.DoesNotContain(PortPlanner.Unpublish(two, IptablesDriver.Instance, new[] { Unport(8081) }).Plan.Steps, s => s.Command.Render().Contains("bridge-nf", System.StringComparison.Ordinal));
    }

    private static PortPlanner.PublishIntent UdpPort(string ns, ushort external) => new(NsProtocol.Udp, null, external, ns, null, external);

    [Fact]
    public void Publish_Udp_EndsWithTheStaleConntrackCleanupOfItsHostPort()
    {
        var result = Publish(View(Published(Port("red", 8080)), redHairpin: true, routeLocalnet: "1", bridgeNf: "1"), UdpPort("blue", 5353));
        var last = result.Plan.Steps.Last(s => s.Command.Program == "conntrack");
        Assert.Equal("conntrack -D -p udp --orig-port-dst 5353", last.Command.Render());
        Assert.Null(last.Undo);
        GoldenPlan.Check("port/publish-udp", Outcome(result));
    }

    [Fact]
    public void Publish_Udp_Converged_PlansNoConntrackCleanup() =>
        Assert.True(Publish(View(Published(UdpPort("red", 5353)), redHairpin: true, routeLocalnet: "1", bridgeNf: "1"), UdpPort("red", 5353)).Plan.IsEmpty);

    [Fact]
    public void Publish_Tcp_PlansNoConntrackCleanup() =>
        Assert.DoesNotContain(Publish(View(), Port("red", 8080)).Plan.Steps, s => s.Command.Program == "conntrack");

    [Fact]
    public void Unpublish_Udp_DeletesTheStaleConntrackEntriesOfItsHostPort() =>
        GoldenPlan.Check("port/unpublish-udp", Unpublish(View(Published(UdpPort("red", 5353)), redHairpin: true, routeLocalnet: "1", bridgeNf: "1"),
            new PortPlanner.UnpublishIntent(NsProtocol.Udp, 5353, null, null)));

    [Fact]
    public void Unpublish_NotTheLastMappingOnTheBridge_LeavesTheSharedOnes() =>
        GoldenPlan.Check("port/unpublish-not-last", Unpublish(View(Published(Port("red", 8080), Port("blue", 8081)), redHairpin: true, blueHairpin: true, routeLocalnet: "1", bridgeNf: "1"), Unport(8081)));

    [Fact]
    public void Unpublish_AMappingWhoseDnatRuleWasDeletedByHand_RemovesWhatIsLeft()
    {
        var kernel = Published(Port("red", 8080), Port("blue", 8081));
        var dnat = IptablesDriver.Parse(kernel.Save()).Entries.First(e => e.Rule.Hook == Linux.Firewall.FirewallHook.Prerouting && e.Rule.Tag.Contains(":8081:"));
        kernel.Run(IptablesDriver.Iptables(Linux.Firewall.FirewallTable.Nat, new[] { "-D", "NETNSPS-PREROUTING" }.Concat(dnat.Spec).ToArray()));
        GoldenPlan.Check("port/unpublish-dnat-hand-deleted", Unpublish(View(kernel, redHairpin: true, blueHairpin: true, routeLocalnet: "1", bridgeNf: "1"), Unport(8081)));
    }

    [Fact]
    public void Unpublish_WhatIsNotPublished_PlansNothing() =>
        GoldenPlan.Check("port/unpublish-not-published", Unpublish(View(), Unport(9090)));

    [Fact]
    public void Masquerade_Fresh_Converged_Disabled()
    {
        var kernel = new IptablesKernel();
        var fresh = MasqueradePlanner.Enable(View(kernel), IptablesDriver.Instance, "bridge0", "192.168.15.0/24");
        GoldenPlan.Check("masquerade/masquerade-enable-fresh", GoldenPlan.Render(fresh));
        kernel.RunAll(fresh.Steps.Select(s => s.Command));
        GoldenPlan.Check("masquerade/masquerade-enable-converged", GoldenPlan.Render(MasqueradePlanner.Enable(View(kernel), IptablesDriver.Instance, "bridge0", "192.168.15.0/24")));
        GoldenPlan.Check("masquerade/masquerade-disable", GoldenPlan.Render(MasqueradePlanner.Disable(View(kernel), IptablesDriver.Instance, "bridge0")));
        GoldenPlan.Check("masquerade/masquerade-disable-absent", GoldenPlan.Render(MasqueradePlanner.Disable(View(), IptablesDriver.Instance, "bridge0")));
    }
}
