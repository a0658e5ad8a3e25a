using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using NetNsPS.Lab;
using NetNsPS.Linux;
using NetNsPS.Linux.Firewall.Iptables;
using NetNsPS.Operations;
using Xunit;

namespace NetNsPS.Tests;

/// <summary>Lab files: the reader's checks (each error names its key path and value) and the deploy plans, golden.</summary>
public class LabTests
{
    private const int SelfPid = 4242;

    private static Hashtable T(params (string Key, object? Value)[] entries)
    {
        var table = new Hashtable(StringComparer.OrdinalIgnoreCase);
        foreach (var (k, v) in entries)
        {
            table[k] = v;
        }
        return table;
    }

    private static object[] L(params object[] items) => items;

    /// <summary>The issue's triangle without links: a masqueraded bridge, two namespaces on it, a route and a port.</summary>
    public static Hashtable Triangle() => T(
        ("Name", "tri"),
        ("Bridges", L(T(("Name", "br0"), ("IPAddress", "192.168.15.1/24"), ("Masquerade", true)))),
        ("Namespaces", L(
            T(("Name", "red"), ("Bridge", "br0"), ("IPAddress", "192.168.15.2/24"), ("DefaultRoute", "192.168.15.1")),
            T(("Name", "blue"), ("Bridge", "br0"), ("IPAddress", "192.168.15.3/24")),
            T(("Name", "r1"), ("Exec", L("ip link add dummy0 type dummy", "sh -c 'echo hi > /dev/null'"))))),
        ("Routes", L(T(("Namespace", "blue"), ("DestinationPrefix", "10.0.23.0/24"), ("NextHop", "192.168.15.2")))),
        ("Ports", L(T(("Namespace", "red"), ("InternalPort", 80), ("ExternalPort", 8080)))));

    private static LabSpec Read(Hashtable data) => LabReader.Read(data, "test.psd1", out _);

    private static string Error(Hashtable data) => Assert.Throws<NetNsException>(() => Read(data)).Message;

    private static Hashtable With(Hashtable data, string list, int index, string key, object? value)
    {
        var item = (Hashtable)((object[])data[list]!)[index];
        item[key] = value;
        return data;
    }

    [Fact]
    public void ReadsTheTriangle()
    {
        var lab = Read(Triangle());
        Assert.Equal("tri", lab.Name);
        Assert.Equal(new[] { "red", "blue", "r1" }, lab.Namespaces.Select(n => n.Name));
        Assert.Equal("eth0", lab.Namespaces[0].Interface);
        Assert.Equal("veth-red", lab.Namespaces[0].HostInterface);
        Assert.Equal(new[] { "sh", "-c", "echo hi > /dev/null" }, lab.Namespaces[2].Exec[1]);
        Assert.Equal("tcp/8080->red:80", lab.Ports[0].ToString());
        Assert.Equal(2, lab.AllRoutes().Count());
    }

