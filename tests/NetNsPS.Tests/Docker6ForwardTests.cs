using System;
using System.Collections.Generic;
using System.Linq;
using NetNsPS.Internal;
using NetNsPS.Linux;
using NetNsPS.Linux.Firewall;
using NetNsPS.Linux.Firewall.Iptables;
using NetNsPS.Linux.Firewall.Nftables;
using NetNsPS.Operations;
using Xunit;

namespace NetNsPS.Tests;

/// <summary>
/// A Docker 27+ host with IPv6, without root: ip6tables' filter FORWARD at policy DROP after Docker's jumps, as
/// iptables' is. An address-less forward accept (a bridge's, an IPv6 masquerade's) goes to ip6tables as well as
/// iptables where IPv6's FORWARD drops, is read back from ip6tables as IPv6's copy (so a re-run plans nothing), and
/// goes from both on removal; where ip6tables' FORWARD accepts, nothing is written there. Under the nftables driver
/// the iptables FORWARD shim goes to ip6tables' FORWARD too, after Docker's DOCKER-USER jump. Three kernels (an
/// <see cref="IptablesKernel"/> per family and an <see cref="NftKernel"/>) run each plan's commands.
/// </summary>
public sealed class Docker6ForwardTests
{
    /// <summary>Docker's filter table as it leaves it in iptables and, since Docker 27 with IPv6, in ip6tables too.</summary>
    private const string DockerFilter = """
        *filter
        :INPUT ACCEPT [0:0]
        :FORWARD DROP [0:0]
        :OUTPUT ACCEPT [0:0]
        :DOCKER-USER - [0:0]
        :DOCKER-FORWARD - [0:0]
        -A FORWARD -j DOCKER-USER
        -A FORWARD -j DOCKER-FORWARD
        -A DOCKER-FORWARD -i docker0 -j ACCEPT
        -A DOCKER-USER -j RETURN
        COMMIT
        """;

    /// <summary>ip6tables with nothing that drops forwarded packets (Docker without IPv6, or before 27).</summary>
    private const string Open6 = """
        *filter
        :INPUT ACCEPT [0:0]
        :FORWARD ACCEPT [0:0]
        :OUTPUT ACCEPT [0:0]
        COMMIT
        """;

    private const string EmptyTables = """
        *nat
        :PREROUTING ACCEPT [0:0]
        :INPUT ACCEPT [0:0]
        :OUTPUT ACCEPT [0:0]
        :POSTROUTING ACCEPT [0:0]
        COMMIT
        *raw
        :PREROUTING ACCEPT [0:0]
        :OUTPUT ACCEPT [0:0]
        COMMIT

        """;

    /// <summary>The three kernels; each takes its own commands of a plan.</summary>
    private sealed class Host
    {
        public NftKernel Nft { get; } = NftKernel.WithOtherTool();
        public IptablesKernel V4 { get; init; } = new();
        public IptablesKernel V6 { get; init; } = new() { Tool = "ip6tables" };

        public static Host With(string v4, string v6) => new()
        {
            V4 = IptablesKernel.From(EmptyTables + v4),
            V6 = IptablesKernel.From(EmptyTables + v6, "ip6tables"),
        };

        public void Apply(Plan plan)
        {
            foreach (var command in plan.Steps.Select(s => s.Command))
            {
                if (command.Program == NftCommand.Program) Nft.Run(command);
                else if (command.Program == "iptables") V4.Run(command);
                else if (command.Program == "ip6tables") V6.Run(command);
            }
        }

        /// <summary>As the iptables driver reads it: iptables-save and ip6tables-save.</summary>
        public IptablesSnapshot ReadIptables()
        {
            var snapshot = V4.Read();
            snapshot.V6 = V6.Read();
            return snapshot;
        }

        /// <summary>As the nftables driver reads it: its table, and both families of iptables beside it.</summary>
        public NftablesSnapshot ReadNftables()
        {
            var snapshot = NftablesJson.Parse(Nft.ListOrEmpty());
            snapshot.Iptables = ReadIptables();
            return snapshot;
        }

        public FirewallSnapshot Read(IFirewallDriver driver) => driver is NftablesDriver ? ReadNftables() : ReadIptables();

        public string State => V4.Save() + "\n" + V6.Save() + "\n" + Nft.Ruleset();
    }

    private static FakeSystemView View(FirewallSnapshot snapshot) => new() { Snapshot = snapshot };

