using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using NetNsPS.Internal;
using NetNsPS.Linux;
using NetNsPS.Linux.Firewall;
using NetNsPS.Linux.Firewall.Iptables;
using NetNsPS.Linux.Firewall.Nftables;
using NetNsPS.Linux.Netlink;
using NetNsPS.Operations;
using Xunit;

namespace NetNsPS.Tests;

/// <summary>
/// IPv6 without root: the planners' IPv6 branches as golden plans (both firewall drivers), and the bytes and text the
/// drivers write and read for IPv6 (netlink flags, ICMPv6, sockaddr_in6, nft elements, ip6tables-save).
/// </summary>
public class Ipv6Tests
{
    /// <summary>red (192.168.15.2, 2001:db8:15::2) and blue (IPv4 only) on a dual-stack bridge0.</summary>
    private static FakeSystemView View(FirewallSnapshot snapshot)
    {
        var view = new FakeSystemView()
            .Namespace("red", "blue")
            .Bridge("bridge0", address: "192.168.15.1/24")
            .Veth("red", "veth-red", "veth-red-br", master: "bridge0", address: "192.168.15.2/24")
            .Veth("blue", "veth-blue", "veth-blue-br", master: "bridge0", address: "192.168.15.3/24");
        view.AddAddress(null, "bridge0", "2001:db8:15::1/64");
        view.AddAddress("red", "veth-red", "2001:db8:15::2/64");
        view.AddAddress("red", "veth-red", "fe80::1/64");
        view.Sysctls["net.ipv4.conf.bridge0.route_localnet"] = "0";
        view.Sysctls["net.bridge.bridge-nf-call-iptables"] = "1";
        view.Sysctls["net.bridge.bridge-nf-call-ip6tables"] = "0";
        view.Snapshot = snapshot;
        return view;
    }

    private static IptablesSnapshot DualIptables(IptablesKernel? v4 = null, IptablesKernel? v6 = null)
    {
        var snapshot = (v4 ?? new IptablesKernel()).Read();
        snapshot.V6 = (v6 ?? new IptablesKernel { Tool = "ip6tables" }).Read();
        return snapshot;
    }

    private static PortPlanner.PublishIntent Port(string ns, ushort external, string? externalAddress = null, string? internalAddress = null) =>
        new(NsProtocol.Tcp, externalAddress, external, ns, internalAddress, 80);

    [Fact]
    public void Resolve_ADualStackNamespace_GetsAMappingPerFamily_AndLinkLocalIsNeverTheTarget()
    {
        var view = View(DualIptables());
        var targets = PortPlanner.Resolve(view, Port("red", 8080));
        Assert.Equal(new[] { ("0.0.0.0", "192.168.15.2"), ("::", "2001:db8:15::2") },
            targets.Select(t => (t.Mapping.ExternalIPAddress, t.Mapping.InternalIPAddress)).ToArray());
        Assert.Equal("192.168.15.3", Assert.Single(PortPlanner.Resolve(view, Port("blue", 8080))).Mapping.InternalIPAddress);
    }

    [Fact]
    public void Resolve_AnAddressGiven_PublishesItsFamilyOnly()
    {
        var view = View(DualIptables());
        Assert.Equal("2001:db8:15::2", Assert.Single(PortPlanner.Resolve(view, Port("red", 8080, externalAddress: "2001:db8:15::1"))).Mapping.InternalIPAddress);
        Assert.Equal("192.168.15.2", Assert.Single(PortPlanner.Resolve(view, Port("red", 8080, internalAddress: "192.168.15.2"))).Mapping.InternalIPAddress);
        var mixed = Assert.Throws<NetNsException>(() => PortPlanner.Resolve(view, Port("red", 8080, externalAddress: "2001:db8:15::1", internalAddress: "192.168.15.2")));
        Assert.Equal("AddressFamilyMismatch", mixed.ErrorId);
        var none = Assert.Throws<NetNsException>(() => PortPlanner.Resolve(view, Port("blue", 8080, externalAddress: "2001:db8:15::1")));
        Assert.Equal("NoBridgedAddress", none.ErrorId);
        Assert.Contains("IPv6", none.Message);
    }

