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
/// The nftables driver beside iptables, without root: an <see cref="NftKernel"/> and an <see cref="IptablesKernel"/>
/// side by side, each running its own commands of a plan, read back as the driver reads them (its table, and the
/// iptables driver's snapshot of NETNSPS-* chains). Rules NetNsPS 0.1 left in iptables are listed, removed through the
/// iptables driver and never published twice; where iptables' FORWARD drops, exactly the forward accepts go into
/// NETNSPS-FORWARD as well, and nothing of it is left once they are removed.
/// </summary>
public sealed class NftIptablesCoexistenceTests
{
    private static NsPortMapping Red => new()
    {
        Protocol = NsProtocol.Tcp, ExternalIPAddress = NatRules.AnyAddress, ExternalPort = 8080, Namespace = "red",
        InternalIPAddress = "192.168.15.2", InternalPort = 80, Bridge = "bridge0",
    };

    private static NsPortMapping Blue => new()
    {
        Protocol = NsProtocol.Tcp, ExternalIPAddress = NatRules.AnyAddress, ExternalPort = 8081, Namespace = "blue",
        InternalIPAddress = "192.168.15.3", InternalPort = 80, Bridge = "bridge0",
    };

    /// <summary>What Docker's iptables mode leaves: its chain and jump, a reply accept, and FORWARD's policy at DROP.</summary>
    private const string DockerDrop = """
        *filter
        :INPUT ACCEPT [0:0]
        :FORWARD DROP [0:0]
        :OUTPUT ACCEPT [0:0]
        :DOCKER-USER - [0:0]
        -A FORWARD -j DOCKER-USER
        -A FORWARD -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
        -A DOCKER-USER -j RETURN
        COMMIT
        """;

    /// <summary>firewalld's iptables backend: policy ACCEPT, but the chain ends in a REJECT.</summary>
    private const string Reject = """
        *filter
        :INPUT ACCEPT [0:0]
        :FORWARD ACCEPT [0:0]
        :OUTPUT ACCEPT [0:0]
        -A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
        -A FORWARD -j REJECT --reject-with icmp-host-prohibited
        COMMIT
        """;

