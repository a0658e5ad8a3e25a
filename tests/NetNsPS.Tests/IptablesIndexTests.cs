using System.Linq;
using NetNsPS.Internal;
using NetNsPS.Linux.Firewall;
using NetNsPS.Linux.Firewall.Iptables;
using Xunit;

namespace NetNsPS.Tests;

/// <summary>The iptables snapshot's indexes (EntryList): what they answer, kept through edits, and apart between copies.</summary>
public class IptablesIndexTests
{
    private static IptablesSnapshot.Entry[] Mapping(string ns, ushort port, string bridge = "bridge0") =>
        NatRules.Port(new NsPortMapping { Protocol = NsProtocol.Tcp, ExternalPort = port, Namespace = ns, InternalIPAddress = "192.168.15.2", InternalPort = 80, Bridge = bridge })
            .Select(r => new IptablesSnapshot.Entry(r, new[] { "-j", "ACCEPT" })).ToArray();

    [Fact]
    public void The_indexes_answer_by_tag_port_chain_namespace_and_bridge()
    {
        var red = Mapping("red", 8080);
        var list = new IptablesSnapshot.EntryList(red.Concat(Mapping("blue", 8081, "bridge1")));
        Assert.Equal(red.Length, list.OnPort(NsProtocol.Tcp, 8080).Count);
        Assert.Empty(list.OnPort(NsProtocol.Udp, 8080));
        Assert.Same(red[0], list.WithTag(red[0].Rule.Tag)[0]);
        Assert.True(list.AnyIn(red[0].Rule.Table, red[0].Rule.Hook));
        Assert.Equal(new ushort[] { 8080 }, list.KeysOn("red", null).Select(k => k.ExternalPort));
        Assert.Empty(list.KeysOn("red", "bridge1"));
        Assert.Equal(new ushort[] { 8081 }, list.KeysOn(null, "bridge1").Select(k => k.ExternalPort));
        Assert.Equal(new ushort[] { 8080, 8081 }, list.KeysOn(null, null).Select(k => k.ExternalPort).OrderBy(p => p));
    }

    [Fact]
    public void Edits_keep_the_indexes_current_and_a_copy_apart_from_its_original()
    {
        var red = Mapping("red", 8080);
        var original = new IptablesSnapshot.EntryList(red);
        var copy = original.Copy();
        foreach (var entry in red)
        {
            copy.Remove(entry);
        }
        var blue = Mapping("blue", 9090);
        copy.Add(blue[0]);
        Assert.Empty(copy.OnPort(NsProtocol.Tcp, 8080));
        Assert.Empty(copy.KeysOn("red", null));
        Assert.Equal(new ushort[] { 9090 }, copy.KeysOn(null, null).Select(k => k.ExternalPort));
        // The original still has all of it.
        Assert.Equal(red.Length, original.Count);
        Assert.Equal(red.Length, original.OnPort(NsProtocol.Tcp, 8080).Count);
        Assert.Empty(original.OnPort(NsProtocol.Tcp, 9090));
        Assert.Equal(new ushort[] { 8080 }, original.KeysOn("red", null).Select(k => k.ExternalPort));
    }

    [Fact]
    public void Removal_is_of_the_very_entry_an_equal_one_stays()
    {
        var red = Mapping("red", 8080);
        var twin = new IptablesSnapshot.Entry(red[0].Rule, red[0].Spec);
        var list = new IptablesSnapshot.EntryList(red.Append(twin));
        list.Remove(twin);
        Assert.Same(red[0], Assert.Single(list.WithTag(red[0].Rule.Tag), e => e.Rule == red[0].Rule));
    }

    [Fact]
    public void A_rules_identity_follows_its_tag_through_a_with_copy()
    {
        var rule = Mapping("red", 8080)[0].Rule;
        Assert.Equal(8080, rule.Identity!.Port!.ExternalPort);
        var moved = rule with { Tag = rule.Tag.Replace(":8080:", ":9090:") };
        Assert.Equal(9090, moved.Identity!.Port!.ExternalPort);
        Assert.Equal(8080, rule.Identity!.Port!.ExternalPort);
        // The cache takes no part in equality.
        Assert.Equal(rule, moved with { Tag = rule.Tag });
    }
}