    [Theory]
    [InlineData("Namespaces", 1, "IPAddress", "10.0.0.300/24", "Namespaces[1].IPAddress: '10.0.0.300/24' is not a valid IP address")]
    [InlineData("Namespaces", 1, "IPAddress", "192.168.15.0/24", "Namespaces[1].IPAddress: '192.168.15.0/24' is the network address")]
    [InlineData("Namespaces", 1, "IPAddress", "192.168.15.3", "Namespaces[1].IPAddress: '192.168.15.3' has no prefix length")]
    [InlineData("Namespaces", 1, "Bridge", "br9", "Namespaces[1].Bridge: 'br9' is not one of the lab's Bridges (br0)")]
    [InlineData("Namespaces", 1, "Name", "a/b", "Namespaces[1].Name: 'a/b' is not a valid namespace name")]
    [InlineData("Namespaces", 1, "Name", "red", "Namespaces: namespace 'red' is named more than once")]
    [InlineData("Namespaces", 0, "DefaultRoute", "192.168.15", "Namespaces[0].DefaultRoute: '192.168.15' is not a valid IP address")]
    [InlineData("Namespaces", 0, "Forwarding", "maybe", "Namespaces[0].Forwarding: 'maybe' is not $true or $false")]
    [InlineData("Namespaces", 0, "Interface", "eth 0", "Namespaces[0].Interface: 'eth 0' is not a valid interface name")]
    [InlineData("Namespaces", 0, "Exec", "sh -c 'oops", "Namespaces[0].Exec[0]: 'sh -c 'oops' has an unclosed ' quote")]
    [InlineData("Bridges", 0, "Name", "br0.with.a.long.name", "Bridges[0].Name: 'br0.with.a.long.name' is not a valid interface name")]
    [InlineData("Bridges", 0, "Masquerade", 3, "Bridges[0].Masquerade: '3' is not $true or $false")]
    [InlineData("Routes", 0, "Namespace", "green", "Routes[0].Namespace: 'green' is not one of the lab's Namespaces (red, blue, r1)")]
    [InlineData("Routes", 0, "DestinationPrefix", "10.0.23.1/24", "Routes[0].DestinationPrefix: '10.0.23.1/24' has host bits set")]
    [InlineData("Routes", 0, "NextHop", null, "Routes[0].NextHop: is missing")]
    [InlineData("Routes", 0, "NextHop", "10.9.9.9", "Routes[0].NextHop: '10.9.9.9' is not on a network of namespace 'blue' (192.168.15.3/24)")]
    [InlineData("Namespaces", 0, "DefaultRoute", "10.9.9.9", "Namespaces[0].DefaultRoute: '10.9.9.9' is not on a network of namespace 'red' (192.168.15.2/24)")]
    [InlineData("Ports", 0, "ExternalPort", 70000, "Ports[0].ExternalPort: '70000' is not a port number 1-65535")]
    [InlineData("Ports", 0, "InternalPort", "http", "Ports[0].InternalPort: 'http' is not a port number 1-65535")]
    [InlineData("Ports", 0, "Protocol", "sctp", "Ports[0].Protocol: 'sctp' is not Tcp or Udp")]
    [InlineData("Ports", 0, "Namespace", "r1", "Ports[0].Namespace: 'r1' has no Bridge and IPAddress")]
    public void AnErrorNamesItsKeyPathAndValue(string list, int index, string key, object? value, string expected)
    {
        var message = Error(With(Triangle(), list, index, key, value));
        Assert.Contains(expected, message);
        Assert.StartsWith("The lab file test.psd1 is not valid; nothing was changed:", message);
    }

    [Fact]
    public void EveryErrorIsListedAtOnce()
    {
        var data = With(With(Triangle(), "Namespaces", 0, "IPAddress", "x"), "Ports", 0, "ExternalPort", 0);
        var message = Error(data);
        Assert.Contains("Namespaces[0].IPAddress: 'x'", message);
        Assert.Contains("Ports[0].ExternalPort: '0'", message);
    }

    [Fact]
    public void TheNameIsRequiredAndChecked()
    {
        var data = Triangle();
        data.Remove("Name");
        Assert.Contains("Name: is missing", Error(data));
        data["Name"] = "../etc";
        Assert.Contains("Name: '../etc' is not a valid namespace name", Error(data));
    }

    [Fact]
    public void AFileThatIsNotATableIsAnError() =>
        Assert.Contains("(file): a table (@{ ... }) is expected, not 'hello'", Assert.Throws<NetNsException>(() => LabReader.Read("hello", "x", out _)).Message);

    [Fact]
    public void AMasqueradedBridgeNeedsAnAddress()
    {
        var data = Triangle();
        ((Hashtable)((object[])data["Bridges"]!)[0]).Remove("IPAddress");
        data["Namespaces"] = L(T(("Name", "red"), ("Bridge", "br0")));
        data.Remove("Ports");
        data.Remove("Routes");
        Assert.Contains("Bridges[0].Masquerade: a masqueraded bridge needs an IPAddress", Error(data));
    }