    /// <summary>Someone's iptables rules with nothing that drops forwarded packets.</summary>
    private const string Open = """
        *filter
        :INPUT ACCEPT [0:0]
        :FORWARD ACCEPT [0:0]
        :OUTPUT ACCEPT [0:0]
        -A INPUT -p tcp -m tcp --dport 22 -j ACCEPT
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

    /// <summary>Both kernels; a plan's nft commands go to one, its iptables commands to the other.</summary>
    private sealed class Host
    {
        public NftKernel Nft { get; } = NftKernel.WithOtherTool();
        public IptablesKernel Iptables { get; init; } = new();

        /// <summary>iptables holding <paramref name="save"/>, every table the module uses there from the start (as iptables-nft keeps a table it made).</summary>
        public static Host With(string save) => new() { Iptables = IptablesKernel.From(EmptyTables + save) };

        public void Apply(Plan plan) => Run(plan.Steps.Select(s => s.Command));

        public void Run(IEnumerable<CommandSpec> commands)
        {
            foreach (var command in commands)
            {
                if (command.Program == NftCommand.Program)
                {
                    Nft.Run(command);
                }
                else if (command.Program == "iptables")
                {
                    Iptables.Run(command);
                }
            }
        }

        /// <summary>The driver's view: its table, and iptables read beside it.</summary>
        public NftablesSnapshot Read()
        {
            var snapshot = NftablesJson.Parse(Nft.ListOrEmpty());
            snapshot.Iptables = Iptables.Read();
            return snapshot;
        }

        public string State => Iptables.Save() + "\n" + Nft.Ruleset();
    }

    private static IFirewallDriver Driver => NftablesDriver.Instance;

    /// <summary>A host where NetNsPS 0.1 (the iptables driver) published red:80 as 8080 and masqueraded bridge0.</summary>
    private static Host WithLegacy(string save = Open)
    {
        var host = Host.With(save);
        var plan = new Plan();
        IptablesDriver.Instance.PlanEnsure(host.Iptables.Read(),
            NatRules.Masquerade("bridge0", "192.168.15.0/24").Concat(NatRules.Port(Red)).Concat(NatRules.Localnet("bridge0")), plan);
        host.Apply(plan);
        return host;
    }

    private static FakeSystemView View(FirewallSnapshot snapshot)
    {
        var view = new FakeSystemView()
            .Namespace("red", "blue")
            .Bridge("bridge0", address: "192.168.15.1/24")
            .Veth("red", "veth-red", "veth-red-br", master: "bridge0", address: "192.168.15.2/24", hairpin: true)
            .Veth("blue", "veth-blue", "veth-blue-br", master: "bridge0", address: "192.168.15.3/24", hairpin: true);
        view.Sysctls["net.ipv4.conf.bridge0.route_localnet"] = "1";
        view.Sysctls["net.bridge.bridge-nf-call-iptables"] = "1";
        view.Snapshot = snapshot;
        return view;
    }

    private static PortPlanner.PublishIntent Port(string ns, ushort external) => new(NsProtocol.Tcp, null, external, ns, null, 80);

    private static IReadOnlyList<string> Commands(Plan plan) => plan.Steps.Select(s => s.Command.Render()).ToList();

    // ---- rules an earlier version left in iptables ----

    [Fact]
    public void LegacyRules_AreListed_AsMappingsAndMasquerades()
    {
        var snapshot = WithLegacy().Read();
        var listed = Assert.Single(NatRules.ReadPorts(snapshot).Select(p => p.Listed).OfType<NsPortMapping>());
        Assert.Equal((Red.Protocol, Red.ExternalPort, Red.Namespace, Red.InternalIPAddress, Red.InternalPort, Red.Bridge),
            (listed.Protocol, listed.ExternalPort, listed.Namespace, listed.InternalIPAddress, listed.InternalPort, listed.Bridge));
        var masquerade = Assert.Single(NatRules.ReadMasquerades(snapshot));
        Assert.Equal(("bridge0", "192.168.15.0/24"), (masquerade.Bridge, masquerade.SourcePrefix));
        Assert.Contains((FirewallTable.Nat, FirewallHook.Prerouting), snapshot.Chains);
    }

    [Fact]
    public void UnpublishingALegacyMapping_DeletesItThroughTheIptablesDriver_AndLeavesTheMasquerade()
    {
        var host = WithLegacy();
        var masqueradeOnly = Host.With(Open);
        var m = new Plan();
        IptablesDriver.Instance.PlanEnsure(masqueradeOnly.Iptables.Read(), NatRules.Masquerade("bridge0", "192.168.15.0/24"), m);
        masqueradeOnly.Apply(m);
        var nftBefore = host.Nft.Ruleset();

        var result = PortPlanner.Unpublish(View(host.Read()), Driver, new[] { new PortPlanner.UnpublishIntent(NsProtocol.Tcp, 8080, null, null) });
        Assert.Empty(result.NotPublished);
        Assert.All(result.Plan.Steps.Where(s => s.Command.Program is "iptables" or "nft"), s => Assert.Equal("iptables", s.Command.Program));
        host.Apply(result.Plan);

        Assert.Equal(masqueradeOnly.Iptables.Save(), host.Iptables.Save());
        Assert.Equal(nftBefore, host.Nft.Ruleset());
        Assert.Empty(NatRules.ReadPorts(host.Read()));
    }

    [Fact]
    public void RemovingEverything_TakesTheLegacyChainsAndJumps_IptablesAsBefore()
    {
        var pristine = Host.With(DockerDrop).State;
        var host = WithLegacy(DockerDrop);
        // A chain left empty by a run killed between -N and -A, in a table the rules no longer use.
        host.Iptables.Run(IptablesDriver.Iptables(FirewallTable.Raw, "-N", "NETNSPS-OUTPUT"));
        Assert.NotEqual(pristine, host.State);
        var snapshot = host.Read();
        var plan = new Plan();
        Driver.PlanRemove(snapshot, snapshot.Rules, plan, snapshot.Chains);
        host.Apply(plan);
        Assert.Equal(pristine, host.State);
        Assert.Empty(host.Read().Rules);
        Assert.Empty(host.Read().Chains);
    }

    [Fact]
    public void PublishingALegacyMappingAgain_PlansNothing_AndAnotherTargetIsRefused()
    {
        var snapshot = WithLegacy().Read();
        var view = View(snapshot);
        var same = PortPlanner.Publish(view, Driver, PortPlanner.Resolve(view, Port("red", 8080)));
        Assert.Empty(same.Refused);
        Assert.True(same.Plan.IsEmpty, string.Join("\n", Commands(same.Plan)));

        var clash = PortPlanner.Publish(view, Driver, PortPlanner.Resolve(view, Port("blue", 8080)));
        Assert.Equal("PortAlreadyPublished", Assert.Single(clash.Refused).ErrorId);
        Assert.True(clash.Plan.IsEmpty);
    }

    [Fact]
    public void ALegacyRuleDeletedByHand_IsRepairedInIptables_NotCopiedIntoTheTable()
    {
        var host = WithLegacy();
        var intact = host.Iptables.Save();
        var output = host.Iptables.Read().Rules.First(r => r.Table == FirewallTable.Nat && r.Hook == FirewallHook.Output);
        var delete = new Plan();
        IptablesDriver.Instance.PlanRemove(host.Iptables.Read(), new[] { output }, delete);
        host.Apply(new Plan().Add(delete.Steps[0].Command));
        Assert.NotEqual(intact, host.Iptables.Save());

        var plan = new Plan();
        Driver.PlanEnsure(host.Read(), NatRules.Port(Red).Concat(NatRules.Localnet("bridge0")), plan);
        Assert.Equal(new[] { "iptables" }, plan.Steps.Select(s => s.Command.Program).Distinct());
        host.Apply(plan);
        Assert.Equal(intact, host.Iptables.Save());
        Assert.Equal("", host.Nft.TableText(NftablesLayout.Family, NftablesLayout.Name));
    }

    [Fact]
    public void ANewMappingBesideALegacyOne_GoesIntoTheTable_TheBridgesLegacyLocalnetRulesServeIt()
    {
        var host = WithLegacy();
        var before = host.Iptables.Save();
        var view = View(host.Read());
        var result = PortPlanner.Publish(view, Driver, PortPlanner.Resolve(view, Port("blue", 8081)));
        Assert.Empty(result.Refused);
        host.Apply(result.Plan);
        Assert.Equal(before, host.Iptables.Save());
        var after = host.Read();
        Assert.Equal(NatRules.Port(Blue).OrderBy(r => r.Tag + r.Hook), after.Rules.Where(r => NatRules.IsRuleOf(r, NatRules.KeyOf(Blue))).OrderBy(r => r.Tag + r.Hook));
        Assert.Equal(2, NatRules.ReadPorts(after).Count);
    }

    // ---- iptables' FORWARD drops: the shim ----

    /// <summary>The forward accepts of every rule the module writes.</summary>
    private static List<FirewallRule> Wanted() =>
        NatRules.Masquerade("bridge0", "192.168.15.0/24").Concat(NatRules.Port(Red)).Concat(NatRules.Port(Blue)).Concat(NatRules.Localnet("bridge0")).ToList();

    private static List<FirewallRule> Forward(IEnumerable<FirewallRule> rules) =>
        rules.Where(r => r.Table == FirewallTable.Filter && r.Hook == FirewallHook.Forward).OrderBy(r => r.Tag).ToList();

    /// <summary>
    /// The shim's jump goes first in FORWARD, before a trailing DROP or REJECT, but after Docker's jump to DOCKER-USER
    /// (position 2 there), so that a user's own DOCKER-USER rules filter the module's bridges too.
    /// </summary>
    [Theory]
    [InlineData(DockerDrop, 2)]
    [InlineData(Reject, 1)]
    public void WhereForwardDrops_ExactlyTheForwardAcceptsAreCopiedIntoIptables_AndGoWithThem(string save, int position)
    {
        var host = Host.With(save);
        var pristine = host.State;
        var plan = new Plan();
        Driver.PlanEnsure(host.Read(), Wanted(), plan);
        var iptables = plan.Steps.Select(s => s.Command).Where(c => c.Program == "iptables").Select(c => c.Render()).ToList();
        Assert.Equal("iptables -w -t filter -N NETNSPS-FORWARD", iptables[0]);
        Assert.Equal($"iptables -w -t filter -I FORWARD {position} -j NETNSPS-FORWARD", iptables[1]);
        Assert.Equal(Forward(Wanted()).Count + 2, iptables.Count);
        Assert.All(iptables.Skip(2), c => Assert.StartsWith("iptables -w -t filter -A NETNSPS-FORWARD ", c));
        host.Apply(plan);

        var after = host.Read();
        var forward = host.Iptables.Save().Split('\n').Where(l => l.StartsWith("-A FORWARD ", StringComparison.Ordinal)).ToList();
        Assert.Equal("-A FORWARD -j NETNSPS-FORWARD", forward[position - 1]);
        Assert.Equal(save.Contains("DOCKER-USER", StringComparison.Ordinal), forward[0] == "-A FORWARD -j DOCKER-USER");
        Assert.Equal(Forward(Wanted()), Forward(after.Iptables!.Rules));
        Assert.Equal(Forward(Wanted()).Count, after.Iptables.Rules.Count);
        Assert.Equal(new[] { (FirewallTable.Filter, FirewallHook.Forward) }, after.Iptables.Chains);
        // The table holds every rule as without the shim; the mappings are listed once.
        Assert.Equal(Wanted().OrderBy(r => r.Tag + r.Hook), after.Rules.Where(r => !after.Iptables.Rules.Any(i => ReferenceEquals(i, r))).OrderBy(r => r.Tag + r.Hook));
        Assert.Equal(2, NatRules.ReadPorts(after).Count(p => p.Listed is not null));

        var again = new Plan();
        Driver.PlanEnsure(after, Wanted(), again);
        Assert.Empty(again.Steps);

        var removal = new Plan();
        Driver.PlanRemove(after, after.Rules, removal, after.Chains);
        host.Apply(removal);
        Assert.Equal(pristine, host.State);
    }

    [Fact]
    public void WhereForwardDropsNothing_NoIptablesCommand()
    {
        var host = Host.With(Open);
        var plan = new Plan();
        Driver.PlanEnsure(host.Read(), Wanted(), plan);
        Assert.DoesNotContain(plan.Steps, s => s.Command.Program == "iptables");
    }

    [Fact]
    public void TheShimStaysWhileAnyForwardAcceptNeedsIt_AndGoesWithTheLast()
    {
        var host = Host.With(DockerDrop);
        var pristine = host.State;
        var plan = new Plan();
        Driver.PlanEnsure(host.Read(), Wanted(), plan);
        host.Apply(plan);

        // Unpublish red: its forward accept leaves iptables too, the others stay.
        var view = View(host.Read());
        host.Apply(PortPlanner.Unpublish(view, Driver, new[] { new PortPlanner.UnpublishIntent(NsProtocol.Tcp, 8080, null, null) }).Plan);
        var redKey = NatRules.KeyOf(Red);
        var afterRed = host.Read();
        Assert.Equal(Forward(Wanted().Where(r => !NatRules.IsRuleOf(r, redKey))), Forward(afterRed.Iptables!.Rules));

        host.Apply(PortPlanner.Unpublish(View(afterRed), Driver, new[] { new PortPlanner.UnpublishIntent(NsProtocol.Tcp, 8081, null, null) }).Plan);
        Assert.Equal(Forward(NatRules.Masquerade("bridge0", "192.168.15.0/24")), Forward(host.Read().Iptables!.Rules));

        host.Apply(MasqueradePlanner.Disable(View(host.Read()), Driver, "bridge0"));
        Assert.Equal(pristine, host.State);
    }

    [Fact]
    public void UndoingThePlan_RemovesTheShimToo()
    {
        var host = Host.With(DockerDrop);
        var pristine = host.State;
        var plan = new Plan();
        Driver.PlanEnsure(host.Read(), Wanted(), plan);
        for (var k = 0; k <= plan.Steps.Count; k++)
        {
            var trial = Host.With(DockerDrop);
            var done = plan.Steps.Take(k).ToList();
            trial.Run(done.Select(s => s.Command).Concat(done.AsEnumerable().Reverse().Select(s => s.Undo).OfType<CommandSpec>()));
            Assert.Equal(pristine, trial.State);
        }
    }

    [Fact]
    public void Simulate_LeavesTheSnapshotsIptablesPartAsItWas()
    {
        var snapshot = Host.With(DockerDrop).Read();
        Driver.Simulate(snapshot, Wanted());
        var plan = new Plan();
        Driver.PlanEnsure(snapshot, Wanted(), plan);
        Assert.Contains(plan.Steps, s => s.Command.Render() == "iptables -w -t filter -N NETNSPS-FORWARD");
    }

    [Fact]
    public void ForwardDrops_ReadsPolicyAndLastRule()
    {
        Assert.True(IptablesDriver.ForwardDrops(IptablesDriver.Parse(DockerDrop)));
        Assert.True(IptablesDriver.ForwardDrops(IptablesDriver.Parse(Reject)));
        Assert.False(IptablesDriver.ForwardDrops(IptablesDriver.Parse(Open)));
        Assert.False(IptablesDriver.ForwardDrops(IptablesDriver.Parse("")));
    }
}
