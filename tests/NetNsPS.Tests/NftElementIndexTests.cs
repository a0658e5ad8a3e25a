using System.Linq;
using NetNsPS.Linux.Firewall;
using NetNsPS.Linux.Firewall.Nftables;
using Xunit;

namespace NetNsPS.Tests;

/// <summary>
/// The nftables snapshot's element indexes (by set and key, by tag, by port, by namespace and bridge), edited in one
/// go as a read adds its elements, or one at a time as planning does: both leave the same indexes.
/// </summary>
public class NftElementIndexTests
{
    private const string Set = "nat-prerouting-any4";

    private static (NftablesSnapshot.NftElement, FirewallRule) Mapping(int port, string ns, string? key = null)
    {
        var tag = $"netnsps:port:tcp:0.0.0.0:{port}:{ns}:br0:dnat";
        return (new NftablesSnapshot.NftElement(Set, key ?? $"tcp . {port}", "10.0.0.2 . 80", tag),
            new FirewallRule(FirewallTable.Nat, FirewallHook.Prerouting, tag, FirewallAction.Dnat));
    }

    private static NftablesSnapshot WithChain()
    {
        var snapshot = new NftablesSnapshot { TableExists = true };
        snapshot.OwnChains.Add(new NftablesSnapshot.NftChain(FirewallTable.Nat, FirewallHook.Prerouting));
        return snapshot;
    }

    private static string Indexes(NftablesSnapshot s) =>
        string.Join(" | ", s.ElementsOf(Set).Select(e => e.Key + "=" + e.Tag)) + " || "
        + string.Join(",", s.PortKeysOn("red", null).Select(k => k.ExternalPort).OrderBy(p => p)) + " / "
        + string.Join(",", s.PortKeysOn("blue", null).Select(k => k.ExternalPort).OrderBy(p => p)) + " / "
        + string.Join(",", s.PortKeysOn(null, "br0").Select(k => k.ExternalPort).OrderBy(p => p));

    [Fact]
    public void AddElements_InOneGo_LeavesTheIndexesThatOneAtATimeLeaves()
    {
        var elements = Enumerable.Range(1, 50).Select(i => Mapping(8000 + i, i % 2 == 0 ? "red" : "blue")).ToList();
        var bulk = WithChain();
        bulk.AddElements(elements);
        var single = WithChain();
        foreach (var (element, rule) in elements)
        {
            single.AddElement(element, rule);
        }

        Assert.Equal(Indexes(single), Indexes(bulk));
        Assert.Equal(25, bulk.PortKeysOn("red", null).Count());
        Assert.Equal(50, bulk.PortKeysOn(null, "br0").Count());
    }

    [Fact]
    public void AddElements_AKeyTwice_KeepsTheLast_AndForgetsTheFirstOnesMapping()
    {
        var snapshot = WithChain();
        snapshot.AddElements(new[] { Mapping(8080, "red"), Mapping(9090, "blue", key: "tcp . 8080") });

        Assert.Equal("tcp . 8080=netnsps:port:tcp:0.0.0.0:9090:blue:br0:dnat", string.Join(" | ", snapshot.ElementsOf(Set).Select(e => e.Key + "=" + e.Tag)));
        Assert.Empty(snapshot.PortKeysOn("red", null));
        Assert.Single(snapshot.PortKeysOn("blue", null));
    }

    [Fact]
    public void RemoveElement_TheLastOfANamespace_LeavesNoKeyThere_AndAnUnknownSetUntouched()
    {
        var snapshot = WithChain();
        var (red, _) = Mapping(8080, "red");
        snapshot.AddElements(new[] { Mapping(8080, "red"), Mapping(9090, "blue") });
        var copy = snapshot.Clone();

        snapshot.RemoveElement(red);
        snapshot.RemoveElement(red with { Set = "filter-forward-ports4" });

        Assert.Empty(snapshot.PortKeysOn("red", null));
        Assert.Single(snapshot.PortKeysOn(null, "br0"));
        Assert.False(snapshot.HasElements("filter-forward-ports4"));
        // The copy taken before shares nothing that changed.
        Assert.Single(copy.PortKeysOn("red", null));
        Assert.Equal(2, copy.ElementsOf(Set).Count());
    }
}
