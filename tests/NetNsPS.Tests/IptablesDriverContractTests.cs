using System.Collections.Generic;
using NetNsPS.Linux;
using NetNsPS.Linux.Firewall;
using NetNsPS.Linux.Firewall.Iptables;

namespace NetNsPS.Tests;

/// <summary>The iptables driver against the contract, on <see cref="IptablesKernel"/>.</summary>
public sealed class IptablesDriverContractTests : FirewallDriverContract
{
    // Docker's chains and jumps, a NAT rule of someone else's, and a FORWARD policy of DROP.
    private const string Docker = """
        *nat
        :PREROUTING ACCEPT [0:0]
        :INPUT ACCEPT [0:0]
        :OUTPUT ACCEPT [0:0]
        :POSTROUTING ACCEPT [0:0]
        :DOCKER - [0:0]
        -A PREROUTING -m addrtype --dst-type LOCAL -j DOCKER
        -A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER
        -A POSTROUTING -s 172.17.0.0/16 ! -o docker0 -j MASQUERADE
        -A DOCKER -i docker0 -j RETURN
        COMMIT
        *filter
        :INPUT ACCEPT [0:0]
        :FORWARD DROP [0:0]
        :OUTPUT ACCEPT [0:0]
        :DOCKER-USER - [0:0]
        -A FORWARD -j DOCKER-USER
        -A FORWARD -o docker0 -m conntrack --ctstate RELATED,ESTABLISHED -m comment --comment "docker reply" -j ACCEPT
        -A DOCKER-USER -j RETURN
        COMMIT
        *raw
        :PREROUTING ACCEPT [0:0]
        :OUTPUT ACCEPT [0:0]
        -A PREROUTING -i docker0 -d 172.17.0.1/32 -j ACCEPT
        COMMIT
        """;

    protected override IFirewallDriver Driver => IptablesDriver.Instance;

    protected override FirewallSnapshot Foreign() => IptablesDriver.Parse(Docker);

    protected override FirewallSnapshot Run(FirewallSnapshot before, IEnumerable<CommandSpec> commands)
    {
        var kernel = IptablesKernel.From(before.Ruleset);
        kernel.RunAll(commands);
        return kernel.Read();
    }
}
