using System;
using System.Collections.Generic;
using System.Linq;
using NetNsPS.Linux;
using NetNsPS.Operations;
using Xunit;

namespace NetNsPS.Tests;

/// <summary>
/// Every branch of the link planner (point-to-point veth pairs between namespaces) and of the namespace forms of the
/// forwarding planner, from an in-memory system view and without root, checked against Golden/link and Golden/sysctl.
/// </summary>
public class LinkPlannerGoldenTests
{
    private const int SelfPid = 4242;

    private static IpPrefix Cidr(string text) => IpPrefix.Parse(text, "IPAddress", null);

    private static LinkIntent R1R2(string? address = null, string? peerAddress = null) =>
        new("r1", "to-r2", "r2", "to-r1", address is null ? null : Cidr(address), peerAddress is null ? null : Cidr(peerAddress));

    private static FakeSystemView Two() => new FakeSystemView().Namespace("r1", "r2");

    private static FakeSystemView Linked(bool up = true) => Two().NsLink("r1", "to-r2", "r2", "to-r1", up, "10.0.12.1/30", "10.0.12.2/30");

    public static readonly Dictionary<string, Func<Plan>> Cases = new()
    {
        ["link/ensure-fresh"] = () => LinkPlanner.Ensure(Two(), R1R2(), SelfPid),
        ["link/ensure-fresh-with-addresses"] = () => LinkPlanner.Ensure(Two(), R1R2("10.0.12.1/30", "10.0.12.2/30"), SelfPid),
        ["link/ensure-converged"] = () => LinkPlanner.Ensure(Linked(), R1R2("10.0.12.1/30", "10.0.12.2/30"), SelfPid),
        ["link/ensure-ends-down"] = () => LinkPlanner.Ensure(Linked(up: false), R1R2("10.0.12.1/30", "10.0.12.2/30"), SelfPid),
        ["link/ensure-half-built-both-ends-in-first"] = () => LinkPlanner.Ensure(Two().VethWithin("r1", "to-r2", "to-r1"), R1R2("10.0.12.1/30", "10.0.12.2/30"), SelfPid),
        ["link/ensure-name-taken-by-other-kind"] = () => LinkPlanner.Ensure(Two().Device("r1", "to-r2"), R1R2(), SelfPid),
        ["link/ensure-name-taken-by-veth-to-host"] = () => LinkPlanner.Ensure(Two().Veth("r1", "to-r2", "to-r2-br"), R1R2(), SelfPid),
        ["link/ensure-peer-name-taken"] = () => LinkPlanner.Ensure(Two().Device("r2", "to-r1"), R1R2(), SelfPid),
        ["link/ensure-peer-namespace-missing"] = () => LinkPlanner.Ensure(new FakeSystemView().Namespace("r1"), R1R2(), SelfPid),
        ["link/ensure-namespace-missing"] = () => LinkPlanner.Ensure(new FakeSystemView().Namespace("r2"), R1R2(), SelfPid),
        ["link/ensure-namespaces-planned-under-whatif"] = () => LinkPlanner.Ensure(new FakeSystemView(), R1R2("10.0.12.1/30", "10.0.12.2/30"), SelfPid, n => n is "r1" or "r2"),
        ["link/ensure-address-on-other-interface"] = () => LinkPlanner.Ensure(Two().Device("r1", "eth0", address: "10.0.12.1/24"), R1R2("10.0.12.1/30"), SelfPid),
        ["link/ensure-same-namespace"] = () => LinkPlanner.Ensure(Two(), new LinkIntent("r1", "a", "r1", "b"), SelfPid),
        ["link/ensure-host-to-namespace"] = () => LinkPlanner.Ensure(Two(), new LinkIntent(null, "to-r1", "r1", "to-host", Cidr("10.0.1.1/30"), Cidr("10.0.1.2/30")), SelfPid),
        ["link/ensure-host-half-built"] = () => LinkPlanner.Ensure(Two().Veth(null, "to-r1", "to-host", up: false), new LinkIntent(null, "to-r1", "r1", "to-host"), SelfPid),
        ["link/remove-existing"] = () => LinkPlanner.Remove(Linked(), "r1", "to-r2"),
        ["link/remove-absent"] = () => LinkPlanner.Remove(Two(), "r1", "to-r2"),
        ["link/remove-namespace-absent"] = () => LinkPlanner.Remove(Two(), "r9", "to-r2"),
        ["link/remove-not-a-veth"] = () => LinkPlanner.Remove(Two(), "r1", "lo"),

        // ---- routers: IP forwarding inside a namespace ----
        ["router/enable-fresh"] = () => SysctlPlanner.EnableIpForward(Forwarding("0"), persist: false, "r2"),
        ["router/enable-converged"] = () => SysctlPlanner.EnableIpForward(Forwarding("1"), persist: false, "r2"),
        ["router/enable-persist-refused"] = () => SysctlPlanner.EnableIpForward(Forwarding("0"), persist: true, "r2"),
        ["router/enable-namespace-planned-under-whatif"] = () => SysctlPlanner.EnableIpForward(new FakeSystemView(), persist: false, "r2", namespacePlanned: true),
        ["router/enable-leaves-host-and-persist-file-alone"] = () => SysctlPlanner.EnableIpForward(WithHostForwardingOff(Forwarding("0")), persist: false, "r2"),
        ["router/disable"] = () => SysctlPlanner.DisableIpForward(Forwarding("1"), "r2"),
        ["router/disable-converged"] = () => SysctlPlanner.DisableIpForward(Forwarding("0"), "r2"),
        ["router/disable-leaves-persist-file-alone"] = () => SysctlPlanner.DisableIpForward(WithHostForwardingOff(Forwarding("1")), "r2"),
        ["router/disable-namespace-planned-under-whatif"] = () => SysctlPlanner.DisableIpForward(new FakeSystemView(), "r2", namespacePlanned: true),
    };

