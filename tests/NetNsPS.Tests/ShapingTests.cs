using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using NetNsPS.Linux;
using NetNsPS.Operations;
using Xunit;

namespace NetNsPS.Tests;

/// <summary>
/// Link impairment without root: the shaping planner's branches as golden plans (Golden/shaping), tc's JSON as iproute2
/// prints it for netem and the kernel's defaults, and the checking of every value before anything runs.
/// </summary>
public class ShapingTests
{
    private static readonly NetemSettings Delay20 = new(20_000, null, null, null, null);
    private static readonly NetemSettings Full = new(20_000, 5_000, 1, 0.5, 100_000_000);

    private static FakeSystemView Linked() => new FakeSystemView().Namespace("r1", "r2").NsLink("r1", "to-r2", "r2", "to-r1");

    public static readonly Dictionary<string, Func<Plan>> Cases = new()
    {
        ["shaping/set-fresh"] = () => ShapingPlanner.Set(Linked(), "r1", "to-r2", Full),
        ["shaping/set-converged"] = () => ShapingPlanner.Set(Linked().Qdisc("r1", "to-r2", netem: Full), "r1", "to-r2", Full),
        ["shaping/set-changed"] = () => ShapingPlanner.Set(Linked().Qdisc("r1", "to-r2", netem: Full), "r1", "to-r2", Delay20),
        ["shaping/set-over-netem-with-other-options"] = () => ShapingPlanner.Set(Linked().Qdisc("r1", "to-r2", netem: Delay20 with { HasOtherOptions = true }), "r1", "to-r2", Delay20),
        ["shaping/set-over-other-qdisc"] = () => ShapingPlanner.Set(Linked().Qdisc("r1", "to-r2", kind: "tbf"), "r1", "to-r2", Delay20),
        ["shaping/set-on-host"] = () => ShapingPlanner.Set(new FakeSystemView().Device(null, "eth1"), null, "eth1", Delay20),
        ["shaping/set-interface-missing"] = () => ShapingPlanner.Set(Linked(), "r1", "to-r9", Delay20),
        ["shaping/set-interface-planned-under-whatif"] = () => ShapingPlanner.Set(new FakeSystemView(), "r1", "to-r2", Delay20, devicePlanned: true),
        ["shaping/remove-existing"] = () => ShapingPlanner.Remove(Linked().Qdisc("r1", "to-r2", netem: Full), "r1", "to-r2"),
        ["shaping/remove-without-netem"] = () => ShapingPlanner.Remove(Linked(), "r1", "to-r2"),
        ["shaping/remove-leaves-other-qdisc"] = () => ShapingPlanner.Remove(Linked().Qdisc("r1", "to-r2", kind: "tbf"), "r1", "to-r2"),
        ["shaping/remove-interface-missing"] = () => ShapingPlanner.Remove(Linked(), "r1", "to-r9"),
        ["shaping/remove-namespace-missing"] = () => ShapingPlanner.Remove(Linked(), "r9", "to-r2"),
    };

    public static IEnumerable<object[]> CaseNames() => Cases.Keys.Select(k => new object[] { k });

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void Planner_MatchesItsGoldenPlan(string name) =>
        GoldenPlan.Check(name, GoldenPlan.Render(Cases[name]));

    [Fact]
    public void EveryShapingGoldenFile_HasItsCase()
        => GoldenPlan.AssertEveryFileHasCase(new[] { "shaping" }, Cases.Keys);

    // What iproute2 6.1 (q_netem.c) prints for `tc -j qdisc show` after
    // `tc qdisc replace dev to-r2 root netem delay 20ms 5ms loss 1% duplicate 0.5% rate 100mbit`.
    private const string NetemJson = """
        [{"kind":"netem","handle":"8001:","root":true,"refcnt":2,"options":{"limit":1000,"delay":{"delay":0.02,"jitter":0.005,"correlation":0},"loss-random":{"loss":0.00999999977648258,"correlation":0},"duplicate":{"duplicate":0.00499999988824129,"correlation":0},"rate":{"rate":12500000,"packetoverhead":0,"cellsize":0,"celloverhead":0},"ecn":false,"gap":0}}]
        """;

