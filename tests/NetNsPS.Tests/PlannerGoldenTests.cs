using System;
using System.Collections.Generic;
using System.Linq;
using NetNsPS.Linux;
using NetNsPS.Operations;
using Xunit;

namespace NetNsPS.Tests;

/// <summary>
/// Every branch of the link, address, route, sysctl and hairpin planners, from an in-memory system view and without
/// root: what each would run (or refuse) for one starting state, checked against Golden/*.txt.
/// </summary>
public class PlannerGoldenTests
{
    private const int SelfPid = 4242;

    private static IpPrefix Cidr(string text) => IpPrefix.Parse(text, "IPAddress", null);

    private static FakeSystemView Article() => new FakeSystemView()
        .Namespace("red", "blue")
        .Bridge("bridge0", address: "192.168.15.1/24")
        .Veth("red", "veth-red", "veth-red-br", master: "bridge0", address: "192.168.15.2/24")
        .Device(null, "eth0", "dummy", "10.0.2.15/24");

    public static readonly Dictionary<string, Func<Plan>> Cases = new()
    {
        // ---- namespaces ----
        ["namespace/ensure-fresh"] = () => NamespacePlanner.Ensure(new FakeSystemView(), "red"),
        ["namespace/ensure-converged"] = () => NamespacePlanner.Ensure(new FakeSystemView().Namespace("red"), "red"),
        ["namespace/ensure-lo-down"] = () => NamespacePlanner.Ensure(LoDown(), "red"),
        ["namespace/remove-existing"] = () => NamespacePlanner.Remove(new FakeSystemView().Namespace("red"), "red"),
        ["namespace/remove-absent"] = () => NamespacePlanner.Remove(new FakeSystemView(), "red"),
        ["namespace/ensure-over-stray-file"] = () => NamespacePlanner.Ensure(Stray("red"), "red"),
        ["namespace/remove-stray-file"] = () => NamespacePlanner.Remove(Stray("red"), "red"),

        // ---- bridges ----
        ["bridge/ensure-fresh"] = () => BridgePlanner.Ensure(new FakeSystemView(), Ipt, "bridge0", null),
        ["bridge/ensure-fresh-with-address"] = () => BridgePlanner.Ensure(new FakeSystemView(), Ipt, "bridge0", Cidr("192.168.15.1/24")),
        ["bridge/ensure-converged"] = () => BridgePlanner.Ensure(Article(), Ipt, "bridge0", Cidr("192.168.15.1/24")),
        ["bridge/ensure-down-without-address"] = () => BridgePlanner.Ensure(new FakeSystemView().Bridge("bridge0", up: false), Ipt, "bridge0", Cidr("192.168.15.1/24")),
        ["bridge/ensure-name-taken-by-other-kind"] = () => BridgePlanner.Ensure(new FakeSystemView().Device(null, "bridge0"), Ipt, "bridge0", null),
        ["bridge/ensure-address-on-other-interface"] = () => BridgePlanner.Ensure(Article(), Ipt, "bridge1", Cidr("10.0.2.15/24")),
        ["bridge/remove-existing"] = () => BridgePlanner.Remove(Article(), Ipt, "bridge0"),
        ["bridge/remove-absent"] = () => BridgePlanner.Remove(new FakeSystemView(), Ipt, "bridge0"),
        ["bridge/remove-not-a-bridge"] = () => BridgePlanner.Remove(Article(), Ipt, "eth0"),
        // Where FORWARD drops (Docker's policy), the bridge's own traffic is accepted in the module's chain, and removed with it.
        ["bridge/ensure-fresh-forward-drops"] = () => BridgePlanner.Ensure(Dropping(new FakeSystemView()), Ipt, "bridge0", Cidr("192.168.15.1/24")),
        ["bridge/ensure-converged-forward-drops"] = () => BridgePlanner.Ensure(Dropping(Article(), accepted: "bridge0"), Ipt, "bridge0", Cidr("192.168.15.1/24")),
        ["bridge/ensure-existing-forward-drops"] = () => BridgePlanner.Ensure(Dropping(Article()), Ipt, "bridge0", Cidr("192.168.15.1/24")),
        ["bridge/ensure-fresh-forward-drops-nftables-shim"] = () => BridgePlanner.Ensure(DroppingUnderNftables(), NetNsPS.Linux.Firewall.Nftables.NftablesDriver.Instance, "bridge0", null),
        ["bridge/remove-with-forward-accepts"] = () => BridgePlanner.Remove(Dropping(Article(), accepted: "bridge0"), Ipt, "bridge0"),
        ["bridge/remove-gone-with-forward-accepts"] = () => BridgePlanner.Remove(Dropping(new FakeSystemView(), accepted: "bridge0"), Ipt, "bridge0"),
        ["bridge/remove-leaves-other-bridges-accepts"] = () => BridgePlanner.Remove(Dropping(Article().Bridge("bridge1"), accepted: "bridge1"), Ipt, "bridge0"),
        // firewalld runs: a bridge in no zone is bound to trusted at runtime; one there already, or bound elsewhere, is left.
        ["bridge/ensure-fresh-firewalld"] = () => BridgePlanner.Ensure(new FakeSystemView { FirewalldZones = new() }, Ipt, "bridge0", Cidr("192.168.15.1/24")),
        ["bridge/ensure-converged-firewalld"] = () => BridgePlanner.Ensure(Firewalld(Article(), "trusted"), Ipt, "bridge0", Cidr("192.168.15.1/24")),
        ["bridge/ensure-firewalld-other-zone"] = () => BridgePlanner.Ensure(Firewalld(Article(), "internal"), Ipt, "bridge0", Cidr("192.168.15.1/24")),
        ["bridge/remove-firewalld"] = () => BridgePlanner.Remove(Firewalld(Article(), "trusted"), Ipt, "bridge0"),
        ["bridge/remove-firewalld-other-zone"] = () => BridgePlanner.Remove(Firewalld(Article(), "internal"), Ipt, "bridge0"),

        // ---- veth pairs ----
        ["veth/ensure-fresh"] = () => VethPlanner.Ensure(new FakeSystemView().Namespace("blue").Bridge("bridge0"), new VethIntent("blue", "veth-blue", "veth-blue-br", "bridge0"), SelfPid),
        ["veth/ensure-fresh-unattached"] = () => VethPlanner.Ensure(new FakeSystemView().Namespace("blue"), new VethIntent("blue", "veth-blue", "veth-blue-br", null), SelfPid),
        ["veth/ensure-converged"] = () => VethPlanner.Ensure(Article(), new VethIntent("red", "veth-red", "veth-red-br", "bridge0"), SelfPid),
        ["veth/ensure-half-built-on-host"] = () => VethPlanner.Ensure(new FakeSystemView().Namespace("blue").Bridge("bridge0").Veth(null, "veth-blue", "veth-blue-br", up: false), new VethIntent("blue", "veth-blue", "veth-blue-br", "bridge0"), SelfPid),
        ["veth/ensure-ends-down-unattached"] = () => VethPlanner.Ensure(new FakeSystemView().Namespace("blue").Bridge("bridge0").Veth("blue", "veth-blue", "veth-blue-br", up: false), new VethIntent("blue", "veth-blue", "veth-blue-br", "bridge0"), SelfPid),
        ["veth/ensure-peer-on-other-bridge"] = () => VethPlanner.Ensure(Article().Bridge("bridge1"), new VethIntent("red", "veth-red", "veth-red-br", "bridge1"), SelfPid),
        ["veth/ensure-inner-name-taken"] = () => VethPlanner.Ensure(new FakeSystemView().Namespace("blue").Device("blue", "veth-blue"), new VethIntent("blue", "veth-blue", "veth-blue-br", null), SelfPid),
        ["veth/ensure-host-name-taken"] = () => VethPlanner.Ensure(new FakeSystemView().Namespace("blue").Device(null, "veth-blue"), new VethIntent("blue", "veth-blue", "veth-blue-br", null), SelfPid),
        ["veth/ensure-peer-name-taken"] = () => VethPlanner.Ensure(new FakeSystemView().Namespace("blue").Device(null, "veth-blue-br"), new VethIntent("blue", "veth-blue", "veth-blue-br", null), SelfPid),
        ["veth/ensure-namespace-planned-under-whatif"] = () => VethPlanner.Ensure(new FakeSystemView().Bridge("bridge0"), new VethIntent("blue", "veth-blue", "veth-blue-br", "bridge0"), SelfPid),
        ["veth/remove-existing"] = () => VethPlanner.Remove(Article(), "red", "veth-red"),
        ["veth/remove-absent"] = () => VethPlanner.Remove(Article(), "red", "veth-x"),
        ["veth/remove-namespace-absent"] = () => VethPlanner.Remove(Article(), "green", "veth-green"),
        ["veth/remove-not-a-veth"] = () => VethPlanner.Remove(Article(), "red", "lo"),

        // ---- addresses ----
        ["address/add-fresh"] = () => AddressPlanner.Add(Article().Veth("blue", "veth-blue", "veth-blue-br", "bridge0"), "blue", "veth-blue", Cidr("192.168.15.3/24"), deviceIsPlanned: false),
        ["address/add-converged"] = () => AddressPlanner.Add(Article(), "red", "veth-red", Cidr("192.168.15.2/24"), deviceIsPlanned: false),
        ["address/add-on-other-interface"] = () => AddressPlanner.Add(Article(), null, "bridge0", Cidr("10.0.2.15/24"), deviceIsPlanned: false),
        ["address/add-other-prefix"] = () => AddressPlanner.Add(Article(), "red", "veth-red", Cidr("192.168.15.2/16"), deviceIsPlanned: false),
        ["address/add-network-address"] = () => AddressPlanner.Add(Article(), "red", "veth-red", Cidr("192.168.15.0/24"), deviceIsPlanned: false),
        ["address/add-broadcast-address"] = () => AddressPlanner.Add(Article(), "red", "veth-red", Cidr("192.168.15.255/24"), deviceIsPlanned: false),
        ["address/add-device-planned"] = () => AddressPlanner.Add(new FakeSystemView(), "blue", "veth-blue", Cidr("192.168.15.3/24"), deviceIsPlanned: true),
        ["address/add-point-to-point-31"] = () => AddressPlanner.Add(Article(), "red", "veth-red", Cidr("10.0.12.0/31"), deviceIsPlanned: false),
        ["address/remove-any-interface"] = () => AddressPlanner.Remove(Article(), "red", null, Cidr("192.168.15.2/32")),
        ["address/remove-named-interface-without-it"] = () => AddressPlanner.Remove(Article(), "red", "lo", Cidr("192.168.15.2/32")),
        ["address/remove-absent"] = () => AddressPlanner.Remove(Article(), "red", null, Cidr("192.168.15.9/32")),

        // ---- routes ----
        ["route/add-default-fresh"] = () => RoutePlanner.Add(Article(), "red", Net("0.0.0.0/0"), Hop("192.168.15.1"), null, false, false, out _),
        ["route/add-with-device"] = () => RoutePlanner.Add(Article(), "red", Net("10.0.0.0/8"), Hop("192.168.15.1"), "veth-red", false, false, out _),
        ["route/add-converged"] = () => RoutePlanner.Add(WithDefaultRoute(), "red", Net("0.0.0.0/0"), Hop("192.168.15.1"), null, false, false, out _),
        ["route/add-other-gateway"] = () => RoutePlanner.Add(WithDefaultRoute(), "red", Net("0.0.0.0/0"), Hop("192.168.15.254"), null, false, false, out _),
        ["route/add-device-missing"] = () => RoutePlanner.Add(Article(), "red", Net("0.0.0.0/0"), Hop("192.168.15.1"), "eth9", false, false, out _),
        ["route/add-device-planned-under-whatif"] = () => RoutePlanner.Add(Article(), "red", Net("0.0.0.0/0"), Hop("192.168.15.1"), "eth9", false, true, out _),
        ["route/add-namespace-planned-under-whatif"] = () => RoutePlanner.Add(new FakeSystemView(), "green", Net("0.0.0.0/0"), Hop("192.168.15.1"), null, true, false, out _),
        ["route/remove-gateway-route"] = () => RoutePlanner.Remove(WithDefaultRoute(), "red", Net("0.0.0.0/0"), null, null),
        ["route/remove-scope-link-route"] = () => RoutePlanner.Remove(WithDefaultRoute(), "red", Net("192.168.15.0/24"), null, null),
        ["route/remove-other-gateway-only"] = () => RoutePlanner.Remove(WithDefaultRoute(), "red", Net("0.0.0.0/0"), Hop("192.168.15.254"), null),

        // ---- sysctls ----
        ["sysctl/forward-enable-fresh"] = () => SysctlPlanner.EnableIpForward(Sysctls(("net.ipv4.ip_forward", "0")), persist: false),
        ["sysctl/forward-enable-converged"] = () => SysctlPlanner.EnableIpForward(Sysctls(("net.ipv4.ip_forward", "1")), persist: false),
        ["sysctl/forward-enable-persist-fresh"] = () => SysctlPlanner.EnableIpForward(Sysctls(("net.ipv4.ip_forward", "0")), persist: true),
        ["sysctl/forward-enable-persist-converged"] = () => SysctlPlanner.EnableIpForward(OurPersistFile(Sysctls(("net.ipv4.ip_forward", "1"))), persist: true),
        ["sysctl/forward-enable-persist-file-not-ours"] = () => SysctlPlanner.EnableIpForward(TheirPersistFile(Sysctls(("net.ipv4.ip_forward", "1"))), persist: true),
        ["sysctl/forward-disable"] = () => SysctlPlanner.DisableIpForward(Sysctls(("net.ipv4.ip_forward", "1"))),
        ["sysctl/forward-disable-with-our-file"] = () => SysctlPlanner.DisableIpForward(OurPersistFile(Sysctls(("net.ipv4.ip_forward", "1")))),
        ["sysctl/forward-disable-leaves-their-file"] = () => SysctlPlanner.DisableIpForward(TheirPersistFile(Sysctls(("net.ipv4.ip_forward", "0")))),
        // Enable-IpForward recorded what it found: Disable-IpForward puts back that, and only over NetNsPS's own value.
        ["sysctl/forward-disable-recorded-was-off"] = () => SysctlPlanner.DisableIpForward(Recorded(Sysctls(("net.ipv4.ip_forward", "1")), "net.ipv4.ip_forward", "0", "1")),
        ["sysctl/forward-disable-recorded-was-on"] = () => SysctlPlanner.DisableIpForward(Recorded(Sysctls(("net.ipv4.ip_forward", "1")), "net.ipv4.ip_forward", "1", "1")),
        ["sysctl/forward-disable-recorded-changed-since"] = () => SysctlPlanner.DisableIpForward(Recorded(Sysctls(("net.ipv4.ip_forward", "0")), "net.ipv4.ip_forward", "1", "1")),
        ["sysctl/bridge-netfilter-not-loaded"] = () => SysctlPlanner.BridgeNetfilter(Sysctls()),
        ["sysctl/bridge-netfilter-loaded-off"] = () => SysctlPlanner.BridgeNetfilter(Sysctls(("net.bridge.bridge-nf-call-iptables", "0"))),
        ["sysctl/bridge-netfilter-converged"] = () => SysctlPlanner.BridgeNetfilter(Sysctls(("net.bridge.bridge-nf-call-iptables", "1"))),

        // ---- hairpin ----
        ["hairpin/on"] = () => HairpinPlanner.Set(Article(), "veth-red-br", true),
        ["hairpin/on-converged"] = () => HairpinPlanner.Set(new FakeSystemView().Namespace("red").Bridge("bridge0").Veth("red", "veth-red", "veth-red-br", master: "bridge0", hairpin: true), "veth-red-br", true),
        ["hairpin/off-converged"] = () => HairpinPlanner.Set(Article(), "veth-red-br", false),
        ["hairpin/not-a-bridge-port"] = () => HairpinPlanner.Set(Article(), "eth0", true),
        ["hairpin/missing-port"] = () => HairpinPlanner.Set(Article(), "veth-x-br", true),
    };