    private static List<string> Rendered(Plan plan, string program) =>
        plan.Steps.Select(s => s.Command).Where(c => c.Program == program).Select(c => c.Render()).ToList();

    public static TheoryData<string> Drivers => new() { FirewallDrivers.IptablesName, "nftables" };

    private static IFirewallDriver DriverNamed(string name) => name == "nftables" ? NftablesDriver.Instance : IptablesDriver.Instance;

    [Fact]
    public void BothFamiliesRule_IsRenderedForIptablesAndIp6tables()
    {
        var host = Host.With(DockerFilter, DockerFilter);
        var rule = NatRules.BridgeForward("bridge0", FirewallFamilies.Both).First();
        var plan = new Plan();
        IptablesDriver.Instance.PlanEnsure(host.ReadIptables(), new[] { rule }, plan);
        Assert.Equal(new[]
        {
            "iptables -w -t filter -N NETNSPS-FORWARD",
            "iptables -w -t filter -A FORWARD -j NETNSPS-FORWARD",
            "iptables -w -t filter -A NETNSPS-FORWARD -i bridge0 -o bridge0 -m comment --comment netnsps:bridge:bridge0:within -j ACCEPT",
            "ip6tables -w -t filter -N NETNSPS-FORWARD",
            "ip6tables -w -t filter -A FORWARD -j NETNSPS-FORWARD",
            "ip6tables -w -t filter -A NETNSPS-FORWARD -i bridge0 -o bridge0 -m comment --comment netnsps:bridge:bridge0:within -j ACCEPT",
        }, plan.Steps.Select(s => s.Command.Render()));
        host.Apply(plan);
        // Read back: IPv4's copy as before (Families null), ip6tables' as IPv6's; the wanted rule is both.
        var after = host.ReadIptables();
        Assert.Equal(new FirewallFamilies?[] { null, FirewallFamilies.Ipv6 }, after.Rules.Select(r => r.Families));
        Assert.Equal(new[] { rule.InFamily(FirewallFamilies.Ipv4), rule.InFamily(FirewallFamilies.Ipv6) }, after.Rules);
        var again = new Plan();
        IptablesDriver.Instance.PlanEnsure(after, new[] { rule }, again);
        Assert.Empty(again.Steps);
    }

    [Fact]
    public void NullFamilies_StaysIpv4s_AsBefore()
    {
        var host = Host.With(DockerFilter, DockerFilter);
        var plan = new Plan();
        IptablesDriver.Instance.PlanEnsure(host.ReadIptables(), NatRules.BridgeForward("bridge0"), plan);
        Assert.Empty(Rendered(plan, "ip6tables"));
        Assert.Equal(5, Rendered(plan, "iptables").Count);
    }

    [Fact]
    public void ForwardDropFamilies_ReadsEachFamilysFilterForward()
    {
        Assert.Equal(FirewallFamilies.Both, IptablesDriver.ForwardDropFamilies(Host.With(DockerFilter, DockerFilter).ReadIptables()));
        Assert.Equal(FirewallFamilies.Ipv4, IptablesDriver.ForwardDropFamilies(Host.With(DockerFilter, Open6).ReadIptables()));
        Assert.Equal(FirewallFamilies.Ipv6, IptablesDriver.ForwardDropFamilies(Host.With(Open6, DockerFilter).ReadIptables()));
        // No ip6tables: IPv4's alone is known.
        Assert.Equal(FirewallFamilies.Ipv4, IptablesDriver.ForwardDropFamilies(IptablesKernel.From(DockerFilter).Read()));
        Assert.Equal(FirewallFamilies.Both, NftablesDriver.Instance.ForwardDropFamilies(Host.With(DockerFilter, DockerFilter).ReadNftables()));
        Assert.Equal(FirewallFamilies.Ipv4, NftablesDriver.Instance.ForwardDropFamilies(Host.With(DockerFilter, Open6).ReadNftables()));
    }