    [Fact]
    public void AnAddressNeedsABridge() =>
        Assert.Contains("Namespaces[2].IPAddress: '10.1.1.1/24' needs a Bridge", Error(With(Triangle(), "Namespaces", 2, "IPAddress", "10.1.1.1/24")));

    [Fact]
    public void ADefaultHostInterfaceTooLongAsksForOne() =>
        Assert.Contains("Namespaces[0].HostInterface: the default 'veth-averylongname' is longer than 15 characters",
            Error(With(Triangle(), "Namespaces", 0, "Name", "averylongname")));

    [Fact]
    public void UnknownKeysWarnAtEveryLevel()
    {
        var data = With(Triangle(), "Namespaces", 1, "Colour", "blue");
        data["Comment"] = "x";
        LabReader.Read(data, "test.psd1", out var warnings);
        Assert.Contains("(file): unknown key 'Comment' was ignored (known: Name, Bridges, Namespaces, Links, Routes, Ports)", warnings);
        Assert.Contains(warnings, w => w.StartsWith("Namespaces[1]: unknown key 'Colour' was ignored", StringComparison.Ordinal));
    }

    [Fact]
    public void KeysTheBuildCannotDeployAreErrorsNotDrops()
    {
        var saved = LabReader.Features;
        try
        {
            LabReader.Features = new LabFeatures(false, false, false);
            var data = Triangle();
            data["Links"] = L(T(("Endpoints", L("red:eth1", "blue:eth1"))));
            With(data, "Namespaces", 2, "Forwarding", true);
            var message = Error(data);
            Assert.Contains("Links[0]: point-to-point links are not available in this build yet", message);
            Assert.Contains("Namespaces[2].Forwarding: per-namespace IP forwarding is not available in this build yet", message);
        }
        finally
        {
            LabReader.Features = saved;
        }
    }

    [Theory]
    [InlineData("ping -c 1 10.0.0.1", new[] { "ping", "-c", "1", "10.0.0.1" })]
    [InlineData("sh -c \"echo 'a b'\"", new[] { "sh", "-c", "echo 'a b'" })]
    [InlineData("  a\\ b  ''  ", new[] { "a b", "" })]
    public void ExecLinesSplitWithoutAShell(string line, string[] argv)
    {
        Assert.Equal(argv, LabReader.SplitCommandLine(line, "Exec[0]"));
        Assert.Equal(argv, LabReader.SplitCommandLine(LabData.JoinCommandLine(argv), "Exec[0]"));
    }

    [Fact]
    public void TheStateFileRoundTrips()
    {
        var lab = Read(Triangle());
        var record = new LabRecord(lab, "/tmp/tri.psd1", "0");
        var back = LabStore.Parse(LabStore.ToJson(record), "state");
        Assert.Equal(LabStore.ToJson(record), LabStore.ToJson(back));
        Assert.Equal("0", back.ForwardingBefore);
        Assert.Equal(lab.AllAddresses(), back.Spec.AllAddresses());
    }

    // ---- plans ----

    private static string Render(IReadOnlyList<LabStage> stages, ISystemView view)
    {
        var text = new StringBuilder();
        foreach (var stage in stages)
        {
            text.Append("stage: ").Append(stage.Name).Append('\n').Append(GoldenPlan.Render(() => stage.Plan(view)));
        }
        return text.ToString();
    }

    private static FakeSystemView Deployed() => new FakeSystemView()
        .Namespace("red", "blue", "r1")
        .Bridge("br0", address: "192.168.15.1/24")
        .Veth("red", "eth0", "veth-red", master: "br0", address: "192.168.15.2/24")
        .Veth("blue", "eth0", "veth-blue", master: "br0", address: "192.168.15.3/24")
        .Device(null, "eth0", "dummy", "10.0.2.15/24");