    public static IEnumerable<object[]> CaseNames() => Cases.Keys.Select(k => new object[] { k });

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Planner_MatchesItsGoldenPlan(string name) =>
        GoldenPlan.Check(name, GoldenPlan.Render(Cases[name]));

    [Fact]
    public void EveryGoldenFile_HasItsCase()
    {
        var folder = System.IO.Path.Combine(SourceFolder(), "Golden");
        var files = System.IO.Directory.GetFiles(folder, "*.txt", System.IO.SearchOption.AllDirectories)
            .Select(f => System.IO.Path.GetRelativePath(folder, f)[..^4].Replace('\\', '/'))
            .Where(f => Cases.Keys.Any(k => k.Split('/')[0] == f.Split('/')[0]));
        Assert.Empty(files.Except(Cases.Keys));
    }

    [Fact]
    public void Planners_ReadOnlyWhatTheyNeed_NotTheWholeHost()
    {
        // Adding a veth to a host with many others looks up the names it needs; it never dumps the host's links.
        var view = Article();
        for (var i = 0; i < 50; i++)
        {
            view.Namespace($"ns{i}").Veth($"ns{i}", $"veth-ns{i}", $"veth-ns{i}-br", master: "bridge0");
        }
        view.Namespace("blue");
        VethPlanner.Ensure(view, new VethIntent("blue", "veth-blue", "veth-blue-br", "bridge0"), SelfPid);
        BridgePlanner.Ensure(view, Ipt, "bridge0", null);
        HairpinPlanner.Set(view, "veth-red-br", true);
        Assert.DoesNotContain("Links:host", view.Reads);
        Assert.DoesNotContain("NamespaceNames", view.Reads);
    }