    [Fact]
    public void ParseRootQdiscs_ReadsNetemAsTheSettingsThatMadeIt()
    {
        var q = Assert.Single(Tc.ParseRootQdiscs(NetemJson, "to-r2"));
        Assert.Equal(("to-r2", "netem", "8001:", false), (q.Device, q.Kind, q.Handle, q.IsDefault));
        Assert.True(q.Netem!.SameAs(Full), q.Netem.ToString());
        Assert.Equal("delay 20ms 5ms loss 1% duplicate 0.5% rate 100mbit", q.Netem.ToString());
        Assert.False(q.Netem.SameAs(Delay20));
    }

    [Fact]
    public void ParseRootQdiscs_TheKernelsDefaultIsNoNetem_AndIngressIsLeftOut()
    {
        // What this machine's tc prints for a fresh veth (a noqueue root) and for a device with an ingress qdisc as well.
        var list = Tc.ParseRootQdiscs("""
            [{"kind":"noqueue","handle":"0:","dev":"lo","root":true,"refcnt":2,"options":{}},{"kind":"noqueue","handle":"0:","dev":"to-r2","root":true,"refcnt":2,"options":{}},{"kind":"ingress","handle":"ffff:","dev":"to-r2","parent":"ffff:fff1","options":{}}]
            """);
        Assert.Equal(new[] { "lo", "to-r2" }, list.Select(q => q.Device));
        Assert.All(list, q => Assert.True(q.IsDefault && q.Netem is null));
    }

    [Fact]
    public void ParseRootQdiscs_AnotherKindIsNotDefault()
    {
        var q = Assert.Single(Tc.ParseRootQdiscs("""[{"kind":"tbf","handle":"8001:","root":true,"refcnt":3,"options":{"rate":125000,"burst":4096,"lat":400000}}]""", "to-r2"));
        Assert.False(q.IsDefault);
        Assert.Null(q.Netem);
    }

    [Theory]
    [InlineData("""{"limit":1000,"delay":{"delay":0.001,"jitter":0,"correlation":0},"reorder":{"reorder":0.25,"correlation":0},"ecn":false,"gap":5}""")]
    [InlineData("""{"limit":1000,"corrupt":{"corrupt":0.01,"correlation":0},"ecn":false,"gap":0}""")]
    [InlineData("""{"limit":1000,"delay":{"delay":0.001,"jitter":0,"correlation":0},"ecn":true,"gap":0}""")]
    public void ParseNetem_NotesOptionsNetNsPSDoesNotSet(string options)
    {
        using var doc = JsonDocument.Parse(options);
        var settings = Tc.ParseNetem(doc.RootElement);
        Assert.True(settings.HasOtherOptions);
        Assert.False(settings.SameAs(settings), "a qdisc with options NetNsPS does not set never counts as converged");
    }

    [Fact]
    public void ParseNetem_JitterWithoutDelayIsIgnored_AndAZeroRateIsNoRate()
    {
        using var doc = JsonDocument.Parse("""{"limit":1000,"rate":{"rate":0},"ecn":false,"gap":0}""");
        var settings = Tc.ParseNetem(doc.RootElement);
        Assert.True(settings.IsEmpty);
    }

    [Theory]
    [InlineData("20ms", 20_000)]
    [InlineData("1.5ms", 1_500)]
    [InlineData("500us", 500)]
    [InlineData("500usec", 500)]
    [InlineData("2s", 2_000_000)]
    [InlineData("0.25s", 250_000)]
    [InlineData(" 20MS ", 20_000)]
    public void ParseTime_TakesTcUnits(string text, long micro) => Assert.Equal(micro, Netem.ParseTime(text, "Delay"));

    [Theory]
    [InlineData("20")]
    [InlineData("20 m")]
    [InlineData("ms")]
    [InlineData("-5ms")]
    [InlineData("0ms")]
    [InlineData("0.5us")]
    [InlineData("61s")]
    [InlineData("1e3ms")]
    [InlineData("")]
    [InlineData(null)]
    public void ParseTime_RefusesWithTheBadValueNamed(string? text)
    {
        var e = Assert.Throws<NetNsException>(() => Netem.ParseTime(text, "Delay"));
        Assert.Equal("InvalidShapingValue", e.ErrorId);
        Assert.StartsWith($"Delay '{Names.Show(text)}' is not valid", e.Message);
    }