    [Fact]
    public void Publish_DualStack_Iptables_PutsIpv6RulesInIp6tables() =>
        GoldenPlan.Check("ipv6/publish-dual-stack-iptables", Render(PortPlanner.Publish(View(DualIptables()), IptablesDriver.Instance,
            PortPlanner.Resolve(View(DualIptables()), Port("red", 8080)))));

    [Fact]
    public void Publish_DualStack_Nftables_UsesTheIp6MapsAndSets()
    {
        var view = View(NftablesJson.Parse(new NftKernel().ListOrEmpty()));
        GoldenPlan.Check("ipv6/publish-dual-stack-nftables", Render(PortPlanner.Publish(view, NftablesDriver.Instance, PortPlanner.Resolve(view, Port("red", 8080)))));
    }

    [Fact]
    public void Publish_TheSamePortOnBothFamilies_IsNoClash_ButTwiceOnOneFamilyIs()
    {
        var v4 = new IptablesKernel();
        var v6 = new IptablesKernel { Tool = "ip6tables" };
        var first = PortPlanner.Publish(View(DualIptables(v4, v6)), IptablesDriver.Instance, PortPlanner.Resolve(View(DualIptables(v4, v6)), Port("red", 8080)));
        v4.RunAll(first.Plan.Steps.Select(s => s.Command));
        v6.RunAll(first.Plan.Steps.Select(s => s.Command));
        var view = View(DualIptables(v4, v6));
        // Again: no firewall change (the view's settings are still off, so only those are planned).
        Assert.DoesNotContain(PortPlanner.Publish(view, IptablesDriver.Instance, PortPlanner.Resolve(view, Port("red", 8080))).Plan.Steps,
            s => s.Command.Program is "iptables" or "ip6tables");
        var blue = PortPlanner.Publish(view, IptablesDriver.Instance, PortPlanner.Resolve(view, Port("blue", 8080)));
        Assert.Equal("PortAlreadyPublished", Assert.Single(blue.Refused).ErrorId);
        Assert.Equal(2, NatRules.ReadPorts(view.Firewall()).Count);
        // Unpublishing takes both families' rules, ip6tables' with ip6tables.
        var gone = PortPlanner.Unpublish(view, IptablesDriver.Instance, new[] { new PortPlanner.UnpublishIntent(NsProtocol.Tcp, 8080, null, null) });
        GoldenPlan.Check("ipv6/unpublish-dual-stack-iptables", GoldenPlan.Render(gone.Plan));
        Assert.Contains(gone.Plan.Steps, s => s.Command.Program == "ip6tables");
    }

    [Fact]
    public void Masquerade_DualStack_TwoRulesWithTagsOfTheirOwn()
    {
        var view = View(NftablesJson.Parse(new NftKernel().ListOrEmpty()));
        var plan = MasqueradePlanner.Enable(view, NftablesDriver.Instance, "bridge0", new[] { "192.168.15.0/24", "2001:db8:15::/64" });
        GoldenPlan.Check("ipv6/masquerade-dual-stack-nftables", GoldenPlan.Render(plan));
        Assert.DoesNotContain(plan.Steps, s => s.Command.Render().Contains("flush chain"));
        var ipt = MasqueradePlanner.Enable(View(DualIptables()), IptablesDriver.Instance, "bridge0", new[] { "192.168.15.0/24", "2001:db8:15::/64" });
        GoldenPlan.Check("ipv6/masquerade-dual-stack-iptables", GoldenPlan.Render(ipt));
    }

    [Fact]
    public void Iptables_WithoutIp6tables_AnIpv6RuleIsAClearError()
    {
        var e = Assert.Throws<NetNsException>(() => IptablesDriver.Instance.PlanEnsure(new IptablesKernel().Read(), NatRules.Masquerade("bridge0", "2001:db8:15::/64"), new Plan()));
        Assert.Equal("Ip6tablesNotFound", e.ErrorId);
    }

