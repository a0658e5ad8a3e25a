using System.Collections.Generic;
using System.Runtime.CompilerServices;
using NetNsPS.Linux;
using NetNsPS.Linux.Firewall;
using NetNsPS.Linux.Firewall.Nftables;
using Xunit;

namespace NetNsPS.Tests;

/// <summary>
/// The nftables driver against the contract, on <see cref="NftKernel"/>. Each snapshot remembers the kernel it was
/// read from, so a test goes on from exactly that state; every kernel holds another tool's table, which every run
/// checks is untouched.
/// </summary>
public sealed class NftablesDriverContractTests : FirewallDriverContract
{
    private static readonly ConditionalWeakTable<FirewallSnapshot, NftKernel> Kernels = new();

    protected override IFirewallDriver Driver => NftablesDriver.Instance;

    protected override FirewallSnapshot Foreign() => Read(NftKernel.WithOtherTool());

    protected override FirewallSnapshot Run(FirewallSnapshot before, IEnumerable<CommandSpec> commands)
    {
        var kernel = Kernels.TryGetValue(before, out var k) ? k.Clone() : NftKernel.WithOtherTool();
        var other = kernel.TableText("inet", "othertool");
        kernel.RunAll(commands);
        Assert.Equal(other, kernel.TableText("inet", "othertool"));
        return Read(kernel);
    }

    private static FirewallSnapshot Read(NftKernel kernel)
    {
        var snapshot = NftablesJson.Parse(kernel.ListOrEmpty());
        Kernels.Add(snapshot, kernel.Clone());
        return snapshot;
    }
}