    [Theory]
    [InlineData("1%", 1)]
    [InlineData("0.5%", 0.5)]
    [InlineData("100%", 100)]
    [InlineData("3", 3)]
    public void ParsePercent_TakesAShare(string text, double value) => Assert.Equal(value, Netem.ParsePercent(text, "Loss"));

    [Theory]
    [InlineData("0%")]
    [InlineData("101%")]
    [InlineData("-1%")]
    [InlineData("1%%")]
    [InlineData("one")]
    public void ParsePercent_Refuses(string text) =>
        Assert.Equal("InvalidShapingValue", Assert.Throws<NetNsException>(() => Netem.ParsePercent(text, "Loss")).ErrorId);

    [Theory]
    [InlineData("100mbit", 100_000_000L, "100mbit")]
    [InlineData("1.5mbit", 1_500_000L, "1500kbit")]
    [InlineData("512kbit", 512_000L, "512kbit")]
    [InlineData("1gbit", 1_000_000_000L, "1gbit")]
    [InlineData("12345bit", 12_345L, "12345bit")]
    [InlineData("10MBit", 10_000_000L, "10mbit")]
    public void ParseRate_TakesBitUnits_AndPrintsTheLargestExactOne(string text, long bits, string printed)
    {
        Assert.Equal(bits, Netem.ParseRate(text, "Rate"));
        Assert.Equal(printed, Netem.FormatRate(bits));
    }

    [Theory]
    [InlineData("100")]
    [InlineData("100mbps")]
    [InlineData("100Mbps")]
    [InlineData("4bit")]
    [InlineData("0.5bit")]
    [InlineData("2000gbit")]
    public void ParseRate_RefusesBytesAndOddValues(string text) =>
        Assert.Equal("InvalidShapingValue", Assert.Throws<NetNsException>(() => Netem.ParseRate(text, "Rate")).ErrorId);

    [Fact]
    public void FromParameters_NeedsSomething_AndJitterNeedsDelay()
    {
        Assert.Equal("NoShapingGiven", Assert.Throws<NetNsException>(() => Netem.FromParameters(null, null, null, null, null)).ErrorId);
        Assert.Equal("JitterWithoutDelay", Assert.Throws<NetNsException>(() => Netem.FromParameters(null, "5ms", "1%", null, null)).ErrorId);
        Assert.Equal("delay 20ms 5ms loss 1% duplicate 0.5% rate 100mbit", Netem.FromParameters("20ms", "5ms", "1%", "0.5%", "100mbit").ToString());
    }

    [Fact]
    public void FormatTime_UsesTheLargestExactUnit()
    {
        Assert.Equal(new[] { "20ms", "1500us", "2s", "1us" }, new long[] { 20_000, 1_500, 2_000_000, 1 }.Select(Netem.FormatTime));
    }

    [Fact]
    public void SameAs_AllowsTheKernelsRounding_ButNotAnotherValue()
    {
        Assert.True(Full.SameAs(Full with { DelayMicroseconds = 20_001, LossPercent = 0.99999998, RateBitsPerSecond = 100_000_007 }));
        Assert.False(Full.SameAs(Full with { DelayMicroseconds = 20_002 }));
        Assert.False(Full.SameAs(Full with { LossPercent = 1.01 }));
        Assert.False(Full.SameAs(Full with { RateBitsPerSecond = 100_000_008 }));
        Assert.False(Full.SameAs(Full with { JitterMicroseconds = null }));
    }

    [Fact]
    public void Show_IsTcJsonForOneDevice()
    {
        Assert.Equal("tc -j -n r1 qdisc show dev to-r2", Tc.Show("r1", "to-r2").Render());
        Assert.Equal("tc -j qdisc show", Tc.Show(null, null).Render());
    }

}