    [Fact]
    public void AFreshDeployBuildsEverythingInOrder()
    {
        var lab = Read(Triangle());
        var view = new FakeSystemView().Device(null, "eth0", "dummy", "10.0.2.15/24");
        view.Sysctls[Sysctl.IpForward] = "0";
        GoldenPlan.Check("lab/deploy-fresh", Render(LabPlanner.Converge(lab, null, IptablesDriver.Instance, SelfPid, new[] { "red", "blue", "r1" }, "0"), view));
    }

    /// <summary>The Pester chain lab (tests/Pester/Lab/chain.psd1) as data: routers with forwarding and links.</summary>
    public static Hashtable Chain() => T(
        ("Name", "chain"),
        ("Bridges", L(T(("Name", "br1"), ("IPAddress", "10.0.1.254/24")))),
        ("Namespaces", L(
            T(("Name", "h1"), ("Bridge", "br1"), ("IPAddress", "10.0.1.2/24"), ("DefaultRoute", "10.0.1.1")),
            T(("Name", "r1"), ("Bridge", "br1"), ("IPAddress", "10.0.1.1/24"), ("Forwarding", true)),
            T(("Name", "r2"), ("Forwarding", true)))),
        ("Links", L(T(("Endpoints", L("r1:eth-r2", "r2:eth-r1")), ("IPAddress", L("10.0.12.1/30", "10.0.12.2/30")), ("Delay", "20ms"), ("Jitter", "5ms"), ("Loss", "1%")))),
        ("Routes", L(T(("Namespace", "r2"), ("DestinationPrefix", "10.0.1.0/24"), ("NextHop", "10.0.12.1")))));

    [Fact]
    public void AChainOfRoutersDeploysLinksAndForwarding()
    {
        var view = new FakeSystemView().Device(null, "eth0", "dummy", "10.0.2.15/24");
        GoldenPlan.Check("lab/deploy-chain", Render(LabPlanner.Converge(Read(Chain()), null, IptablesDriver.Instance, SelfPid, new[] { "h1", "r1", "r2" }, null), view));
    }

    [Theory]
    [InlineData("Endpoints", new object[] { "r1:eth-r2" }, "Links[0].Endpoints: 'r1:eth-r2' is not two endpoints")]
    [InlineData("Endpoints", new object[] { "r1:eth-r2", "r9:eth-r1" }, "Links[0].Endpoints[1]: 'r9' of 'r9:eth-r1' is not one of the lab's Namespaces (h1, r1, r2)")]
    [InlineData("Endpoints", new object[] { "r1:eth-r2", "r2" }, "Links[0].Endpoints[1]: 'r2' is not 'namespace:interface'")]
    [InlineData("Endpoints", new object[] { "r1:eth-r2", "r1:eth-x" }, "Links[0].Endpoints: both ends are in namespace 'r1'")]
    [InlineData("Endpoints", new object[] { "r1:eth0", "r2:eth-r1" }, "Links: interface 'r1:eth0' is named more than once")]
    [InlineData("IPAddress", new object[] { "10.0.12.1/30" }, "Links[0].IPAddress: '10.0.12.1/30' is not two addresses, one per endpoint")]
    [InlineData("IPAddress", new object[] { "10.0.12.1/30", "10.0.12.3/30" }, "Links[0].IPAddress[1]: '10.0.12.3/30' is the broadcast address")]
    public void ALinkErrorNamesItsKeyPathAndValue(string key, object[] value, string expected) =>
        Assert.Contains(expected, Error(With(Chain(), "Links", 0, key, value)));

    [Theory]
    [InlineData(LabGraphFormat.Mermaid)]
    [InlineData(LabGraphFormat.Dot)]
    public void ShowDrawsNamespacesBridgesInterfacesAddressesAndPorts(LabGraphFormat format)
    {
        var data = Chain();
        data["Ports"] = L(T(("Namespace", "h1"), ("InternalPort", 80), ("ExternalPort", 8080)));
        ((object[])data["Bridges"]!)[0] = T(("Name", "br1"), ("IPAddress", "10.0.1.254/24"), ("Masquerade", true));
        var text = LabGraph.Render(Read(data), format);
        GoldenPlan.Check($"lab/graph-chain.{format.ToString().ToLowerInvariant()}", text);
        foreach (var part in new[] { "h1", "r1 (router)", "bridge br1", "10.0.1.254/24", "masquerade", "eth0 10.0.1.2/24", "veth-h1",
            "eth-r2 10.0.12.1/30", "eth-r1 10.0.12.2/30", "tcp/8080 on the host", "10.0.1.2:80", "10.0.1.0/24 via 10.0.12.1" })
        {
            Assert.Contains(part, text);
        }
    }