    private static string SourceFolder([System.Runtime.CompilerServices.CallerFilePath] string file = "") => System.IO.Path.GetDirectoryName(file)!;

    private static IpPrefix Net(string text) => IpPrefix.ParseNetwork(text, "DestinationPrefix");
    private static System.Net.IPAddress Hop(string text) => IpPrefix.ParseAddress(text, "NextHop");

    private static NetNsPS.Linux.Firewall.IFirewallDriver Ipt => NetNsPS.Linux.Firewall.Iptables.IptablesDriver.Instance;

    /// <summary>filter FORWARD with policy DROP (what Docker leaves), and, when given, a bridge's accepts made by the planner.</summary>
    /// <summary>firewalld runs, and bridge0 is bound to <paramref name="zone"/>.</summary>
    private static FakeSystemView Firewalld(FakeSystemView view, string zone)
    {
        view.FirewalldZones = new() { ["bridge0"] = zone };
        return view;
    }

    private static FakeSystemView Dropping(FakeSystemView view, string? accepted = null)
    {
        var kernel = IptablesKernel.From("*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\n:DOCKER-USER - [0:0]\n-A FORWARD -j DOCKER-USER\n-A DOCKER-USER -j RETURN\nCOMMIT\n");
        view.Snapshot = kernel.Read();
        if (accepted is not null)
        {
            kernel.RunAll(BridgePlanner.AcceptForward(view, Ipt, accepted).Steps.Select(s => s.Command));
            view.Snapshot = kernel.Read();
        }
        return view;
    }