    [Fact]
    public void Ip6tablesBatch_RestoresWithIp6tablesRestore()
    {
        var command = IptablesDriver.Command(true, FirewallTable.Nat, "-A", "NETNSPS-POSTROUTING", "-s", "2001:db8::/64", "-j", "MASQUERADE");
        Assert.Equal("ip6tables", command.Program);
        Assert.NotSame(IptablesDriver.Iptables(FirewallTable.Nat, "-N", "X").Batch, command.Batch);
        Assert.Equal("ip6tables-restore", IptablesBatch.Restore(new[] { command }).Program);
    }

    [Fact]
    public void Ip6tablesSave_ReadsBack_TheDnatTargetInBrackets()
    {
        var save = "*nat\n:NETNSPS-PREROUTING - [0:0]\n-A NETNSPS-PREROUTING -p tcp -m tcp --dport 8080 -m comment --comment \"netnsps:port:tcp:[::]:8080:red:bridge0:dnat\" -j DNAT --to-destination [2001:db8:15::2]:80\nCOMMIT\n";
        var rule = Assert.Single(IptablesDriver.Parse(save, ipv6: true).Rules);
        Assert.Equal(new DnatTarget(IPAddress.Parse("2001:db8:15::2"), 80), rule.DnatTo);
        Assert.Equal(AddressFamily.InterNetworkV6, rule.Family);
        Assert.True(rule.Identity!.Port!.IsAnyAddress);
    }

    [Theory]
    [InlineData("nat-prerouting-any6", "tcp . 8080", "2001:db8:15::2 . 80")]
    [InlineData("nat-output-host6", "2001:db8::1 . tcp . 8080", "fd00::2 . 80")]
    [InlineData("nat-postrouting-hairpin6", "fd00::2 . fd00::2 . tcp . 80", null)]
    [InlineData("filter-forward-ports6", "fd00::2 . \"bridge0\" . tcp . 80", null)]
    public void NftElements_OfIpv6_RoundTrip(string setName, string key, string? value)
    {
        var set = NftablesLayout.Set(setName)!;
        Assert.Equal(AddressFamily.InterNetworkV6, set.Family);
        var rule = NftablesLayout.FromElement(set, NftablesLayout.Split(key), value is null ? null : NftablesLayout.Split(value), "netnsps:port:tcp:[::]:8080:red:bridge0:dnat")!;
        var element = NftablesLayout.AsElement(rule);
        Assert.NotNull(element);
        Assert.Equal(setName, element!.Value.Set.SetName);
        Assert.Equal(key, element.Value.Key);
        Assert.Equal(value, element.Value.Value);
        // Read back from nft's JSON parts, an IPv6 address is written bare, never as a quoted string.
        Assert.Equal(key, NftablesLayout.JoinParts(NftablesLayout.Split(key)));
    }

    [Fact]
    public void NftElement_OfTheOtherFamily_NeverGoesIntoAnIpv4Set()
    {
        var rule = new FirewallRule(FirewallTable.Nat, FirewallHook.Prerouting, "t", FirewallAction.Dnat)
        { Protocol = "tcp", DestinationPort = 8080, DnatTo = new DnatTarget(IPAddress.Parse("fd00::2"), 80) };
        Assert.Equal("nat-prerouting-any6", NftablesLayout.AsElement(rule)!.Value.Set.SetName);
        Assert.Equal("nat-prerouting-any4", NftablesLayout.AsElement(rule with { DnatTo = new DnatTarget(IPAddress.Parse("10.0.0.2"), 80) })!.Value.Set.SetName);
    }