    /// <summary>
    /// New-NetBridge's accepts on the Docker host with IPv6, under the iptables driver: the plan (golden) writes them
    /// to both; a re-run plans nothing; Remove-NetBridge's plan leaves both tables as Docker left them.
    /// </summary>
    [Fact]
    public void Iptables_NewNetBridge_AcceptsInBothFamilies_Converges_AndRemoveLeavesBothAsTheyWere()
    {
        var host = Host.With(DockerFilter, DockerFilter);
        var pristine = host.State;
        var plan = BridgePlanner.AcceptForward(View(host.ReadIptables()), IptablesDriver.Instance, "bridge0");
        GoldenPlan.Check("docker6/bridge-iptables", GoldenPlan.Render(plan));
        Assert.Contains("ip6tables -w -t filter -A NETNSPS-FORWARD -o bridge0 -m conntrack --ctstate RELATED,ESTABLISHED -m comment --comment netnsps:bridge:bridge0:reply -j ACCEPT", Rendered(plan, "ip6tables"));
        host.Apply(plan);
        // After Docker's two jumps, as an appended jump is (the iptables driver's own chain is not the shim).
        Assert.Contains("-A FORWARD -j DOCKER-FORWARD\n-A FORWARD -j NETNSPS-FORWARD\n", host.V6.Save(), StringComparison.Ordinal);

        var after = host.ReadIptables();
        Assert.Equal(6, after.Rules.Count(r => NatRules.IsBridgeTag(r.Tag, "bridge0")));
        Assert.True(BridgePlanner.AcceptForward(View(after), IptablesDriver.Instance, "bridge0").IsEmpty);

        host.Apply(BridgePlanner.Remove(View(host.ReadIptables()), IptablesDriver.Instance, "bridge0"));
        Assert.Equal(pristine, host.State);
    }

    [Theory]
    [MemberData(nameof(Drivers))]
    public void WhereIp6tablesForwardAccepts_NothingIsWrittenThere(string driverName)
    {
        var driver = DriverNamed(driverName);
        var host = Host.With(DockerFilter, Open6);
        var bridge = BridgePlanner.AcceptForward(View(host.Read(driver)), driver, "bridge0");
        Assert.Empty(Rendered(bridge, "ip6tables"));
        Assert.NotEmpty(Rendered(bridge, "iptables"));
        host.Apply(bridge);
        var masquerade = MasqueradePlanner.Enable(View(host.Read(driver)), driver, "bridge0", new[] { "192.168.15.0/24", "2001:db8:15::/64" });
        Assert.DoesNotContain(Rendered(masquerade, "ip6tables"), c => c.Contains("-t filter", StringComparison.Ordinal));
    }

    /// <summary>
    /// An IPv6 masquerade where IPv6's FORWARD drops: its out and reply accepts go to ip6tables too (golden), a re-run
    /// plans nothing, and Disable-NsMasquerade's plan leaves both tables as they were.
    /// </summary>
    [Fact]
    public void Iptables_Ipv6Masquerade_OutAndReplyAcceptsInIp6tables_Converges_AndDisableLeavesBothAsTheyWere()
    {
        var host = Host.With(DockerFilter, DockerFilter);
        var pristine = host.State;
        var prefixes = new[] { "192.168.15.0/24", "2001:db8:15::/64" };
        var plan = MasqueradePlanner.Enable(View(host.ReadIptables()), IptablesDriver.Instance, "bridge0", prefixes);
        GoldenPlan.Check("docker6/masquerade-dual-stack-iptables", GoldenPlan.Render(plan));
        var v6 = Rendered(plan, "ip6tables");
        Assert.Contains("ip6tables -w -t filter -A NETNSPS-FORWARD -i bridge0 ! -o bridge0 -m comment --comment netnsps:masq:bridge0:out -j ACCEPT", v6);
        Assert.Contains("ip6tables -w -t filter -A NETNSPS-FORWARD -o bridge0 -m conntrack --ctstate RELATED,ESTABLISHED -m comment --comment netnsps:masq:bridge0:reply -j ACCEPT", v6);
        host.Apply(plan);
        Assert.True(MasqueradePlanner.Enable(View(host.ReadIptables()), IptablesDriver.Instance, "bridge0", prefixes).IsEmpty);
        host.Apply(MasqueradePlanner.Disable(View(host.ReadIptables()), IptablesDriver.Instance, "bridge0"));
        Assert.Equal(pristine, host.State);
    }

    /// <summary>An IPv4 masquerade alone writes nothing to ip6tables, IPv6's FORWARD dropping or not.</summary>
    [Fact]
    public void Iptables_Ipv4MasqueradeAlone_NothingInIp6tables()
    {
        var host = Host.With(DockerFilter, DockerFilter);
        var plan = MasqueradePlanner.Enable(View(host.ReadIptables()), IptablesDriver.Instance, "bridge0", "192.168.15.0/24");
        Assert.Empty(Rendered(plan, "ip6tables"));
    }