    /// <summary>The nftables driver's view of a host whose iptables FORWARD drops: no table of its own yet, iptables beside it.</summary>
    private static FakeSystemView DroppingUnderNftables()
    {
        var snapshot = NetNsPS.Linux.Firewall.Nftables.NftablesJson.Parse("");
        snapshot.Iptables = IptablesKernel.From("*filter\n:INPUT ACCEPT [0:0]\n:FORWARD DROP [0:0]\n:OUTPUT ACCEPT [0:0]\nCOMMIT\n").Read();
        return new FakeSystemView { Snapshot = snapshot };
    }

    private static FakeSystemView Stray(string name)
    {
        var view = new FakeSystemView();
        view.StrayFiles.Add(name);
        return view;
    }

    private static FakeSystemView LoDown()
    {
        var view = new FakeSystemView();
        view.Namespace("red");
        return view.WithLoDown("red");
    }

    private static FakeSystemView WithDefaultRoute() => Article()
        .Route("red", TestRecords.Route("default", "192.168.15.1", "veth-red", null, null, null, null))
        .Route("red", TestRecords.Route("192.168.15.0/24", null, "veth-red", "link", "kernel", "192.168.15.2", null));

    private static FakeSystemView Sysctls(params (string Key, string Value)[] values)
    {
        var view = new FakeSystemView();
        foreach (var (key, value) in values)
        {
            view.Sysctls[key] = value;
        }
        return view;
    }

    private static FakeSystemView Recorded(FakeSystemView view, string key, string before, string set)
    {
        view.Records[key] = new SettingRecord(key, before, set);
        return view;
    }

    private static FakeSystemView OurPersistFile(FakeSystemView view)
    {
        view.PersistFile = $"{Sysctl.PersistHeader}\n{Sysctl.IpForward}=1\n";
        return view;
    }

    private static FakeSystemView TheirPersistFile(FakeSystemView view)
    {
        view.PersistFile = "net.ipv4.ip_forward=1\n";
        return view;
    }
}