    [Fact]
    public void Forwarding_Ipv6_RaisesAcceptRaWhereRouterAdvertisementsGiveTheRoute_AndPutsItBack()
    {
        var view = View(DualIptables()).Bridge("eth0");
        view.Sysctls[Sysctl.Ipv6Forward] = "0";
        view.Sysctls["net.ipv6.conf.eth0.accept_ra"] = "1";
        view.Sysctls["net.ipv6.conf.bridge0.accept_ra"] = "1";
        view.Route(null, new RouteRecord(IpPrefix.Default(AddressFamily.InterNetworkV6), IPAddress.Parse("fe80::1"), "eth0", null, "ra", null, null));
        var enable = SysctlPlanner.EnableIpForward(view, persist: true, family: AddressFamily.InterNetworkV6);
        GoldenPlan.Check("ipv6/forwarding-enable-accept-ra", GoldenPlan.Render(enable));
        Assert.Equal(new[] { "eth0" }, SysctlPlanner.RouterAdvertisementsKept(view));

        view.Sysctls[Sysctl.Ipv6Forward] = "1";
        view.Sysctls["net.ipv6.conf.eth0.accept_ra"] = "2";
        view.Records[Sysctl.Ipv6Forward] = new SettingRecord(Sysctl.Ipv6Forward, "0", "1");
        view.Records["net.ipv6.conf.eth0.accept_ra"] = new SettingRecord("net.ipv6.conf.eth0.accept_ra", "1", "2");
        GoldenPlan.Check("ipv6/forwarding-disable-accept-ra", GoldenPlan.Render(SysctlPlanner.DisableIpForward(view, family: AddressFamily.InterNetworkV6)));
    }

    [Fact]
    public void Forwarding_Ipv6_WhereTheKernelHasNoIpv6_IsAClearError()
    {
        var view = View(DualIptables());
        Assert.Equal("IPv6Unavailable", Assert.Throws<NetNsException>(() => SysctlPlanner.EnableIpForward(view, false, family: AddressFamily.InterNetworkV6)).ErrorId);
        Assert.True(SysctlPlanner.DisableIpForward(view, family: AddressFamily.InterNetworkV6).IsEmpty);
    }

    [Fact]
    public void AddressAndRoute_Ipv6_CommandsAreWhatIpTakes()
    {
        var address = IpPrefix.Parse("2001:db8:15::2/64", "IPAddress", null);
        Assert.Equal("ip -n red addr add 2001:db8:15::2/64 dev veth-red nodad", Ip.AddAddress("red", address, "veth-red").Render());
        Assert.Equal("ip -n red addr add 2001:db8:15::2/64 dev veth-red", Ip.AddAddress("red", address, "veth-red", detectDuplicates: true).Render());
        Assert.Equal("ip -n red addr add 192.168.15.2/24 dev veth-red", Ip.AddAddress("red", IpPrefix.Parse("192.168.15.2/24", "IPAddress", null), "veth-red").Render());
        var gateway = IPAddress.Parse("2001:db8:15::1");
        Assert.Equal("ip -n red -6 route add default via 2001:db8:15::1", Ip.AddRoute("red", IpPrefix.Default(AddressFamily.InterNetworkV6), gateway, null).Render());
        Assert.Equal("ip -n red -6 route del default via 2001:db8:15::1 dev veth-red", Ip.DeleteRoute("red", IpPrefix.Default(AddressFamily.InterNetworkV6), gateway, "veth-red").Render());
        Assert.Equal("ip -6 -j route show table main", Ip.ShowRoutes(null, AddressFamily.InterNetworkV6).Render());
    }

    [Fact]
    public void Netlink_Ipv6Address_NoDadIsTheFlagsAttribute_AndTentativeIsReadBack()
    {
        var message = new NetlinkMessage(Uapi.RTM_NEWADDR, 0, NetlinkMessage.AddressInfo(Uapi.AF_INET6, 64, 3)).U32(Uapi.IFA_FLAGS, Uapi.IFA_F_NODAD);
        var bytes = message.ToArray(1);
        // nlmsghdr (16) + ifaddrmsg (8) + one attribute: length 8, type IFA_FLAGS, value IFA_F_NODAD.
        Assert.Equal(new byte[] { 8, 0, Uapi.IFA_FLAGS, 0, (byte)Uapi.IFA_F_NODAD, 0, 0, 0 }, bytes[24..32]);

        var payload = new List<byte> { Uapi.AF_INET6, 64, (byte)Uapi.IFA_F_TENTATIVE, 0, 3, 0, 0, 0 };
        payload.AddRange(new byte[] { 20, 0, Uapi.IFA_ADDRESS, 0 });
        payload.AddRange(IPAddress.Parse("2001:db8:15::2").GetAddressBytes());
        var parsed = RtNetlink.ParseAddress(Uapi.RTM_NEWADDR, payload.ToArray())!;
        Assert.True(parsed.Record.Tentative);
        Assert.False(parsed.Record.DadFailed);
        Assert.False(parsed.Record.IsLinkLocal);
        Assert.Equal("2001:db8:15::2/64", parsed.Record.Cidr);
    }

