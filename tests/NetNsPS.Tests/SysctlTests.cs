using NetNsPS.Linux;
using NetNsPS.Linux.Netlink;
using Xunit;

namespace NetNsPS.Tests;

/// <summary>Sysctl writes: rendered as `sysctl -w`, done natively in sysctl's words (only refusals are exercised here: nothing is written).</summary>
public class SysctlTests
{
    [Fact]
    public void Write_RendersAsSysctl_AndHasANativeForm()
    {
        var spec = Sysctl.Write(Sysctl.IpForward, "1");
        Assert.Equal("sysctl -w net.ipv4.ip_forward=1", spec.Render());
        Assert.NotNull(spec.Native);
        Assert.Equal(new CommandSpec("sysctl", "-w", "net.ipv4.ip_forward=1"), spec);
    }

    [Theory]
    [InlineData("net.ipv4.ip_forward", "/proc/sys/net/ipv4/ip_forward", "net.ipv4.ip_forward")]
    [InlineData("net/ipv4/conf/eth0.5/route_localnet", "/proc/sys/net/ipv4/conf/eth0.5/route_localnet", "net.ipv4.conf.eth0/5.route_localnet")]
    [InlineData("net.ipv4.conf.eth0/5.route_localnet", "/proc/sys/net/ipv4/conf/eth0.5/route_localnet", "net.ipv4.conf.eth0/5.route_localnet")]
    public void Keys_MapToFilesAndNames_AsSysctlMapsThem(string key, string path, string shown)
    {
        Assert.Equal(path, Sysctl.ProcPath(key));
        Assert.Equal(shown, Sysctl.DisplayName(key));
    }

    [Fact]
    public void NativeWrite_OfAKeyThatDoesNotExist_FailsInSysctlsWords()
    {
        var e = Assert.Throws<NativeCommandException>(() => Sysctl.WriteProc("net.ipv4.netnsps_no_such_key", "1"));
        Assert.Equal("sysctl: cannot stat /proc/sys/net/ipv4/netnsps_no_such_key: No such file or directory", e.Message);
    }

    [Fact]
    public void NativeWrite_OfADirectory_FailsInSysctlsWords()
    {
        var e = Assert.Throws<NativeCommandException>(() => Sysctl.WriteProc("net.ipv4", "1"));
        Assert.Equal("sysctl: setting key \"net.ipv4\": Invalid argument", e.Message);
    }

    [Fact]
    public void NativeRunner_ReportsANativeSysctlFailure_AsTheProgramWould()
    {
        var spawn = new FakeRunner();
        using var session = new NetlinkSession();
        var result = new NativeRunner(session, spawn).Run(Sysctl.Write("net.ipv4.netnsps_no_such_key", "1"), default);
        Assert.False(result.Succeeded);
        Assert.Equal("sysctl: cannot stat /proc/sys/net/ipv4/netnsps_no_such_key: No such file or directory", result.ErrorText);
        Assert.Empty(spawn.Ran);
    }
}