    private static FakeSystemView Forwarding(string value)
    {
        var view = new FakeSystemView().Namespace("r2");
        view.NamespaceSysctls[("r2", Sysctl.IpForward)] = value;
        return view;
    }

    private static FakeSystemView WithHostForwardingOff(FakeSystemView view)
    {
        view.Sysctls[Sysctl.IpForward] = "0";
        view.PersistFile = $"{Sysctl.PersistHeader}\n{Sysctl.IpForward}=1\n";
        return view;
    }

    public static IEnumerable<object[]> CaseNames() => Cases.Keys.Select(k => new object[] { k });

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Planner_MatchesItsGoldenPlan(string name) =>
        GoldenPlan.Check(name, GoldenPlan.Render(Cases[name]));

    [Fact]
    public void EveryGoldenFile_OfTheseFolders_HasItsCase()
        => GoldenPlan.AssertEveryFileHasCase(new[] { "link", "router" }, Cases.Keys);

    [Fact]
    public void Ensure_ReadsOnlyTheTwoNamespaces_NeverTheHost()
    {
        var view = Linked();
        LinkPlanner.Ensure(view, R1R2(), SelfPid);
        Assert.DoesNotContain(view.Reads, r => r.EndsWith(":host") || r.Contains("host/"));
        Assert.DoesNotContain("NamespaceNames", view.Reads);
    }

    [Fact]
    public void Fresh_IsOneCreateThenUps_AndItsUndoDeletesThePair()
    {
        var plan = LinkPlanner.Ensure(Two(), R1R2(), SelfPid);
        Assert.Equal("ip link add to-r2 netns r1 type veth peer name to-r1 netns r2", plan.Steps[0].Command.Render());
        Assert.Equal("ip -n r1 link delete to-r2", plan.Steps[0].Undo!.Render());
        Assert.All(plan.Steps.Skip(1), s => Assert.Null(s.Undo));
    }

}