    [Fact]
    public void Icmpv6Echo_RequestAndReply()
    {
        var request = IcmpEcho.BuildV6Request(0x1234, 1, IcmpEcho.DefaultPayload);
        Assert.Equal(IcmpEcho.V6EchoRequestType, request[0]);
        Assert.Equal(0, request[2] | request[3]);
        var reply = (byte[])request.Clone();
        reply[0] = IcmpEcho.V6EchoReplyType;
        Assert.True(IcmpEcho.IsV6ReplyTo(reply, 0x1234, 1));
        Assert.False(IcmpEcho.IsV6ReplyTo(reply, 0x1235, 1));
        Assert.False(IcmpEcho.IsV6ReplyTo(request, 0x1234, 1));
        // A neighbour solicitation a raw socket also sees is not a reply.
        Assert.False(IcmpEcho.IsV6ReplyTo(new byte[] { 135, 0, 0, 0, 0x12, 0x34, 0, 1 }, 0x1234, 1));
    }

    [Fact]
    public void SockAddrIn6_Layout()
    {
        var b = Libc.SockAddr.For(IPAddress.Parse("2001:db8::1"), 8080);
        Assert.Equal(28, b.Length);
        Assert.Equal(Uapi.AF_INET6, b[0] | b[1] << 8);
        Assert.Equal(8080, Libc.SockAddr.Port(b));
        Assert.Equal(IPAddress.Parse("2001:db8::1"), Libc.SockAddr.Address(b));
        var v4 = Libc.SockAddr.For(IPAddress.Parse("192.168.15.2"), 80);
        Assert.Equal(16, v4.Length);
        Assert.Equal(IPAddress.Parse("192.168.15.2"), Libc.SockAddr.Address(v4));
    }

    [Fact]
    public void Views_PairEachAddressWithItsInterface()
    {
        var interfaces = new[] { "lo", "veth-red", "veth-x", "veth" };
        var pairs = new[] { "lo 127.0.0.1/8", "veth-red 192.168.15.2/24", "veth-red 2001:db8:15::2/64", "veth 10.0.0.1/8" };
        Assert.Equal(new[] { "lo", "veth-red", "", "veth-x", "veth" }, DisplayText.InterfaceColumn(interfaces, pairs));
        Assert.Equal(new[] { "127.0.0.1/8", "192.168.15.2/24", "2001:db8:15::2/64", "", "10.0.0.1/8" }, DisplayText.AddressColumn(interfaces, pairs));
        Assert.Equal("[::]:8080", NsPortMapping.Endpoint("::", 8080));
        Assert.Equal("0.0.0.0:8080", NsPortMapping.Endpoint("0.0.0.0", 8080));
    }

    // ---- Get-NsDiagnostic's IPv6 checks, on facts built by hand ----

    private static LinkRecord DiagLink(int index, string name, string? kind, string? master = null, int? peer = null, params string[] cidrs) =>
        new(index, name, kind, master is null ? null : "bridge", LinkFlags.Broadcast | LinkFlags.Up, "UP", 1500, null, master, peer,
            peer is null ? null : 0, null, master is null ? null : true, cidrs.Select(c => TestRecords.Address(c)).ToList());