    /// <summary>
    /// The nftables driver's shim on the Docker host with IPv6: the bridge's accepts go into NETNSPS-FORWARD of
    /// iptables and of ip6tables, each reached by a jump right after Docker's DOCKER-USER jump (golden); a re-run plans
    /// nothing; removal leaves iptables, ip6tables and the nft ruleset as they were.
    /// </summary>
    [Fact]
    public void Nftables_TheShimGoesToIp6tablesForwardToo_AfterDockerUser_Converges_AndGoesWithTheRules()
    {
        var host = Host.With(DockerFilter, DockerFilter);
        var pristine = host.State;
        var driver = NftablesDriver.Instance;
        var plan = BridgePlanner.AcceptForward(View(host.ReadNftables()), driver, "bridge0");
        GoldenPlan.Check("docker6/bridge-nftables", GoldenPlan.Render(plan));
        foreach (var tool in new[] { "iptables", "ip6tables" })
        {
            var commands = Rendered(plan, tool);
            Assert.Contains($"{tool} -w -t filter -I FORWARD 2 -j NETNSPS-FORWARD", commands);
            Assert.Contains($"{tool} -w -t filter -A NETNSPS-FORWARD -i bridge0 -o bridge0 -m comment --comment netnsps:bridge:bridge0:within -j ACCEPT", commands);
        }
        host.Apply(plan);
        var masquerade = MasqueradePlanner.Enable(View(host.ReadNftables()), driver, "bridge0", new[] { "192.168.15.0/24", "2001:db8:15::/64" });
        Assert.Contains("ip6tables -w -t filter -A NETNSPS-FORWARD -i bridge0 ! -o bridge0 -m comment --comment netnsps:masq:bridge0:out -j ACCEPT", Rendered(masquerade, "ip6tables"));
        host.Apply(masquerade);
        foreach (var save in new[] { host.V4.Save(), host.V6.Save() })
        {
            Assert.Contains("-A FORWARD -j DOCKER-USER\n-A FORWARD -j NETNSPS-FORWARD\n-A FORWARD -j DOCKER-FORWARD\n", save, StringComparison.Ordinal);
        }
        var after = host.ReadNftables();
        Assert.True(BridgePlanner.AcceptForward(View(after), driver, "bridge0").IsEmpty);
        Assert.True(MasqueradePlanner.Enable(View(after), driver, "bridge0", new[] { "192.168.15.0/24", "2001:db8:15::/64" }).IsEmpty);

        host.Apply(MasqueradePlanner.Disable(View(host.ReadNftables()), driver, "bridge0"));
        host.Apply(BridgePlanner.Remove(View(host.ReadNftables()), driver, "bridge0"));
        Assert.Equal(pristine, host.State);
    }
    /// <summary>An IPv6 mapping's forward accept (it has addresses) goes to ip6tables' shim alone, where that FORWARD drops.</summary>
    [Fact]
    public void Nftables_AnIpv6MappingsForwardAccept_GoesToIp6tablesShimOnly()
    {
        var mapping = new NsPortMapping
        {
            Protocol = NsProtocol.Tcp, ExternalIPAddress = NatRules.AnyIpv6Address, ExternalPort = 8080, Namespace = "red",
            InternalIPAddress = "2001:db8:15::2", InternalPort = 80, Bridge = "bridge0",
        };
        var host = Host.With(DockerFilter, DockerFilter);
        var plan = new Plan();
        NftablesDriver.Instance.PlanEnsure(host.ReadNftables(), NatRules.Port(mapping), plan);
        Assert.Empty(Rendered(plan, "iptables"));
        Assert.Contains("ip6tables -w -t filter -A NETNSPS-FORWARD -d 2001:db8:15::2/128 -o bridge0 -p tcp -m tcp --dport 80 -m comment --comment 'netnsps:port:tcp:[::]:8080:red:bridge0:forward' -j ACCEPT", Rendered(plan, "ip6tables"));
        host.Apply(plan);
        var after = host.ReadNftables();
        var again = new Plan();
        NftablesDriver.Instance.PlanEnsure(after, NatRules.Port(mapping), again);
        Assert.Empty(again.Steps);
        // Where ip6tables' FORWARD accepts, the shim is not written at all.
        var open = new Plan();
        NftablesDriver.Instance.PlanEnsure(Host.With(DockerFilter, Open6).ReadNftables(), NatRules.Port(mapping), open);
        Assert.Empty(Rendered(open, "ip6tables"));
    }
}