    [Fact]
    public void AContainerlabTopologyIsPlainNamespacesBridgesAndLinks()
    {
        const string yaml = @"
name: clab
mgmt: { network: x }
topology:
  nodes:
    br1: { kind: bridge }
    r1: { kind: linux, image: frr, exec: ['ip addr add 10.0.12.1/30 dev eth1', 'sysctl -w net.ipv4.ip_forward=1'] }
    r2: { kind: linux, image: frr, binds: [/x:/y] }
    h1: { image: alpine }
  links:
    - endpoints: ['r1:eth1', 'r2:eth1']
      mtu: 9000
    - endpoints: ['h1:eth1', 'br1:h1-port']
";
        var warnings = new List<string>();
        var lab = LabReader.Read(Containerlab.ToData(yaml, "t.clab.yml", warnings), "t.clab.yml", out _);
        Assert.Equal("clab", lab.Name);
        Assert.Equal(new[] { "r1", "r2", "h1" }, lab.Namespaces.Select(n => n.Name));
        Assert.Equal("br1", lab.Bridges.Single().Name);
        Assert.Equal(("br1", "eth1", "h1-port"), (lab.Namespaces[2].Bridge, lab.Namespaces[2].Interface, lab.Namespaces[2].HostInterface));
        Assert.Equal("r1:eth1-r2:eth1", lab.Links.Single().ToString());
        Assert.Equal(new[] { "sysctl", "-w", "net.ipv4.ip_forward=1" }, lab.Namespaces[0].Exec[1]);
        Assert.Single(warnings, w => w.Contains("kind and image are ignored", StringComparison.Ordinal));
        Assert.Contains("(file): key 'mgmt' is not supported and was ignored (supported: name, topology)", warnings);
        Assert.Contains("topology.nodes.r2: key 'binds' is not supported and was ignored (supported: kind, image, exec)", warnings);
        Assert.Contains("topology.links[0]: key 'mtu' is not supported and was ignored (supported: endpoints)", warnings);
        GoldenPlan.Check("lab/deploy-containerlab", Render(LabPlanner.Converge(lab, null, IptablesDriver.Instance, SelfPid, new[] { "r1", "r2", "h1" }, null), new FakeSystemView()));
    }

    [Fact]
    public void BadYamlNamesTheLine() =>
        Assert.Matches(@"is not valid YAML; nothing was changed: line \d+, column \d+: ", Assert.Throws<NetNsException>(() => Containerlab.ToData("name: x\ntopology:\n  nodes: [a\n", "t.yml", new List<string>())).Message);

    [Theory]
    [InlineData("Delay", "fast", "Links[0].Delay: 'fast' is not valid: give a time with its unit")]
    [InlineData("Loss", "200%", "Links[0].Loss: '200%' is not valid: give a percentage more than 0% and at most 100%")]
    [InlineData("Rate", "100", "Links[0].Rate: '100' is not valid: give a rate with its unit")]
    [InlineData("Duplicate", "x", "Links[0].Duplicate: 'x' is not valid")]
    public void AShapingErrorNamesItsKeyPathAndValue(string key, string value, string expected) =>
        Assert.Contains(expected, Error(With(Chain(), "Links", 0, key, value)));

    [Fact]
    public void JitterNeedsADelay()
    {
        var data = Chain();
        ((Hashtable)((object[])data["Links"]!)[0]).Remove("Delay");
        Assert.Contains("Links[0].Jitter: '5ms' varies a delay; give Delay too", Error(data));
    }