    private static (Internal.Diagnostics.HostFacts Host, Internal.Diagnostics.NamespaceFacts Red) DiagFacts(string? forward = "1", string? nf6 = "1",
        bool bridgeV6 = true, bool route = true, bool published = true, System.Action<IptablesKernel>? tamperV6 = null, string? v6Save = null)
    {
        var bridge = bridgeV6 ? DiagLink(3, "bridge0", "bridge", cidrs: new[] { "192.168.15.1/24", "2001:db8:15::1/64" }) : DiagLink(3, "bridge0", "bridge", cidrs: "192.168.15.1/24");
        var hostLinks = new List<LinkRecord> { DiagLink(1, "lo", null, cidrs: "127.0.0.1/8"), bridge, DiagLink(5, "veth-red-br", "veth", master: "bridge0", peer: 4) };
        var redLinks = new List<LinkRecord> { DiagLink(1, "lo", null, cidrs: "127.0.0.1/8"), DiagLink(4, "veth-red", "veth", peer: 5, cidrs: new[] { "192.168.15.2/24", "2001:db8:15::2/64", "fe80::2/64" }) };
        var routes = new List<RouteRecord> { TestRecords.Route("2001:db8:15::/64", null, "veth-red", null, "kernel", null, null) };
        if (route)
        {
            routes.Add(TestRecords.Route("default", "2001:db8:15::1", "veth-red", null, null, null, null));
        }
        var v4 = new IptablesKernel();
        var v6 = v6Save is null ? new IptablesKernel { Tool = "ip6tables" } : IptablesKernel.From(v6Save, "ip6tables");
        if (published)
        {
            var view = View(DualIptables());
            var plan = PortPlanner.Publish(view, IptablesDriver.Instance, PortPlanner.Resolve(view, Port("red", 8080))).Plan;
            v4.RunAll(plan.Steps.Select(st => st.Command));
            v6.RunAll(plan.Steps.Select(st => st.Command));
        }
        tamperV6?.Invoke(v6);
        var host = new Internal.Diagnostics.HostFacts
        {
            Driver = IptablesDriver.Instance, IpForward = "1", Ipv6Forward = forward, BridgeNetfilterLoaded = true, BridgeNfCallIptables = "1",
            BridgeNfCallIp6tables = nf6, Links = hostLinks, Firewall = DualIptables(v4, v6),
        };
        return (host, new Internal.Diagnostics.NamespaceFacts("red", redLinks, routes));
    }

    private static Dictionary<string, NsDiagnostic> Checks((Internal.Diagnostics.HostFacts Host, Internal.Diagnostics.NamespaceFacts Red) f) =>
        Internal.Diagnostics.Ipv6Checks.All(f.Host, f.Red, null).ToDictionary(d => d.Check);

    [Fact]
    public void Diagnostic_DualStackPublished_EveryIpv6CheckOk_AndLocalhostExplained()
    {
        var checks = Checks(DiagFacts());
        Assert.Equal(new[] { "IPv6 address", "IPv6 default route", "IPv6 forwarding", "IPv6 rules tcp/8080", "IPv6 localhost tcp/8080", "IPv6 bridge netfilter" }, checks.Keys);
        Assert.All(checks.Values, d => Assert.Equal(NsDiagnosticStatus.Ok, d.Status));
        Assert.Contains("no route_localnet for IPv6", checks["IPv6 localhost tcp/8080"].Why);
        Assert.Contains("[2001:db8:15::1]:8080", checks["IPv6 localhost tcp/8080"].Observed);
    }

    [Fact]
    public void Diagnostic_Ipv6Failures_EachNamesItsCmdletFix()
    {
        var noForward = Checks(DiagFacts(forward: "0"))["IPv6 forwarding"];
        Assert.Equal(NsDiagnosticStatus.Failed, noForward.Status);
        Assert.Equal("Enable-IpForward -AddressFamily IPv6", noForward.Fix);
        var noRoute = Checks(DiagFacts(route: false))["IPv6 default route"];
        Assert.Equal("Add-NsRoute -Namespace red -NextHop 2001:db8:15::1", noRoute.Fix);
        var noNf = Checks(DiagFacts(nf6: "0"))["IPv6 bridge netfilter"];
        Assert.Equal(NsDiagnosticStatus.Failed, noNf.Status);
        Assert.StartsWith("Publish-NsPort red", noNf.Fix);
        var noBridgeAddress = Checks(DiagFacts(bridgeV6: false));
        Assert.Equal("Add-NsIPAddress 2001:db8:15::1/64 -InterfaceName bridge0", Assert.Single(noBridgeAddress).Value.Fix);
    }

    [Fact]
    public void Diagnostic_AnIpv6RuleDeletedByHand_FailsItsRulesCheck_FixRepublishes()
    {
        var f = DiagFacts(tamperV6: kernel =>
        {
            var forward = kernel.Read().Rules.Single(r => r.Tag.EndsWith(":forward", System.StringComparison.Ordinal));
            kernel.Run(IptablesDriver.Command(true, FirewallTable.Filter, new[] { "-D", "NETNSPS-FORWARD" }.Concat(IptablesDriver.Spec(forward)).ToArray()));
        });
        var check = Internal.Diagnostics.Ipv6Checks.All(f.Host, f.Red, null).Single(d => d.Check == "IPv6 rules tcp/8080");
        Assert.Equal(NsDiagnosticStatus.Failed, check.Status);
        Assert.Contains("missing forward", check.Observed);
        Assert.Equal("Publish-NsPort red -InternalPort 80 -ExternalPort 8080 -InternalIPAddress 2001:db8:15::2", check.Fix);
    }

    /// <summary>ip6tables as Docker 27+ with IPv6 leaves it: FORWARD drops what nobody accepted.</summary>
    private const string Ip6tablesForwardDrop = """
        *nat
        :PREROUTING ACCEPT [0:0]
        :INPUT ACCEPT [0:0]
        :OUTPUT ACCEPT [0:0]
        :POSTROUTING ACCEPT [0:0]
        COMMIT
        *filter
        :INPUT ACCEPT [0:0]
        :FORWARD DROP [0:0]
        :OUTPUT ACCEPT [0:0]
        COMMIT

        """;

    [Fact]
    public void Diagnostic_Ipv6ForwardDrops_TheBridgesAcceptsMissing_FailsWithNewNetBridge_ThenOk()
    {
        var missing = Checks(DiagFacts(published: false, v6Save: Ip6tablesForwardDrop))["IPv6 FORWARD"];
        Assert.Equal(NsDiagnosticStatus.Failed, missing.Status);
        Assert.Equal("IPv6's FORWARD drops, and bridge0's accepts are not all there", missing.Observed);
        Assert.Equal("New-NetBridge bridge0", missing.Fix);
        // New-NetBridge's IPv6 accepts, as its plan puts them into ip6tables
        var repaired = Checks(DiagFacts(published: false, v6Save: Ip6tablesForwardDrop, tamperV6: kernel =>
        {
            var plan = new Plan();
            IptablesDriver.Instance.PlanEnsure(DualIptables(v6: kernel), NatRules.BridgeForward("bridge0", FirewallFamilies.Ipv6), plan);
            kernel.RunAll(plan.Steps.Select(st => st.Command));
        }))["IPv6 FORWARD"];
        Assert.Equal(NsDiagnosticStatus.Ok, repaired.Status);
        Assert.Equal("", repaired.Fix);
    }

    [Fact]
    public void Diagnostic_AnIpv4OnlyNamespace_HasNoIpv6Checks()
    {
        var f = DiagFacts();
        var red = new Internal.Diagnostics.NamespaceFacts("red", new List<LinkRecord> { DiagLink(4, "veth-red", "veth", peer: 5, cidrs: new[] { "192.168.15.2/24", "fe80::2/64" }) }, f.Red.Routes);
        Assert.Empty(Internal.Diagnostics.Ipv6Checks.All(f.Host, red, null));
    }

    private static string Render(PortPlanner.PublishResult r) =>
        GoldenPlan.Render(r.Plan) + string.Concat(r.Refused.Select(e => $"error: {e.ErrorId}: {e.Message}\n"));
}