    [Fact]
    public void DroppedShapingIsTakenOff()
    {
        var data = Chain();
        var owned = Read(data);
        ((Hashtable)((object[])data["Links"]!)[0]).Remove("Delay");
        ((Hashtable)((object[])data["Links"]!)[0]).Remove("Jitter");
        ((Hashtable)((object[])data["Links"]!)[0]).Remove("Loss");
        var view = new FakeSystemView().Namespace("h1", "r1", "r2").Device("r1", "eth-r2", "veth").Device("r2", "eth-r1", "veth")
            .Qdisc("r1", "eth-r2", "netem", owned.Links[0].Shaping!.Settings).Qdisc("r2", "eth-r1", "netem", owned.Links[0].Shaping!.Settings);
        var teardown = GoldenPlan.Render(() => LabPlanner.Converge(Read(data), owned, IptablesDriver.Instance, SelfPid, Array.Empty<string>(), null)[2].Plan(view));
        Assert.Contains("step: tc -n r1 qdisc del dev eth-r2 root", teardown);
        Assert.Contains("step: tc -n r2 qdisc del dev eth-r1 root", teardown);
    }

    [Fact]
    public void RemovingALabTakesDownWhatItOwned()
    {
        var lab = Read(Triangle());
        GoldenPlan.Check("lab/remove", Render(LabPlanner.Converge(LabSpec.Empty("tri"), lab, IptablesDriver.Instance, SelfPid, Array.Empty<string>(), "0"), Deployed()));
    }

    [Fact]
    public void AnEditedFileConverges()
    {
        var owned = Read(Triangle());
        // blue moves to 192.168.15.4, r1 is dropped, the route goes, red's default route moves to blue.
        var data = With(With(Triangle(), "Namespaces", 1, "IPAddress", "192.168.15.4/24"), "Namespaces", 0, "DefaultRoute", "192.168.15.4");
        data["Namespaces"] = ((object[])data["Namespaces"]!).Take(2).ToArray();
        data.Remove("Routes");
        data.Remove("Ports");
        var view = Deployed().Route("blue", new RouteRecord(IpPrefix.Parse("10.0.23.0/24", "d", null), System.Net.IPAddress.Parse("192.168.15.2"), "eth0", null, "boot", null, null))
            .Route("red", new RouteRecord(IpPrefix.Default(System.Net.Sockets.AddressFamily.InterNetwork), System.Net.IPAddress.Parse("192.168.15.1"), "eth0", null, "boot", null, null));
        // Every stage planned against the view before any ran: what -WhatIf prints.
        GoldenPlan.Check("lab/deploy-edited", Render(LabPlanner.Converge(Read(data), owned, IptablesDriver.Instance, SelfPid, Array.Empty<string>(), null), view));
    }

    [Fact]
    public void ALabThatIsAsItsFileSaysIsDeployed()
    {
        var data = Triangle();
        data.Remove("Ports");
        data.Remove("Routes");
        ((Hashtable)((object[])data["Bridges"]!)[0])["Masquerade"] = false;
        var lab = Read(data);
        var view = Deployed();
        view.Route("red", new RouteRecord(IpPrefix.Default(System.Net.Sockets.AddressFamily.InterNetwork), System.Net.IPAddress.Parse("192.168.15.1"), "eth0", null, "boot", null, null));
        var status = LabPlanner.Status(view, IptablesDriver.Instance, new LabRecord(lab, "/x.psd1", null), SelfPid);
        Assert.Equal("Deployed", status.State);
        Assert.Empty(status.Drift);
        var drifted = LabPlanner.Status(Deployed(), IptablesDriver.Instance, new LabRecord(lab, "/x.psd1", null), SelfPid);
        Assert.Equal("Drifted", drifted.State);
        Assert.Contains("route to default in namespace 'red'", drifted.Drift);
        Assert.Equal("Missing", LabPlanner.Status(new FakeSystemView(), IptablesDriver.Instance, new LabRecord(lab, "/x.psd1", null), SelfPid).State);
    }
}
